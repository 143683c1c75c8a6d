// KvCache storage: preallocated buffers written in place, grown by doubling.
#include "core/model/kv_cache.h"

#include <algorithm>

namespace mmupt {

void KvCache::grow(int64_t needed) {
    if (needed <= capacity()) return;
    const int64_t cap = std::max(needed, 2 * capacity());
    auto widen = [&](at::Tensor& t, int64_t dim) {
        if (!t.defined()) return;
        auto sizes = t.sizes().vec();
        sizes[dim] = cap;
        at::Tensor n = at::zeros(sizes, t.options());
        n.narrow(dim, 0, length_).copy_(t.narrow(dim, 0, length_));
        t = n;
    };
    for (auto& t : k_) widen(t, 2);
    for (auto& t : v_) widen(t, 2);
    widen(mask_, 1);
}

void KvCache::reserve(int64_t extra) {
    if (mask_.defined()) grow(length_ + extra);
}

void KvCache::clear() {
    k_.clear(), v_.clear();
    mask_ = at::Tensor();
    deltas_ = at::Tensor();
    length_ = pending_ = next_position = 0;
}

void KvCache::begin_step(const at::Tensor& new_mask, int64_t layers, int64_t extra_capacity) {
    TORCH_CHECK(new_mask.dim() == 2, "KvCache: expected step mask (B, n), got ", new_mask.sizes());
    const int64_t B = new_mask.size(0), n = new_mask.size(1);
    if (!mask_.defined()) {
        mask_ = at::zeros({B, n}, new_mask.options().dtype(at::kLong));
        k_.assign(layers, at::Tensor());
        v_.assign(layers, at::Tensor());
    }
    TORCH_CHECK(B == batch(), "KvCache: step has ", B, " rows, cache has ", batch());
    grow(length_ + n + extra_capacity);
    mask_.narrow(1, length_, n).copy_(new_mask);
    pending_ = n;
}

std::pair<at::Tensor, at::Tensor> KvCache::append(int64_t layer, const at::Tensor& k,
                                                  const at::Tensor& v) {
    TORCH_CHECK(
        k.dim() == 4 && k.size(0) == batch() && k.size(2) == pending_ && v.sizes() == k.sizes(),
        "KvCache::append: expected k / v (", batch(), ", KV, ", pending_, ", hd), got ", k.sizes(),
        " / ", v.sizes());
    at::Tensor& kb = k_[layer];
    at::Tensor& vb = v_[layer];
    if (!kb.defined()) {  // first write of this layer: allocate at the mask's capacity
        kb = at::zeros({k.size(0), k.size(1), capacity(), k.size(3)}, k.options());
        vb = at::zeros_like(kb);
    }
    kb.narrow(2, length_, pending_).copy_(k);
    vb.narrow(2, length_, pending_).copy_(v);
    return {kb.narrow(2, 0, length_ + pending_), vb.narrow(2, 0, length_ + pending_)};
}

void KvCache::repeat_interleave(int64_t g) {
    TORCH_CHECK(g >= 1, "KvCache::repeat_interleave: g must be >= 1, got ", g);
    if (!mask_.defined() || g == 1) return;
    at::Tensor rows = at::arange(batch(), mask_.options()).repeat_interleave(g);  // (B*g)
    select_rows(rows);
}

void KvCache::select_rows(const at::Tensor& rows) {
    if (!mask_.defined()) return;
    at::Tensor r = rows.to(mask_.device(), at::kLong);
    for (auto& t : k_)
        if (t.defined()) t = t.index_select(0, r);
    for (auto& t : v_)
        if (t.defined()) t = t.index_select(0, r);
    mask_ = mask_.index_select(0, r);
    if (deltas_.defined()) deltas_ = deltas_.index_select(0, r.to(deltas_.device()));
}

}  // namespace mmupt
