// The real Qwen2.5-VL tokenizer, loaded once per test binary through each load path (loading
// parses ~5 MB of JSON). Header-only so the tests/CMakeLists glob needs no new source file.
// Also the readers of the committed reference cases. Call only after MMUPT_REQUIRE_SHARED_DATA().
#pragma once
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.h"
#include "tests/core/test_paths.h"

namespace mmupt::test {

inline std::string qwen_model_dir() { return shared_data_dir() + "/qwen2.5-vl-7b-instruct"; }

inline const Tokenizer& qwen_tokenizer_json() {
    static const Tokenizer tok =
        Tokenizer::from_tokenizer_json(qwen_model_dir() + "/tokenizer.json");
    return tok;
}

inline const Tokenizer& qwen_tokenizer_vocab_merges() {
    static const Tokenizer tok = Tokenizer::from_vocab_merges(
        qwen_model_dir() + "/vocab.json", qwen_model_dir() + "/merges.txt",
        qwen_model_dir() + "/tokenizer_config.json");
    return tok;
}

// The committed reference tokenizations (tokenization-refs/SOURCE.txt).
struct RefCase {
    std::string text;
    std::vector<std::int32_t> ids;
};

inline std::vector<RefCase> jsonl_cases() {
    std::ifstream in(shared_data_dir() + "/tokenization-refs/qwen2_reference_tokenizations.jsonl");
    std::vector<RefCase> cases;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line);
        cases.push_back({j["text"].get<std::string>(), j["ids"].get<std::vector<std::int32_t>>()});
    }
    return cases;
}

inline std::vector<RefCase> llamacpp_cases() {
    const std::string base =
        shared_data_dir() + "/tokenization-refs/llamacpp_ggml-vocab-qwen2.gguf";
    std::ifstream inp(base + ".inp", std::ios::binary), out(base + ".out");
    std::stringstream ss;
    ss << inp.rdbuf();
    std::string all = ss.str();
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<RefCase> cases;
    for (std::size_t pos = 0; pos < all.size();) {
        std::size_t end = all.find(sep, pos);
        if (end == std::string::npos) break;
        cases.push_back({all.substr(pos, end - pos), {}});
        pos = end + sep.size();
    }
    std::string line;
    for (RefCase& c : cases) {
        if (!std::getline(out, line)) break;
        std::istringstream ids(line);
        std::int32_t id;
        while (ids >> id) c.ids.push_back(id);
    }
    return cases;
}

}  // namespace mmupt::test
