// The Qwen2.5-VL tokenizer against committed reference tokenizations (../shared/data): the 77
// cases of qwen2_reference_tokenizations.jsonl and the llama.cpp .inp/.out pair, through both load
// paths (tokenizer.json, vocab.json + merges.txt + tokenizer_config.json), plus the known prompt
// ids of QWEN2-VL.md §6.3 and the special-token table of §6.2.
// Deliberately no npm here: the generated-string parity against @huggingface/tokenizers is in
// tokenizer_parity_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8.h"
#include "tests/core/test_paths.h"
#include "tests/core/tokenizer_corpus.h"
#include "tests/core/tokenizer_fixture.h"

namespace mmupt {
namespace {

using Ids = std::vector<std::int32_t>;

using test::jsonl_cases;
using test::llamacpp_cases;
using test::RefCase;

TEST(TokenizerReference, JsonlCasesBothLoadPaths) {
    MMUPT_REQUIRE_SHARED_DATA();
    const auto cases = jsonl_cases();
    ASSERT_GE(cases.size(), 77u);
    int matched_json = 0, matched_vm = 0;
    for (const RefCase& c : cases) {
        const Ids a = test::qwen_tokenizer_json().encode(c.text);
        const Ids b = test::qwen_tokenizer_vocab_merges().encode(c.text);
        EXPECT_EQ(a, c.ids) << "tokenizer.json path, text: " << c.text;
        EXPECT_EQ(b, c.ids) << "vocab+merges path, text: " << c.text;
        matched_json += a == c.ids;
        matched_vm += b == c.ids;
        EXPECT_EQ(test::qwen_tokenizer_json().decode(a), nfc(c.text));
    }
    EXPECT_EQ(matched_json, static_cast<int>(cases.size()));
    EXPECT_EQ(matched_vm, static_cast<int>(cases.size()));
}

TEST(TokenizerReference, LlamaCppPair) {
    MMUPT_REQUIRE_SHARED_DATA();
    const auto cases = llamacpp_cases();
    ASSERT_EQ(cases.size(), 46u);  // SOURCE.txt says 45; the files hold 46 (one empty text)
    for (const RefCase& c : cases) {
        EXPECT_EQ(test::qwen_tokenizer_json().encode(c.text), c.ids) << "text: " << c.text;
        EXPECT_EQ(test::qwen_tokenizer_vocab_merges().encode(c.text), c.ids) << "text: " << c.text;
    }
}

TEST(TokenizerReference, KnownPromptIds) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer& tok = test::qwen_tokenizer_json();
    EXPECT_EQ(
        tok.encode("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                   "<|im_start|>user\n"),
        (Ids{151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198}));
    EXPECT_EQ(tok.encode("<|im_start|>assistant\n"), (Ids{151644, 77091, 198}));
    EXPECT_EQ(tok.encode("<|vision_start|><|image_pad|><|image_pad|><|vision_end|>"),
              (Ids{151652, 151655, 151655, 151653}));
}

TEST(TokenizerReference, SpecialTokenTable) {
    MMUPT_REQUIRE_SHARED_DATA();
    for (const Tokenizer* tok :
         {&test::qwen_tokenizer_json(), &test::qwen_tokenizer_vocab_merges()}) {
        const SpecialTokenIds& s = tok->special_ids();
        EXPECT_EQ(s.endoftext, 151643);
        EXPECT_EQ(s.im_start, 151644);
        EXPECT_EQ(s.im_end, 151645);
        EXPECT_EQ(s.vision_start, 151652);
        EXPECT_EQ(s.vision_end, 151653);
        EXPECT_EQ(s.image_pad, 151655);
        EXPECT_EQ(s.video_pad, 151656);
        EXPECT_EQ(tok->vocab_size(), 151665);
        EXPECT_TRUE(tok->is_special(151644));
        EXPECT_FALSE(tok->is_special(151657));  // <tool_call> is added but not special
        EXPECT_FALSE(tok->is_special(9707));
        EXPECT_EQ(tok->token_to_id("<tool_call>"), 151657);
        EXPECT_EQ(tok->token_to_id("Ġworld"), 1879);
        EXPECT_EQ(tok->id_to_token(1879), "Ġworld");
        EXPECT_EQ(tok->id_to_token(151664), "<|file_sep|>");
        EXPECT_EQ(tok->id_to_token(151665), std::nullopt);
        EXPECT_EQ(tok->id_to_token(-1), std::nullopt);
        EXPECT_EQ(tok->token_to_id("no such token"), std::nullopt);
    }
}

TEST(TokenizerReference, DecodeSkipsOnlySpecialAddedTokens) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer& tok = test::qwen_tokenizer_json();
    const Ids ids = tok.encode("<|im_start|>user\n<tool_call>x</tool_call><|im_end|>");
    EXPECT_EQ(tok.decode(ids), "<|im_start|>user\n<tool_call>x</tool_call><|im_end|>");
    EXPECT_EQ(tok.decode(ids, /*skip_special=*/true), "user\n<tool_call>x</tool_call>");
    // Out-of-vocab ids (the embedding has 152064 rows) are skipped, never read out of bounds.
    EXPECT_EQ(tok.decode({9707, 151700, -5, 152063, 1879}), "Hello world");
}

TEST(TokenizerReference, LossyDecodeOfSplitCharacter) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer& tok = test::qwen_tokenizer_json();
    const Ids ids = tok.encode("中");  // one token holding three bytes
    ASSERT_EQ(ids.size(), 1u);
    // Byte-level tokens for the single bytes 0xE4 0xB8: an incomplete sequence -> one U+FFFD.
    const Ids partial = {*tok.token_to_id("ä"), *tok.token_to_id("¸")};
    EXPECT_EQ(tok.decode_bytes(partial), "\xE4\xB8");
    EXPECT_EQ(tok.decode(partial), "\xEF\xBF\xBD");
    EXPECT_EQ(tok.decode({partial[0], partial[1], *tok.token_to_id("Ń")}), "中");
}

// Arbitrary bytes never crash encode: invalid UTF-8 is repaired first, so the round trip gives
// NFC of the repaired text. Random ids (in and out of range) never crash decode.
TEST(TokenizerReference, RandomBytesAndIds) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer& tok = test::qwen_tokenizer_json();
    test::CorpusRng rng(99);
    for (int i = 0; i < 500; ++i) {
        std::string bytes(rng.below(40), '\0');
        for (char& c : bytes) c = static_cast<char>(rng.below(256));
        EXPECT_EQ(tok.decode(tok.encode(bytes)), nfc(utf8_lossy(bytes)));
        Ids ids(rng.below(20));
        for (auto& id : ids) id = static_cast<std::int32_t>(rng.below(160000)) - 1000;
        const std::string text = tok.decode(ids, /*skip_special=*/rng.below(2) == 0);
        EXPECT_TRUE(is_valid_utf8(text));
    }
}

// The BPE cache is shared by all threads (sharded mutexes) and Oniguruma searches only read the
// compiled regex: four threads encoding the corpus at once must agree with a serial pass.
TEST(TokenizerReference, ConcurrentEncodeMatchesSerial) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer fresh = Tokenizer::load(test::qwen_model_dir());  // its own, empty cache
    const auto corpus = test::tokenizer_corpus(/*per_category=*/60);
    std::vector<Ids> serial;
    for (const auto& c : corpus) serial.push_back(test::qwen_tokenizer_json().encode(c.text));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t k = 0; k < corpus.size(); ++k) {
                const std::size_t i = (k * 7 + static_cast<std::size_t>(t) * 101) % corpus.size();
                mismatches[t] += fresh.encode(corpus[i].text) != serial[i];
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace mmupt
