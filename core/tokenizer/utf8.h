// UTF-8 helpers the tokenizer needs: lossy repair of ill-formed input (maximal-subpart
// replacement with U+FFFD, as Rust's String::from_utf8_lossy and WHATWG TextDecoder do), the
// length of the longest complete prefix (for streaming decode) and code point appending.
// Deliberately no case mapping, normalisation or property tables (see normalizer.h, ICU).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmupt {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Appends `s` to `out`, replacing each maximal ill-formed subpart by U+FFFD (EF BF BD).
void append_utf8_lossy(std::string_view s, std::string& out);
inline std::string utf8_lossy(std::string_view s) {
    std::string out;
    append_utf8_lossy(s, out);
    return out;
}

// Length of the longest prefix of `s` that does not end inside an incomplete (but so far valid)
// multi-byte sequence. Streaming decoders emit this prefix and keep the tail for the next call.
std::size_t utf8_complete_prefix(std::string_view s);

// Appends code point `cp` (must be a scalar value: <= 0x10FFFF, not a surrogate) as UTF-8.
void append_utf8(char32_t cp, std::string& out);

}  // namespace mmupt
