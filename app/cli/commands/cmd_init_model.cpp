// `mmupt init-model`: a randomly initialised Qwen2-VL / Qwen2.5-VL model directory in Hugging
// Face layout (config.json, generation_config.json, model.safetensors or shards under the Hub
// names, the tokenizer files copied, a preprocessor_config.json sized for the preset), for
// tests, demos and benchmarks; `--config` takes a real config.json instead of a preset (a
// real-size model with random weights). The weights are N(0, 0.02) (norms 1, biases 0): a model
// that runs, not one that knows anything. The model is built in the --dtype written.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/torch_options.h"
#include "core/io/export_target.h"
#include "core/model/model_dir.h"
#include "core/model/model_presets.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

namespace fs = std::filesystem;

ModelArch parse_arch(const std::string& name) {
    if (name == "qwen2_vl") return ModelArch::qwen2_vl;
    if (name == "qwen2_5_vl") return ModelArch::qwen2_5_vl;
    throw UsageError("--arch must be qwen2_vl or qwen2_5_vl, got '" + name + "'");
}

int run_init_model(const std::vector<std::string>& args) {
    ArgParser p("init-model",
                "Write a randomly initialised model directory (HF layout) of a preset size, with "
                "the vocabulary and special tokens of the given tokenizer.");
    p.option("--arch", "NAME", "qwen2_vl or qwen2_5_vl", "qwen2_5_vl")
        .option("--preset", "NAME", "model size: " + model_preset_names(), "tiny")
        .option("--config", "FILE",
                "a Hugging Face config.json to use instead of --preset / --arch (the processor "
                "then comes from --tokenizer's preprocessor_config.json when it has one)")
        .option("--tokenizer", "DIR", "directory with the tokenizer files (copied into --out)")
        .option("--out", "DIR",
                "output model directory: new or empty, or an earlier init-model output (replaced); "
                "never a folder of other files, such as a real checkpoint")
        .option("--seed", "S", "weight initialisation seed", "0")
        .option("--dtype", "TYPE", "weights on disk: float32 or bfloat16", "float32");
    p.parse(args);
    for (const char* required : {"--tokenizer", "--out"})
        if (!p.has(required)) throw UsageError(std::string(required) + " DIR is required");
    const ModelArch arch = parse_arch(p.get("--arch"));
    const ModelPreset& preset = [&]() -> const ModelPreset& {
        try {
            return find_model_preset(p.get("--preset"));
        } catch (const ConfigError& e) {
            throw UsageError(std::string("--preset: ") + e.what());
        }
    }();
    const bool from_config = p.has("--config");
    const at::ScalarType dtype = parse_dtype(p.get("--dtype"), at::kCPU);
    if (dtype == at::kHalf) throw UsageError("--dtype must be float32 or bfloat16");
    const long long seed = p.get_int("--seed");
    if (seed < 0) throw UsageError("--seed must be >= 0");

    // Random weights must never land on a user's checkpoint: the same rule as `mmupt export`,
    // except that an earlier init-model output (it carries the marker) is replaced without --force.
    const std::string out = p.get("--out");
    const ExportTarget target = inspect_export_target(out, {});
    if (target.kind == ExportTargetKind::Refused)
        throw UsageError("init-model will not write random weights into '" + out +
                         "': " + target.reason);

    const std::string tokenizer_dir = p.get("--tokenizer");
    Tokenizer tokenizer = Tokenizer::load(tokenizer_dir);
    ModelConfig config = from_config ? ModelConfig::from_file(p.get("--config"))
                                     : preset_model_config(preset, arch, preset_vocab(tokenizer));
    GenerationConfig generation;  // the Instruct models' stop ids: <|im_end|>, <|endoftext|>
    generation.eos_token_ids = {config.eos_token_id, config.bos_token_id};
    generation.pad_token_id = config.bos_token_id;
    const std::string processor_file = tokenizer_dir + "/preprocessor_config.json";
    ImageProcessor processor = from_config && fs::is_regular_file(processor_file)
                                   ? ImageProcessor::from_pretrained(processor_file)
                                   : ImageProcessor(preset_image_processor_config(preset));
    const ModelDir source{tokenizer_dir, config, generation, tokenizer, processor};

    at::NoGradGuard no_grad;
    // Built in the dtype written: a 3B model costs its bf16 size, not fp32 plus a bf16 copy.
    VlmModel model(config, ModelOptions{dtype, at::kCPU, false});
    model->randomize_weights(static_cast<uint64_t>(seed), /*std=*/0.02);
    SaveModelOptions save;
    save.dtype = dtype;
    save_model_dir(out, model, source, save);
    write_export_marker(out, "mmupt init-model (random weights)", dtype_name(dtype));

    const int64_t params = count_parameters(config);
    const int64_t embed = config.text.vocab_size * config.text.hidden_size;
    std::printf(
        "wrote %s: %s %s '%s', %lld parameters (%.1fM; embedding %.1fM, %s), vocab_size "
        "%lld, %s\n",
        p.get("--out").c_str(), config.model_type(), from_config ? "config" : "preset",
        from_config ? p.get("--config").c_str() : preset.name, (long long)params, params / 1e6,
        embed / 1e6, config.text.tie_word_embeddings ? "tied" : "untied",
        (long long)config.text.vocab_size, dtype_name(dtype));
    return 0;
}

}  // namespace

MMUPT_COMMAND("init-model", "write a randomly initialised model directory of a preset size",
              &run_init_model);

}  // namespace mmupt::cli
