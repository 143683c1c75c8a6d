// libFuzzer target: model.safetensors.index.json parsing (strict JSON, weight_map shape, shard
// file-name rules). Accepted shard names must be plain basenames; anything else is a bug.
// It deliberately opens no shards (that path is covered by the header target and unit tests).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/io/safetensors_file.h"
#include "core/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        mmupt::SafetensorsIndex idx = mmupt::parse_safetensors_index(text, "fuzz-index");
        for (const auto& f : idx.files)
            if (f.empty() || f.find('/') != f.npos || f.find("..") != f.npos) __builtin_trap();
    } catch (const mmupt::FormatError&) {
    }
    return 0;
}
