// Entropy of the policy's next-token distribution at each position, from the logits. A
// diagnostic (MM-UPT has no entropy bonus): collapse onto one answer shows as falling entropy.
// Shapes: N responses, T response tokens, V vocabulary.
#pragma once
#include <ATen/core/Tensor.h>

namespace mmupt {

// logits: (N, T, V) (any floating dtype; half types are computed in float32). Returns (N, T)
// entropies in nats, H = logsumexp(z) - sum softmax(z) * z. Differentiable. Throws ModelError
// when logits is not 3-D floating.
at::Tensor token_entropy(const at::Tensor& logits);

}  // namespace mmupt
