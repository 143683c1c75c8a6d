// The Qwen2 pattern, branch by branch, at each position (see qwen2_scanner.h):
//   1 (?i:'s|'t|'re|'ve|'m|'ll|'d)   2 [^\r\n\p{L}\p{N}]?\p{L}+   3 \p{N}
//   4 ?[^\s\p{L}\p{N}]+[\r\n]*       5 \s*[\r\n]+   6 \s+(?!\S)   7 \s+
// Classes come from a two-stage table (4352 block indices, deduplicated 256-entry blocks) built
// from Oniguruma's code ranges. Deliberately no SIMD: ASCII lookups are already one table load.
#include "core/tokenizer/qwen2_scanner.h"

#include <oniguruma.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace mmupt {
namespace {

enum : std::uint8_t { kL = 1, kN = 2, kS = 4, kCrLf = 8 };

class ClassTable {
  public:
    ClassTable() {
        std::vector<std::uint8_t> flat(0x110000, 0);
        OnigEncoding enc = ONIG_ENCODING_UTF8;
        const auto add_property = [&](const char* name, std::uint8_t bit) {
            std::string n(name);
            auto* p = reinterpret_cast<OnigUChar*>(n.data());
            const int ctype = ONIGENC_PROPERTY_NAME_TO_CTYPE(enc, p, p + n.size());
            add_ranges(enc, ctype, bit, flat);
        };
        add_property("L", kL);
        add_property("N", kN);
        add_ranges(enc, ONIGENC_CTYPE_SPACE, kS, flat);  // what `\s` means in Oniguruma
        flat['\r'] |= kCrLf;
        flat['\n'] |= kCrLf;
        std::map<std::vector<std::uint8_t>, std::uint16_t> blocks;
        for (std::size_t b = 0; b < stage1_.size(); ++b) {
            std::vector<std::uint8_t> block(flat.begin() + b * 256, flat.begin() + (b + 1) * 256);
            auto [it, added] = blocks.emplace(block, static_cast<std::uint16_t>(blocks.size()));
            if (added) stage2_.insert(stage2_.end(), block.begin(), block.end());
            stage1_[b] = it->second;
        }
    }
    std::uint8_t operator()(char32_t cp) const {
        return cp < 0x110000 ? stage2_[stage1_[cp >> 8] * 256u + (cp & 0xFF)] : 0;
    }

  private:
    static void add_ranges(OnigEncoding enc, int ctype, std::uint8_t bit,
                           std::vector<std::uint8_t>& flat) {
        OnigCodePoint sb_out = 0;
        const OnigCodePoint* ranges = nullptr;
        if (ctype < 0 || enc->get_ctype_code_range(ctype, &sb_out, &ranges) != 0 || !ranges)
            return;  // leaves the class empty; the differential test would fail loudly
        for (OnigCodePoint i = 0; i < ranges[0]; ++i)
            for (OnigCodePoint cp = ranges[1 + 2 * i]; cp <= ranges[2 + 2 * i] && cp < 0x110000;
                 ++cp)
                flat[cp] |= bit;
    }
    std::array<std::uint16_t, 0x110000 / 256> stage1_{};
    std::vector<std::uint8_t> stage2_;
};

const ClassTable& classes() {
    static const ClassTable table;
    return table;
}

struct Char {
    char32_t cp = 0;
    std::uint8_t len = 0;  // bytes; 0 only past the end
    std::uint8_t cls = 0;
};

class Scanner {
  public:
    explicit Scanner(std::string_view s) : s_(s), table_(classes()) {}

    Char at(std::size_t i) const {
        if (i >= s_.size()) return {};
        const auto c0 = static_cast<unsigned char>(s_[i]);
        if (c0 < 0x80) return {c0, 1, table_(c0)};
        const std::size_t need = c0 >= 0xF0 ? 3 : c0 >= 0xE0 ? 2 : c0 >= 0xC0 ? 1 : 0;
        if (need == 0 || i + need >= s_.size()) return {c0, 1, 0};  // invalid / truncated
        char32_t cp = c0 & (0x3Fu >> need);
        for (std::size_t k = 1; k <= need; ++k) {
            const auto ck = static_cast<unsigned char>(s_[i + k]);
            if ((ck & 0xC0) != 0x80) return {c0, 1, 0};
            cp = (cp << 6) | (ck & 0x3Fu);
        }
        return {cp, static_cast<std::uint8_t>(need + 1), table_(cp)};
    }

    // Length in bytes of the match at `i` (< size).
    std::size_t match(std::size_t i) const {
        const Char c0 = at(i);
        if (c0.cp == '\'') {
            if (const std::size_t n = contraction(i + 1)) return 1 + n;
        }
        if (!(c0.cls & (kL | kN | kCrLf)) && (at(i + c0.len).cls & kL))
            return run_end(i + c0.len, kL) - i;
        if (c0.cls & kL) return run_end(i, kL) - i;
        if (c0.cls & kN) return c0.len;
        std::size_t j = i;
        if (c0.cp == ' ' && is_other(at(i + 1))) j = i + 1;
        if (is_other(at(j))) return run_end(other_end(j), kCrLf) - i;
        return whitespace(i);
    }

  private:
    static bool is_other(const Char& c) { return c.len > 0 && !(c.cls & (kL | kN | kS)); }
    // ASCII case folding plus U+017F LONG S -> s, as Oniguruma's (?i) does.
    static char fold(char32_t cp) {
        if (cp == 0x17F) return 's';
        if (cp >= 'A' && cp <= 'Z') return static_cast<char>(cp - 'A' + 'a');
        return cp < 0x80 ? static_cast<char>(cp) : '\0';
    }
    // Bytes of a contraction suffix at `i` ("s", "re", "ll"...; case-insensitive), or 0.
    std::size_t contraction(std::size_t i) const {
        const Char c1 = at(i);
        switch (fold(c1.cp)) {
            case 's':
            case 't':
            case 'm':
            case 'd':
                return c1.len;
            case 'r':
            case 'v': {
                const Char c2 = at(i + c1.len);
                return fold(c2.cp) == 'e' ? c1.len + c2.len : 0;
            }
            case 'l': {
                const Char c2 = at(i + c1.len);
                return fold(c2.cp) == 'l' ? c1.len + c2.len : 0;
            }
            default:
                return 0;
        }
    }
    std::size_t run_end(std::size_t i, std::uint8_t cls) const {
        for (Char c = at(i); c.len > 0 && (c.cls & cls); c = at(i)) i += c.len;
        return i;
    }
    std::size_t other_end(std::size_t i) const {
        for (Char c = at(i); is_other(c); c = at(i)) i += c.len;
        return i;
    }
    // Branches 5-7 at a whitespace character.
    std::size_t whitespace(std::size_t i) const {
        std::size_t end = i, last_start = i, last_crlf_end = 0, chars = 0;
        for (Char c = at(end); c.len > 0 && (c.cls & kS); c = at(end)) {
            last_start = end;
            end += c.len;
            ++chars;
            if (c.cls & kCrLf) last_crlf_end = end;
        }
        if (chars == 0) return at(i).len;  // cannot happen for valid input; never loop forever
        if (last_crlf_end != 0) return last_crlf_end - i;    // \s*[\r\n]+
        if (end == s_.size() || chars == 1) return end - i;  // \s+(?!\S) at the end, or \s+
        return last_start - i;                               // \s+(?!\S): leave the last one
    }

    std::string_view s_;
    const ClassTable& table_;
};

}  // namespace

void qwen2_split(std::string_view text, std::vector<std::string_view>& out) {
    const Scanner scanner(text);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = scanner.match(i);
        out.push_back(text.substr(i, n));
        i += n;
    }
}

}  // namespace mmupt
