// Gradient checkpointing for libtorch, which (1.13 and 2.x alike) has no C++
// torch.utils.checkpoint: a custom autograd Function runs `fn` without recording a graph and
// re-runs it with grad enabled during backward (reentrant, like PyTorch's use_reentrant=True).
// `fn` must be deterministic apart from the default generator of x's device, whose state is
// saved in forward and replayed for the recompute (LoRA dropout draws the same masks). Only `x` is
// an explicit input: parameters used by `fn` receive their gradients from the nested backward. When
// `x` does not require grad the layer runs normally (no memory saving), so frozen embeddings never
// silently drop gradients.
#pragma once
#include <functional>

#include <ATen/ATen.h>

namespace mmupt {

using LayerFn = std::function<at::Tensor(const at::Tensor&)>;

at::Tensor checkpointed(const LayerFn& fn, const at::Tensor& x);

}  // namespace mmupt
