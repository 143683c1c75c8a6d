// Lean weight loading: checks a checkpoint's names / shapes / dtypes against the parameters from
// the headers alone, then streams each tensor into its parameter shard by shard. Where the
// parameter is on the CPU in the file's dtype the parameter *becomes* the mapped bytes (no copy);
// otherwise bytes are converted into the preallocated parameter in chunks of at most
// kWeightChunkBytes and the mapped pages are dropped behind each chunk, so resident memory stays
// near the model's own size. Not here: names (weight_names.h), files (core/io).
//
// Ownership of aliased parameters: the parameter's storage holds SafetensorsFile::keep_alive(),
// so the mapping lives as long as any parameter uses it, whoever closed the checkpoint. The
// mapping is MAP_PRIVATE: training writes copy the touched pages (the file never changes).
// Trap: another program truncating or rewriting the file *in place* while it is mapped (our own
// writers replace files by rename, which is safe) raises SIGBUS or changes unwritten weights;
// pass WeightLoadOptions::alias_mapped = false to copy instead.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/io/safetensors_file.h"
#include "core/model/weight_names.h"

namespace mmupt {

// Source bytes converted per step: bounds the temporaries and the resident mapped pages.
inline constexpr int64_t kWeightChunkBytes = 64LL << 20;

// What a loader knows about one checkpoint tensor before reading its bytes.
struct WeightEntry {
    std::string source_name;  // the checkpoint's key (any prefix layout)
    std::vector<int64_t> sizes;
    at::ScalarType dtype = at::kFloat;
};

// Canonicalises `entries`' names and checks them against `params` (canonical name ->
// parameter): a name in two layouts, missing / unexpected weights, shapes, non-float dtypes.
// Returns canonical name -> entry for every weight to load (a tied model's lm_head.weight is
// returned under "lm_head.weight" for the caller to compare, not to load).
// Throws ModelError naming the weight.
std::map<std::string, WeightEntry> check_weight_entries(
    const std::map<std::string, at::Tensor>& params, const std::vector<WeightEntry>& entries,
    bool tied_head, const WeightLoadOptions& options);

// Copies `src` (CPU or param's device, any float dtype, param's numel, contiguous) into `param`
// in chunks of <= kWeightChunkBytes of src, converting dtype / device per chunk; with
// `check_finite` a NaN / Inf throws ModelError naming `name`. After each chunk,
// `after_chunk(begin, end)` gets the src byte range just consumed (to release its pages).
void copy_weight_chunked(const at::Tensor& param, const at::Tensor& src, const std::string& name,
                         bool check_finite,
                         const std::function<void(uint64_t, uint64_t)>& after_chunk = {},
                         int64_t chunk_bytes = kWeightChunkBytes);

struct WeightLoadStats {
    int64_t tensors = 0;
    int64_t aliased_bytes = 0;  // parameters now backed by the mapped file (no copy)
    int64_t copied_bytes = 0;   // file bytes converted / copied into parameters
};

// Loads every weight of `checkpoint` into `params`, shard by shard in file order. All checks
// that need no data run first; a NaN / Inf found while streaming throws with some parameters
// already replaced (load_model then discards the model). Throws ModelError / FormatError.
WeightLoadStats load_checkpoint_weights(const std::map<std::string, at::Tensor>& params,
                                        const SafetensorsCheckpoint& checkpoint, bool tied_head,
                                        const WeightLoadOptions& options);

}  // namespace mmupt
