// UTF-8 validation and lossy repair (Unicode "maximal subpart" practice, Table 3-7 of the
// standard). Scans ASCII runs eight bytes at a time; no allocation beyond the output string.
#include "core/tokenizer/utf8.h"

#include <cstring>

namespace mmupt {
namespace {

// Length of the well-formed sequence starting at s[i] (1..4), or 0 when ill-formed; in that case
// `bad` receives the length of the maximal subpart to replace by one U+FFFD (>= 1).
std::size_t sequence_length(std::string_view s, std::size_t i, std::size_t& bad) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;  // no overlongs
        if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;  // no overlongs
        if (c == 0xF4) hi = 0x8F;  // <= U+10FFFF
    } else {
        bad = 1;
        return 0;
    }
    std::size_t k = 1;
    for (; k <= need; ++k) {
        if (i + k >= s.size()) break;
        const unsigned char ck = b(k);
        const unsigned char klo = k == 1 ? lo : 0x80, khi = k == 1 ? hi : 0xBF;
        if (ck < klo || ck > khi) break;
    }
    if (k > need) return need + 1;
    bad = k;  // the valid-so-far prefix is one maximal subpart
    return 0;
}

bool ascii8(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return (w & 0x8080808080808080ULL) == 0;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0, bad = 0;
    while (i < s.size()) {
        if (i + 8 <= s.size() && ascii8(s.data() + i)) {
            i += 8;
            continue;
        }
        const std::size_t n = sequence_length(s, i, bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

void append_utf8_lossy(std::string_view s, std::string& out) {
    std::size_t i = 0, run = 0, bad = 0;  // [run, i) is a pending well-formed run
    out.reserve(out.size() + s.size());
    while (i < s.size()) {
        if (i + 8 <= s.size() && ascii8(s.data() + i)) {
            i += 8;
            continue;
        }
        const std::size_t n = sequence_length(s, i, bad);
        if (n != 0) {
            i += n;
            continue;
        }
        out.append(s.data() + run, i - run);
        out.append("\xEF\xBF\xBD");
        i += bad;
        run = i;
    }
    out.append(s.data() + run, s.size() - run);
}

std::size_t utf8_complete_prefix(std::string_view s) {
    // Look back at most 3 bytes for the start of the last sequence.
    std::size_t start = s.size();
    for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
        const unsigned char c = static_cast<unsigned char>(s[s.size() - back]);
        if ((c & 0xC0) != 0x80) {
            start = s.size() - back;
            break;
        }
    }
    if (start == s.size()) return s.size();
    std::size_t bad = 0;
    if (sequence_length(s, start, bad) != 0) return s.size();
    // Ill-formed: incomplete only when the truncated bytes reached the end of the string.
    const unsigned char lead = static_cast<unsigned char>(s[start]);
    return start + bad == s.size() && lead >= 0xC2 && lead <= 0xF4 ? start : s.size();
}

void append_utf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace mmupt
