// A bounded, thread-safe cache from a pre-token's raw bytes to its BPE ids. Sharded by hash, one
// mutex per shard, so encoders on several threads rarely contend; a shard that fills up is
// cleared wholesale (cheap, and real text re-warms it within a few hundred words).
// Deliberately not LRU: eviction order does not change results, only speed.
#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mmupt {

class BpeCache {
  public:
    static constexpr std::size_t kMaxKeyBytes = 256;  // longer pieces are not cached

    explicit BpeCache(std::size_t capacity = 1 << 17);
    // Appends the cached ids of `key` to `out` and returns true on a hit.
    bool lookup(std::string_view key, std::vector<std::int32_t>& out) const;
    void insert(std::string_view key, const std::int32_t* ids, std::size_t n);
    void clear();

  private:
    static constexpr std::size_t kShards = 16;
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, std::vector<std::int32_t>> map;
    };
    Shard& shard(std::string_view key) const;

    std::size_t shard_capacity_;
    mutable std::array<Shard, kShards> shards_;
};

}  // namespace mmupt
