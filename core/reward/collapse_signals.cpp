// Collapse signals of one step (collapse_signals.h).
#include "core/reward/collapse_signals.h"

#include <algorithm>
#include <cmath>

#include "core/answer/answer_format.h"
#include "core/answer/multiple_choice.h"
#include "core/grading/number_parser.h"

namespace mmupt {
namespace {

// Cluster index per answer, clusters in order of first appearance (as the vote does).
std::vector<int> cluster_answers(const std::vector<std::string>& answers,
                                 const EquivalenceFn& equivalent, std::vector<int>& sizes) {
    std::vector<std::string> reps;
    std::vector<int> of;
    for (const std::string& a : answers) {
        int found = -1;
        for (size_t k = 0; k < reps.size() && found < 0; ++k)
            if (equivalent(a, reps[k])) found = static_cast<int>(k);
        if (found < 0) {
            found = static_cast<int>(reps.size());
            reps.push_back(a);
            sizes.push_back(0);
        }
        ++sizes[static_cast<size_t>(found)];
        of.push_back(found);
    }
    return of;
}

}  // namespace

CollapseSignals compute_collapse_signals(const std::vector<PromptVote>& prompts,
                                         const std::vector<std::optional<bool>>& contradictions,
                                         const EquivalenceFn& equivalent) {
    const double nan = std::nan("");
    CollapseSignals s;
    std::vector<std::string> answers, images;
    for (const PromptVote& p : prompts)
        if (p.majority_answer) answers.push_back(*p.majority_answer), images.push_back(p.image_key);
    s.prompts_with_majority = static_cast<int>(answers.size());
    std::vector<int> sizes;
    const std::vector<int> of = cluster_answers(answers, equivalent, sizes);
    if (answers.empty()) {
        s.answer_entropy = s.distinct_share = nan;
    } else {
        const double n = static_cast<double>(answers.size());
        for (int c : sizes) s.answer_entropy -= (c / n) * std::log2(c / n);
        s.answer_entropy = std::max(0.0, s.answer_entropy);  // no -0 for a single answer
        s.distinct_share = static_cast<double>(sizes.size()) / n;
    }
    // Pairs of prompts that show different images: the same answer for both is only expected as
    // often as the labels themselves coincide, so a rise means answers stopped following images.
    long long pairs = 0, same = 0;
    for (size_t i = 0; i < answers.size(); ++i)
        for (size_t j = i + 1; j < answers.size(); ++j) {
            if (images[i] == images[j]) continue;
            ++pairs;
            same += of[i] == of[j];
        }
    s.same_answer_rate = pairs ? static_cast<double>(same) / static_cast<double>(pairs) : nan;
    int contradicting = 0;
    for (const auto& c : contradictions)
        if (c) ++s.checkable_responses, contradicting += *c;
    s.contradiction_rate =
        s.checkable_responses ? double(contradicting) / double(s.checkable_responses) : nan;
    return s;
}

std::optional<bool> contradicts_reasoning(const std::string& response,
                                          const std::string& question) {
    const std::vector<BoxSpan> boxes = find_boxes(response);
    if (boxes.empty()) return std::nullopt;
    const BoxSpan& box = boxes.back();
    const std::string reasoning = response.substr(0, box.begin);
    // A plain number in the box against the last number of the reasoning.
    if (auto boxed = parse_number(box.content)) {
        const auto last = extract_last_number(reasoning);
        if (!last) return std::nullopt;
        const auto said = parse_number(*last);
        if (!said) return std::nullopt;
        return std::fabs(*boxed - *said) > 1e-9 * std::max(1.0, std::fabs(*said));
    }
    // A choice letter in the box against the letter the reasoning names.
    const std::vector<ChoiceOption> options = parse_choice_options(question);
    if (options.empty()) return std::nullopt;
    const auto boxed = map_to_choice(box.content, options);
    if (!boxed) return std::nullopt;
    const auto said = find_choice_letter(reasoning, options.front().letter, options.back().letter);
    if (!said) return std::nullopt;
    return *said != *boxed;
}

}  // namespace mmupt
