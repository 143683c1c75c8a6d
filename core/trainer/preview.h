// A dry run of the self-reward before training: G samples for the first few examples and their
// vote, as samples.jsonl-style groups (step 0), without any update. The studio's "preview votes".
#pragma once
#include <vector>

#include "core/config/run_config.h"
#include "core/session/session.h"

namespace mmupt {

// Loads model.path and data.train_files; `observer` (may be null) hears log lines. Throws
// mmupt::Error.
std::vector<RolloutGroup> preview_vote_groups(const RunConfig& config, int num_examples,
                                              SessionObserver* observer);

}  // namespace mmupt
