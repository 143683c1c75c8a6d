// The generation benchmark: a synthetic prompt (text ids, one random image), prefill timing,
// generate() timing per row count, and the two no-cache baselines of generation_bench.h.
#include "core/sampling/generation_bench.h"

#include <sys/resource.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>

#include "core/model/model_presets.h"
#include "core/sampling/generator.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Host-synchronising read of one element (so timings include queued device work).
void sync(const at::Tensor& t) { (void)t.reshape(-1)[0].item<float>(); }

int64_t peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

// text / 2 ids, <|vision_start|>, the image pads, <|vision_end|>, text / 2 ids.
GenerationRequest synthetic_request(const ModelConfig& c, const GenerationBenchOptions& o,
                                    at::Device device) {
    const int64_t patch = c.vision.patch_size, merge = c.vision.spatial_merge_size;
    const int64_t side = std::max<int64_t>(o.image_side / (patch * merge), 1) * merge;  // patches
    const GridThw grid{1, side, side};
    auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed + 1);
    at::Tensor text = at::randint(1000, 100000, {o.text_tokens}, gen, at::kLong);
    std::vector<int64_t> ids;
    for (int i = 0; i < o.text_tokens / 2; ++i) ids.push_back(text[i].item<int64_t>());
    ids.push_back(c.vision_start_token_id);
    for (int64_t i = 0; i < side * side / (merge * merge); ++i) ids.push_back(c.image_token_id);
    ids.push_back(c.vision_end_token_id);
    for (int i = o.text_tokens / 2; i < o.text_tokens; ++i) ids.push_back(text[i].item<int64_t>());
    GenerationRequest r;
    r.prompt_ids = ids;
    r.image_grids = {grid};
    r.pixel_values = at::empty({side * side, c.vision.patch_dim()}, at::kFloat)
                         .normal_(0.0, 1.0, gen)
                         .to(device);  // (N, 1176)
    r.prompt_key = 1;
    return r;
}

VlmInputs prompt_inputs(const GenerationRequest& r, at::Device device) {
    VlmInputs in;
    in.input_ids = at::tensor(r.prompt_ids, at::TensorOptions().dtype(at::kLong))
                       .to(device)
                       .view({1, -1});  // (1, S)
    in.pixel_values = r.pixel_values;
    in.image_grids = r.image_grids;
    return in;
}

double prefill_tokens_per_s(VlmModel& model, const GenerationRequest& r, at::Device device) {
    at::NoGradGuard no_grad;
    double best = 1e30;
    for (int i = 0; i < 4; ++i) {  // the first run is a warm-up
        KvCache cache;
        auto t0 = Clock::now();
        sync(model->prefill(prompt_inputs(r, device), cache));
        if (i > 0) best = std::min(best, seconds_since(t0));
    }
    return static_cast<double>(r.prompt_ids.size()) / best;
}

// Rows samples of one prompt decoded without a cache: every step runs the whole sequence.
// `full`: VlmModel::forward with the pixels (vision tower and logits at every position);
// otherwise the lean recompute: image features computed once, prefill() (decoder over the
// sequence, LM head on the last position only) into a scratch cache.
double nocache_tokens_per_s(VlmModel& model, const GenerationRequest& r, int rows, bool full,
                            const GenerationBenchOptions& o, at::Device device) {
    at::NoGradGuard no_grad;
    VlmInputs in = prompt_inputs(r, device);
    if (!full) {
        in.image_features = model->encode_images(r.pixel_values, r.image_grids);  // (M, D)
        in.pixel_values = at::Tensor();
    }
    in.rows_per_image_group = rows;
    at::Tensor ids = in.input_ids.repeat({rows, 1});  // (R, S)
    std::vector<uint64_t> keys;
    for (int g = 0; g < rows; ++g) keys.push_back(sample_key(r.prompt_key, g));
    TokenSamplingParams sp;
    sp.temperature = o.temperature;
    auto t0 = Clock::now();
    for (int t = 0; t < o.new_tokens; ++t) {
        if (t == 1) sync(ids.to(at::kFloat)), t0 = Clock::now();  // token 0 is the prefill's
        in.input_ids = ids;
        at::Tensor logits;  // (R, V)
        if (full) {
            logits = model->forward(in).select(1, -1);  // last of (R, S + t, V)
        } else {
            KvCache scratch;
            logits = model->prefill(in, scratch);
        }
        SampledTokens s = sample_next_tokens(logits, sp, o.seed, keys, t);
        ids = at::cat({ids, s.tokens.view({-1, 1})}, 1);  // (R, S + t + 1)
    }
    sync(ids.to(at::kFloat));
    return static_cast<double>(rows) * (o.new_tokens - 1) / seconds_since(t0);
}

}  // namespace

GenerationBenchResult run_generation_bench(const GenerationBenchOptions& o) {
    if (o.new_tokens < 2 || o.text_tokens < 2 || o.image_side < 28)
        throw ConfigError("bench: new_tokens >= 2, text_tokens >= 2, image_side >= 28 needed");
    for (int r : o.rows)
        if (r < 1) throw ConfigError("bench: row counts must be >= 1, got " + std::to_string(r));
    const ModelPreset& preset = find_model_preset(o.preset);
    const ModelConfig config = preset_model_config(preset, o.arch, qwen2_vl_vocab());
    const at::Device device = o.model.device;
    VlmModel model(config, o.model);
    model->randomize_weights(o.seed, /*std=*/0.02);
    model->eval();

    GenerationBenchResult res;
    res.parameters = count_parameters(config);
    GenerationRequest req = synthetic_request(config, o, device);
    res.prompt_tokens = static_cast<int64_t>(req.prompt_ids.size());
    res.image_tokens = req.image_grids[0][1] * req.image_grids[0][2] /
                       (config.vision.spatial_merge_size * config.vision.spatial_merge_size);
    res.prefill_tokens_per_s = prefill_tokens_per_s(model, req, device);

    GenerationParams params;
    params.sampling.temperature = o.temperature;
    params.max_new_tokens = o.new_tokens;
    params.seed = o.seed;
    for (int rows : o.rows) {
        params.num_samples = rows;
        GenerationParams warm = params;
        warm.max_new_tokens = 4;
        generate(model, {req}, warm);
        GenerationStats stats;
        generate(model, {req}, params, &stats);
        GenerationBenchRow row;
        row.rows = rows;
        row.decode_seconds = stats.decode_seconds;
        row.decode_tokens_per_s =
            static_cast<double>(stats.generated_tokens - rows) / stats.decode_seconds;
        if (rows <= o.baseline_max_rows) {
            row.full_forward_tokens_per_s = nocache_tokens_per_s(model, req, rows, true, o, device);
            row.recompute_tokens_per_s = nocache_tokens_per_s(model, req, rows, false, o, device);
        }
        res.rows.push_back(row);
    }
    res.peak_rss_kib = peak_rss_kib();
    return res;
}

}  // namespace mmupt
