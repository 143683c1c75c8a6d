// The byte-level BPE model (QWEN2-VL.md §7.5): vocab, merge ranks and the merge loop. Works on
// raw bytes: each piece starts as the ids of its single bytes, then the adjacent pair with the
// lowest merge rank (leftmost on ties) is merged until no pair has a merge. Results are cached
// per piece (bpe_cache.h, thread-safe), so encode() is const and callable from any thread.
// Deliberately unsupported: dropout, unk tokens, byte_fallback, subword prefixes/suffixes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/tokenizer/bpe_cache.h"

namespace mmupt {

// Ids are table indices: anything this large is a corrupt file, not a real vocabulary.
inline constexpr std::int32_t kMaxTokenId = 1 << 24;

class BpeModel {
  public:
    // `vocab`: byte-level token string -> id; `merges`: pairs of byte-level strings, rank =
    // index. Throws std::invalid_argument naming the bad entry: a merge whose parts or result are
    // not in the vocab, duplicate ids, or a byte with no single-byte token.
    BpeModel(const std::vector<std::pair<std::string, std::int32_t>>& vocab,
             const std::vector<std::pair<std::string, std::string>>& merges,
             bool ignore_merges = false);

    // Appends the ids of one pre-token given as raw bytes (not byte-level text).
    void encode(std::string_view piece, std::vector<std::int32_t>& out) const;
    // The same without touching the cache (tests, benchmarks).
    void encode_uncached(std::string_view piece, std::vector<std::int32_t>& out) const;

    std::int32_t token_to_id(std::string_view byte_level_token) const;  // -1 when absent
    bool has_id(std::int32_t id) const {
        return id >= 0 && id < static_cast<std::int32_t>(tokens_.size()) && !tokens_[id].empty();
    }
    const std::string& token(std::int32_t id) const { return tokens_[id]; }       // byte-level form
    const std::string& token_bytes(std::int32_t id) const { return bytes_[id]; }  // raw bytes
    std::int32_t id_end() const { return static_cast<std::int32_t>(tokens_.size()); }
    std::size_t num_merges() const { return num_merges_; }

  private:
    struct Merge {
        std::int32_t rank = -1;
        std::int32_t merged = -1;
    };
    Merge find_merge(std::int32_t left, std::int32_t right) const;
    void merge_short(std::vector<std::int32_t>& ids) const;  // O(n^2), fast for short pieces
    void merge_long(std::vector<std::int32_t>& ids) const;   // heap, O(n log n)

    std::vector<std::string> tokens_;  // id -> byte-level string ("" for unused ids)
    std::vector<std::string> bytes_;   // id -> raw bytes (the UTF-8 content when not byte-level)
    std::unordered_map<std::string, std::int32_t> token_ids_;  // byte-level string -> id
    std::unordered_map<std::string, std::int32_t> bytes_ids_;  // raw bytes -> id (ignore_merges)
    std::int32_t byte_ids_[256];
    // Open-addressing table (left << 32 | right) -> Merge; capacity a power of two.
    std::vector<std::uint64_t> merge_keys_;
    std::vector<Merge> merge_values_;
    std::size_t num_merges_ = 0;
    bool ignore_merges_ = false;
    mutable BpeCache cache_;
};

}  // namespace mmupt
