// Unit tests of the tokenizer's parts on synthetic data (no shared files needed): UTF-8 repair,
// the byte-level alphabet, the added-token splitter, the Qwen2 regex on the QWEN2-VL.md §7.3/7.7
// examples, BPE rank order / tie-breaking (short and heap paths), and the loaders: both merge
// formats, merges.txt with "#version" and CRLF, and the FormatError cases.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/tokenizer/added_tokens.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"
#include "tests/core/tokenizer_corpus.h"

namespace mmupt {
namespace {

using Ids = std::vector<std::int32_t>;
using nlohmann::json;

TEST(TokenizerUtf8, LossyRepairUsesMaximalSubparts) {
    EXPECT_EQ(utf8_lossy("plain ascii"), "plain ascii");
    EXPECT_EQ(utf8_lossy("a\xFF"
                         "b"),
              "a\uFFFD"
              "b");
    EXPECT_EQ(utf8_lossy("\xE4\xB8"), "\uFFFD");  // truncated 3-byte sequence: one U+FFFD
    EXPECT_EQ(utf8_lossy("\xE4\xB8"
                         "a"),
              "\uFFFD"
              "a");
    EXPECT_EQ(utf8_lossy("\xC0\xAF"), "\uFFFD\uFFFD");                      // overlong
    EXPECT_EQ(utf8_lossy("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");            // surrogate
    EXPECT_EQ(utf8_lossy("\xF4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
    EXPECT_TRUE(is_valid_utf8("中文 café 🦙"));
    EXPECT_FALSE(is_valid_utf8("abcdefgh\x80"));
    EXPECT_EQ(utf8_complete_prefix("ab\xE4\xB8"), 2u);
    EXPECT_EQ(utf8_complete_prefix("ab\xE4\xB8\xAD"), 5u);
    EXPECT_EQ(utf8_complete_prefix("a\xFF"), 2u);  // invalid, not incomplete: emit it
}

TEST(TokenizerByteLevel, AlphabetMatchesGpt2) {
    EXPECT_EQ(byte_to_unicode(' '), U'\u0120');   // Ġ
    EXPECT_EQ(byte_to_unicode('\n'), U'\u010A');  // Ċ
    EXPECT_EQ(byte_to_unicode('A'), U'A');
    EXPECT_EQ(byte_to_unicode(0xAD), U'\u0143');  // the last of the 68 remapped bytes
    EXPECT_EQ(byte_to_unicode(0xE9), U'\u00E9');
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    std::string back;
    ASSERT_TRUE(append_raw_bytes(to_byte_level(all), back));
    EXPECT_EQ(back, all);
    std::string out = "keep";
    EXPECT_FALSE(append_raw_bytes("中", out));  // outside the alphabet
    EXPECT_EQ(out, "keep");
}

TEST(TokenizerAddedTokens, LeftmostLongest) {
    AddedTokenSplitter s({{"<a>", 1, true, false},
                          {"<a><b>", 2, true, false},
                          {"<b>", 3, false, false},
                          {"a>", 4, false, false}});
    std::vector<TextSegment> seg;
    s.split("x<a><b>y<a>z<<b>>a>", seg);
    std::vector<std::pair<std::string, std::int32_t>> got;
    for (const auto& t : seg) got.emplace_back(std::string(t.text), t.id);
    EXPECT_EQ(got, (std::vector<std::pair<std::string, std::int32_t>>{{"x", -1},
                                                                      {"<a><b>", 2},
                                                                      {"y", -1},
                                                                      {"<a>", 1},
                                                                      {"z<", -1},
                                                                      {"<b>", 3},
                                                                      {">", -1},
                                                                      {"a>", 4}}));
    seg.clear();
    AddedTokenSplitter().split("no tokens", seg);
    ASSERT_EQ(seg.size(), 1u);
    EXPECT_EQ(seg[0].text, "no tokens");
}

std::vector<std::string> pieces(const std::string& text) {
    PreTokenizer pre(kQwen2SplitPattern);
    std::vector<std::string_view> views;
    pre.split(text, views);
    return {views.begin(), views.end()};
}

TEST(TokenizerPreTokenizer, Qwen2RegexSpecExample) {
    EXPECT_EQ(pieces("Hello world!! I'M here's  \n\n  x  123 4567 中文字符 café\t\tend   "),
              (std::vector<std::string>{
                  "Hello", " world", "!!",        " I",    "'M", " here", "'s", "  \n\n", " ",
                  " x",    " ",      " ",         "1",     "2",  "3",     " ",  "4",      "5",
                  "6",     "7",      " 中文字符", " café", "\t", "\tend", "   "}));
    // Oniguruma's \s excludes U+180E (QWEN2-VL.md §7.7): 4 pieces, PCRE2 would give 3.
    EXPECT_EQ(pieces("abc\u2003 \u180E x").size(), 4u);
    EXPECT_TRUE(pieces("").empty());
    EXPECT_THROW(PreTokenizer("(unclosed"), std::invalid_argument);
}

std::vector<std::string_view> split_with(const PreTokenizer& pre, std::string_view text) {
    std::vector<std::string_view> out;
    pre.split(text, out);
    return out;
}

// The hand-written Qwen2 matcher against Oniguruma running the pattern: the generated corpus,
// and every code point in contexts that tell its class apart ("a" c c "x": letter, digit,
// whitespace and symbol all split differently; "a'" c "x": the case-insensitive contractions).
TEST(TokenizerPreTokenizer, FastPathEqualsOniguruma) {
    const PreTokenizer fast(kQwen2SplitPattern), onig(kQwen2SplitPattern, /*fast_path=*/false);
    for (const auto& c : test::tokenizer_corpus(/*per_category=*/60))
        ASSERT_EQ(split_with(fast, c.text), split_with(onig, c.text)) << json(c.text).dump();
    EXPECT_EQ(split_with(fast, "x'\u017Fabc"), split_with(onig, "x'\u017Fabc"));
    std::size_t differing = 0;
    for (char32_t base = 0; base < 0x110000; base += 0x1000) {
        std::string text;
        for (char32_t cp = base; cp < base + 0x1000; ++cp) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            std::string c;
            append_utf8(cp, c);
            text += "a" + c + c + "x a'" + c + "x ";
        }
        const auto a = split_with(fast, text), b = split_with(onig, text);
        if (a != b) {
            ++differing;
            ADD_FAILURE() << "code points U+" << std::hex << base << "..+0xFFF split differently";
        }
    }
    EXPECT_EQ(differing, 0u);
}

TEST(TokenizerNormalizer, Nfc) {
    EXPECT_EQ(nfc("cafe\u0301"), "caf\u00E9");
    EXPECT_EQ(nfc("\u1100\u1161\u11A8"), "\uAC01");  // Hangul jamo compose
    EXPECT_EQ(nfc("\u212B"), "\u00C5");              // Angstrom sign -> Å
    EXPECT_EQ(nfc("plain"), "plain");
    EXPECT_TRUE(nfc_trivially("abc é"));
    EXPECT_FALSE(nfc_trivially("e\u0301"));
}

// A byte-level vocab: the 256 byte tokens (ids 0..255, in byte order) plus `extra` tokens.
std::vector<std::pair<std::string, std::int32_t>> byte_vocab(
    const std::vector<std::string>& extra) {
    std::vector<std::pair<std::string, std::int32_t>> v;
    for (int b = 0; b < 256; ++b) v.emplace_back(to_byte_level(std::string(1, char(b))), b);
    for (const auto& t : extra) v.emplace_back(t, static_cast<std::int32_t>(v.size()));
    return v;
}

TEST(TokenizerBpe, RankOrderAndLeftmostTies) {
    // "b c" has the lower rank, so "abc" becomes a + bc although "a b" is a merge too.
    BpeModel m(byte_vocab({"bc", "ab", "aa", "aaaa"}),
               {{"b", "c"}, {"a", "b"}, {"a", "a"}, {"aa", "aa"}});
    Ids ids;
    m.encode_uncached("abc", ids);
    EXPECT_EQ(ids, (Ids{'a', 256}));
    ids.clear();
    m.encode_uncached("aaa", ids);  // the leftmost equal-rank pair merges first
    EXPECT_EQ(ids, (Ids{258, 'a'}));
    // 21 'a' (short path) and 101 'a' (heap path): pairs merge left to right, then quads.
    for (std::size_t n : {21u, 101u}) {
        ids.clear();
        m.encode(std::string(n, 'a'), ids);
        Ids expected(n / 4, 259);
        expected.push_back('a');
        EXPECT_EQ(ids, expected) << n;
        ids.clear();
        m.encode(std::string(n, 'a'), ids);  // cached
        EXPECT_EQ(ids, expected) << n;
    }
    EXPECT_THROW(BpeModel(byte_vocab({}), {{"x", "y"}}), std::invalid_argument);  // no "xy"
    EXPECT_THROW(BpeModel({{"a", 0}}, {}), std::invalid_argument);                // bytes missing
}

// A tiny tokenizer directory in both layouts.
struct TinyTokenizer {
    std::string dir = test::temp_dir("tiny-tok");
    std::vector<std::pair<std::string, std::string>> merges = {
        {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {"Ġ", "w"}, {"Ġw", "o"}};
    json vocab() const {
        json v = json::object();
        for (const auto& [t, id] : byte_vocab({"he", "ll", "hell", "hello", "Ġw", "Ġwo"}))
            v[t] = id;
        return v;
    }
    json added() const {
        return json::array(
            {{{"id", 262}, {"content", "<|im_end|>"}, {"special", true}, {"normalized", false}},
             {{"id", 263}, {"content", "<x>"}, {"special", false}, {"normalized", false}}});
    }
    json tokenizer_json(bool pair_merges) const {
        json m = json::array();
        for (const auto& [a, b] : merges)
            m.push_back(pair_merges ? json::array({a, b}) : json(a + " " + b));
        return {
            {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"vocab", vocab()}, {"merges", m}}},
            {"normalizer", {{"type", "NFC"}}},
            {"pre_tokenizer",
             {{"type", "Sequence"},
              {"pretokenizers",
               {{{"type", "Split"},
                 {"pattern", {{"Regex", kQwen2SplitPattern}}},
                 {"behavior", "Isolated"},
                 {"invert", false}},
                {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}}},
            {"decoder", {{"type", "ByteLevel"}}},
            {"added_tokens", added()}};
    }
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream(dir + "/" + name, std::ios::binary) << content;
        return dir + "/" + name;
    }
    std::string merges_txt(const std::string& header, const std::string& eol) const {
        std::string s = header;
        for (const auto& [a, b] : merges) s += a + " " + b + eol;
        return s;
    }
    std::string config() const {
        json d = json::object();
        for (const auto& t : added()) d[std::to_string(t["id"].get<int>())] = t;
        return json{{"added_tokens_decoder", d}}.dump();
    }
};

TEST(TokenizerLoaders, AllLayoutsGiveTheSameIds) {
    TinyTokenizer t;
    const std::string text = "hello world<|im_end|>he<x>llo";
    const Ids expected = {259, 261, 'r', 'l', 'd', 262, 256, 263, 257, 'o'};  // hello Ġwo r l d
    const auto v = t.write("vocab.json", t.vocab().dump());
    const auto c = t.write("tokenizer_config.json", t.config());
    const std::vector<Tokenizer> toks = {
        Tokenizer::from_tokenizer_json(t.write("a.json", t.tokenizer_json(false).dump())),
        Tokenizer::from_tokenizer_json(t.write("b.json", t.tokenizer_json(true).dump())),
        Tokenizer::from_vocab_merges(v, t.write("m1.txt", t.merges_txt("", "\n")), c),
        Tokenizer::from_vocab_merges(
            v, t.write("m2.txt", t.merges_txt("#version: 0.2\r\n", "\r\n")), c),
    };
    for (const Tokenizer& tok : toks) {
        EXPECT_EQ(tok.encode(text), expected);
        EXPECT_EQ(tok.decode(expected), text);
        EXPECT_EQ(tok.decode(expected, /*skip_special=*/true), "hello worldhe<x>llo");
        EXPECT_EQ(tok.vocab_size(), 264);
        EXPECT_EQ(tok.special_ids().im_end, 262);
        EXPECT_EQ(tok.special_ids().im_start, -1);
        EXPECT_EQ(tok.encode("a\xFF"), tok.encode("a\uFFFD"));  // invalid input is repaired
    }
    // Tokenizer::load prefers tokenizer.json, else vocab.json + merges.txt.
    t.write("merges.txt", t.merges_txt("", "\n"));
    EXPECT_EQ(Tokenizer::load(t.dir).encode(text), expected);
}

void expect_format_error(const std::function<void()>& f, const std::string& needle1,
                         const std::string& needle2) {
    try {
        f();
        ADD_FAILURE() << "no FormatError (expected one mentioning " << needle1 << ")";
    } catch (const FormatError& e) {
        EXPECT_NE(std::string(e.what()).find(needle1), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle2), std::string::npos) << e.what();
    }
}

TEST(TokenizerLoaders, ErrorsNameTheFile) {
    TinyTokenizer t;
    const std::string missing = t.dir + "/missing.json";
    expect_format_error([&] { Tokenizer::from_tokenizer_json(missing); }, missing, "cannot open");
    const auto bad = t.write("bad.json", "{\"model\": [1, 2");
    expect_format_error([&] { Tokenizer::from_tokenizer_json(bad); }, bad, "malformed JSON");
    json wp = t.tokenizer_json(false);
    wp["model"]["type"] = "WordPiece";
    const auto wpp = t.write("wp.json", wp.dump());
    expect_format_error([&] { Tokenizer::from_tokenizer_json(wpp); }, wpp, "WordPiece");
    json oov = t.tokenizer_json(false);
    oov["model"]["merges"].push_back("q z");
    const auto oovp = t.write("oov.json", oov.dump());
    expect_format_error([&] { Tokenizer::from_tokenizer_json(oovp); }, oovp, "q z");
    json norm = t.tokenizer_json(false);
    norm["normalizer"] = {{"type", "Lowercase"}};
    const auto normp = t.write("norm.json", norm.dump());
    expect_format_error([&] { Tokenizer::from_tokenizer_json(normp); }, normp, "Lowercase");
    const auto v = t.write("vocab.json", t.vocab().dump());
    const auto m = t.write("bad_merges.txt", "h e\nthree part line\n");
    expect_format_error([&] { Tokenizer::from_vocab_merges(v, m); }, m, "line 2");
    expect_format_error([&] { Tokenizer::load(t.dir + "/nowhere"); }, "nowhere", "tokenizer.json");
    json huge = t.tokenizer_json(false);
    huge["added_tokens"][0]["id"] = 2000000000;  // would size the id tables at 8 GB
    const auto hugep = t.write("huge.json", huge.dump());
    expect_format_error([&] { Tokenizer::from_tokenizer_json(hugep); }, hugep, "2000000000");
}

}  // namespace
}  // namespace mmupt
