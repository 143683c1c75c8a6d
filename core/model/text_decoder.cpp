// Qwen2 decoder layers (QWEN2-VL.md §4.1): h += o(attn(RMSNorm h)); h += down(silu(gate) * up).
#include "core/model/text_decoder.h"

#include "core/model/attention.h"
#include "core/model/half_matmul.h"
#include "core/model/lora.h"
#include "core/model/recompute.h"
#include "core/model/rotary.h"

namespace mmupt {
namespace {

torch::nn::Linear linear(int64_t in, int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

}  // namespace

DecoderLayerImpl::DecoderLayerImpl(const TextConfig& c) : config(c) {
    const int64_t D = c.hidden_size, hd = c.head_dim();
    const int64_t H = c.num_attention_heads, KV = c.num_key_value_heads;
    input_layernorm = register_module("input_layernorm", Norm(NormOptions{D, c.rms_norm_eps}));
    post_attention_layernorm =
        register_module("post_attention_layernorm", Norm(NormOptions{D, c.rms_norm_eps}));
    auto attn = register_module("self_attn", std::make_shared<torch::nn::Module>("self_attn"));
    q_proj = attn->register_module("q_proj", linear(D, H * hd, true));
    k_proj = attn->register_module("k_proj", linear(D, KV * hd, true));
    v_proj = attn->register_module("v_proj", linear(D, KV * hd, true));
    o_proj = attn->register_module("o_proj", linear(H * hd, D, false));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>("mlp"));
    gate_proj = mlp->register_module("gate_proj", linear(D, c.intermediate_size, false));
    up_proj = mlp->register_module("up_proj", linear(D, c.intermediate_size, false));
    down_proj = mlp->register_module("down_proj", linear(c.intermediate_size, D, false));
}

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const at::Tensor& cos,
                                     const at::Tensor& sin, const at::Tensor& mask, KvCache* cache,
                                     int64_t layer_index) {
    const int64_t B = x.size(0), S = x.size(1), hd = config.head_dim();
    const int64_t H = config.num_attention_heads, KV = config.num_key_value_heads;
    at::Tensor a = input_layernorm->forward(x);  // (B, S, D)
    at::Tensor q =
        project(q_proj, lora.q_proj, a).view({B, S, H, hd}).transpose(1, 2);  // (B, H, S, hd)
    at::Tensor k =
        project(k_proj, lora.k_proj, a).view({B, S, KV, hd}).transpose(1, 2);  // (B, KV, S, hd)
    at::Tensor v =
        project(v_proj, lora.v_proj, a).view({B, S, KV, hd}).transpose(1, 2);  // (B, KV, S, hd)
    q = apply_rotary(q, cos, sin);
    k = apply_rotary(k, cos, sin);
    if (cache) std::tie(k, v) = cache->append(layer_index, k, v);  // (B, KV, Sk, hd)
    at::Tensor o = attend(q, k, v, mask);                          // (B, H, S, hd)
    at::Tensor h = x + project(o_proj, lora.o_proj, o.transpose(1, 2).reshape({B, S, H * hd}));
    at::Tensor m = post_attention_layernorm->forward(h);
    at::Tensor gated =
        at::silu(project(gate_proj, lora.gate_proj, m)) * project(up_proj, lora.up_proj, m);
    return h + project(down_proj, lora.down_proj, gated);
}

at::Tensor DecoderLayerImpl::project(torch::nn::Linear& linear, const LoraAdapterImpl* adapter,
                                     const at::Tensor& x) {
    at::Tensor y = linear_any(x, linear->weight, linear->bias);  // fp32 products on CPU (bf16)
    if (adapter && adapter->enabled) y = y + adapter->delta(x, is_training());
    return y;
}

LanguageModelImpl::LanguageModelImpl(const TextConfig& c, at::TensorOptions place) : config(c) {
    const auto dtype = c10::typeMetaToScalarType(place.dtype());
    embed_tokens =
        register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
    embed_tokens->to(place.device(), dtype);
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
        DecoderLayer layer(c);
        layer->to(place.device(), dtype);
        layers->push_back(layer);
    }
    norm = register_module("norm", Norm(NormOptions{c.hidden_size, c.rms_norm_eps}));
}

at::Tensor LanguageModelImpl::forward(const at::Tensor& embeds, const at::Tensor& cos,
                                      const at::Tensor& sin, const at::Tensor& mask,
                                      KvCache* cache) {
    TORCH_CHECK(embeds.dim() == 3 && embeds.size(2) == config.hidden_size,
                "language model: expected embeddings (B, S, ", config.hidden_size, "), got ",
                embeds.sizes());
    at::Tensor h = embeds;  // (B, S, D)
    const bool recompute = gradient_checkpointing && is_training() && !cache;
    // Under LoRA the embeddings are frozen, so the first layer's input needs no gradient and
    // checkpointed() would run that layer plainly, keeping all its activations. An input that
    // asks for a gradient (thrown away) lets the first layer be recomputed like the others.
    if (recompute && at::GradMode::is_enabled() && !h.requires_grad())
        h = h.detach().requires_grad_(true);
    for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
        auto* layer = layers[i]->as<DecoderLayerImpl>();
        LayerFn fn = [layer, cos, sin, mask, cache, i](const at::Tensor& x) {
            return layer->forward(x, cos, sin, mask, cache, i);
        };
        h = recompute ? checkpointed(fn, h) : fn(h);
    }
    return norm->forward(h);
}

}  // namespace mmupt
