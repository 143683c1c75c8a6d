// libFuzzer target: the self-reward path of `mmupt vote` on one input line. A JSON line
// {"responses": [...], "question"?: "..."} is read as the CLI reads it; any other input is split
// at 0x1F bytes into up to 8 raw responses. Then: answer extraction, majority vote with the
// grader's equivalence, grade() on the first two responses, normalisation and answer location.
// Checks beyond "no crash / sanitizer report / timeout": identical answers always cluster
// together, and extraction and grading never throw (their contract).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/answer/answer_extractor.h"
#include "core/grading/answer_locator.h"
#include "core/grading/grader.h"
#include "core/grading/latex_normalizer.h"
#include "core/reward/majority_vote.h"

namespace {

std::vector<std::string> responses_of(const std::string& text, std::string& question) {
    std::vector<std::string> out;
    const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("responses") && j["responses"].is_array()) {
        for (const auto& r : j["responses"])
            if (r.is_string() && out.size() < 16) out.push_back(r.get<std::string>());
        if (j.contains("question") && j["question"].is_string())
            question = j["question"].get<std::string>();
        return out;
    }
    size_t start = 0;
    while (out.size() < 8) {
        size_t sep = text.find('\x1f', start);
        out.push_back(text.substr(start, sep == std::string::npos ? sep : sep - start));
        if (sep == std::string::npos) break;
        start = sep + 1;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string question;
    const std::vector<std::string> responses = responses_of(text, question);
    if (responses.empty()) return 0;
    mmupt::ExtractOptions extract;
    extract.question = question;
    extract.last_number_fallback = !responses[0].empty() && (responses[0][0] & 1);
    std::vector<std::optional<std::string>> answers;
    for (const auto& r : responses) answers.push_back(mmupt::extract_answer(r, extract));
    mmupt::VoteResult v = mmupt::majority_vote(0, answers, {});
    for (size_t i = 0; i < answers.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            if (answers[i] && answers[k] && !answers[i]->empty() && *answers[i] == *answers[k] &&
                v.cluster_of[i] != v.cluster_of[k])
                __builtin_trap();  // the same text must vote for the same cluster
    const std::string& a = responses[0];
    const std::string& b = responses.size() > 1 ? responses[1] : responses[0];
    (void)mmupt::grade(a, b);
    (void)mmupt::answers_equivalent(a, b);
    (void)mmupt::normalize_answer(a);
    (void)mmupt::locate_answer(a);
    return 0;
}
