// Refusing a distributed run whose ranks would train different things: at start every rank
// hands a digest of its resolved config and of its model files to the store, and each compares
// them with rank 0's. Torch-free apart from DistGroup.
#pragma once
#include <string>

#include "core/config/run_config.h"
#include "core/dist/process_group.h"

namespace mmupt {

// FNV-1a 64 of the resolved config (as config.yaml would hold it), without model.device, which
// each rank resolves to its own GPU. Hex.
std::string config_digest(const RunConfig& config);

// Digest of a model / checkpoint directory: every regular file's relative name and size, the
// whole content of files under 2 MiB and the first and last MiB of larger ones (weights of
// several GB are not read in full at every start). Hex; DistError when `dir` cannot be listed.
std::string model_files_digest(const std::string& dir);

// Exchanges both digests; DistError naming the first rank that differs from rank 0 and in what.
void check_same_run(DistGroup& group, const std::string& config_hex, const std::string& model_hex,
                    const std::string& model_dir);

}  // namespace mmupt
