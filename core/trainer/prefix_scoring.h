// Log-probs of G responses per prompt with the prompt computed once: the prompt (image tokens
// and question, most of a multimodal row) is prefilled once into a KV cache, the cache is
// repeated for the G responses, and the responses run as one multi-token decode step. Same
// values as VlmModelImpl::score_tokens over the packed rows (up to float rounding; tested to
// 1e-5), at about (P + G R) / (G (P + R)) of its token work. No gradients: for the old-policy and
// reference passes of a GRPO step.
#pragma once
#include <ATen/core/Tensor.h>

#include "core/model/vlm_model.h"
#include "core/trainer/sequence_batch.h"

namespace mmupt {

// Whether micro-batch `mb` of `batch` is made of whole prompts' row groups (K > 1 rows each):
// then score_shared_prefix applies.
bool shares_prompts(const SequenceBatch& batch, const MicroBatch& mb);

// Log-probs (n, t) fp32 of mb's response tokens at softmax(logits / temperature), laid out as
// score_tokens(mb.inputs, mb.response_mask, temperature).logprobs (zero off the mask). Call
// under a NoGradGuard with the model in eval mode; requires shares_prompts(batch, mb).
at::Tensor score_shared_prefix(VlmModel& model, const SequenceBatch& batch, const MicroBatch& mb,
                               double temperature);

}  // namespace mmupt
