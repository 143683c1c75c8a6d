// Shared-prompt scoring (prefix_scoring.h).
#include "core/trainer/prefix_scoring.h"

#include <ATen/ATen.h>

#include "core/model/kv_cache.h"

namespace mmupt {

bool shares_prompts(const SequenceBatch& batch, const MicroBatch& mb) {
    // make_micro_batch then lists each prompt's images once (rows_per_image_group = K).
    const int64_t K = batch.rows_per_prompt;
    return K > 1 && mb.rows > 0 && mb.row0 % K == 0 && mb.rows % K == 0;
}

at::Tensor score_shared_prefix(VlmModel& model, const SequenceBatch& batch, const MicroBatch& mb,
                               double temperature) {
    const int64_t K = batch.rows_per_prompt, n = mb.rows, t = mb.cols;
    const int64_t P = batch.prompt_width - mb.col0;  // the micro-batch's prompt columns
    const int64_t R = t - P;                         // its response columns
    const at::Device device = mb.inputs.input_ids.device();
    // Prompts are left-padded to a common end, so row g*K holds prompt g in columns [0, P).
    at::Tensor firsts = at::arange(0, n, K, at::TensorOptions().dtype(at::kLong).device(device));
    VlmInputs prompt = mb.inputs;
    prompt.input_ids = mb.inputs.input_ids.index_select(0, firsts).narrow(1, 0, P);  // (B, P)
    prompt.attention_mask = mb.inputs.attention_mask.index_select(0, firsts).narrow(1, 0, P);
    prompt.rows_per_image_group = 1;  // the images are already one entry per prompt

    KvCache cache;
    at::Tensor first = model->prefill(prompt, cache, /*reserve=*/R);  // (B, V): predicts token P
    cache.repeat_interleave(K);
    at::Tensor ids = mb.inputs.input_ids.narrow(1, P, R);  // (n, R)
    // log softmax(logits / T) at `targets`, one part at a time: at a real vocabulary the
    // (n, R, V) logits are the pass's largest tensors, so no concatenated copy of them.
    auto logprobs = [&](at::Tensor logits, const at::Tensor& targets) {  // (n, r, V) -> (n, r)
        logits = logits.to(at::kFloat);
        if (temperature != 1.0) logits.div_(temperature);
        return at::log_softmax(logits, -1).gather(2, targets.unsqueeze(2)).squeeze(2);
    };
    std::vector<at::Tensor> parts{
        logprobs(first.repeat_interleave(K, 0).unsqueeze(1), ids.narrow(1, 0, 1))};  // (n, 1)
    if (R > 1) {  // responses but their last token: the logits predicting tokens P+1 .. t-1
        at::Tensor step_mask = mb.inputs.attention_mask.narrow(1, P, R - 1);
        parts.push_back(logprobs(model->decode_step(ids.narrow(1, 0, R - 1), cache, step_mask),
                                 ids.narrow(1, 1, R - 1)));  // (n, R-1)
    }
    at::Tensor lp = at::cat(parts, 1);  // (n, R)
    at::Tensor out = at::zeros({n, t}, lp.options());
    out.narrow(1, P, R).copy_(lp * mb.response_mask.narrow(1, P, R));
    return out;
}

}  // namespace mmupt
