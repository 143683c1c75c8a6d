// Added tokens (QWEN2-VL.md §6.2, §7.2): the special and non-special whole tokens such as
// <|im_start|> or <tool_call>, and the splitter that cuts them out of text before BPE with a
// leftmost-longest match (the match that starts first wins; among those, the longest).
// Deliberately unsupported: lstrip / rstrip / single_word (the loaders warn when they are set).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmupt {

struct AddedToken {
    std::string content;  // raw UTF-8, matched verbatim
    std::int32_t id = -1;
    bool special = false;     // dropped by decode(skip_special=true)
    bool normalized = false;  // matched after NFC instead of on the raw text
};

// One piece of split text: either an added token (`id` >= 0) or a gap of ordinary text.
struct TextSegment {
    std::string_view text;
    std::int32_t id = -1;
};

// Immutable after construction; split() is const and safe to call from several threads.
class AddedTokenSplitter {
  public:
    AddedTokenSplitter() = default;
    explicit AddedTokenSplitter(const std::vector<AddedToken>& tokens);

    bool empty() const { return nodes_.size() <= 1; }
    // Appends the segments of `text` to `out` in order; gaps are never empty.
    void split(std::string_view text, std::vector<TextSegment>& out) const;

  private:
    struct Node {
        std::vector<std::pair<unsigned char, std::int32_t>> next;  // byte -> node index, sorted
        std::int32_t token_id = -1;                                // a token ends here
    };
    std::int32_t child(std::int32_t node, unsigned char byte) const;
    // Longest token starting at text[pos]: its length (0 when none) and id.
    std::size_t longest_at(std::string_view text, std::size_t pos, std::int32_t& id) const;

    std::vector<Node> nodes_{Node{}};  // a byte trie; node 0 is the root
    std::array<bool, 256> first_byte_{};
};

}  // namespace mmupt
