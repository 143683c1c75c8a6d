// Sums the accumulated gradients of the trainable parameters over the ranks, in flat buckets
// (one all-reduce per ~bucket_bytes of same-dtype gradients instead of one per tensor). The
// losses were already weighted by the GLOBAL token count of each mini-batch (policy_update.h),
// so the sum, not a mean, is the single-process gradient. Runs before clipping (AdamW::step
// clips the summed gradient). A parameter that got no gradient on any rank keeps none (AdamW
// then leaves it alone, as in one process); one that got a gradient on some rank only is
// treated as zero elsewhere.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/dist/process_group.h"

namespace mmupt {

class GradSync {
  public:
    GradSync(DistGroup& group, std::vector<at::Tensor> params, int64_t bucket_bytes = 32 << 20);
    void all_reduce();

  private:
    DistGroup& group_;
    std::vector<at::Tensor> params_;
    int64_t bucket_bytes_;
};

}  // namespace mmupt
