// Strict JSON parsing for on-disk formats (safetensors headers, index files): valid UTF-8,
// no duplicate keys at any depth, bounded nesting. Torch-free.
// It deliberately does not interpret the document; callers check its shape.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mmupt {

// Returns the first invalid byte offset of `text`, or npos when it is well-formed UTF-8
// (no overlongs, no surrogates, nothing above U+10FFFF).
size_t find_invalid_utf8(std::string_view text);

// Parses `text` as one JSON value. nlohmann keeps the last of duplicate keys silently; this
// detects them. Throws FormatError "<source>: ..." on invalid UTF-8, a syntax error, a
// duplicate key (named) or nesting deeper than `max_depth`.
nlohmann::json parse_json_strict(std::string_view text, const std::string& source,
                                 int max_depth = 8);

}  // namespace mmupt
