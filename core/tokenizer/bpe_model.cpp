// BPE merging on token ids with an open-addressing pair table. Short pieces (the common case)
// use a rank array rescanned per merge; long ones (runs of CJK letters, whitespace) a min-heap
// ordered by (rank, position) with lazy invalidation, the same order as HF `word.rs`.
// Deliberately no merge dropout and no unknown-token path: byte-level vocabs cover every byte.
#include "core/tokenizer/bpe_model.h"

#include <limits>
#include <queue>
#include <stdexcept>

#include "core/tokenizer/byte_level.h"

namespace mmupt {
namespace {

constexpr std::uint64_t kEmptyKey = std::numeric_limits<std::uint64_t>::max();
constexpr std::int32_t kNoRank = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kShortPiece = 48;  // bytes; longer pieces take the heap path

std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
           static_cast<std::uint32_t>(right);
}

std::size_t slot_of(std::uint64_t key, std::size_t mask) {
    key ^= key >> 29;
    key *= 0xBF58476D1CE4E5B9ULL;
    key ^= key >> 32;
    return static_cast<std::size_t>(key) & mask;
}

}  // namespace

BpeModel::BpeModel(const std::vector<std::pair<std::string, std::int32_t>>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   bool ignore_merges)
    : ignore_merges_(ignore_merges) {
    std::int32_t max_id = -1;
    for (const auto& [tok, id] : vocab) {
        if (id < 0 || id >= kMaxTokenId)
            throw std::invalid_argument("vocab entry '" + tok + "' has id " + std::to_string(id) +
                                        ", outside [0, " + std::to_string(kMaxTokenId) + ")");
        max_id = std::max(max_id, id);
    }
    tokens_.assign(static_cast<std::size_t>(max_id + 1), std::string());
    bytes_.assign(tokens_.size(), std::string());
    token_ids_.reserve(vocab.size());
    for (const auto& [tok, id] : vocab) {
        if (tok.empty())
            throw std::invalid_argument("vocab has an empty token (id " + std::to_string(id) + ")");
        if (!tokens_[id].empty())
            throw std::invalid_argument("vocab id " + std::to_string(id) + " is used twice ('" +
                                        tokens_[id] + "' and '" + tok + "')");
        tokens_[id] = tok;
        if (!append_raw_bytes(tok, bytes_[id])) bytes_[id] = tok;
        token_ids_.emplace(tok, id);
        if (ignore_merges_) bytes_ids_.emplace(bytes_[id], id);
    }
    for (int b = 0; b < 256; ++b) {
        const std::string t = to_byte_level(std::string(1, static_cast<char>(b)));
        auto it = token_ids_.find(t);
        if (it == token_ids_.end())
            throw std::invalid_argument("vocab has no token for byte " + std::to_string(b) + " ('" +
                                        t + "'): not a byte-level BPE vocab");
        byte_ids_[b] = it->second;
    }
    std::size_t capacity = 16;
    while (capacity < merges.size() * 2) capacity *= 2;
    merge_keys_.assign(capacity, kEmptyKey);
    merge_values_.assign(capacity, Merge{});
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [a, b] = merges[rank];
        const std::int32_t ia = token_to_id(a), ib = token_to_id(b);
        const std::int32_t im = token_to_id(a + b);
        if (ia < 0 || ib < 0 || im < 0)
            throw std::invalid_argument("merge " + std::to_string(rank) + " ('" + a + " " + b +
                                        "') uses or makes a token that is not in the vocab");
        const std::uint64_t key = pair_key(ia, ib);
        std::size_t slot = slot_of(key, capacity - 1);
        while (merge_keys_[slot] != kEmptyKey && merge_keys_[slot] != key)
            slot = (slot + 1) & (capacity - 1);
        // A repeated merge takes its last rank, as in HF tokenizers (Rust and JS): a map insert.
        if (merge_keys_[slot] != key) ++num_merges_;
        merge_keys_[slot] = key;
        merge_values_[slot] = Merge{static_cast<std::int32_t>(rank), im};
    }
}

std::int32_t BpeModel::token_to_id(std::string_view byte_level_token) const {
    thread_local std::string key;
    key.assign(byte_level_token.data(), byte_level_token.size());
    auto it = token_ids_.find(key);
    return it == token_ids_.end() ? -1 : it->second;
}

BpeModel::Merge BpeModel::find_merge(std::int32_t left, std::int32_t right) const {
    const std::uint64_t key = pair_key(left, right);
    const std::size_t mask = merge_keys_.size() - 1;
    for (std::size_t slot = slot_of(key, mask);; slot = (slot + 1) & mask) {
        if (merge_keys_[slot] == key) return merge_values_[slot];
        if (merge_keys_[slot] == kEmptyKey) return Merge{};
    }
}

void BpeModel::encode(std::string_view piece, std::vector<std::int32_t>& out) const {
    if (piece.size() == 1) {
        out.push_back(byte_ids_[static_cast<unsigned char>(piece[0])]);
        return;
    }
    if (cache_.lookup(piece, out)) return;
    const std::size_t start = out.size();
    encode_uncached(piece, out);
    cache_.insert(piece, out.data() + start, out.size() - start);
}

void BpeModel::encode_uncached(std::string_view piece, std::vector<std::int32_t>& out) const {
    if (ignore_merges_) {
        thread_local std::string key;
        key.assign(piece.data(), piece.size());
        if (auto it = bytes_ids_.find(key); it != bytes_ids_.end()) {
            out.push_back(it->second);
            return;
        }
    }
    thread_local std::vector<std::int32_t> ids;
    ids.clear();
    for (char c : piece) ids.push_back(byte_ids_[static_cast<unsigned char>(c)]);
    if (ids.size() <= kShortPiece)
        merge_short(ids);
    else
        merge_long(ids);
    out.insert(out.end(), ids.begin(), ids.end());
}

void BpeModel::merge_short(std::vector<std::int32_t>& ids) const {
    // ranks[i]: merge of (ids[i], ids[i+1]); recomputed only next to each merge.
    thread_local std::vector<Merge> ranks;
    ranks.clear();
    for (std::size_t i = 0; i + 1 < ids.size(); ++i)
        ranks.push_back(find_merge(ids[i], ids[i + 1]));
    while (ids.size() > 1) {
        std::int32_t best_rank = kNoRank;
        std::size_t best = 0;
        for (std::size_t i = 0; i < ranks.size(); ++i) {
            if (ranks[i].rank >= 0 && ranks[i].rank < best_rank) {
                best_rank = ranks[i].rank;
                best = i;
            }
        }
        if (best_rank == kNoRank) break;
        ids[best] = ranks[best].merged;
        ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        ranks.erase(ranks.begin() + static_cast<std::ptrdiff_t>(best));
        if (best > 0) ranks[best - 1] = find_merge(ids[best - 1], ids[best]);
        if (best < ranks.size()) ranks[best] = find_merge(ids[best], ids[best + 1]);
    }
}

void BpeModel::merge_long(std::vector<std::int32_t>& ids) const {
    struct Symbol {
        std::int32_t id, prev, next;
    };
    struct Candidate {
        std::int32_t rank, pos, merged;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    const auto n = static_cast<std::int32_t>(ids.size());
    std::vector<Symbol> sym(ids.size());
    for (std::int32_t i = 0; i < n; ++i) sym[i] = {ids[i], i - 1, i + 1 < n ? i + 1 : -1};
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
    auto push = [&](std::int32_t pos) {
        if (pos < 0 || sym[pos].next < 0) return;
        const Merge m = find_merge(sym[pos].id, sym[sym[pos].next].id);
        if (m.rank >= 0) heap.push({m.rank, pos, m.merged});
    };
    for (std::int32_t i = 0; i + 1 < n; ++i) push(i);
    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        Symbol& left = sym[c.pos];
        if (left.id < 0 || left.next < 0) continue;  // merged away or now last
        const Merge m = find_merge(left.id, sym[left.next].id);
        if (m.rank != c.rank || m.merged != c.merged) continue;  // stale entry
        Symbol& right = sym[left.next];
        left.id = c.merged;
        left.next = right.next;
        if (right.next >= 0) sym[right.next].prev = c.pos;
        right.id = -1;
        push(left.prev);
        push(c.pos);
    }
    ids.clear();
    for (std::int32_t i = 0; i >= 0; i = sym[i].next) ids.push_back(sym[i].id);
}

}  // namespace mmupt
