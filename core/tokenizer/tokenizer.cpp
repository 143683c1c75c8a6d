// Tokenizer facade: wires the added-token splitters, NFC, the regex pre-tokenizer and the BPE
// model together (tokenizer.h). Deliberately holds no mutable state of its own: the only cache
// lives in BpeModel and is thread-safe.
#include "core/tokenizer/tokenizer.h"

#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include "core/tokenizer/added_tokens.h"
#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer_loaders.h"
#include "core/tokenizer/utf8.h"
#include "core/util/errors.h"

namespace mmupt {

struct Tokenizer::Impl {
    explicit Impl(const TokenizerSpec& spec);

    BpeModel bpe;
    PreTokenizer pre;
    bool nfc = true;
    std::vector<AddedToken> added;
    AddedTokenSplitter raw_splitter;         // normalized=false tokens, on the raw text
    AddedTokenSplitter normalized_splitter;  // normalized=true tokens, after NFC
    std::unordered_map<std::string, std::int32_t> added_ids;  // content -> id
    std::vector<std::int32_t> added_index;                    // id -> index in `added`, or -1
    std::vector<std::string> added_bytes;                     // index -> decoded bytes
    std::int32_t vocab_size = 0;
    SpecialTokenIds special;

    void encode_normalized(std::string_view text, std::vector<std::int32_t>& out) const;
    void encode_gap(std::string_view text, std::vector<std::int32_t>& out) const;
};

namespace {

BpeModel make_bpe(const TokenizerSpec& spec) {
    try {
        return BpeModel(spec.vocab, spec.merges, spec.ignore_merges);
    } catch (const std::invalid_argument& e) {
        throw FormatError(spec.source + ": " + e.what());
    }
}

std::string make_pattern(const TokenizerSpec& spec) {
    if (spec.split_pattern.empty())
        throw FormatError(spec.source + ": no pre-tokenizer pattern (not a byte-level BPE?)");
    return spec.split_pattern;
}

std::vector<AddedToken> select(const std::vector<AddedToken>& all, bool normalized) {
    std::vector<AddedToken> out;
    for (const AddedToken& t : all)
        if (t.normalized == normalized) out.push_back(t);
    return out;
}

}  // namespace

Tokenizer::Impl::Impl(const TokenizerSpec& spec)
    : bpe(make_bpe(spec)), pre(make_pattern(spec)), nfc(spec.nfc), added(spec.added_tokens) {
    vocab_size = bpe.id_end();
    for (const AddedToken& t : added) {
        if (t.id < 0 || t.id >= kMaxTokenId || t.content.empty())
            throw FormatError(spec.source + ": added token '" + t.content + "' has id " +
                              std::to_string(t.id) + " or empty content");
        vocab_size = std::max(vocab_size, t.id + 1);
    }
    // Tokens flagged normalized are matched in NFC text, so their patterns are NFC too.
    std::vector<AddedToken> normalized = select(added, true);
    for (AddedToken& t : normalized) t.content = nfc ? mmupt::nfc(t.content) : t.content;
    raw_splitter = AddedTokenSplitter(select(added, false));
    normalized_splitter = AddedTokenSplitter(normalized);
    added_index.assign(static_cast<std::size_t>(vocab_size), -1);
    for (std::size_t i = 0; i < added.size(); ++i) {
        added_index[added[i].id] = static_cast<std::int32_t>(i);
        added_ids[added[i].content] = added[i].id;
        std::string bytes;
        if (!append_raw_bytes(added[i].content, bytes)) bytes = added[i].content;
        added_bytes.push_back(std::move(bytes));
    }
    const auto find = [&](const char* content) {
        auto it = added_ids.find(content);
        return it == added_ids.end() ? -1 : it->second;
    };
    special = {find("<|endoftext|>"),    find("<|im_start|>"),   find("<|im_end|>"),
               find("<|vision_start|>"), find("<|vision_end|>"), find("<|image_pad|>"),
               find("<|video_pad|>")};
}

void Tokenizer::Impl::encode_gap(std::string_view text, std::vector<std::int32_t>& out) const {
    thread_local std::vector<std::string_view> pieces;
    pieces.clear();
    pre.split(text, pieces);
    for (std::string_view piece : pieces) bpe.encode(piece, out);
}

void Tokenizer::Impl::encode_normalized(std::string_view text,
                                        std::vector<std::int32_t>& out) const {
    std::string normalized;
    if (nfc && !nfc_trivially(text)) {
        append_nfc(text, normalized);
        text = normalized;
    }
    if (normalized_splitter.empty()) return encode_gap(text, out);
    std::vector<TextSegment> segments;
    normalized_splitter.split(text, segments);
    for (const TextSegment& s : segments) {
        if (s.id >= 0)
            out.push_back(s.id);
        else
            encode_gap(s.text, out);
    }
}

Tokenizer::Tokenizer(const TokenizerSpec& spec) {
    try {
        impl_ = std::make_shared<const Impl>(spec);
    } catch (const std::invalid_argument& e) {  // the regex did not compile
        throw FormatError(spec.source + ": " + e.what());
    }
}

Tokenizer Tokenizer::from_tokenizer_json(const std::string& path) {
    return Tokenizer(read_tokenizer_json(path));
}

Tokenizer Tokenizer::from_vocab_merges(const std::string& vocab_path,
                                       const std::string& merges_path,
                                       const std::string& config_path) {
    return Tokenizer(read_vocab_merges(vocab_path, merges_path, config_path));
}

Tokenizer Tokenizer::load(const std::string& dir) {
    namespace fs = std::filesystem;
    const fs::path d(dir);
    if (fs::is_regular_file(d / "tokenizer.json"))
        return from_tokenizer_json((d / "tokenizer.json").string());
    if (fs::is_regular_file(d / "vocab.json") && fs::is_regular_file(d / "merges.txt")) {
        const fs::path config = d / "tokenizer_config.json";
        return from_vocab_merges((d / "vocab.json").string(), (d / "merges.txt").string(),
                                 fs::is_regular_file(config) ? config.string() : "");
    }
    throw FormatError(dir +
                      ": no tokenizer.json and no vocab.json + merges.txt in this directory "
                      "(point --tokenizer at the model directory)");
}

void Tokenizer::encode_append(std::string_view text, std::vector<std::int32_t>& out) const {
    std::string repaired;
    if (!is_valid_utf8(text)) {
        append_utf8_lossy(text, repaired);
        text = repaired;
    }
    const Impl& m = *impl_;
    if (m.raw_splitter.empty()) return m.encode_normalized(text, out);
    thread_local std::vector<TextSegment> segments;
    segments.clear();
    m.raw_splitter.split(text, segments);
    for (const TextSegment& s : segments) {
        if (s.id >= 0)
            out.push_back(s.id);
        else
            m.encode_normalized(s.text, out);
    }
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text) const {
    std::vector<std::int32_t> out;
    out.reserve(text.size() / 3 + 4);
    encode_append(text, out);
    return out;
}

std::string Tokenizer::decode_bytes(const std::vector<std::int32_t>& ids, bool skip_special) const {
    const Impl& m = *impl_;
    std::string bytes;
    for (std::int32_t id : ids) {
        if (id < 0 || id >= m.vocab_size) continue;
        if (const std::int32_t a = m.added_index[id]; a >= 0) {
            if (!(skip_special && m.added[a].special)) bytes += m.added_bytes[a];
        } else if (m.bpe.has_id(id)) {
            bytes += m.bpe.token_bytes(id);
        }
    }
    return bytes;
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids, bool skip_special) const {
    return utf8_lossy(decode_bytes(ids, skip_special));
}

std::optional<std::int32_t> Tokenizer::token_to_id(std::string_view token) const {
    if (auto it = impl_->added_ids.find(std::string(token)); it != impl_->added_ids.end())
        return it->second;
    const std::int32_t id = impl_->bpe.token_to_id(token);
    return id >= 0 ? std::optional<std::int32_t>(id) : std::nullopt;
}

std::optional<std::string> Tokenizer::id_to_token(std::int32_t id) const {
    if (!is_valid_id(id)) return std::nullopt;
    if (const std::int32_t a = impl_->added_index[id]; a >= 0) return impl_->added[a].content;
    return impl_->bpe.token(id);
}

bool Tokenizer::is_valid_id(std::int32_t id) const {
    return id >= 0 && id < impl_->vocab_size &&
           (impl_->added_index[id] >= 0 || impl_->bpe.has_id(id));
}

bool Tokenizer::is_special(std::int32_t id) const {
    return id >= 0 && id < impl_->vocab_size && impl_->added_index[id] >= 0 &&
           impl_->added[impl_->added_index[id]].special;
}

std::int32_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
const SpecialTokenIds& Tokenizer::special_ids() const { return impl_->special; }
const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added; }

}  // namespace mmupt
