// Memory planner arithmetic (memory_plan.h). Shape letters: L layers, D width, I MLP width,
// H / KV heads, hd head dim, V vocab, E / F vision width / MLP width, b bytes per element of the
// model dtype; r rows per micro-batch, P prompt tokens, N new tokens, T = P + N.
#include "core/trainer/memory_plan.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include "core/model/model_presets.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

int64_t dtype_bytes(Dtype d) { return d == Dtype::float32 ? 4 : 2; }

// Process baseline at the step's peak, measured: a CPU `mmupt train` of the tiny preset less
// what the terms below predict for it (libtorch, OpenBLAS / OpenMP buffers, the tokenizer, the
// allocator's retained pages). A CUDA context costs about this much device memory again.
constexpr int64_t kCpuRuntime = 300LL << 20;
constexpr int64_t kCudaRuntime = 600LL << 20;

struct Shape {
    int64_t L, D, I, H, KV, hd, V, E, F, depth, vheads, b;
};

Shape shape_of(const ModelConfig& m, const RunConfig& run) {
    const TextConfig& t = m.text;
    const VisionConfig& v = m.vision;
    return {
        t.num_hidden_layers,   t.hidden_size, t.intermediate_size, t.num_attention_heads,
        t.num_key_value_heads, t.head_dim(),  t.vocab_size,        v.width,
        v.intermediate_size,   v.depth,       v.num_heads,         dtype_bytes(run.model.dtype)};
}

// Bytes autograd keeps per token of one decoder layer over a T-token row: two RMSNorms (fp32
// upcast, normalised fp32, cast back), q / k / v / o inputs and outputs with the rotary
// halves, the attention scores and probabilities (H x T per query token, the eager path), and
// the SwiGLU's gate, up, silu and product (4 x I).
int64_t layer_bytes_per_token(const Shape& s, int64_t T) {
    const int64_t q = s.H * s.hd, kv = s.KV * s.hd;
    return 2 * (8 * s.D + s.b * s.D) + s.b * (4 * s.D + 3 * q + 4 * kv) + 3 * s.b * s.H * T +
           4 * s.b * s.I;
}

// Same for one vision block and one patch (windowed attention over `window` patches).
int64_t vision_bytes_per_patch(const Shape& s, int64_t window) {
    return 2 * (8 * s.E + s.b * s.E) + s.b * (9 * s.E) + 3 * s.b * s.vheads * window +
           4 * s.b * s.F;
}

struct Phases {
    int64_t act_full = 0, act_ckpt = 0, train_logits = 0;  // the update
    int64_t kv = 0, decode_logits = 0, prefill = 0;        // the rollout
};

Phases phases(const ModelConfig& m, const RunConfig& run, const Shape& s, int64_t P, int64_t img,
              int64_t rows, bool vision_grad) {
    const int64_t N = run.rollout.max_new_tokens, T = P + N;
    const int64_t r = std::max<int64_t>(1, run.trainer.micro_batch_size);
    Phases ph;
    // Update: a micro-batch of r rows shares one prompt's images (encoded once per group).
    const int64_t per_layer = r * T * layer_bytes_per_token(s, T);
    const int64_t patches = img * m.vision.spatial_merge_size * m.vision.spatial_merge_size;
    const int64_t window = std::min<int64_t>(patches, 256);  // 112 px windows: 8 x 8 x 4 patches
    const int64_t vision = vision_grad ? s.depth * patches * vision_bytes_per_patch(s, window)
                                       : 2 * patches * vision_bytes_per_patch(s, window);
    ph.act_full = s.L * per_layer + per_layer + vision;  // + one layer's gradients in flight
    ph.act_ckpt = s.L * r * T * s.D * s.b + 2 * per_layer +
                  (vision_grad ? s.depth * patches * s.E * s.b : 0) +
                  2 * patches * vision_bytes_per_patch(s, window);
    // Training logits over R = r x N response tokens (score_tokens): the head's output (b),
    // then fp32 tensors: logits / T, log_softmax (kept), exp (kept), and in backward about
    // three (R, V) gradients alive next to the two kept ones: b + 4 x 4 bytes per element.
    ph.train_logits = r * N * s.V * (s.b + 16);
    // Rollout: the cache holds every row's keys and values for P + N positions; each decode
    // step makes (rows, V) logits in the model dtype and an fp32 copy for the sampler.
    ph.kv = s.L * 2 * rows * s.KV * s.hd * T * s.b;
    ph.decode_logits = rows * s.V * (s.b + 8);
    const int64_t B = std::max<int64_t>(1, run.trainer.rollout_batch_size);
    // Prefill without gradients: one layer's tensors live at a time, plus the image encoding.
    ph.prefill =
        B * P * layer_bytes_per_token(s, P) + 2 * B * patches * vision_bytes_per_patch(s, window);
    return ph;
}

struct LinearModule {
    std::string name;
    int64_t in, out;
    bool decoder;  // a decoder projection: the only kind LoraModel attaches adapters to
};

// Every Linear in our module tree (vlm_model.cpp, text_decoder.cpp, vision_tower.cpp), by name.
std::vector<LinearModule> linear_modules(const ModelConfig& m) {
    const TextConfig& t = m.text;
    const VisionConfig& v = m.vision;
    const int64_t D = t.hidden_size, q = t.num_attention_heads * t.head_dim(),
                  kv = t.num_key_value_heads * t.head_dim(), I = t.intermediate_size;
    std::vector<LinearModule> out;
    for (int64_t i = 0; i < t.num_hidden_layers; ++i) {
        const std::string l = "model.language_model.layers." + std::to_string(i) + ".";
        out.push_back({l + "self_attn.q_proj", D, q, true});
        out.push_back({l + "self_attn.k_proj", D, kv, true});
        out.push_back({l + "self_attn.v_proj", D, kv, true});
        out.push_back({l + "self_attn.o_proj", q, D, true});
        out.push_back({l + "mlp.gate_proj", D, I, true});
        out.push_back({l + "mlp.up_proj", D, I, true});
        out.push_back({l + "mlp.down_proj", I, D, true});
    }
    const int64_t E = v.width, F = v.intermediate_size;
    const bool gated = m.arch != ModelArch::qwen2_vl;
    for (int64_t i = 0; i < v.depth; ++i) {
        const std::string b = "model.visual.blocks." + std::to_string(i) + ".";
        out.push_back({b + "attn.qkv", E, 3 * E, false});
        out.push_back({b + "attn.proj", E, E, false});
        for (const char* n : gated ? std::vector<const char*>{"gate_proj", "up_proj"}
                                   : std::vector<const char*>{"fc1"})
            out.push_back({b + "mlp." + n, E, F, false});
        out.push_back({b + "mlp." + (gated ? "down_proj" : "fc2"), F, E, false});
    }
    const int64_t merged = E * v.spatial_merge_size * v.spatial_merge_size;
    out.push_back({"model.visual.merger.mlp.0", merged, merged, false});
    out.push_back({"model.visual.merger.mlp.2", merged, v.out_hidden_size, false});
    if (!t.tie_word_embeddings) out.push_back({"lm_head", D, t.vocab_size, false});
    return out;
}

}  // namespace

int64_t lora_parameter_count(const ModelConfig& m, const std::string& target_modules, int64_t rank,
                             int64_t* adapters) {
    if (rank < 1) throw ConfigError("model.lora.rank = " + std::to_string(rank) + ": must be >= 1");
    std::regex target;
    try {
        target = std::regex(target_modules, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw ConfigError("model.lora.target_modules = '" + target_modules +
                          "' is not a valid regular expression (" + e.what() + ")");
    }
    int64_t params = 0, count = 0;
    for (const LinearModule& l : linear_modules(m)) {
        if (!std::regex_match(l.name, target)) continue;
        if (!l.decoder)
            throw ConfigError("model.lora.target_modules = '" + target_modules + "' matches '" +
                              l.name +
                              "', which LoRA does not support here: only the language model's "
                              "q/k/v/o and gate/up/down projections can carry adapters");
        params += rank * (l.in + l.out);  // A (r, in) + B (out, r)
        ++count;
    }
    if (count == 0)
        throw ConfigError("model.lora.target_modules = '" + target_modules +
                          "' matches no Linear module; the default is " + kDefaultLoraTargets);
    if (adapters) *adapters = count;
    return params;
}

namespace {

// The vision tower's parameters: the count with an empty text side, less its final norm.
int64_t vision_parameters(const ModelConfig& m) {
    ModelConfig no_text = m;
    no_text.text.num_hidden_layers = 0;
    no_text.text.vocab_size = 0;
    return count_parameters(no_text) - no_text.text.hidden_size;
}

MemoryTerms terms(const ModelConfig& m, const RunConfig& run, const MemoryPlanOptions& o,
                  const Shape& s, int64_t P, int64_t img, int64_t rows, bool lora) {
    MemoryTerms t;
    const int64_t params = count_parameters(m);
    t.weights = params * s.b;
    const bool grpo = run.algorithm.reward != RewardKind::sft;
    // load_training_model: the reference anchors the KL or votes (vote_source = reference).
    const bool reference =
        grpo && (run.algorithm.kl_coef > 0 || run.algorithm.vote_source == VoteSource::reference);
    t.reference = reference && !lora ? t.weights : 0;
    const int64_t rank = o.lora_rank > 0 ? o.lora_rank : run.model.lora.rank;
    int64_t adapters = 0;
    t.trainable_parameters =
        lora ? lora_parameter_count(m, run.model.lora.target_modules, rank, &adapters)
             : params - (run.model.freeze_vision ? vision_parameters(m) : 0);
    t.gradients = t.trainable_parameters * s.b;
    t.optimizer = t.trainable_parameters * (8 + (s.b == 4 ? 0 : 4));
    const bool ema = grpo && run.algorithm.vote_source == VoteSource::ema;
    t.teacher = ema ? t.trainable_parameters * 4 : 0;  // ema_teacher.h: fp32 whatever the dtype
    // Its rollout swaps a cast copy into the parameters (none when they are fp32).
    const int64_t teacher_cast = ema && s.b != 4 ? t.trainable_parameters * s.b : 0;
    const bool vision_grad = !lora && !run.model.freeze_vision;
    const Phases ph = phases(m, run, s, P, img, rows, vision_grad);
    // LoRA adds each adapter's x A (rank per token) to what the layers keep.
    const int64_t T = P + run.rollout.max_new_tokens;
    const int64_t lora_act =
        adapters * std::max<int64_t>(1, run.trainer.micro_batch_size) * T * rank * s.b;
    t.activations_full = ph.act_full + lora_act;
    t.activations_checkpointed = ph.act_ckpt + lora_act / std::max<int64_t>(1, s.L) * 2;
    t.activations =
        run.model.gradient_checkpointing ? t.activations_checkpointed : t.activations_full;
    t.kv_cache = ph.kv;
    t.logits = std::max(ph.decode_logits, ph.train_logits);
    t.runtime = o.cuda ? kCudaRuntime : kCpuRuntime;
    // half_matmul.h: on the CPU a bf16 / fp16 product converts its weight to fp32 for the call;
    // the largest is the LM head (V x D), whose fp32 output over the scored rows comes with it.
    if (!o.cuda && s.b == 2) {
        int64_t largest = s.V * s.D;
        for (const LinearModule& l : linear_modules(m)) largest = std::max(largest, l.in * l.out);
        const int64_t head_rows = std::max(
            std::max<int64_t>(1, run.trainer.micro_batch_size) * run.rollout.max_new_tokens, rows);
        t.upcast = 4 * (largest + head_rows * s.V);
    }
    const int64_t persistent =
        t.weights + t.reference + t.teacher + t.gradients + t.optimizer + t.runtime + t.upcast;
    const int64_t rollout = ph.kv + ph.decode_logits + ph.prefill + teacher_cast;
    const int64_t update = t.activations + ph.train_logits;
    t.peak_phase = rollout > update ? "rollout" : "update";
    t.peak = persistent + std::max(rollout, update);
    return t;
}

}  // namespace

MemoryPlan plan_memory(const ModelConfig& m, const RunConfig& run, const MemoryPlanOptions& o) {
    MemoryPlan plan;
    const Shape s = shape_of(m, run);
    const int64_t unit = m.vision.patch_size * m.vision.spatial_merge_size;
    plan.image_tokens = o.image_tokens >= 0 ? o.image_tokens : run.data.max_pixels / (unit * unit);
    plan.prompt_tokens = o.prompt_tokens > 0 ? o.prompt_tokens : run.data.max_prompt_length;
    plan.image_tokens = std::min(plan.image_tokens, plan.prompt_tokens);
    plan.response_tokens = run.rollout.max_new_tokens;
    plan.rollout_rows = run.rollout.n * run.trainer.rollout_batch_size;
    plan.parameters = count_parameters(m);
    plan.device_memory = o.device_memory;
    plan.lora_rank = o.lora_rank > 0 ? o.lora_rank : run.model.lora.rank;
    plan.lora_enabled = run.model.lora.enabled;
    for (bool lora : {false, true}) {
        MemoryTerms t =
            terms(m, run, o, s, plan.prompt_tokens, plan.image_tokens, plan.rollout_rows, lora);
        if (o.device_memory > 0) {  // the peak grows with the rows: binary search
            int64_t lo = 0, hi = 1 << 16;
            while (lo < hi) {
                const int64_t mid = (lo + hi + 1) / 2;
                const int64_t peak =
                    terms(m, run, o, s, plan.prompt_tokens, plan.image_tokens, mid, lora).peak;
                if (peak <= o.device_memory)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            t.max_rollout_rows = lo;
        }
        (lora ? plan.lora : plan.full) = t;
    }
    return plan;
}

int64_t parse_byte_size(const std::string& text) {
    size_t i = 0;
    double value = 0;
    try {
        value = std::stod(text, &i);
    } catch (const std::exception&) {
        i = 0;
    }
    std::string unit;
    for (; i < text.size(); ++i)
        if (!std::isspace(static_cast<unsigned char>(text[i])))
            unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    double scale = 0;
    if (unit.empty() || unit == "b") scale = 1;
    if (unit == "kb") scale = 1e3;
    if (unit == "mb") scale = 1e6;
    if (unit == "gb") scale = 1e9;
    if (unit == "kib") scale = 1024.0;
    if (unit == "mib") scale = 1024.0 * 1024;
    if (unit == "gib") scale = 1024.0 * 1024 * 1024;
    if (unit == "tib") scale = 1024.0 * 1024 * 1024 * 1024;
    if (scale == 0 || !(value > 0) || !std::isfinite(value))
        throw ConfigError("memory size '" + text +
                          "': expected a positive number with an optional unit (B, KB, MB, GB, "
                          "KiB, MiB, GiB, TiB), e.g. 24GiB");
    return static_cast<int64_t>(value * scale);
}

}  // namespace mmupt
