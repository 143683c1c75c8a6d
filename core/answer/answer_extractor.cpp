// extract_answer: tries the enabled answer formats in registry order (boxed, then the opt-in
// "answer is" phrase and last-number fallbacks) and maps multiple-choice answers to letters.
// It never normalises the answer text: equivalence is the grader's job (core/grading/).
#include "core/answer/answer_extractor.h"

#include "core/answer/answer_format.h"
#include "core/answer/multiple_choice.h"

namespace mmupt {

const std::vector<AnswerFormat>& answer_formats() {
    static const std::vector<AnswerFormat> formats = {
        {"boxed", &extract_boxed},
        {"answer_phrase", &extract_answer_phrase},
        {"last_number", &extract_last_number},
    };
    return formats;
}

namespace {

bool enabled(const std::string& name, const ExtractOptions& options) {
    if (name == "boxed") return true;
    if (name == "answer_phrase") return options.answer_phrase_fallback;
    if (name == "last_number") return options.last_number_fallback;
    return false;
}

}  // namespace

std::optional<std::string> extract_answer(const std::string& response,
                                          const ExtractOptions& options) {
    try {
        std::optional<std::string> answer;
        for (const auto& format : answer_formats()) {
            if (!enabled(format.name, options)) continue;
            answer = format.extract(response);
            if (answer) break;
            // An unbalanced final box is a broken answer, not a reason to guess from the prose.
            if (std::string(format.name) == "boxed" && last_box_unbalanced(response))
                return std::nullopt;
        }
        if (!answer) return std::nullopt;
        if (!options.question.empty()) {
            auto choices = parse_choice_options(options.question);
            if (auto letter = map_to_choice(*answer, choices)) return std::string(1, *letter);
        }
        return answer;
    } catch (...) {  // std::bad_alloc on absurd inputs: treat as "no answer"
        return std::nullopt;
    }
}

}  // namespace mmupt
