// The safetensors format without torch or I/O: dtype table, header parsing with the full
// validation checklist of QWEN2-VL.md §8, and header serialisation for the writer.
// It deliberately reads no files (see safetensors_file.h) and makes no tensors
// (see safetensors_torch.h), so it can be fuzzed on an in-memory buffer.
// Every function is pure and thread-safe; every failure is a FormatError naming the source
// (file path) and, where there is one, the tensor.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmupt {

// Every dtype string of the format; which of them become torch tensors is decided elsewhere.
enum class StDtype {
    BOOL,
    U8,
    I8,
    F8_E4M3,
    F8_E5M2,
    F8_E8M0,
    F8_E4M3FNUZ,
    F8_E5M2FNUZ,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    I64,
    U64,
    F64,
    C64,
    F4,
    F6_E2M3,
    F6_E3M2
};

const char* dtype_name(StDtype d);                       // "BF16"
std::optional<StDtype> parse_dtype(std::string_view s);  // nullopt for unknown strings
int dtype_bits(StDtype d);                               // 8, 16, ...; 4 and 6 for sub-byte types

inline constexpr uint64_t kMaxHeaderSize = 100'000'000;  // bytes, as the reference loader

struct TensorRecord {
    std::string name;
    StDtype dtype = StDtype::F32;
    std::vector<uint64_t> shape;  // [] is a scalar
    uint64_t begin = 0, end = 0;  // byte span relative to the data buffer, end exclusive
    uint64_t numel() const;       // product of shape (validated not to overflow)
    uint64_t nbytes() const { return end - begin; }
};

struct SafetensorsHeader {
    uint64_t header_size = 0;                     // N, the JSON length including padding
    uint64_t data_offset = 0;                     // 8 + N: where the buffer starts in the file
    uint64_t data_size = 0;                       // bytes of the buffer (file size - data_offset)
    std::vector<TensorRecord> tensors;            // sorted by begin (then end)
    std::map<std::string, std::string> metadata;  // "__metadata__", empty when absent
    // Indices into `tensors` in name order, for find(); filled by parse_header_json (or
    // index_names()). A header whose index is stale falls back to a linear scan.
    std::vector<size_t> by_name;

    const TensorRecord* find(std::string_view name) const;  // nullptr when absent; O(log n)
    void index_names();                                     // rebuilds by_name
};

// Reads N from the 8-byte prefix and checks N ≤ kMaxHeaderSize and 8 + N ≤ file_size.
uint64_t parse_header_length(const unsigned char* prefix, uint64_t file_size,
                             const std::string& source);

// Validates the JSON header text (exactly N bytes) of a file of `file_size` bytes: UTF-8, JSON
// without duplicate keys, entry shapes, dtypes, byte spans, coverage of the whole buffer.
SafetensorsHeader parse_header_json(std::string_view header, uint64_t file_size,
                                    const std::string& source);

// Both steps on a whole file held in memory (tests, fuzzing).
SafetensorsHeader parse_safetensors_buffer(const unsigned char* data, size_t size,
                                           const std::string& source);

// Bytes of a tensor of `dtype` and `shape`; throws FormatError (naming `what`) on overflow or
// when the bit count is not a whole number of bytes.
uint64_t checked_nbytes(StDtype dtype, const std::vector<uint64_t>& shape, const std::string& what);

// --- Writing ---------------------------------------------------------------------------------

struct TensorSpec {
    std::string name;
    StDtype dtype = StDtype::F32;
    std::vector<uint64_t> shape;
};

// The bytes before the buffer, i.e. the 8-byte length + JSON padded with spaces so that the
// total is a multiple of 8, and the records in write order with their offsets.
struct SafetensorsLayout {
    std::string prefix;
    std::vector<TensorRecord> records;
    uint64_t data_size = 0;
};

// Orders tensors by descending dtype alignment, then name (as the reference writer), assigns
// contiguous offsets and serialises the header. Throws FormatError on duplicate / empty /
// non-UTF-8 names, the reserved name "__metadata__", or size overflow.
SafetensorsLayout plan_safetensors(std::vector<TensorSpec> tensors,
                                   const std::map<std::string, std::string>& metadata);

// Serialises records with their given offsets (in the given order); no validation.
std::string serialize_header(const std::vector<TensorRecord>& records,
                             const std::map<std::string, std::string>& metadata);

// JSON string literal (with quotes) for UTF-8 `s`.
std::string json_quote(std::string_view s);

}  // namespace mmupt
