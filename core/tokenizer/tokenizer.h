// The tokenizer facade: byte-level BPE as Hugging Face `tokenizers` runs it for Qwen2 / Qwen2-VL
// (QWEN2-VL.md §7.2): split added tokens out of the raw text (leftmost-longest), NFC, the
// pre-tokenizer regex, BPE; decode with lossy UTF-8. No BOS/EOS is ever added.
// Deliberately absent: offsets, padding/truncation, pair encoding, training, streaming decode
// state (use utf8_complete_prefix from utf8.h on decoded bytes).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/tokenizer_spec.h"

namespace mmupt {

// Ids of the Qwen2-VL special tokens (QWEN2-VL.md §6.2); -1 when the tokenizer lacks one.
struct SpecialTokenIds {
    std::int32_t endoftext = -1;     // <|endoftext|>, also the pad token
    std::int32_t im_start = -1;      // <|im_start|>
    std::int32_t im_end = -1;        // <|im_end|>, end of a turn (stop token)
    std::int32_t vision_start = -1;  // <|vision_start|>
    std::int32_t vision_end = -1;    // <|vision_end|>
    std::int32_t image_pad = -1;     // <|image_pad|>, repeated once per merged image patch
    std::int32_t video_pad = -1;     // <|video_pad|>
};

// Cheap to copy (the tables are shared, immutable, plus a thread-safe BPE cache): every const
// method may be called from several threads at once. Load errors throw mmupt::FormatError.
class Tokenizer {
  public:
    // A model directory: tokenizer.json when present, else vocab.json + merges.txt (+
    // tokenizer_config.json for the added tokens).
    static Tokenizer load(const std::string& dir);
    static Tokenizer from_tokenizer_json(const std::string& path);
    static Tokenizer from_vocab_merges(const std::string& vocab_path,
                                       const std::string& merges_path,
                                       const std::string& config_path = "");
    // Throws FormatError (naming spec.source) when the vocab / merges / regex are inconsistent.
    explicit Tokenizer(const TokenizerSpec& spec);

    // Text -> ids. Invalid UTF-8 in `text` is first replaced by U+FFFD (lossy), never rejected.
    std::vector<std::int32_t> encode(std::string_view text) const;
    void encode_append(std::string_view text, std::vector<std::int32_t>& out) const;

    // Ids -> text. `skip_special` drops special added tokens (non-special added tokens such as
    // <tool_call> are kept). Ids outside the vocab are skipped (as HF does); invalid UTF-8 from
    // partial byte tokens becomes U+FFFD.
    std::string decode(const std::vector<std::int32_t>& ids, bool skip_special = false) const;
    // The raw bytes of the ids, before UTF-8 repair (for streaming: utf8_complete_prefix).
    std::string decode_bytes(const std::vector<std::int32_t>& ids, bool skip_special = false) const;

    // A vocab string (byte-level form, e.g. "Ġworld") or an added token's content.
    std::optional<std::int32_t> token_to_id(std::string_view token) const;
    std::optional<std::string> id_to_token(std::int32_t id) const;
    bool is_valid_id(std::int32_t id) const;
    bool is_special(std::int32_t id) const;  // an added token marked special
    // One past the largest id (151665 for Qwen2.5-VL; the model's embedding may be larger).
    std::int32_t vocab_size() const;
    const SpecialTokenIds& special_ids() const;
    const std::vector<AddedToken>& added_tokens() const;

  private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

}  // namespace mmupt
