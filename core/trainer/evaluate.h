// Evaluation of a model on a labelled dataset, used before and after training (`mmupt eval`,
// the built-in demo, trainer.val_every): greedy accuracy, sampled accuracy (mean over G
// samples), maj@G (the majority answer of G samples vs the label), pass@G, and per-item results.
// Examples without a label count in the vote statistics only. Not here: training, reporting.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/data/dataset.h"
#include "core/model/model_dir.h"

namespace mmupt {

struct EvalOptions {
    int num_samples = 8;  // G for sampled accuracy / maj@G; 0 = greedy only
    double temperature = 0.7;
    double top_p = 1.0;
    int max_new_tokens = 512;
    uint64_t seed = 1;
    int batch_size = 8;  // prompts per generation call
    int max_items = 0;   // 0 = all
};

struct EvalItem {
    std::string id;
    std::string question;
    std::optional<std::string> label;
    std::string greedy_response;
    std::optional<std::string> greedy_answer;
    bool greedy_correct = false;
    std::vector<std::optional<std::string>> sampled_answers;  // (G)
    int sampled_correct = 0;
    std::optional<std::string> majority_answer;
    double majority_ratio = 0.0;
    bool majority_correct = false;
};

struct EvalResult {
    int items = 0, labelled = 0;
    double greedy_accuracy = 0, sampled_accuracy = 0, majority_accuracy = 0, pass_at_g = 0;
    double mean_majority_ratio = 0, no_answer_rate = 0;  // over sampled answers, label-free
    int num_samples = 0;                                 // G
    long long generated_tokens = 0;
    double seconds = 0;
    std::vector<EvalItem> per_item;
};

using EvalProgress = std::function<void(int done, int total)>;

// Runs on the calling thread (which owns `model`). Throws DataError / ModelError.
EvalResult evaluate(VlmModel& model, const ModelDir& dir, const std::vector<Example>& examples,
                    const DataConfig& data, const EvalOptions& options,
                    const EvalProgress& progress = {});
// Loads `model_dir` on `device` ("auto", "cpu", "cuda:N") and the data files, then evaluate().
EvalResult evaluate_model_dir(const std::string& model_dir, const std::vector<std::string>& files,
                              const DataConfig& data, const EvalOptions& options,
                              const std::string& device = "auto",
                              const EvalProgress& progress = {});

nlohmann::json to_json(const EvalItem& item);
nlohmann::json summary_json(const EvalResult& result);  // everything but per_item

}  // namespace mmupt
