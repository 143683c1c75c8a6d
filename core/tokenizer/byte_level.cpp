// Byte-level alphabet tables, built once on first use (thread-safe static initialisation).
// Deliberately no caching of whole strings: callers cache per token (bpe_model.cpp).
#include "core/tokenizer/byte_level.h"

#include <array>

#include "core/tokenizer/utf8.h"

namespace mmupt {
namespace {

struct Tables {
    std::array<char32_t, 256> to_unicode{};
    std::array<std::string, 256> to_utf8;
    std::array<int, 0x144> from_unicode{};  // code point -> byte, -1 outside the alphabet
    Tables() {
        from_unicode.fill(-1);
        int next = 0x100;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            to_unicode[b] = static_cast<char32_t>(printable ? b : next++);
            from_unicode[to_unicode[b]] = b;
            append_utf8(to_unicode[b], to_utf8[b]);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

char32_t byte_to_unicode(unsigned char b) { return tables().to_unicode[b]; }

void append_byte_level(std::string_view bytes, std::string& out) {
    const Tables& t = tables();
    for (char c : bytes) out += t.to_utf8[static_cast<unsigned char>(c)];
}

bool append_raw_bytes(std::string_view text, std::string& out) {
    const Tables& t = tables();
    const std::size_t old_size = out.size();
    for (std::size_t i = 0; i < text.size();) {
        const auto c0 = static_cast<unsigned char>(text[i]);
        char32_t cp = 0;
        if (c0 < 0x80) {
            cp = c0;
            i += 1;
        } else if ((c0 & 0xE0) == 0xC0 && i + 1 < text.size() &&
                   (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            // The alphabet's code points are all < U+0144: two-byte sequences at most.
            cp = ((c0 & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            i += 2;
        } else {
            out.resize(old_size);
            return false;
        }
        const int b = cp < t.from_unicode.size() ? t.from_unicode[cp] : -1;
        if (b < 0) {
            out.resize(old_size);
            return false;
        }
        out.push_back(static_cast<char>(b));
    }
    return true;
}

}  // namespace mmupt
