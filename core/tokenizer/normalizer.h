// Unicode NFC normalisation of UTF-8 text (the Qwen2 tokenizer's only normalizer), through ICU.
// Fast path: text whose bytes are all below 0xCC (code points < U+0300, before the first
// combining mark) is already NFC and is returned untouched.
// Deliberately no NFD/NFKC/lowercasing: the Qwen tokenizers never use them.
#pragma once
#include <string>
#include <string_view>

namespace mmupt {

// True when `text` (valid UTF-8) is certainly NFC without calling ICU.
bool nfc_trivially(std::string_view text);

// Appends NFC(text) to `out`. `text` must be valid UTF-8 (the tokenizer repairs input first).
void append_nfc(std::string_view text, std::string& out);
inline std::string nfc(std::string_view text) {
    std::string out;
    append_nfc(text, out);
    return out;
}

}  // namespace mmupt
