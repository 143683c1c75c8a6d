// Plain value types that cross the engine/UI boundary: step metrics, rollout groups with their
// votes, checkpoints, run state. No torch, no Qt: the GUI, the CLI and the run-directory files
// (metrics.jsonl, samples.jsonl) all speak these.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/log.h"

namespace mmupt {

// One line of metrics.jsonl: `step` plus named scalars ("reward/mean", "vote/majority_ratio",
// "actor/kl_loss", "timing_s/step", ...). Keys follow the run-directory contract (docs/run_dir.md).
struct StepMetrics {
    int step = 0;
    double wall_time_s = 0.0;  // seconds since the run started (for a time x axis)
    std::map<std::string, double> values;
};

// One sampled response inside a rollout group.
struct SampledResponse {
    std::string text;
    std::optional<std::string> answer;  // extracted answer; nullopt = abstained
    int cluster = -1;                   // index into RolloutGroup::clusters, -1 when abstained
    double reward = 0.0;
    int num_tokens = 0;
    bool truncated = false;  // hit max_new_tokens without a stop token
    // The boxed answer differs from the last number / choice of the response's own reasoning;
    // nullopt when the format does not allow the check (collapse_signals.h).
    std::optional<bool> contradicts_reasoning;
};

// Answers that the grader judged equivalent; `answer` is the first member's answer.
struct AnswerCluster {
    std::string answer;
    std::vector<int> members;  // response indices, ascending
};

// One prompt's G samples and their vote: one line of samples.jsonl.
struct RolloutGroup {
    int step = 0;
    std::string group_id;  // stable across steps for the same example (dataset id)
    std::string image_path;
    std::string question;
    std::vector<SampledResponse> responses;
    std::vector<AnswerCluster> clusters;
    std::optional<int> majority_index;  // first member of the majority cluster; nullopt if none
    double majority_ratio = 0.0;        // majority size / G (abstainers count in G)
    std::optional<std::string> label;   // hidden label when the dataset has one (never rewarded)
};

struct CheckpointInfo {
    int step = 0;
    std::string path;                       // run_dir/checkpoints/step-N
    std::map<std::string, double> metrics;  // metrics of that step at save time
};

enum class RunState { idle, starting, running, paused, stopping, finished, failed, cancelled };
const char* run_state_name(RunState state);

struct RunFinished {
    RunState state = RunState::finished;  // finished, failed or cancelled
    std::string message;                  // the error for `failed`
    int last_step = 0;
    std::string run_dir;
    bool interrupted = false;  // `finished` by a stop before the last step (status.json says so)
};

// What a model directory holds, for the setup form (validated on pick).
struct ModelSummary {
    std::string path;
    std::string architecture;  // "Qwen2VLForConditionalGeneration", ...
    std::string model_type;    // "qwen2_vl" | "qwen2_5_vl"
    long long num_parameters = 0;
    std::string dtype;                 // as stored, e.g. "bfloat16"
    double estimated_memory_gb = 0.0;  // predicted peak, full training (plan_training_memory)
    std::vector<std::string> warnings;
};

// What a dataset holds, for the setup form.
struct DatasetSummary {
    std::string path;
    int examples = 0;
    int images_ok = 0;
    int images_skipped = 0;  // missing, corrupt or oversized
    int labelled = 0;        // examples carrying a hidden answer
    std::vector<std::string> warnings;
    std::vector<std::string> first_image_paths;  // for thumbnails
};

}  // namespace mmupt
