// Header parsing and validation (QWEN2-VL.md §8 checklist, items 1-7) and header serialisation.
// Rules are checked in file order so the first message names the first problem; arithmetic on
// untrusted numbers goes through checked helpers. No I/O, no torch.
#include "core/io/safetensors_format.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/io/json_strict.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

struct DtypeInfo {
    StDtype dtype;
    const char* name;
    int bits;
};
constexpr std::array<DtypeInfo, 22> kDtypes = {{
    {StDtype::BOOL, "BOOL", 8},
    {StDtype::U8, "U8", 8},
    {StDtype::I8, "I8", 8},
    {StDtype::F8_E4M3, "F8_E4M3", 8},
    {StDtype::F8_E5M2, "F8_E5M2", 8},
    {StDtype::F8_E8M0, "F8_E8M0", 8},
    {StDtype::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8},
    {StDtype::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8},
    {StDtype::I16, "I16", 16},
    {StDtype::U16, "U16", 16},
    {StDtype::F16, "F16", 16},
    {StDtype::BF16, "BF16", 16},
    {StDtype::I32, "I32", 32},
    {StDtype::U32, "U32", 32},
    {StDtype::F32, "F32", 32},
    {StDtype::I64, "I64", 64},
    {StDtype::U64, "U64", 64},
    {StDtype::F64, "F64", 64},
    {StDtype::C64, "C64", 64},
    {StDtype::F4, "F4", 4},
    {StDtype::F6_E2M3, "F6_E2M3", 6},
    {StDtype::F6_E3M2, "F6_E3M2", 6},
}};

const DtypeInfo& info_of(StDtype d) {
    for (const auto& i : kDtypes)
        if (i.dtype == d) return i;
    return kDtypes[0];  // unreachable: every enumerator is in the table
}

bool checked_mul(uint64_t a, uint64_t b, uint64_t* out) {
    return !__builtin_mul_overflow(a, b, out);
}
bool checked_add(uint64_t a, uint64_t b, uint64_t* out) {
    return !__builtin_add_overflow(a, b, out);
}

std::string tensor_ctx(const std::string& source, const std::string& name) {
    return source + ": tensor '" + name + "'";
}

std::string shape_string(const std::vector<uint64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

// One header entry: {"dtype": str, "shape": [u64...], "data_offsets": [begin, end]}.
TensorRecord parse_entry(const std::string& name, const nlohmann::json& v,
                         const std::string& source) {
    const std::string ctx = tensor_ctx(source, name);
    if (!v.is_object()) throw FormatError(ctx + ": entry is not a JSON object");
    for (const auto& [key, _] : v.items())
        if (key != "dtype" && key != "shape" && key != "data_offsets")
            throw FormatError(ctx + ": unexpected key '" + key +
                              "' (expected dtype, shape, data_offsets)");
    TensorRecord r;
    r.name = name;
    auto dt = v.find("dtype");
    if (dt == v.end() || !dt->is_string()) throw FormatError(ctx + ": missing string 'dtype'");
    auto parsed = parse_dtype(dt->get_ref<const std::string&>());
    if (!parsed)
        throw FormatError(ctx + ": unknown dtype '" + dt->get<std::string>() +
                          "' (expected BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64, ...)");
    r.dtype = *parsed;
    auto sh = v.find("shape");
    if (sh == v.end() || !sh->is_array()) throw FormatError(ctx + ": missing array 'shape'");
    for (const auto& d : *sh) {
        if (!d.is_number_unsigned())
            throw FormatError(ctx + ": shape " + sh->dump() +
                              " must hold non-negative integers only");
        r.shape.push_back(d.get<uint64_t>());
    }
    auto off = v.find("data_offsets");
    if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
        !(*off)[1].is_number_unsigned())
        throw FormatError(ctx +
                          ": 'data_offsets' must be exactly [begin, end] (non-negative "
                          "integers)");
    r.begin = (*off)[0].get<uint64_t>();
    r.end = (*off)[1].get<uint64_t>();
    if (r.end < r.begin)
        throw FormatError(ctx + ": data_offsets [" + std::to_string(r.begin) + ", " +
                          std::to_string(r.end) + "] end before begin");
    uint64_t want = checked_nbytes(r.dtype, r.shape, ctx);
    if (r.end - r.begin != want)
        throw FormatError(ctx + ": byte span " + std::to_string(r.end - r.begin) +
                          " does not match shape " + shape_string(r.shape) + " x " +
                          dtype_name(r.dtype) + " = " + std::to_string(want) + " bytes");
    return r;
}

std::map<std::string, std::string> parse_metadata(const nlohmann::json& v,
                                                  const std::string& source) {
    if (!v.is_object()) throw FormatError(source + ": '__metadata__' must be an object of strings");
    std::map<std::string, std::string> out;
    for (const auto& [key, val] : v.items()) {
        if (!val.is_string())
            throw FormatError(source + ": '__metadata__' value of '" + key + "' is not a string (" +
                              val.dump() + ")");
        out[key] = val.get<std::string>();
    }
    return out;
}

// Items 4 and 6: sorted spans tile the buffer exactly, without holes or overlaps.
void check_coverage(const std::vector<TensorRecord>& sorted, uint64_t data_size,
                    const std::string& source) {
    uint64_t expected = 0;
    const TensorRecord* prev = nullptr;
    for (const auto& r : sorted) {
        if (r.begin != expected) {
            std::string what = r.begin < expected ? "overlaps" : "leaves a hole after";
            throw FormatError(tensor_ctx(source, r.name) + ": data_offsets begin " +
                              std::to_string(r.begin) + " " + what + " " +
                              (prev ? "tensor '" + prev->name + "'" : "the buffer start") +
                              " (expected " + std::to_string(expected) + ")");
        }
        expected = r.end;
        prev = &r;
    }
    if (expected > data_size)
        throw FormatError(tensor_ctx(source, prev->name) + ": data_offsets end " +
                          std::to_string(expected) + " is past the end of the file (buffer holds " +
                          std::to_string(data_size) + " bytes; truncated file?)");
    if (expected != data_size)
        throw FormatError(source + ": tensors cover " + std::to_string(expected) + " of the " +
                          std::to_string(data_size) +
                          " buffer bytes (trailing bytes not described by the header)");
}

}  // namespace

const char* dtype_name(StDtype d) { return info_of(d).name; }
int dtype_bits(StDtype d) { return info_of(d).bits; }

std::optional<StDtype> parse_dtype(std::string_view s) {
    for (const auto& i : kDtypes)
        if (s == i.name) return i.dtype;
    return std::nullopt;
}

uint64_t TensorRecord::numel() const {
    uint64_t n = 1;
    for (uint64_t d : shape)
        if (!checked_mul(n, d, &n)) return UINT64_MAX;
    return n;
}

void SafetensorsHeader::index_names() {
    by_name.resize(tensors.size());
    for (size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [this](size_t a, size_t b) { return tensors[a].name < tensors[b].name; });
}

// Binary search over by_name: callers look up every tensor by name (inspect, loading), which was
// quadratic in the tensor count with a scan (1M tensors: minutes).
const TensorRecord* SafetensorsHeader::find(std::string_view name) const {
    if (by_name.size() != tensors.size()) {
        for (const auto& t : tensors)
            if (t.name == name) return &t;
        return nullptr;
    }
    auto it =
        std::lower_bound(by_name.begin(), by_name.end(), name,
                         [this](size_t i, std::string_view n) { return tensors[i].name < n; });
    if (it == by_name.end() || tensors[*it].name != name) return nullptr;
    return &tensors[*it];
}

uint64_t checked_nbytes(StDtype dtype, const std::vector<uint64_t>& shape,
                        const std::string& what) {
    uint64_t bits = static_cast<uint64_t>(dtype_bits(dtype));
    for (uint64_t d : shape)
        if (!checked_mul(bits, d, &bits))
            throw FormatError(what + ": shape " + shape_string(shape) + " x " + dtype_name(dtype) +
                              " overflows 64-bit byte count");
    if (bits % 8 != 0)
        throw FormatError(what + ": shape " + shape_string(shape) + " x " + dtype_name(dtype) +
                          " is not a whole number of bytes");
    return bits / 8;
}

uint64_t parse_header_length(const unsigned char* prefix, uint64_t file_size,
                             const std::string& source) {
    if (file_size < 8)
        throw FormatError(source + ": file is " + std::to_string(file_size) +
                          " bytes, too short for the 8-byte header length (not safetensors?)");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | prefix[i];  // little-endian
    if (n > kMaxHeaderSize)
        throw FormatError(source + ": header length " + std::to_string(n) + " exceeds the " +
                          std::to_string(kMaxHeaderSize) + "-byte limit (not safetensors?)");
    uint64_t end = 0;
    if (!checked_add(n, 8, &end) || end > file_size)
        throw FormatError(source + ": header length " + std::to_string(n) +
                          " runs past the end of the " + std::to_string(file_size) +
                          "-byte file (truncated?)");
    return n;
}

SafetensorsHeader parse_header_json(std::string_view text, uint64_t file_size,
                                    const std::string& source) {
    SafetensorsHeader h;
    h.header_size = text.size();
    h.data_offset = 8 + text.size();
    if (h.data_offset > file_size)
        throw FormatError(source + ": header runs past the end of the file");
    h.data_size = file_size - h.data_offset;
    if (text.empty() || text.front() != '{')
        throw FormatError(source + ": header does not start with '{' (not safetensors?)");
    nlohmann::json doc = parse_json_strict(text, source + ": header", /*max_depth=*/4);
    if (!doc.is_object()) throw FormatError(source + ": header is not a JSON object");
    for (const auto& [key, value] : doc.items()) {
        if (key == "__metadata__")
            h.metadata = parse_metadata(value, source);
        else
            h.tensors.push_back(parse_entry(key, value, source));
    }
    std::stable_sort(h.tensors.begin(), h.tensors.end(), [](const auto& a, const auto& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    check_coverage(h.tensors, h.data_size, source);
    h.index_names();
    return h;
}

SafetensorsHeader parse_safetensors_buffer(const unsigned char* data, size_t size,
                                           const std::string& source) {
    uint64_t n = parse_header_length(data, size, source);
    std::string_view text(reinterpret_cast<const char*>(data) + 8, static_cast<size_t>(n));
    return parse_header_json(text, size, source);
}

}  // namespace mmupt
