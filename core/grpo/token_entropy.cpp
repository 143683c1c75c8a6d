// Token entropy from logits, in a numerically stable form (no log of a softmax underflowing).
#include "core/grpo/token_entropy.h"

#include <ATen/ATen.h>

#include "core/util/errors.h"

namespace mmupt {

at::Tensor token_entropy(const at::Tensor& logits) {
    if (!logits.defined() || logits.dim() != 3 || !logits.is_floating_point())
        throw ModelError("token_entropy: logits must be a (N, T, V) floating tensor");
    at::Tensor z = logits;  // (N, T, V)
    if (z.scalar_type() == at::kHalf || z.scalar_type() == at::kBFloat16) z = z.to(at::kFloat);
    at::Tensor lse = at::logsumexp(z, /*dim=*/{-1}, /*keepdim=*/false);  // (N, T)
    at::Tensor p = at::softmax(z, /*dim=*/-1);                           // (N, T, V)
    return lse - (p * z).sum(-1);                                        // (N, T)
}

}  // namespace mmupt
