// Sharded mutex-protected map; see bpe_cache.h. Deliberately no lock-free tricks: an uncontended
// mutex costs tens of nanoseconds, small next to the regex split of the same piece.
#include "core/tokenizer/bpe_cache.h"

#include <functional>

namespace mmupt {

BpeCache::BpeCache(std::size_t capacity) : shard_capacity_(capacity / kShards + 1) {}

BpeCache::Shard& BpeCache::shard(std::string_view key) const {
    const std::size_t h = std::hash<std::string_view>{}(key);
    return shards_[(h >> 7) % kShards];
}

bool BpeCache::lookup(std::string_view key, std::vector<std::int32_t>& out) const {
    if (key.size() > kMaxKeyBytes) return false;
    Shard& s = shard(key);
    thread_local std::string key_copy;  // reused buffer: no allocation per lookup
    key_copy.assign(key.data(), key.size());
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(key_copy);
    if (it == s.map.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
}

void BpeCache::insert(std::string_view key, const std::int32_t* ids, std::size_t n) {
    if (key.size() > kMaxKeyBytes) return;
    Shard& s = shard(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.map.size() >= shard_capacity_) s.map.clear();
    s.map.emplace(std::string(key), std::vector<std::int32_t>(ids, ids + n));
}

void BpeCache::clear() {
    for (Shard& s : shards_) {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.map.clear();
    }
}

}  // namespace mmupt
