// A deterministic corpus of tricky strings for tokenizer parity tests (>= 2,000): many scripts,
// LaTeX, code, emoji with ZWJ sequences, whitespace runs (\r\n, Unicode spaces), NFD input,
// control characters, added-token text inside words, contractions, digits, random code points.
// Uses its own splitmix64 generator so the corpus is the same on every platform.
// Random code points are limited to those assigned in Unicode <= 14.0 (ICU u_charAge): the
// tables of Oniguruma 6.9.8 (ours) and Node's ICU (the peer's) agree only on those.
#pragma once
#include <unicode/uchar.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/utf8.h"

namespace mmupt::test {

class CorpusRng {
  public:
    explicit CorpusRng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }

  private:
    std::uint64_t s_;
};

struct CorpusCase {
    std::string category;
    std::string text;
};

namespace corpus_detail {

inline const std::vector<std::vector<std::string>>& script_words() {
    static const std::vector<std::vector<std::string>> words = {
        {"中文", "字符", "我想在", "工作", "生活的真谛是", "训练", "模型", "。", "，", "你好",
         "世界"},
        {"日本語", "の", "テキスト", "です", "ひらがな", "カタカナ", "東京", "、"},
        {"한국어", "텍스트", "안녕하세요", "세계", "입니다"},
        {"العربية", "مرحبا", "بالعالم", "النص", "كتاب", "٣٤٥", "،", "؟"},
        {"हिन्दी", "नमस्ते", "दुनिया", "पाठ", "क्षत्रिय", "।", "१२३"},
        {"русский", "Привет", "мир", "текст", "Български", "ёж", "Щука"},
        {"ελληνικά", "Γειά", "σου", "κόσμε", "λόγος", "Ωμέγα", ";"},
        {"עברית", "שלום", "עולם", "ספר"},
        {"ภาษาไทย", "สวัสดี", "ชาวโลก"},
        {"café", "naïve", "Führer", "Cửa", "Việt", "garçon", "Ångström", "ß", "œuvre", "İstanbul"},
        {"កាន់តែពិសេស", "ខ្មែរ", "ብርሃን", "ქართული", "Հայերեն", "ᠮᠣᠩᠭᠣᠯ"},
        {"Hello", "world", "The", "quick", "brown", "fox", "you're", "I'M", "can't", "Y'ALL"}};
    return words;
}

inline const std::vector<std::string>& latex_pieces() {
    static const std::vector<std::string> p = {"\\frac{a}{b}",
                                               "\\sqrt{2}",
                                               "x^{2}",
                                               "a_{n+1}",
                                               "\\alpha",
                                               "\\beta_i",
                                               "\\sum_{k=1}^{n}",
                                               "\\int_0^\\infty",
                                               "e^{-x^2}",
                                               "\\,dx",
                                               "\\left(",
                                               "\\right)",
                                               "\\boxed{42}",
                                               "\\cdot",
                                               "\\times",
                                               "\\le",
                                               "\\ge",
                                               "\\neq",
                                               "\\pi r^2",
                                               "\\mathbf{v}",
                                               "\\text{ cm}",
                                               "=",
                                               "+",
                                               "-",
                                               "\\\\",
                                               "&",
                                               "\\begin{pmatrix}",
                                               "\\end{pmatrix}",
                                               "\\{1,2,3\\}",
                                               "$",
                                               "$$",
                                               "\\dfrac{3}{4}",
                                               "\\log_2 8",
                                               "\\sin\\theta",
                                               "90^\\circ",
                                               "\\%",
                                               "3.14159",
                                               "\\infty"};
    return p;
}

inline const std::vector<std::string>& code_pieces() {
    static const std::vector<std::string> p = {"def main():",
                                               "\n    return x",
                                               "\n\tpass",
                                               "int main(int argc, char** argv) {",
                                               "\n}",
                                               "for (auto& x : v) ++x;",
                                               "if __name__ == \"__main__\":",
                                               "console.log(`${a}`);",
                                               "#include <vector>",
                                               "std::vector<int32_t> ids;",
                                               "x += 1  # comment",
                                               "// TODO:",
                                               "/* block */",
                                               "\r\n",
                                               "\n\n",
                                               "    ",
                                               "\t\t",
                                               "=>",
                                               "!==",
                                               "::",
                                               "->",
                                               "0x1F",
                                               "1e-9",
                                               "SELECT * FROM t WHERE id=3;",
                                               "<div class=\"a\">",
                                               "</div>",
                                               "{\"key\": [1, 2]}"};
    return p;
}

inline const std::vector<std::string>& emoji_pieces() {
    static const std::vector<std::string> p = {"😂",
                                               "👍",
                                               "🤗",
                                               "❤️",
                                               "✨",
                                               "🦙",
                                               "🚀",
                                               "👁️",
                                               "👱🏻",
                                               "🕵\u200d♂️",
                                               "🧙🏻\u200d♂",
                                               "👨🏻\u200d🌾",
                                               "🧑\u200d🤝\u200d🧑",
                                               "👩\u200d❤\u200d💋\u200d👨",
                                               "👩\u200d👩\u200d👧\u200d👦",
                                               "😶\u200d🌫️",
                                               "🇫🇷",
                                               "🇯🇵",
                                               "1️⃣",
                                               "#️⃣",
                                               "🏳️\u200d🌈",
                                               "☕",
                                               "©",
                                               "™"};
    return p;
}

inline const std::vector<std::string>& spaces() {
    static const std::vector<std::string> p = {
        " ",       " ",        "  ",      "\t",     "\n",     "\r\n",   "\r",
        "\n\n",    " \n ",     "\u00A0",  "\u2003", "\u3000", "\u202F", "\u2028",
        "\u2029",  "\u0085",   "\u180E",  "\uFEFF", "\u200B", "\u000B", "\u000C",
        "   \n\t", "\r\n\r\n", "\u2009 ", " \u1680"};
    return p;
}

inline const std::vector<std::string>& added_texts() {
    static const std::vector<std::string> p = {"<|im_start|>",
                                               "<|im_end|>",
                                               "<|endoftext|>",
                                               "<|image_pad|>",
                                               "<|vision_start|>",
                                               "<tool_call>",
                                               "</tool_call>",
                                               "<|fim_prefix|>",
                                               "<|im_sta",
                                               "<|im_start|",
                                               "<|im_start",
                                               "<<|im_end|>>",
                                               "<|im_start|><|im_end|>",
                                               "|>",
                                               "<|",
                                               "<|box_start|>"};
    return p;
}

inline const std::vector<std::string>& nfd_pieces() {
    static const std::vector<std::string> p = {"e\u0301",
                                               "cafe\u0301",
                                               "A\u030A",
                                               "n\u0303",
                                               "u\u0308ber",
                                               "\u1100\u1161\u11A8",
                                               "\u1112\u1161\u11AB",
                                               "o\u0302\u0301",
                                               "a\u0323\u0302",
                                               "\u0915\u093C",
                                               "i\u0307",
                                               "\u0301",
                                               "Z\u0327\u030C",
                                               "\u00C5\u0301",
                                               "\u212B",
                                               "\u2126"};
    return p;
}

inline const std::vector<std::string>& misc_pieces() {
    static const std::vector<std::string> p = {"'s",
                                               "'S",
                                               "'ll",
                                               "'LL",
                                               "'Re",
                                               "'ve",
                                               "'d",
                                               "'m",
                                               "’s",
                                               "'ſ",
                                               "'K",
                                               "''",
                                               "'",
                                               "1234567890",
                                               "3.14",
                                               "½",
                                               "²",
                                               "Ⅻ",
                                               "١٢٣",
                                               "１２３",
                                               "𝟘𝟙",
                                               "!!!",
                                               "...",
                                               "?!",
                                               "—",
                                               "«»",
                                               "「」",
                                               "（）",
                                               "#",
                                               "@user",
                                               "https://example.com/a?b=c&d=1",
                                               "a.b.c",
                                               "$1.00",
                                               "€4",
                                               "100%",
                                               "x",
                                               "I",
                                               "A",
                                               "z"};
    return p;
}

inline std::string random_code_point(CorpusRng& rng) {
    for (;;) {
        // Half from the BMP, half anywhere: the BMP holds most scripts.
        const auto cp =
            static_cast<UChar32>(rng.below(2) ? rng.below(0x10000) : rng.below(0x110000));
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates are not scalar values
        if (u_charType(cp) == U_UNASSIGNED) continue;
        UVersionInfo age;
        u_charAge(cp, age);
        if (age[0] > 14) continue;
        std::string s;
        append_utf8(static_cast<char32_t>(cp), s);
        return s;
    }
}

inline std::string control_char(CorpusRng& rng) {
    const std::size_t k = rng.below(66);
    const char32_t cp = k < 32 ? static_cast<char32_t>(k) : k == 32 ? 0x7F : 0x80 + (k - 33);
    std::string s;
    append_utf8(cp, s);
    return s;
}

}  // namespace corpus_detail

// `per_category` strings for each of 12 categories, plus a few long ones.
inline std::vector<CorpusCase> tokenizer_corpus(std::size_t per_category = 180) {
    using namespace corpus_detail;
    CorpusRng rng(20240611);
    std::vector<CorpusCase> out;
    const auto join = [&](std::size_t n, auto&& piece, auto&& sep) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) {
            if (i > 0) s += sep();
            s += piece();
        }
        return s;
    };
    const auto space = [&] { return rng.below(4) ? std::string(" ") : rng.pick(spaces()); };
    const auto none = [] { return std::string(); };
    for (std::size_t i = 0; i < per_category; ++i) {
        const auto& words = script_words()[i % script_words().size()];
        out.push_back({"script", join(
                                     1 + rng.below(12), [&] { return rng.pick(words); }, space)});
        out.push_back({"mixed-script",
                       join(
                           2 + rng.below(10), [&] { return rng.pick(rng.pick(script_words())); },
                           [&] { return rng.below(3) ? std::string(" ") : std::string(); })});
        out.push_back({"latex", join(
                                    1 + rng.below(14), [&] { return rng.pick(latex_pieces()); },
                                    [&] { return rng.below(2) ? std::string(" ") : none(); })});
        out.push_back({"code", join(
                                   1 + rng.below(10), [&] { return rng.pick(code_pieces()); },
                                   [&] { return rng.below(2) ? rng.pick(spaces()) : none(); })});
        out.push_back({"emoji", join(
                                    1 + rng.below(10),
                                    [&] {
                                        return rng.below(3) ? rng.pick(emoji_pieces())
                                                            : rng.pick(script_words().back());
                                    },
                                    [&] { return rng.below(2) ? std::string(" ") : none(); })});
        out.push_back({"whitespace", join(
                                         1 + rng.below(10),
                                         [&] {
                                             return rng.below(2)
                                                        ? rng.pick(spaces()) + rng.pick(spaces())
                                                        : rng.pick(script_words().back());
                                         },
                                         none)});
        out.push_back({"nfd", join(
                                  1 + rng.below(8),
                                  [&] {
                                      return rng.below(2) ? rng.pick(nfd_pieces())
                                                          : rng.pick(script_words()[9]);
                                  },
                                  [&] { return rng.below(2) ? std::string(" ") : none(); })});
        out.push_back(
            {"control",
             join(
                 1 + rng.below(10),
                 [&] { return rng.below(2) ? control_char(rng) : rng.pick(script_words().back()); },
                 [&] { return rng.below(3) ? none() : std::string(" "); })});
        out.push_back(
            {"added-token-text",
             join(
                 1 + rng.below(8),
                 [&] { return rng.below(2) ? rng.pick(added_texts()) : rng.pick(misc_pieces()); },
                 [&] { return rng.below(2) ? none() : space(); })});
        out.push_back({"misc", join(
                                   1 + rng.below(10), [&] { return rng.pick(misc_pieces()); },
                                   [&] { return rng.below(2) ? none() : space(); })});
        out.push_back(
            {"random-code-points", join(
                                       1 + rng.below(24), [&] { return random_code_point(rng); },
                                       [&] { return rng.below(4) ? none() : space(); })});
        out.push_back({"random-mix", join(
                                         1 + rng.below(16),
                                         [&] {
                                             switch (rng.below(6)) {
                                                 case 0:
                                                     return random_code_point(rng);
                                                 case 1:
                                                     return rng.pick(spaces());
                                                 case 2:
                                                     return rng.pick(misc_pieces());
                                                 case 3:
                                                     return rng.pick(nfd_pieces());
                                                 case 4:
                                                     return rng.pick(emoji_pieces());
                                                 default:
                                                     return rng.pick(rng.pick(script_words()));
                                             }
                                         },
                                         none)});
    }
    // Long pieces take BPE's heap path (> 48 bytes) and long regex matches.
    out.push_back({"long", std::string(300, ' ') + "x" + std::string(100, '\n')});
    out.push_back({"long", join(
                               200, [&] { return rng.pick(script_words()[0]); }, none)});
    out.push_back(
        {"long",
         join(
             120, [&] { return std::string(1, static_cast<char>('a' + rng.below(26))); }, none)});
    out.push_back({"long", std::string(5000, '3') + std::string(70, '!') + std::string(90, 'z')});
    out.push_back({"long", join(
                               80, [&] { return rng.pick(emoji_pieces()); }, none)});
    return out;
}

}  // namespace mmupt::test
