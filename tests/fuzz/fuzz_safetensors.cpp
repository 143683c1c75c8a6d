// libFuzzer target: the torch-free safetensors header parser on an in-memory file. Besides
// crashes / sanitizer reports it checks two properties of accepted input: every tensor span
// lies inside the buffer (all bytes are read, so ASan sees any overrun), and re-serialising
// the parsed header in front of the same buffer parses back to the same records.
// It deliberately does not link torch or touch the file system.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/safetensors_format.h"
#include "core/util/errors.h"

namespace {

bool same_records(const mmupt::SafetensorsHeader& a, const mmupt::SafetensorsHeader& b) {
    if (a.tensors.size() != b.tensors.size() || a.metadata != b.metadata) return false;
    for (size_t i = 0; i < a.tensors.size(); ++i) {
        const auto &x = a.tensors[i], &y = b.tensors[i];
        if (x.name != y.name || x.dtype != y.dtype || x.shape != y.shape || x.begin != y.begin ||
            x.end != y.end)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    mmupt::SafetensorsHeader h;
    try {
        h = mmupt::parse_safetensors_buffer(data, size, "fuzz");
    } catch (const mmupt::FormatError&) {
        return 0;  // rejected cleanly: the expected outcome for most inputs
    }
    unsigned sum = 0;
    for (const auto& t : h.tensors)
        for (uint64_t i = t.begin; i < t.end; ++i) sum += data[h.data_offset + i];
    if (h.data_offset + h.data_size != size) __builtin_trap();

    std::string again = mmupt::serialize_header(h.tensors, h.metadata);
    again.append(reinterpret_cast<const char*>(data) + h.data_offset, h.data_size);
    mmupt::SafetensorsHeader h2 = mmupt::parse_safetensors_buffer(
        reinterpret_cast<const unsigned char*>(again.data()), again.size(), "fuzz-reserialised");
    if (!same_records(h, h2)) __builtin_trap();
    return static_cast<int>(sum & 0);
}
