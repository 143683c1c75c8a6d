// "The answer is X" / "Answer: X": the text after the last such phrase, up to the end of its
// sentence or line, with $...$ and **bold** wrappers removed. Off by default (opt-in fallback).
// English phrases only; it does not try to understand the sentence.
#include <cctype>

#include "core/answer/answer_format.h"

namespace mmupt {
namespace {

std::string lower_ascii(const std::string& s) {
    std::string out = s;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim_wrappers(std::string s) {
    auto strip = [&s](const std::string& chars) {
        size_t a = s.find_first_not_of(chars);
        if (a == std::string::npos) return s.clear();
        size_t b = s.find_last_not_of(chars);
        s = s.substr(a, b - a + 1);
    };
    strip(" \t\r\n*$:");
    return s;
}

}  // namespace

std::optional<std::string> extract_answer_phrase(const std::string& response) {
    std::string low = lower_ascii(response);
    size_t best = std::string::npos, best_len = 0;
    for (const char* phrase : {"answer is", "answer:"}) {
        size_t p = low.rfind(phrase);
        std::string ph(phrase);
        if (p != std::string::npos && (best == std::string::npos || p > best)) {
            best = p;
            best_len = ph.size();
        }
    }
    if (best == std::string::npos) return std::nullopt;
    size_t start = best + best_len;
    size_t end = start;
    while (end < response.size()) {
        char c = response[end];
        if (c == '\n') break;
        // A full stop ends the sentence unless it sits inside a number ("3.5").
        if (c == '.' && (end + 1 >= response.size() ||
                         !std::isdigit(static_cast<unsigned char>(response[end + 1]))))
            break;
        ++end;
    }
    std::string answer = trim_wrappers(response.substr(start, end - start));
    if (answer.empty()) return std::nullopt;
    return answer;
}

}  // namespace mmupt
