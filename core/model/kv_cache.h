// KvCache: per-layer keys (post-RoPE) and values for incremental decoding, with the key padding
// mask and the per-row M-RoPE deltas from prefill (QWEN2-VL.md §4.5). All rows share one length
// (ragged prompts are left-padded), so a decode step is one batched call. Buffers are
// preallocated (capacity grows by doubling) and written in place: use under torch::NoGradGuard.
// Rows can be repeated (share a prompt's prefill across its G samples) and selected (drop
// finished rows). Owned by one thread; not a module, never saved.
#pragma once
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace mmupt {

class KvCache {
  public:
    int64_t length() const { return length_; }  // cached positions, left padding included
    int64_t batch() const { return mask_.defined() ? mask_.size(0) : 0; }
    int64_t capacity() const { return mask_.defined() ? mask_.size(1) : 0; }
    bool empty() const { return length_ == 0; }
    at::Tensor key_mask() const { return mask_.narrow(1, 0, length_); }  // (B, length) int64
    const at::Tensor& rope_deltas() const { return deltas_; }            // (B, 1) int64

    // (B) rows -> (B*g): row b becomes rows b*g .. b*g+g-1 (one prompt, g samples).
    void repeat_interleave(int64_t g);
    // Keeps / reorders rows: rows (R) int64 indices into the current batch.
    void select_rows(const at::Tensor& rows);
    // Ensures room for `extra` more positions without reallocating.
    void reserve(int64_t extra);
    void clear();

    // --- used by the model ---
    // Starts a step of n new positions for every row; new_mask (B, n) 0/1.
    void begin_step(const at::Tensor& new_mask, int64_t layers, int64_t extra_capacity = 0);
    // (B, length + n) mask of the step in progress (cached keys + new ones).
    at::Tensor step_key_mask() const { return mask_.narrow(1, 0, length_ + pending_); }
    // Largest M-RoPE position used so far + 1 (host value, for the max_position check).
    int64_t next_position = 0;
    // Writes layer's k / v (B, KV, n, hd) at [length, length+n); returns all keys / values
    // (B, KV, length+n, hd) as views.
    std::pair<at::Tensor, at::Tensor> append(int64_t layer, const at::Tensor& k,
                                             const at::Tensor& v);
    void end_step(int64_t n) { length_ += n; }
    void set_rope_deltas(const at::Tensor& deltas) { deltas_ = deltas; }

  private:
    void grow(int64_t needed);
    std::vector<at::Tensor> k_, v_;  // L x (B, KV, capacity, hd)
    at::Tensor mask_;                // (B, capacity) int64
    at::Tensor deltas_;              // (B, 1) int64
    int64_t length_ = 0;
    int64_t pending_ = 0;  // n of the step in progress
};

}  // namespace mmupt
