// Safetensors <-> libtorch: dtype mapping and loading tensors from validated files.
// Loading aliases the file mapping when the data is aligned (the tensor's deleter keeps the
// mapping alive; the mapping is private, so in-place ops never touch the file) and copies
// otherwise. It deliberately does not cast to a compute dtype or move to a device: callers do.
// Thread-safety: loads from one SafetensorsFile may run concurrently. Errors: FormatError.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/io/safetensors_file.h"

namespace mmupt {

using TensorMap = std::map<std::string, at::Tensor>;
using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// nullopt when this libtorch has no such type (F8_* before 2.1, U16/U32/U64 before 2.3, F4,
// F6_*, F8_E8M0 always).
std::optional<at::ScalarType> to_scalar_type(StDtype d);
// Throws FormatError for torch types safetensors cannot hold (e.g. ComplexDouble, QInt8).
StDtype from_scalar_type(at::ScalarType t);

// One CPU tensor. copy=true always returns memory owned by torch (no alias of the mapping).
at::Tensor read_tensor(const SafetensorsFile& file, const std::string& name, bool copy = false);

// Every tensor of one .safetensors file.
TensorMap load_safetensors(const std::string& path, ReadMode mode = ReadMode::kMmap);
// Every tensor of a checkpoint: a .safetensors file, an .index.json, or a model directory
// (index or model.safetensors); see open_checkpoint().
TensorMap load_checkpoint(const std::string& path, ReadMode mode = ReadMode::kMmap);

}  // namespace mmupt
