// format score: the boxed-answer check, independent of the question's options and fallbacks.
#include "core/reward/functions/format_reward.h"

#include "core/answer/answer_extractor.h"

namespace mmupt {

double format_score(const std::string& response) {
    return extract_answer(response, ExtractOptions{}).has_value() ? 1.0 : 0.0;
}

std::vector<double> format_scores(const std::vector<std::string>& responses, int g) {
    std::vector<double> out;
    for (int i = 0; i < g && i < static_cast<int>(responses.size()); ++i)
        out.push_back(format_score(responses[i]));
    return out;
}

}  // namespace mmupt
