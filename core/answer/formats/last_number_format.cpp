// The last number in the text ("... so 12 apples" -> "12"): optional sign, thousands commas,
// decimals. A number glued to an ASCII letter ("AZYUK2A", "x2") is not a number. Off by default.
// It does not evaluate expressions or read number words ("twelve").
#include <cctype>

#include "core/answer/answer_format.h"

namespace mmupt {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::optional<std::string> extract_last_number(const std::string& text) {
    std::optional<std::string> last;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            ++i;
            continue;
        }
        size_t start = i;
        if (start > 0 && text[start - 1] == '.') --start;  // ".5"
        bool glued = start > 0 && (is_ascii_alpha(text[start - 1]) || text[start - 1] == '_');
        if (start > 0 && text[start - 1] == '-') --start;
        size_t j = i;
        while (j < text.size()) {
            if (is_digit(text[j])) {
                ++j;
            } else if ((text[j] == '.' || text[j] == ',') && j + 1 < text.size() &&
                       is_digit(text[j + 1])) {
                ++j;
            } else {
                break;
            }
        }
        if (!glued) last = text.substr(start, j - start);
        i = j;
    }
    return last;
}

}  // namespace mmupt
