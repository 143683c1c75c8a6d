// Bucketed gradient all-reduce (grad_sync.h).
#include "core/dist/grad_sync.h"

#include <ATen/ATen.h>

namespace mmupt {

GradSync::GradSync(DistGroup& group, std::vector<at::Tensor> params, int64_t bucket_bytes)
    : group_(group), params_(std::move(params)), bucket_bytes_(bucket_bytes) {}

void GradSync::all_reduce() {
    // 1. Which parameters have a gradient on any rank: (P) 0/1 flags, summed.
    std::vector<double> has(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) has[i] = params_[i].grad().defined() ? 1 : 0;
    has = group_.all_reduce_sum(has, "the gradient all-reduce (which parameters have one)");
    std::vector<at::Tensor> grads;
    for (size_t i = 0; i < params_.size(); ++i) {
        if (has[i] == 0) continue;
        at::Tensor& p = params_[i];
        if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
        grads.push_back(p.grad());
    }
    // 2. Buckets of consecutive same-dtype gradients, flattened, summed, copied back.
    for (size_t b0 = 0; b0 < grads.size();) {
        size_t b1 = b0;
        int64_t bytes = 0;
        while (b1 < grads.size() && grads[b1].scalar_type() == grads[b0].scalar_type() &&
               (b1 == b0 || bytes + int64_t(grads[b1].nbytes()) <= bucket_bytes_))
            bytes += int64_t(grads[b1++].nbytes());
        std::vector<at::Tensor> flat_parts;
        for (size_t i = b0; i < b1; ++i) flat_parts.push_back(grads[i].reshape({-1}));
        at::Tensor flat = at::cat(flat_parts);  // (sum of numels) one dtype
        group_.all_reduce_sum(flat, "the gradient all-reduce");
        int64_t offset = 0;
        for (size_t i = b0; i < b1; ++i) {
            const int64_t n = grads[i].numel();
            grads[i].copy_(flat.narrow(0, offset, n).view_as(grads[i]));
            offset += n;
        }
        b0 = b1;
    }
}

}  // namespace mmupt
