// Safetensors dtype <-> at::ScalarType (gated on TORCH_VERSION for types added after 1.13) and
// tensor construction from validated byte spans. Little-endian hosts only (checked in
// safetensors_file.cpp).
#include "core/io/safetensors_torch.h"

#include <ATen/Functions.h>
#include <torch/version.h>

#include <cstdint>
#include <limits>

#include "core/util/errors.h"

#define MMUPT_TORCH_AT_LEAST(major, minor) \
    (TORCH_VERSION_MAJOR > (major) ||      \
     (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace mmupt {

std::optional<at::ScalarType> to_scalar_type(StDtype d) {
    switch (d) {
        case StDtype::BOOL:
            return at::kBool;
        case StDtype::U8:
            return at::kByte;
        case StDtype::I8:
            return at::kChar;
        case StDtype::I16:
            return at::kShort;
        case StDtype::I32:
            return at::kInt;
        case StDtype::I64:
            return at::kLong;
        case StDtype::F16:
            return at::kHalf;
        case StDtype::BF16:
            return at::kBFloat16;
        case StDtype::F32:
            return at::kFloat;
        case StDtype::F64:
            return at::kDouble;
        case StDtype::C64:
            return at::kComplexFloat;
#if MMUPT_TORCH_AT_LEAST(2, 1)
        case StDtype::F8_E4M3:
            return at::ScalarType::Float8_e4m3fn;
        case StDtype::F8_E5M2:
            return at::ScalarType::Float8_e5m2;
#endif
#if MMUPT_TORCH_AT_LEAST(2, 2)
        case StDtype::F8_E4M3FNUZ:
            return at::ScalarType::Float8_e4m3fnuz;
        case StDtype::F8_E5M2FNUZ:
            return at::ScalarType::Float8_e5m2fnuz;
#endif
#if MMUPT_TORCH_AT_LEAST(2, 3)
        case StDtype::U16:
            return at::ScalarType::UInt16;
        case StDtype::U32:
            return at::ScalarType::UInt32;
        case StDtype::U64:
            return at::ScalarType::UInt64;
#endif
        default:
            return std::nullopt;
    }
}

StDtype from_scalar_type(at::ScalarType t) {
    for (int i = 0; i <= static_cast<int>(StDtype::F6_E3M2); ++i) {
        auto d = static_cast<StDtype>(i);
        if (auto s = to_scalar_type(d); s && *s == t) return d;
    }
    throw FormatError(std::string("safetensors cannot store torch dtype ") + c10::toString(t) +
                      "; convert it first (e.g. to float32 / bfloat16)");
}

at::Tensor read_tensor(const SafetensorsFile& file, const std::string& name, bool copy) {
    const TensorRecord& r = file.info(name);
    const std::string ctx = file.path() + ": tensor '" + name + "'";
    auto st = to_scalar_type(r.dtype);
    if (!st)
        throw FormatError(ctx + ": dtype " + dtype_name(r.dtype) +
                          " is not supported by libtorch " + TORCH_VERSION +
                          " (F8 needs >= 2.1, U16/U32/U64 >= 2.3); convert the checkpoint to "
                          "BF16, F16 or F32");
    std::vector<int64_t> sizes;
    for (uint64_t d : r.shape) {
        // Dims past int64 can only occur in zero-size tensors (the span bounds the rest).
        if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw FormatError(ctx + ": dimension " + std::to_string(d) + " exceeds int64");
        sizes.push_back(static_cast<int64_t>(d));
    }
    auto options = at::TensorOptions().dtype(*st).device(at::kCPU);
    const auto elem = static_cast<uint64_t>(c10::elementSize(*st));
    const unsigned char* mapped = file.mapped_data(r);
    if (!copy && mapped && r.nbytes() > 0 && file.file_offset(r) % elem == 0) {
        // The mapping is page-aligned, so an aligned file offset is an aligned address.
        auto keep = file.keep_alive();
        return at::from_blob(
            const_cast<unsigned char*>(mapped), sizes, [keep](void*) mutable { keep.reset(); },
            options);
    }
    at::Tensor t = at::empty(sizes, options);
    file.read_into(r, t.data_ptr());
    return t;
}

TensorMap load_safetensors(const std::string& path, ReadMode mode) {
    SafetensorsFile f = SafetensorsFile::open(path, mode);
    TensorMap out;
    for (const auto& r : f.header().tensors) out.emplace(r.name, read_tensor(f, r.name));
    return out;
}

TensorMap load_checkpoint(const std::string& path, ReadMode mode) {
    SafetensorsCheckpoint ck = open_checkpoint(path, mode);
    TensorMap out;
    for (const auto& [name, shard] : ck.where)
        out.emplace(name, read_tensor(ck.shards[shard], name));
    return out;
}

}  // namespace mmupt
