// Header serialisation for the writer: tensor order, offsets, JSON text and space padding.
// It deliberately writes nothing to disk (safetensors_writer.cpp does, atomically).
#include <algorithm>
#include <cstdio>
#include <set>

#include "core/io/json_strict.h"
#include "core/io/safetensors_format.h"
#include "core/util/errors.h"

namespace mmupt {

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

std::string serialize_header(const std::vector<TensorRecord>& records,
                             const std::map<std::string, std::string>& metadata) {
    std::string json = "{";
    if (!metadata.empty()) {
        json += "\"__metadata__\":{";
        bool first = true;
        for (const auto& [k, v] : metadata) {
            json += (first ? "" : ",") + json_quote(k) + ":" + json_quote(v);
            first = false;
        }
        json += "}";
    }
    for (const auto& r : records) {
        if (json.size() > 1) json += ",";
        json += json_quote(r.name) + ":{\"dtype\":\"" + dtype_name(r.dtype) + "\",\"shape\":[";
        for (size_t i = 0; i < r.shape.size(); ++i)
            json += (i ? "," : "") + std::to_string(r.shape[i]);
        json +=
            "],\"data_offsets\":[" + std::to_string(r.begin) + "," + std::to_string(r.end) + "]}";
    }
    json += "}";
    // Pad with spaces so the buffer starts 8-byte aligned (8 + N is a multiple of 8).
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string prefix(8, '\0');
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return prefix + json;
}

SafetensorsLayout plan_safetensors(std::vector<TensorSpec> tensors,
                                   const std::map<std::string, std::string>& metadata) {
    std::set<std::string_view> seen;
    for (const auto& t : tensors) {
        if (t.name.empty()) throw FormatError("safetensors writer: empty tensor name");
        if (t.name == "__metadata__")
            throw FormatError("safetensors writer: '__metadata__' is reserved, not a tensor name");
        if (find_invalid_utf8(t.name) != std::string_view::npos)
            throw FormatError("safetensors writer: tensor name is not valid UTF-8: " + t.name);
        if (!seen.insert(t.name).second)
            throw FormatError("safetensors writer: duplicate tensor name '" + t.name + "'");
    }
    for (const auto& [k, v] : metadata)
        if (find_invalid_utf8(k) != std::string_view::npos ||
            find_invalid_utf8(v) != std::string_view::npos)
            throw FormatError("safetensors writer: metadata '" + k + "' is not valid UTF-8");
    // Descending alignment keeps every tensor aligned to its element size, since the buffer
    // starts 8-byte aligned; ties by name make the file deterministic.
    std::sort(tensors.begin(), tensors.end(), [](const TensorSpec& a, const TensorSpec& b) {
        int ba = dtype_bits(a.dtype), bb = dtype_bits(b.dtype);
        return ba != bb ? ba > bb : a.name < b.name;
    });
    SafetensorsLayout out;
    uint64_t offset = 0;
    for (auto& t : tensors) {
        TensorRecord r;
        uint64_t nbytes =
            checked_nbytes(t.dtype, t.shape, "safetensors writer: tensor '" + t.name + "'");
        if (__builtin_add_overflow(offset, nbytes, &r.end))
            throw FormatError("safetensors writer: total size overflows 64 bits");
        r.name = std::move(t.name);
        r.dtype = t.dtype;
        r.shape = std::move(t.shape);
        r.begin = offset;
        offset = r.end;
        out.records.push_back(std::move(r));
    }
    out.data_size = offset;
    out.prefix = serialize_header(out.records, metadata);
    return out;
}

}  // namespace mmupt
