// Helpers for tests that need a whole model directory: a demo tokenizer written once per
// process (no shared data needed), the real Qwen tokenizer when ../shared/data has it, and a
// tiny random model built from the `tiny` preset for a tokenizer.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/demo/demo_tokenizer.h"
#include "core/model/model_dir.h"
#include "core/model/model_presets.h"
#include "tests/core/test_paths.h"

namespace mmupt::test {

// A small byte-level BPE tokenizer with the Qwen2-VL special tokens (~330 ids).
inline const std::string& demo_tokenizer_dir() {
    static const std::string dir = [] {
        std::string d = temp_dir("demo-tokenizer");
        std::vector<std::string> corpus = {
            "How many red shapes are in the image?", "I count the red shapes: there are 3.",
            "Describe the picture in one sentence.", "red: 2. blue: 4. 2 + 4 = 6. \\boxed{6}",
            "Please reason step by step, and put your final answer within \\boxed{}."};
        demo::write_demo_tokenizer(d, demo::learn_bpe(corpus, 60));
        return d;
    }();
    return dir;
}

// ../shared/data/qwen2.5-vl-7b-instruct when present (real vocab), else the demo tokenizer.
inline std::string tokenizer_dir_for_tests() {
    const std::string shared = shared_data_dir();
    if (!shared.empty()) {
        const std::string real = shared + "/qwen2.5-vl-7b-instruct";
        if (std::filesystem::exists(real + "/tokenizer.json")) return real;
    }
    return demo_tokenizer_dir();
}

// The in-memory ModelDir a freshly initialised model saves from (init-model does the same).
inline ModelDir preset_source(const std::string& tokenizer_dir, ModelArch arch,
                              const std::string& preset = "tiny") {
    Tokenizer tok = Tokenizer::load(tokenizer_dir);
    const ModelPreset& p = find_model_preset(preset);
    ModelConfig config = preset_model_config(p, arch, preset_vocab(tok));
    GenerationConfig gen;
    gen.eos_token_ids = {config.eos_token_id, config.bos_token_id};
    gen.pad_token_id = config.bos_token_id;
    return ModelDir{tokenizer_dir, config, gen, tok,
                    ImageProcessor(preset_image_processor_config(p))};
}

}  // namespace mmupt::test
