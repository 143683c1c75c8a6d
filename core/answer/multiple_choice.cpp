// Multiple-choice options and letters (see multiple_choice.h). Byte-level scanning, ASCII letters
// only; text outside ASCII (CJK punctuation, accents) simply counts as a non-letter boundary.
#include "core/answer/multiple_choice.h"

#include <cctype>

namespace mmupt {
namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && space(s[a])) ++a;
    while (b > a && space(s[b - 1])) --b;
    return s.substr(a, b - a);
}

// Lower-case, drop spaces, `$`, `{`, `}` and the LaTeX text wrappers, for loose text matching.
std::string loose(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {  // \text, \mathrm, \textbf ... : drop the command name
            size_t j = i + 1;
            while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
            i = j - 1;
            continue;
        }
        char c = s[i];
        if (space(c) || c == '$' || c == '{' || c == '}') continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

struct Marker {
    size_t begin, end;
    char letter;
};

// "(A)", "A.", "A)", "A:" preceded by the start or a space/newline.
std::vector<Marker> find_markers(const std::string& q) {
    std::vector<Marker> out;
    for (size_t i = 0; i < q.size(); ++i) {
        bool boundary = i == 0 || space(q[i - 1]);
        if (!boundary) continue;
        if (q[i] == '(' && i + 2 < q.size() && std::isupper(static_cast<unsigned char>(q[i + 1])) &&
            q[i + 2] == ')') {
            out.push_back({i, i + 3, q[i + 1]});
        } else if (std::isupper(static_cast<unsigned char>(q[i])) && i + 1 < q.size() &&
                   (q[i + 1] == '.' || q[i + 1] == ')' || q[i + 1] == ':') &&
                   (i + 2 >= q.size() || space(q[i + 2]))) {
            out.push_back({i, i + 2, q[i]});
        }
    }
    return out;
}

}  // namespace

std::vector<ChoiceOption> parse_choice_options(const std::string& question) {
    std::vector<Marker> markers = find_markers(question);
    std::vector<Marker> chain;
    char want = 'A';
    for (const Marker& m : markers) {
        if (m.letter == want) {
            chain.push_back(m);
            ++want;
        }
    }
    if (chain.size() < 2) return {};
    std::vector<ChoiceOption> options;
    for (size_t k = 0; k < chain.size(); ++k) {
        size_t stop = k + 1 < chain.size() ? chain[k + 1].begin : question.find('\n', chain[k].end);
        if (stop == std::string::npos) stop = question.size();
        options.push_back(
            {chain[k].letter, trim(question.substr(chain[k].end, stop - chain[k].end))});
    }
    return options;
}

std::optional<char> map_to_choice(const std::string& answer,
                                  const std::vector<ChoiceOption>& options) {
    if (options.empty()) return std::nullopt;
    auto known = [&](char c) -> std::optional<char> {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (const auto& o : options)
            if (o.letter == c) return c;
        return std::nullopt;
    };
    std::string s = loose(answer);
    for (const char* word : {"option", "choice", "answer"})
        if (s.rfind(word, 0) == 0) s = s.substr(std::string(word).size());
    while (!s.empty() && (s.front() == '(' || s.front() == '[' || s.front() == ':')) s.erase(0, 1);
    while (!s.empty() && (s.back() == ')' || s.back() == ']' || s.back() == '.')) s.pop_back();
    if (s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0]))) return known(s[0]);
    // "B. 5" / "B) 5": a letter marker followed by the option text.
    std::string raw = trim(answer);
    if (raw.size() > 2 && std::isupper(static_cast<unsigned char>(raw[0])) &&
        (raw[1] == '.' || raw[1] == ')' || raw[1] == ':') && space(raw[2]))
        return known(raw[0]);
    std::optional<char> match;
    for (const auto& o : options) {
        if (o.text.empty() || loose(o.text) != loose(answer)) continue;
        if (match) return std::nullopt;  // two options with the same text: ambiguous
        match = o.letter;
    }
    return match;
}

std::optional<char> find_choice_letter(const std::string& text, char first, char last) {
    auto standalone = [&](size_t i) {
        char c = text[i];
        if (c < first || c > last) return false;
        if (i > 0 && (alnum(text[i - 1]) || text[i - 1] == '\\' || text[i - 1] == '\''))
            return false;
        return i + 1 >= text.size() || !alnum(text[i + 1]);
    };
    // 1. After the last "answer" word (a few languages), the first standalone letter nearby.
    size_t anchor = std::string::npos;
    for (const char* word : {"answer", "Answer", "ANSWER", "réponse", "Réponse", "respuesta",
                             "Respuesta", "Antwort", "答案"}) {
        size_t p = text.rfind(word);
        if (p != std::string::npos && (anchor == std::string::npos || p > anchor))
            anchor = p + std::string(word).size();
    }
    if (anchor != std::string::npos) {
        for (size_t i = anchor; i < text.size() && i < anchor + 60; ++i)
            if (standalone(i)) return text[i];
    }
    // 2. A letter opening the text: "D. because", "(B) Alina", "**C**".
    size_t i = 0;
    while (i < text.size() && (space(text[i]) || text[i] == '(' || text[i] == '*')) ++i;
    if (i < text.size() && standalone(i)) return text[i];
    // 3. The last standalone letter.
    for (size_t k = text.size(); k-- > 0;)
        if (standalone(k)) return text[k];
    return std::nullopt;
}

}  // namespace mmupt
