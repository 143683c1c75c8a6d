// \boxed{...} and \fbox{...}: the content of the last one, braces balanced (nested braces fine,
// `\boxed {x}` too). An unbalanced or empty last box means "no answer"; it is never repaired.
// One linear pass with a brace-depth counter, so 1 MB responses and deep nesting are cheap.
#include <cstring>

#include "core/answer/answer_format.h"

namespace mmupt {
namespace {

// Length of the box command starting at text[i] ("\boxed" or "\fbox"), or 0.
size_t box_command_at(const std::string& text, size_t i) {
    static const char* const kNames[] = {"\\boxed", "\\fbox"};
    for (const char* name : kNames) {
        size_t n = std::strlen(name);
        if (text.compare(i, n, name) != 0) continue;
        char next = i + n < text.size() ? text[i + n] : '\0';
        bool letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
        if (!letter) return n;  // "\boxedx" is another command
    }
    return 0;
}

struct Scan {
    std::vector<BoxSpan> boxes;
    bool last_unbalanced = false;
};

Scan scan_boxes(const std::string& text) {
    Scan scan;
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '\\') {
            ++i;
            continue;
        }
        // "\\boxed" (a doubly escaped backslash, as in JSON-dumped text) is a box too.
        if (i + 1 < text.size() && text[i + 1] == '\\' && box_command_at(text, i + 1)) ++i;
        size_t n = box_command_at(text, i);
        if (n == 0) {
            i += 2;  // skip "\x" so that "\{" is never read as a brace
            continue;
        }
        size_t j = i + n;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j >= text.size() || text[j] != '{') {
            i = j;
            continue;
        }
        int depth = 0;
        size_t k = j;
        for (; k < text.size(); ++k) {
            char c = text[k];
            if (c == '\\') {
                ++k;  // escaped character, e.g. \{ or \}
                continue;
            }
            if (c == '{') ++depth;
            if (c == '}' && --depth == 0) break;
        }
        if (k >= text.size()) {
            scan.last_unbalanced = true;  // never closes: nothing after it can be balanced
            return scan;
        }
        scan.boxes.push_back({i, k + 1, text.substr(j + 1, k - j - 1)});
        i = k + 1;
    }
    return scan;
}

}  // namespace

std::vector<BoxSpan> find_boxes(const std::string& text) { return scan_boxes(text).boxes; }

bool last_box_unbalanced(const std::string& text) { return scan_boxes(text).last_unbalanced; }

std::optional<std::string> extract_boxed(const std::string& response) {
    Scan scan = scan_boxes(response);
    if (scan.last_unbalanced || scan.boxes.empty()) return std::nullopt;
    std::string content = scan.boxes.back().content;
    // A box directly wrapping another box ("\boxed{\boxed{5}}") holds the inner answer.
    for (int guard = 0; guard < 8; ++guard) {
        auto inner = find_boxes(content);
        if (inner.size() != 1 || inner[0].begin != 0 || inner[0].end != content.size()) break;
        content = inner[0].content;
    }
    size_t a = content.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return std::nullopt;
    size_t b = content.find_last_not_of(" \t\r\n");
    return content.substr(a, b - a + 1);
}

}  // namespace mmupt
