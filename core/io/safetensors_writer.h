// Writing safetensors files and (optionally sharded) model checkpoints from torch tensors.
// Files follow the spec and the reference writer: 8-byte LE length, JSON header padded with
// spaces to a multiple of 8, __metadata__ {"format":"pt"}, tensors ordered by descending
// dtype alignment then name. Each file is written atomically (AtomicFile).
// It deliberately does not deduplicate shared storage (tied weights are written twice).
// Inputs may be non-contiguous, on any device, any supported dtype: each tensor is copied to
// contiguous CPU memory one at a time while writing. Call from the thread owning the tensors.
// Throws CheckpointError on I/O failure (disk full: temp removed, old file intact) and
// FormatError on unsupported dtypes / duplicate or invalid names.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/io/safetensors_torch.h"

namespace mmupt {

inline const std::map<std::string, std::string> kPtMetadata = {{"format", "pt"}};

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = kPtMetadata);
void save_safetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata = kPtMetadata);

struct CheckpointWriteOptions {
    // Bytes of tensor data per shard; 0 = never shard. A tensor larger than this gets a shard
    // of its own. When everything fits in one shard the result is a plain model.safetensors.
    uint64_t max_shard_bytes = 0;
    std::map<std::string, std::string> metadata = kPtMetadata;
};

// Writes `dir`/model.safetensors, or `dir`/model-0000k-of-0000n.safetensors plus
// model.safetensors.index.json ({"metadata":{"total_size":bytes},"weight_map":{...}}), in input
// order. Creates `dir`; afterwards removes files of an older layout there (a stale index,
// model.safetensors, or model-*-of-*.safetensors not written now). Returns the paths written.
std::vector<std::string> save_checkpoint(const std::string& dir, const NamedTensors& tensors,
                                         const CheckpointWriteOptions& options = {});

}  // namespace mmupt
