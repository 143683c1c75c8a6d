// Leftmost-longest splitting with a byte trie. A first-byte table lets the scan skip positions
// that cannot start any token, so text without '<' costs one table lookup per byte for Qwen.
// Deliberately not Aho-Corasick: added tokens are few and short, the trie walk is enough.
#include "core/tokenizer/added_tokens.h"

#include <algorithm>

namespace mmupt {

AddedTokenSplitter::AddedTokenSplitter(const std::vector<AddedToken>& tokens) {
    for (const AddedToken& t : tokens) {
        if (t.content.empty()) continue;
        std::int32_t node = 0;
        for (char c : t.content) {
            const auto byte = static_cast<unsigned char>(c);
            std::int32_t next = child(node, byte);
            if (next < 0) {
                next = static_cast<std::int32_t>(nodes_.size());
                nodes_.emplace_back();
                auto& edges = nodes_[node].next;
                edges.insert(std::lower_bound(edges.begin(), edges.end(),
                                              std::make_pair(byte, std::int32_t{-1})),
                             {byte, next});
            }
            node = next;
        }
        nodes_[node].token_id = t.id;
        first_byte_[static_cast<unsigned char>(t.content[0])] = true;
    }
}

std::int32_t AddedTokenSplitter::child(std::int32_t node, unsigned char byte) const {
    const auto& edges = nodes_[node].next;
    auto it = std::lower_bound(edges.begin(), edges.end(), std::make_pair(byte, std::int32_t{-1}));
    return it != edges.end() && it->first == byte ? it->second : -1;
}

std::size_t AddedTokenSplitter::longest_at(std::string_view text, std::size_t pos,
                                           std::int32_t& id) const {
    std::size_t best = 0;
    std::int32_t node = 0;
    for (std::size_t i = pos; i < text.size(); ++i) {
        node = child(node, static_cast<unsigned char>(text[i]));
        if (node < 0) break;
        if (nodes_[node].token_id >= 0) {
            best = i + 1 - pos;
            id = nodes_[node].token_id;
        }
    }
    return best;
}

void AddedTokenSplitter::split(std::string_view text, std::vector<TextSegment>& out) const {
    std::size_t gap_start = 0;
    if (!empty()) {
        for (std::size_t pos = 0; pos < text.size();) {
            if (!first_byte_[static_cast<unsigned char>(text[pos])]) {
                ++pos;
                continue;
            }
            std::int32_t id = -1;
            const std::size_t len = longest_at(text, pos, id);
            if (len == 0) {
                ++pos;
                continue;
            }
            if (pos > gap_start) out.push_back({text.substr(gap_start, pos - gap_start), -1});
            out.push_back({text.substr(pos, len), id});
            pos += len;
            gap_start = pos;
        }
    }
    if (gap_start < text.size()) out.push_back({text.substr(gap_start), -1});
}

}  // namespace mmupt
