// A dry run of the self-reward before training: G samples for the first few examples and their
// vote, as samples.jsonl-style groups (step 0), without any update. The studio's "preview votes".
#pragma once
#include <atomic>
#include <vector>

#include "core/config/run_config.h"
#include "core/session/session.h"

namespace mmupt {

// Loads model.path and data.train_files, then samples and votes one image at a time: `observer`
// (may be null) hears each image's group as soon as it is voted (on_groups), progress as
// on_progress("preview", images done / images) and log lines. Stops before the next image once
// `cancel` (may be null) is set. Returns every group voted. Throws mmupt::Error.
std::vector<RolloutGroup> preview_vote_groups(const RunConfig& config, int num_examples,
                                              SessionObserver* observer,
                                              const std::atomic<bool>* cancel = nullptr);

}  // namespace mmupt
