// Parity with @huggingface/tokenizers (the pure-JS port of HF tokenizers, pinned in
// node_reference.h) loading the same tokenizer.json: identical ids on the committed reference
// texts and on >= 2,000 generated strings (tokenizer_corpus.h), through both of our load paths;
// our decode(encode(s)) equals NFC(s) and the peer's decode. Skips without ../shared/data, node
// or the npm registry. Takes a few seconds (npm install ~2 s, peer load ~1.5 s).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/tokenizer/normalizer.h"
#include "tests/core/node_reference.h"
#include "tests/core/tokenizer_corpus.h"
#include "tests/core/tokenizer_fixture.h"

namespace mmupt {
namespace {

using Ids = std::vector<std::int32_t>;

struct PeerResult {
    Ids ids;
    std::string decoded;
};

std::vector<PeerResult> peer_encode(const std::vector<std::string>& texts) {
    std::string input;
    for (const std::string& t : texts) input += nlohmann::json{{"text", t}}.dump() + "\n";
    std::vector<PeerResult> out;
    for (const std::string& line :
         test::run_node_reference("tokenize", test::qwen_model_dir(), input)) {
        const auto j = nlohmann::json::parse(line);
        out.push_back({j["ids"].get<Ids>(), j["decoded"].get<std::string>()});
    }
    return out;
}

// The texts of both reference files: the jsonl cases and the llama.cpp .inp texts.
std::vector<std::string> reference_texts() {
    std::vector<std::string> texts;
    for (const auto& c : test::jsonl_cases()) texts.push_back(c.text);
    for (const auto& c : test::llamacpp_cases()) texts.push_back(c.text);
    return texts;
}

TEST(TokenizerParity, ReferenceTextsMatchHfTokenizersJs) {
    MMUPT_REQUIRE_SHARED_DATA();
    MMUPT_REQUIRE_NODE_REFERENCE();
    const auto texts = reference_texts();
    const auto peer = peer_encode(texts);
    ASSERT_EQ(peer.size(), texts.size()) << "the Node reference script failed";
    int same = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const Ids ours = test::qwen_tokenizer_json().encode(texts[i]);
        EXPECT_EQ(ours, peer[i].ids) << "text: " << texts[i];
        same += ours == peer[i].ids;
    }
    std::cout << "[parity] reference texts: " << same << "/" << texts.size()
              << " identical to @huggingface/tokenizers\n";
}

TEST(TokenizerParity, GeneratedCorpusMatchesHfTokenizersJs) {
    MMUPT_REQUIRE_SHARED_DATA();
    MMUPT_REQUIRE_NODE_REFERENCE();
    const auto corpus = test::tokenizer_corpus();
    ASSERT_GE(corpus.size(), 2000u);
    std::vector<std::string> texts;
    for (const auto& c : corpus) texts.push_back(c.text);
    const auto peer = peer_encode(texts);
    ASSERT_EQ(peer.size(), texts.size()) << "the Node reference script failed";

    std::map<std::string, std::pair<int, int>> per_category;  // same, total
    int same_json = 0, same_vm = 0, roundtrip = 0, same_decode = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const Ids a = test::qwen_tokenizer_json().encode(texts[i]);
        const Ids b = test::qwen_tokenizer_vocab_merges().encode(texts[i]);
        const std::string decoded = test::qwen_tokenizer_json().decode(a);
        EXPECT_EQ(a, peer[i].ids) << corpus[i].category << " #" << i << ": "
                                  << nlohmann::json(texts[i]).dump();
        EXPECT_EQ(b, a) << "load paths differ on " << nlohmann::json(texts[i]).dump();
        EXPECT_EQ(decoded, nfc(texts[i])) << nlohmann::json(texts[i]).dump();
        EXPECT_EQ(decoded, peer[i].decoded) << nlohmann::json(texts[i]).dump();
        same_json += a == peer[i].ids;
        same_vm += b == peer[i].ids;
        roundtrip += decoded == nfc(texts[i]);
        same_decode += decoded == peer[i].decoded;
        auto& [s, t] = per_category[corpus[i].category];
        s += a == peer[i].ids;
        ++t;
    }
    std::cout << "[parity] generated strings: tokenizer.json " << same_json << "/" << texts.size()
              << ", vocab+merges " << same_vm << "/" << texts.size() << " identical ids; decode "
              << same_decode << " identical to the peer's, decode(encode(s)) == NFC(s) "
              << roundtrip << "\n";
    for (const auto& [cat, st] : per_category)
        std::cout << "[parity]   " << cat << ": " << st.first << "/" << st.second << "\n";
}

}  // namespace
}  // namespace mmupt
