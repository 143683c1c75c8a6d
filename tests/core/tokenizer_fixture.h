// The real Qwen2.5-VL tokenizer, loaded once per test binary through each load path (loading
// parses ~5 MB of JSON). Header-only so the tests/CMakeLists glob needs no new source file.
// Call only after MMUPT_REQUIRE_SHARED_DATA().
#pragma once
#include <string>

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

}  // namespace mmupt::test
