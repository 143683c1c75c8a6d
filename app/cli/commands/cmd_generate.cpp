// `mmupt generate`: G samples for one image + question from a model directory, through the
// chat template (default system prompt, user turn with the image then the text, generation
// prompt) and the batched KV-cache sampler. Text is decoded without special tokens; --json
// prints {"samples":[{"text","ids","logprobs","stopped"}]}. Timing goes to stderr.
// Sampling defaults come from the model's generation_config.json, as in transformers.
#include <cstdio>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/torch_options.h"
#include "core/model/model_dir.h"
#include "core/sampling/generator.h"
#include "core/tokenizer/chat_template.h"

namespace mmupt::cli {
namespace {

using nlohmann::json;

// The prompt's ids and, with an image, its pixels (N, 1176) and grid.
GenerationRequest build_request(const ModelDir& dir, const std::string& image,
                                const std::string& prompt) {
    GenerationRequest req;
    ChatMessage user{"user", {}};
    if (!image.empty()) {
        ProcessedImage im = dir.image_processor.preprocess_file(image);
        req.pixel_values = at::tensor(im.pixel_values, at::TensorOptions().dtype(at::kFloat))
                               .view({im.num_patches, im.patch_dim});  // (N, 1176)
        req.image_grids.push_back({im.grid_thw[0], im.grid_thw[1], im.grid_thw[2]});
        user.content.push_back(
            ChatContent::image(VisionGrid{im.grid_thw[0], im.grid_thw[1], im.grid_thw[2]}));
    }
    user.content.push_back(ChatContent::make_text(prompt));
    ChatTemplateOptions opts;
    opts.merge_size = dir.config.vision.spatial_merge_size;
    for (int32_t id : encode_chat(dir.tokenizer, {user}, opts)) req.prompt_ids.push_back(id);
    return req;
}

GenerationParams build_params(const ArgParser& p, const GenerationConfig& gen) {
    GenerationParams params;
    params.sampling.temperature =
        p.has("--temperature") ? p.get_double("--temperature") : gen.temperature;
    params.sampling.top_p = p.has("--top-p") ? p.get_double("--top-p") : gen.top_p;
    params.sampling.top_k = p.has("--top-k") ? static_cast<int>(p.get_int("--top-k")) : gen.top_k;
    const long long n = p.get_int("--num-samples"), k = p.get_int("--max-new-tokens");
    if (n < 1 || n > 4096) throw UsageError("-n must be in [1, 4096], got " + std::to_string(n));
    if (k < 0 || k > 1 << 20) throw UsageError("--max-new-tokens must be >= 0");
    if (params.sampling.temperature < 0) throw UsageError("--temperature must be >= 0");
    if (!(params.sampling.top_p > 0 && params.sampling.top_p <= 1))
        throw UsageError("--top-p must be in (0, 1]");
    if (params.sampling.top_k < 0) throw UsageError("--top-k must be >= 0");
    const long long seed = p.get_int("--seed");
    if (seed < 0) throw UsageError("--seed must be >= 0");
    params.num_samples = static_cast<int>(n);
    params.max_new_tokens = static_cast<int>(k);
    params.seed = static_cast<uint64_t>(seed);
    params.stop_ids = gen.eos_token_ids;
    return params;
}

void print_samples(const ModelDir& dir, const std::vector<GeneratedSample>& samples, bool as_json) {
    json out = json::array();
    for (size_t g = 0; g < samples.size(); ++g) {
        const GeneratedSample& s = samples[g];
        const std::vector<int32_t> ids(s.ids.begin(), s.ids.end());
        const std::string text = dir.tokenizer.decode(ids, /*skip_special=*/true);
        if (as_json) {
            out.push_back(
                {{"text", text}, {"ids", s.ids}, {"logprobs", s.logprobs}, {"stopped", s.stopped}});
        } else {
            std::printf("--- sample %zu/%zu (%zu tokens, %s)\n%s\n", g + 1, samples.size(),
                        s.ids.size(), s.stopped ? "stopped" : "max tokens", text.c_str());
        }
    }
    if (as_json) {
        const std::string line =
            json{{"samples", out}}.dump(-1, ' ', false, json::error_handler_t::replace);
        std::printf("%s\n", line.c_str());
    }
}

int run_generate(const std::vector<std::string>& args) {
    ArgParser p("generate",
                "Sample answers for one image and prompt from a model directory (chat template, "
                "KV cache).");
    p.option("--model", "DIR", "model directory (config.json, weights, tokenizer, processor)")
        .option("--image", "PATH", "image file (JPEG, PNG, WebP, BMP); omit for a text prompt")
        .option("--prompt", "TEXT", "the user's question")
        .option("--num-samples", "G", "samples to draw", "1")
        .alias("-n", "--num-samples")
        .option("--temperature", "T",
                "0 = greedy (default: the model's generation_config.json, else 1)")
        .option("--top-p", "P", "nucleus mass in (0, 1] (default: generation_config, else 1)")
        .option("--top-k", "K", "keep the K likeliest tokens, 0 = off (default: generation_config)")
        .option("--max-new-tokens", "K", "tokens per sample at most", "256")
        .option("--seed", "S", "sampling seed", "0")
        .flag("--json", "print {\"samples\": [{\"text\", \"ids\", \"logprobs\", \"stopped\"}]}")
        .option("--device", "DEV", "cpu, cuda, cuda:N or auto", "auto")
        .option("--dtype", "TYPE", "float32, bfloat16, float16 or auto (bf16 on cuda)", "auto")
        .option("--threads", "N", "CPU threads, 0 = libtorch's default", "0");
    p.parse(args);
    for (const char* required : {"--model", "--prompt"})
        if (!p.has(required)) throw UsageError(std::string(required) + " is required");
    set_threads(p.get_int("--threads"));
    const c10::Device device = parse_device(p.get("--device"));
    const ModelOptions options{parse_dtype(p.get("--dtype"), device), device, false};

    LoadedModel loaded = load_model(p.get("--model"), options);
    const GenerationParams params = build_params(p, loaded.dir.generation);
    GenerationRequest req =
        build_request(loaded.dir, p.has("--image") ? p.get("--image") : "", p.get("--prompt"));
    GenerationStats stats;
    auto result = generate(loaded.model, {req}, params, &stats);
    print_samples(loaded.dir, result[0], p.has("--json"));
    const double decode_rate =
        stats.decode_seconds > 0
            ? (stats.generated_tokens - params.num_samples) / stats.decode_seconds
            : 0.0;
    std::fprintf(stderr,
                 "prompt %lld tokens, first token %.3f s; %lld tokens generated, decode %.1f "
                 "tokens/s (%s, %s)\n",
                 (long long)stats.prompt_tokens, stats.prefill_seconds,
                 (long long)stats.generated_tokens, decode_rate, device.str().c_str(),
                 dtype_name(options.dtype));
    return 0;
}

}  // namespace

MMUPT_COMMAND("generate", "sample answers for an image and a prompt from a model directory",
              &run_generate);

}  // namespace mmupt::cli
