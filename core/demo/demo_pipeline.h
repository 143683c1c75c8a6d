// `mmupt demo`, the built-in default job: synthetic data, a small tokenizer and model, stage 1
// SFT to a base model (cached), then per seed supervised GRPO (labels) and MM-UPT (majority
// vote, no labels) from that base, each evaluated on the held-out test split. Writes every
// stage's run directory and DIR/summary.json. Core never prints: progress goes to `progress`,
// the table is returned as text. Not here: flag parsing (app/cli/commands/cmd_demo.cpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace mmupt::demo {

struct DemoOptions {
    std::string out_dir = "runs/demo";
    int seeds = 3;       // GRPO / UPT / evaluation seeds 1..seeds (one shared base model)
    bool quick = false;  // toy sizes: checks the pipeline in under 2 minutes, not the gain
    int threads = 1;     // intra-op CPU threads (1 on a shared machine)
};

// Test-split accuracies of one model (fractions in [0, 1]).
struct StageEval {
    double greedy_accuracy = 0, sampled_accuracy = 0, maj_accuracy = 0;
};

// What one UPT run looked like while training (hidden labels, diagnostics only).
struct UptTrace {
    double label_accuracy_first = 0, label_accuracy_last = 0;  // mean of the first / last steps
    double majority_ratio_first = 0, majority_ratio_last = 0;
};

struct DemoSeedResult {
    int seed = 0;
    StageEval base, upt, supervised_grpo;
    UptTrace upt_trace;
};

// Seed 1's MM-UPT at an unsafe learning rate, without and with the safeguards
// (docs/collapse.md): where the collapse alarm fired and what came out.
struct SafeguardRun {
    StageEval eval;
    int alarm_step = 0;  // first step the collapse alarm fired; 0 = never
    UptTrace trace;
};
struct SafeguardComparison {
    bool ran = false;
    double lr = 0;
    SafeguardRun without, with;
};

struct DemoResult {
    std::vector<DemoSeedResult> per_seed;
    SafeguardComparison safeguards;
    bool base_cached = false;
    double seconds = 0;
    std::string summary_path;  // DIR/summary.json
};

using DemoProgress = std::function<void(const std::string& line)>;

// Runs the whole demo on the calling thread. Throws mmupt::Error when a stage fails.
DemoResult run_demo(const DemoOptions& options, const DemoProgress& progress);

// The results table (base, +UPT, +supervised GRPO; UPT training diagnostics), for stdout.
std::string format_demo_table(const DemoResult& result);

}  // namespace mmupt::demo
