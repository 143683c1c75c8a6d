// The demo tokenizer learner: deterministic merges that compress the corpus, and files in the
// Hugging Face layout (tokenizer.json / vocab.json + merges.txt agree; Qwen2-VL added tokens).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/demo/demo_tokenizer.h"
#include "tests/core/test_paths.h"

using namespace mmupt::demo;
using nlohmann::json;

namespace {
std::vector<std::string> corpus() {
    return {"How many red shapes are in the image?", "I count the red shapes: there are 3.",
            "How many blue shapes are in the image?", "red: 2. blue: 4. 2 + 4 = 6. \\boxed{6}",
            "Please reason step by step, and put your final answer within \\boxed{}."};
}
}  // namespace

TEST(DemoTokenizer, LearnsDeterministicMergesOverByteSymbols) {
    LearnedBpe a = learn_bpe(corpus(), 50), b = learn_bpe(corpus(), 50);
    EXPECT_EQ(a.merges, b.merges);
    ASSERT_GE(a.vocab.size(), 256u + 10u);
    EXPECT_EQ(a.vocab.size(), 256u + a.merges.size());
    EXPECT_EQ(a.vocab[static_cast<unsigned char>('a')], "a");
    EXPECT_EQ(a.vocab[static_cast<unsigned char>(' ')], "\xC4\xA0");  // 'Ġ' (U+0120)
    // A frequent word of the corpus becomes one symbol (with its leading space, 'Ġ').
    EXPECT_NE(std::find(a.vocab.begin(), a.vocab.end(), "\xC4\xA0shapes"), a.vocab.end());
    // Every merge joins two symbols that exist earlier in the vocab.
    for (size_t i = 0; i < a.merges.size(); ++i) {
        auto pos = [&](const std::string& s) {
            return std::find(a.vocab.begin(), a.vocab.end(), s) - a.vocab.begin();
        };
        EXPECT_LT(pos(a.merges[i].first), static_cast<long>(256 + i));
        EXPECT_LT(pos(a.merges[i].second), static_cast<long>(256 + i));
    }
}

TEST(DemoTokenizer, WritesConsistentHuggingFaceFiles) {
    std::string dir = mmupt::test::temp_dir("demo-tok");
    LearnedBpe bpe = learn_bpe(corpus(), 40);
    write_demo_tokenizer(dir, bpe);
    json tok = json::parse(std::ifstream(dir + "/tokenizer.json"));
    json vocab = json::parse(std::ifstream(dir + "/vocab.json"));
    EXPECT_EQ(tok["model"]["type"], "BPE");
    EXPECT_EQ(tok["model"]["vocab"], vocab);
    EXPECT_EQ(tok["model"]["merges"].size(), bpe.merges.size());
    ASSERT_EQ(tok["added_tokens"].size(), qwen2_vl_added_tokens().size());
    EXPECT_EQ(tok["added_tokens"][0]["content"], "<|endoftext|>");
    EXPECT_EQ(tok["added_tokens"][0]["id"], bpe.vocab.size());
    std::ifstream merges(dir + "/merges.txt");
    std::string first, second;
    std::getline(merges, first);
    std::getline(merges, second);
    EXPECT_EQ(first, "#version: 0.2");
    EXPECT_EQ(second, bpe.merges[0].first + " " + bpe.merges[0].second);
    json cfg = json::parse(std::ifstream(dir + "/tokenizer_config.json"));
    EXPECT_EQ(cfg["eos_token"], "<|im_end|>");
    EXPECT_EQ(cfg["added_tokens_decoder"].size(), qwen2_vl_added_tokens().size());
}
