// VlmModel entry points that run the decoder: full forward, KV-cache prefill / decode step
// (QWEN2-VL.md §4.5), and the training scorer (log-probs and entropies of response tokens,
// with the LM head applied only at scored positions). No sampling here.
#include "core/model/attention.h"
#include "core/model/half_matmul.h"
#include "core/model/rotary.h"
#include "core/model/vlm_model.h"
#include "core/util/errors.h"

namespace mmupt {
at::Tensor VlmModelImpl::run_decoder(const at::Tensor& embeds, const at::Tensor& positions,
                                     const at::Tensor& key_mask, int64_t past, KvCache* cache) {
    auto [cos, sin] = mrope_cos_sin(positions, config_.text.head_dim(), config_.text.rope_theta,
                                    config_.text.mrope_section, embeds.scalar_type());  // (B,S,hd)
    at::Tensor mask = causal_padding_mask(key_mask, past, embeds.size(1));
    return language_model->forward(embeds, cos, sin, mask, cache);  // (B, S, D)
}

at::Tensor VlmModelImpl::head(const at::Tensor& hidden) {
    if (lm_head) return linear_any(hidden, lm_head->weight, lm_head->bias);
    return linear_any(hidden, language_model->embed_tokens->weight);  // tied
}

at::Tensor VlmModelImpl::forward(const VlmInputs& inputs) {
    Prepared p = prepare(inputs);
    return head(run_decoder(p.embeds, p.positions, p.mask, 0, nullptr));  // (B, S, V)
}

at::Tensor VlmModelImpl::prefill(const VlmInputs& inputs, KvCache& cache, int64_t reserve) {
    cache.clear();
    Prepared p = prepare(inputs);
    const int64_t S = p.embeds.size(1);
    cache.begin_step(p.mask, config_.text.num_hidden_layers, reserve);
    at::Tensor hidden = run_decoder(p.embeds, p.positions, cache.step_key_mask(), 0, &cache);
    cache.end_step(S);
    cache.set_rope_deltas(p.deltas);
    cache.next_position = p.next_position;
    return head(hidden.select(1, S - 1));  // (B, V): left padding puts every last token at S-1
}

at::Tensor VlmModelImpl::decode_step(const at::Tensor& ids_in, KvCache& cache,
                                     const at::Tensor& step_mask) {
    if (cache.empty()) throw ModelError("decode_step: the cache is empty; call prefill first");
    at::Tensor ids = check_ids(ids_in);  // (B, n)
    const int64_t B = ids.size(0), n = ids.size(1), past = cache.length();
    if (B != cache.batch())
        throw ModelError("decode_step: " + std::to_string(B) + " rows for a cache of " +
                         std::to_string(cache.batch()));
    if (cache.next_position + n > config_.text.max_position_embeddings)
        throw ModelError("decoding to position " + std::to_string(cache.next_position + n - 1) +
                         " exceeds max_position_embeddings = " +
                         std::to_string(config_.text.max_position_embeddings));
    at::Tensor mask = step_mask.defined() ? step_mask.to(ids.device(), at::kLong)
                                          : at::ones({B, n}, ids.options());  // (B, n)
    // All three M-RoPE axes: cache_len + i + rope_delta (left padding included in cache_len).
    at::Tensor pos = at::arange(past, past + n, ids.options()).view({1, n}) +
                     cache.rope_deltas().to(ids.device());  // (B, n)
    cache.begin_step(mask, config_.text.num_hidden_layers);
    at::Tensor embeds = language_model->embed_tokens->forward(ids);  // (B, n, D)
    at::Tensor hidden = run_decoder(embeds, pos.unsqueeze(0).expand({3, B, n}),
                                    cache.step_key_mask(), past, &cache);
    cache.end_step(n);
    cache.next_position += n;
    return head(hidden);  // (B, n, V)
}

TokenScores VlmModelImpl::score_tokens(const VlmInputs& inputs, const at::Tensor& response_mask,
                                       double temperature) {
    TORCH_CHECK(temperature > 0, "score_tokens: temperature must be > 0, got ", temperature);
    Prepared p = prepare(inputs);
    const int64_t B = p.embeds.size(0), T = p.embeds.size(1);
    TORCH_CHECK(response_mask.sizes() == at::IntArrayRef({B, T}),
                "score_tokens: expected response_mask (", B, ", ", T, "), got ",
                response_mask.sizes());
    at::Tensor hidden = run_decoder(p.embeds, p.positions, p.mask, 0, nullptr);  // (B, T, D)
    at::Tensor ids = inputs.input_ids.to(options_.device, at::kLong);
    // Token t (t >= 1) is predicted by the hidden state at t - 1.
    at::Tensor sel = response_mask.to(options_.device).narrow(1, 1, T - 1) != 0;  // (B, T-1)
    at::Tensor h = hidden.narrow(1, 0, T - 1).index({sel});                       // (R, D)
    at::Tensor targets = ids.narrow(1, 1, T - 1).index({sel});                    // (R)
    at::Tensor logits = head(h).to(at::kFloat);                                   // (R, V) fp32
    if (temperature != 1.0) logits = logits / temperature;
    at::Tensor logp = at::log_softmax(logits, -1);                    // (R, V)
    at::Tensor lp = logp.gather(1, targets.unsqueeze(1)).squeeze(1);  // (R)
    at::Tensor ent = -(logp.exp() * logp).sum(-1);                    // (R)
    auto place = [&](const at::Tensor& values) {  // (R) -> (B, T), zero at unscored tokens
        at::Tensor shifted = at::zeros({B, T - 1}, values.options()).masked_scatter(sel, values);
        return at::cat({at::zeros({B, 1}, values.options()), shifted}, 1);
    };
    return {place(lp), place(ent)};
}

}  // namespace mmupt
