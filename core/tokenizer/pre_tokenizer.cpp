// Oniguruma-backed regex splitting (UTF-8 encoding, Oniguruma syntax, no options — the same
// setup as the `onig` crate that Hugging Face tokenizers uses). Empty matches are skipped by
// advancing one code point, as the Rust `find_matches` does.
// Deliberately no fallback engine: a pattern Oniguruma rejects is a load error.
#include "core/tokenizer/pre_tokenizer.h"

#include "core/tokenizer/qwen2_scanner.h"

#include <oniguruma.h>

#include <memory>
#include <mutex>
#include <stdexcept>

namespace mmupt {

const char* const kQwen2SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

// Oniguruma's API doc: threads must not create or free regex objects at the same time (even
// different ones); searching one compiled regex from several threads is fine.
std::mutex& onig_lifecycle_mutex() {
    static std::mutex m;
    return m;
}

void init_oniguruma() {
    static std::once_flag once;
    std::call_once(once, [] {
        OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
        onig_initialize(encodings, 1);
    });
}

std::size_t utf8_char_length(unsigned char lead) {
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

struct RegionDeleter {
    void operator()(OnigRegion* r) const { onig_region_free(r, 1); }
};

}  // namespace

PreTokenizer::PreTokenizer(const std::string& pattern, bool fast_path)
    : pattern_(pattern), qwen2_fast_(fast_path && pattern == kQwen2SplitPattern) {
    init_oniguruma();
    std::lock_guard<std::mutex> lock(onig_lifecycle_mutex());
    OnigRegex reg = nullptr;
    OnigErrorInfo info{};
    const auto* p = reinterpret_cast<const OnigUChar*>(pattern.data());
    const int rc = onig_new(&reg, p, p + pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8,
                            ONIG_SYNTAX_ONIGURUMA, &info);
    if (rc != ONIG_NORMAL) {
        OnigUChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
        onig_error_code_to_str(msg, rc, &info);
        throw std::invalid_argument("regex does not compile (" +
                                    std::string(reinterpret_cast<char*>(msg)) + "): " + pattern);
    }
    regex_ = reg;
}

PreTokenizer::~PreTokenizer() {
    if (!regex_) return;
    std::lock_guard<std::mutex> lock(onig_lifecycle_mutex());
    onig_free(static_cast<OnigRegex>(regex_));
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out) const {
    if (text.empty()) return;
    if (qwen2_fast_) return qwen2_split(text, out);
    auto reg = static_cast<OnigRegex>(regex_);
    std::unique_ptr<OnigRegion, RegionDeleter> region(onig_region_new());
    const auto* begin = reinterpret_cast<const OnigUChar*>(text.data());
    const auto* end = begin + text.size();
    std::size_t pos = 0;    // where the next search starts
    std::size_t piece = 0;  // start of the not yet emitted text
    while (pos < text.size()) {
        // Patterns like Qwen2's match at every position: try an anchored match first (cheaper
        // than a search), and search only when nothing matches here.
        const auto* at_ptr = begin + pos;
        int at = static_cast<int>(pos);
        const int len = onig_match(reg, begin, end, at_ptr, region.get(), ONIG_OPTION_NONE);
        if (len < 0) at = onig_search(reg, begin, end, at_ptr, end, region.get(), ONIG_OPTION_NONE);
        if (at < 0) break;  // ONIG_MISMATCH (or an error): the rest is one gap
        const auto mbeg = static_cast<std::size_t>(region->beg[0]);
        const auto mend = static_cast<std::size_t>(region->end[0]);
        if (mend == mbeg) {  // empty match: not a piece; move on one code point
            if (mbeg >= text.size()) break;
            pos = mbeg + utf8_char_length(static_cast<unsigned char>(text[mbeg]));
            continue;
        }
        if (mbeg > piece) out.push_back(text.substr(piece, mbeg - piece));
        out.push_back(text.substr(mbeg, mend - mbeg));
        pos = piece = mend;
    }
    if (piece < text.size()) out.push_back(text.substr(piece));
}

}  // namespace mmupt
