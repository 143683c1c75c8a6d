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

// The B*G samples and the cache rows that hold them: sample n = b*G + g lives in cache row r
// where rows[r] == n; finished samples keep their row until a compaction drops it.
struct SampleRows {
    std::vector<GeneratedSample*> sample;  // (B*G)
    std::vector<uint64_t> key;             // (B*G) sampler row keys
    std::vector<int64_t> rows;             // (R) sample of each cache row
    std::vector<char> done;                // (B*G)

    SampleRows(std::vector<std::vector<GeneratedSample>>& result,
               const std::vector<GenerationRequest>& requests, int64_t G) {
        for (size_t b = 0; b < requests.size(); ++b)
            for (int64_t g = 0; g < G; ++g) {
                sample.push_back(&result[b][g]);
                key.push_back(sample_key(requests[b].prompt_key, static_cast<uint64_t>(g)));
            }
        for (size_t n = 0; n < sample.size(); ++n) rows.push_back(static_cast<int64_t>(n));
        done.assign(sample.size(), 0);
    }
    int64_t size() const { return static_cast<int64_t>(rows.size()); }
    // Cache rows still running, and their keys.
    std::vector<int64_t> live(std::vector<uint64_t>& keys) const {
        std::vector<int64_t> out;
        for (size_t r = 0; r < rows.size(); ++r)
            if (!done[rows[r]])
                out.push_back(static_cast<int64_t>(r)), keys.push_back(key[rows[r]]);
        return out;
    }
    // Appends the draws of the live rows; returns how many rows are finished now.
    int64_t record(const std::vector<int64_t>& live, const SampledTokens& drawn,
                   const std::vector<int64_t>& stop, bool last) {
        at::Tensor tok = drawn.tokens.to(at::kCPU), lp = drawn.logprobs.to(at::kCPU);  // (L)
        const int64_t* tok_p = tok.data_ptr<int64_t>();
        const float* lp_p = lp.data_ptr<float>();
        int64_t finished = size() - static_cast<int64_t>(live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            GeneratedSample& s = *sample[rows[live[i]]];
            s.ids.push_back(tok_p[i]);
            s.logprobs.push_back(lp_p[i]);
            s.stopped = std::find(stop.begin(), stop.end(), tok_p[i]) != stop.end();
            if (s.stopped || last) done[rows[live[i]]] = 1, ++finished;
        }
        return finished;
    }
    // Drops finished rows from the cache (one copy of it).
    void compact(KvCache& cache, at::Device device) {
        std::vector<int64_t> keep, kept;
        for (size_t r = 0; r < rows.size(); ++r)
            if (!done[rows[r]]) keep.push_back(static_cast<int64_t>(r)), kept.push_back(rows[r]);
        cache.select_rows(long_tensor(keep, device));
        rows.swap(kept);
    }
    // The next step's ids (R, 1) and, when some rows are finished, their 0 step mask (R, 1).
    void next_inputs(at::Device device, at::Tensor& ids, at::Tensor& step_mask) const {
        std::vector<int64_t> next(rows.size(), 0), mask(rows.size(), 0);
        for (size_t r = 0; r < rows.size(); ++r)
            if (!done[rows[r]]) next[r] = sample[rows[r]]->ids.back(), mask[r] = 1;
        ids = long_tensor(next, device).view({-1, 1});
        if (std::find(mask.begin(), mask.end(), 0) != mask.end())
            step_mask = long_tensor(mask, device).view({-1, 1});
    }
};

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
    SampleRows rows(result, requests, G);
    KvCache cache;
    at::Tensor logits = model->prefill(batch_inputs(requests, device), cache,
                                       /*reserve=*/params.max_new_tokens);  // (B, V)
    if (G > 1) {
        cache.repeat_interleave(G);
        logits = logits.repeat_interleave(G, /*dim=*/0);  // (B*G, V)
    }
    for (int t = 0;; ++t) {
        // Draw for the rows still running (finished rows stay in the cache until compaction).
        std::vector<uint64_t> keys;
        const std::vector<int64_t> live = rows.live(keys);
        const bool all_live = static_cast<int64_t>(live.size()) == rows.size();
        SampledTokens drawn = sample_next_tokens(
            all_live ? logits : logits.index_select(0, long_tensor(live, device)), params.sampling,
            params.seed, keys, static_cast<uint64_t>(t));
        const int64_t finished =
            rows.record(live, drawn, params.stop_ids, t + 1 >= params.max_new_tokens);
        st.generated_tokens += static_cast<int64_t>(live.size());
        if (t == 0) st.prefill_seconds = seconds_since(t0), t0 = Clock::now();
        if (finished == rows.size()) break;

        // Compaction copies the cache once, so only when it at least halves the rows.
        if (2 * finished > rows.size()) rows.compact(cache, device), ++st.compactions;
        // Next input: the drawn tokens (on device) when every row runs; else a host-built batch
        // with finished rows masked out of the cache (their token is never attended to).
        at::Tensor ids, step_mask;  // (R, 1)
        if (all_live && finished == 0)
            ids = drawn.tokens.view({-1, 1});
        else
            rows.next_inputs(device, ids, step_mask);
        logits = model->decode_step(ids, cache, step_mask).select(1, 0);  // (R, V)
        ++st.decode_steps;
    }
    st.decode_seconds = seconds_since(t0);
    return result;
}

}  // namespace mmupt
