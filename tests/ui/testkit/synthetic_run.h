// Synthetic MM-UPT data for UI tests, the latency benchmark and README screenshots: plausible
// step metrics (reward and agreement rising, KL growing), rollout groups with votes, abstainers
// and hidden labels, small generated images, and whole run directories in the run_dir.md
// layout. SYNTHETIC: no model produced any of it.
#pragma once
#include <QString>
#include <random>

#include "core/session/session_types.h"

namespace mmupt::testkit {

StepMetrics syntheticStep(int step, int totalSteps, std::mt19937& rng);
// `index` picks the example (stable group id "train-<index>"); G responses.
RolloutGroup syntheticGroup(int step, int totalSteps, int index, int G, std::mt19937& rng);

struct SyntheticRunOptions {
    int steps = 60;
    int totalSteps = 100;  // trainer.max_steps written into config.yaml
    int groupsPerStep = 8;
    int examples = 24;  // distinct group ids cycled through
    int G = 10;
    int checkpointEvery = 20;
    bool images = true;
    unsigned seed = 7;
};
// Writes config.yaml, metrics.jsonl, samples.jsonl, train.log, images/, checkpoints/.
// Returns "" or an error.
QString writeSyntheticRun(const QString& dir, const SyntheticRunOptions& options);
// Appends steps [from, to) to an existing synthetic run's metrics.jsonl and samples.jsonl.
QString appendSyntheticSteps(const QString& dir, int from, int to,
                             const SyntheticRunOptions& options);

}  // namespace mmupt::testkit
