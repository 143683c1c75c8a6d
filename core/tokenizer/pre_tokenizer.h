// The pre-tokenizer: splits normalised text into the pieces BPE sees, with a regex applied in
// "Isolated" mode (every match is a piece; unmatched gaps are pieces too). The pattern is
// compiled by Oniguruma, the engine Hugging Face `tokenizers` uses, so `\p{L}`, `\s`, `(?i:)`
// and lookahead have its exact Unicode semantics (QWEN2-VL.md §7.3, §7.7).
// Deliberately no other split behaviours (Removed, MergedWith*) and no invert.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmupt {

// The Qwen2 pattern (QWEN2-VL.md §7.3) and the GPT-2 one (ByteLevel with use_regex=true).
extern const char* const kQwen2SplitPattern;
extern const char* const kGpt2SplitPattern;

// Immutable after construction; split() is const and safe from several threads (each call uses
// its own Oniguruma region; the compiled regex is only read). Construction and destruction take
// a process-wide lock, as Oniguruma requires.
class PreTokenizer {
  public:
    // Throws std::invalid_argument with Oniguruma's message when the pattern does not compile.
    // The Qwen2 pattern runs on a hand-written matcher with identical results (qwen2_scanner.h)
    // unless `fast_path` is false (the differential test compares the two).
    explicit PreTokenizer(const std::string& pattern, bool fast_path = true);
    ~PreTokenizer();
    PreTokenizer(const PreTokenizer&) = delete;
    PreTokenizer& operator=(const PreTokenizer&) = delete;

    const std::string& pattern() const { return pattern_; }
    // Appends the pieces of `text` (valid UTF-8) to `out`, in order, none empty.
    void split(std::string_view text, std::vector<std::string_view>& out) const;

  private:
    std::string pattern_;
    bool qwen2_fast_ = false;
    void* regex_ = nullptr;  // OnigRegex; kept opaque so callers need no Oniguruma headers
};

}  // namespace mmupt
