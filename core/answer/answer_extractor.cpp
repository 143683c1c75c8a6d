// PLACEHOLDER until the answer-format registry lands (issue #2): last \boxed{} only.
#include "core/answer/answer_extractor.h"

namespace mmupt {

std::optional<std::string> extract_answer(const std::string& response, const ExtractOptions&) {
    auto pos = response.rfind("\\boxed{");
    if (pos == std::string::npos) return std::nullopt;
    size_t i = pos + 7;
    int depth = 1;
    std::string out;
    for (; i < response.size(); ++i) {
        char c = response[i];
        if (c == '{') ++depth;
        if (c == '}' && --depth == 0) break;
        out += c;
    }
    if (depth != 0 || out.empty()) return std::nullopt;
    return out;
}

}  // namespace mmupt
