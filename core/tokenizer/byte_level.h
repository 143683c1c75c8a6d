// The GPT-2 byte-level alphabet (QWEN2-VL.md §7.4): each of the 256 byte values maps to one
// printable code point, so vocab strings can hold arbitrary bytes. Bytes 0x21-0x7E, 0xA1-0xAC and
// 0xAE-0xFF map to themselves; the other 68, in increasing order, to U+0100, U+0101, ...
// Deliberately only the alphabet: splitting is in pre_tokenizer.h, merging in bpe_model.h.
#pragma once
#include <string>
#include <string_view>

namespace mmupt {

// The code point byte `b` maps to.
char32_t byte_to_unicode(unsigned char b);

// Appends the byte-level form (UTF-8 of the mapped code points) of raw `bytes` to `out`.
void append_byte_level(std::string_view bytes, std::string& out);
inline std::string to_byte_level(std::string_view bytes) {
    std::string out;
    append_byte_level(bytes, out);
    return out;
}

// Inverse: appends the raw bytes of a byte-level string. Returns false and leaves `out`
// unchanged when some character is outside the alphabet (e.g. an added token's content),
// or when `text` is not valid UTF-8.
bool append_raw_bytes(std::string_view byte_level_text, std::string& out);

}  // namespace mmupt
