// The batched sampling loop of generator.h: one left-padded prefill for the B prompts, cache rows
// repeated G times, then one decode_step per token for every row still in the cache. Draws are
// keyed by (seed, sample_key(prompt_key, g), t), so batching never changes a sample. Shape
// letters: B prompts, G samples, R rows in the cache (B*G, fewer after compaction), S, V.
// Not here: repetition penalty, beam search, streaming output.
#include "core/sampling/generator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>

#include "core/util/errors.h"

namespace mmupt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Restores train / eval mode on every exit path.
struct EvalModeGuard {
    VlmModel& model;
    bool was_training;
    explicit EvalModeGuard(VlmModel& m) : model(m), was_training(m->is_training()) { m->eval(); }
    ~EvalModeGuard() { model->train(was_training); }
};

at::Tensor long_tensor(const std::vector<int64_t>& v, at::Device device) {
    return at::tensor(v, at::TensorOptions().dtype(at::kLong)).to(device);
}

// The B prompts left-padded to one length S, their images concatenated in request order.
VlmInputs batch_inputs(const std::vector<GenerationRequest>& requests, at::Device device) {
    size_t S = 0;
    for (size_t b = 0; b < requests.size(); ++b) {
        if (requests[b].prompt_ids.empty())
            throw ModelError("generate: request " + std::to_string(b) + " has an empty prompt");
        S = std::max(S, requests[b].prompt_ids.size());
    }
    const int64_t B = static_cast<int64_t>(requests.size());
    std::vector<int64_t> ids(B * S, 0), mask(B * S, 0);  // pad id 0: masked out, never seen
    std::vector<at::Tensor> pixels;
    VlmInputs in;
    for (int64_t b = 0; b < B; ++b) {
        const GenerationRequest& r = requests[b];
        const size_t pad = S - r.prompt_ids.size();
        std::copy(r.prompt_ids.begin(), r.prompt_ids.end(), ids.begin() + b * S + pad);
        std::fill(mask.begin() + b * S + pad, mask.begin() + (b + 1) * S, 1);
        const bool has_pixels = r.pixel_values.defined() && r.pixel_values.numel() > 0;
        if (has_pixels != !r.image_grids.empty())
            throw ModelError("generate: request " + std::to_string(b) +
                             (has_pixels ? " has pixel_values but no image grids"
                                         : " has image grids but no pixel_values"));
        if (has_pixels) pixels.push_back(r.pixel_values.to(device));
        in.image_grids.insert(in.image_grids.end(), r.image_grids.begin(), r.image_grids.end());
    }
    in.input_ids = long_tensor(ids, device).view({B, static_cast<int64_t>(S)});  // (B, S)
    in.attention_mask = long_tensor(mask, device).view({B, static_cast<int64_t>(S)});
    if (!pixels.empty()) in.pixel_values = at::cat(pixels, 0);  // (N, 1176)
    return in;
}

void check_params(const GenerationParams& p) {
    if (p.num_samples < 1)
        throw ConfigError("generate: num_samples must be >= 1, got " +
                          std::to_string(p.num_samples));
    if (p.max_new_tokens < 0)
        throw ConfigError("generate: max_new_tokens must be >= 0, got " +
                          std::to_string(p.max_new_tokens));
}

}  // namespace

std::vector<std::vector<GeneratedSample>> generate(VlmModel& model,
                                                   const std::vector<GenerationRequest>& requests,
                                                   const GenerationParams& params,
                                                   GenerationStats* stats) {
    check_params(params);
    const int64_t B = static_cast<int64_t>(requests.size()), G = params.num_samples;
    std::vector<std::vector<GeneratedSample>> result(B, std::vector<GeneratedSample>(G));
    GenerationStats local;
    GenerationStats& st = stats ? *stats : local;
    st = GenerationStats{};
    for (const auto& r : requests) st.prompt_tokens += static_cast<int64_t>(r.prompt_ids.size());
    if (B == 0 || params.max_new_tokens == 0) return result;

    at::NoGradGuard no_grad;
    EvalModeGuard eval_mode(model);
    const at::Device device = model->options().device;
    auto t0 = Clock::now();

    // Sample n = b*G + g; rows[r] = the sample in cache row r (rows shrink on compaction).
    std::vector<GeneratedSample*> sample(B * G);
    std::vector<uint64_t> key(B * G);
    for (int64_t b = 0; b < B; ++b)
        for (int64_t g = 0; g < G; ++g) {
            sample[b * G + g] = &result[b][g];
            key[b * G + g] = sample_key(requests[b].prompt_key, static_cast<uint64_t>(g));
        }
    std::vector<int64_t> rows(B * G);
    for (int64_t n = 0; n < B * G; ++n) rows[n] = n;
    std::vector<char> done(B * G, 0);
    const std::vector<int64_t>& stop = params.stop_ids;

    KvCache cache;
    at::Tensor logits = model->prefill(batch_inputs(requests, device), cache,
                                       /*reserve=*/params.max_new_tokens);  // (B, V)
    if (G > 1) {
        cache.repeat_interleave(G);
        logits = logits.repeat_interleave(G, /*dim=*/0);  // (B*G, V)
    }
    for (int t = 0;; ++t) {
        // Draw for the rows still running (finished rows stay in the cache until compaction).
        std::vector<int64_t> live;  // cache rows
        std::vector<uint64_t> live_keys;
        for (size_t r = 0; r < rows.size(); ++r)
            if (!done[rows[r]])
                live.push_back(static_cast<int64_t>(r)), live_keys.push_back(key[rows[r]]);
        const bool all_live = live.size() == rows.size();
        at::Tensor live_logits =
            all_live ? logits : logits.index_select(0, long_tensor(live, device));
        SampledTokens drawn = sample_next_tokens(live_logits, params.sampling, params.seed,
                                                 live_keys, static_cast<uint64_t>(t));
        at::Tensor tok = drawn.tokens.to(at::kCPU), lp = drawn.logprobs.to(at::kCPU);  // (L)
        const int64_t* tok_p = tok.data_ptr<int64_t>();
        const float* lp_p = lp.data_ptr<float>();
        const bool last = t + 1 >= params.max_new_tokens;
        int64_t finished = static_cast<int64_t>(rows.size() - live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            const int64_t n = rows[live[i]];
            sample[n]->ids.push_back(tok_p[i]);
            sample[n]->logprobs.push_back(lp_p[i]);
            sample[n]->stopped = std::find(stop.begin(), stop.end(), tok_p[i]) != stop.end();
            if (sample[n]->stopped || last) done[n] = 1, ++finished;
        }
        st.generated_tokens += static_cast<int64_t>(live.size());
        if (t == 0) st.prefill_seconds = seconds_since(t0), t0 = Clock::now();
        if (finished == static_cast<int64_t>(rows.size())) break;

        // Compaction: copying the cache costs one pass over it, so only when it halves the rows.
        if (2 * finished > static_cast<int64_t>(rows.size())) {
            std::vector<int64_t> keep, kept_rows;
            for (size_t r = 0; r < rows.size(); ++r)
                if (!done[rows[r]])
                    keep.push_back(static_cast<int64_t>(r)), kept_rows.push_back(rows[r]);
            cache.select_rows(long_tensor(keep, device));
            rows.swap(kept_rows);
            ++st.compactions;
        }
        // Next input: the drawn tokens (on device) when every row runs; else a host-built batch
        // with finished rows masked out of the cache (their token is never attended to).
        at::Tensor ids, step_mask;  // (R, 1)
        if (all_live && finished == 0) {
            ids = drawn.tokens.view({-1, 1});
        } else {
            std::vector<int64_t> next(rows.size(), 0), mask(rows.size(), 0);
            for (size_t r = 0; r < rows.size(); ++r)
                if (!done[rows[r]]) next[r] = sample[rows[r]]->ids.back(), mask[r] = 1;
            ids = long_tensor(next, device).view({-1, 1});
            if (std::find(mask.begin(), mask.end(), 0) != mask.end())
                step_mask = long_tensor(mask, device).view({-1, 1});
        }
        logits = model->decode_step(ids, cache, step_mask).select(1, 0);  // (R, V)
        ++st.decode_steps;
    }
    st.decode_seconds = seconds_since(t0);
    return result;
}

}  // namespace mmupt
