// A hand-written matcher for the exact Qwen2 pre-tokenizer pattern (QWEN2-VL.md §7.3), several
// times faster than running the regex. Its character classes (\p{L}, \p{N}, \s) are read from
// Oniguruma's own Unicode tables at first use, and each alternative is resolved the way the
// backtracking engine does (greedy runs, one-character backtrack for `\s+(?!\S)`), so the split is
// identical to Oniguruma's (checked by a differential test over every code point).
// Deliberately only this one pattern; any other goes through Oniguruma (pre_tokenizer.h).
#pragma once
#include <string_view>
#include <vector>

namespace mmupt {

// Appends the pieces of `text` (valid UTF-8; an invalid byte is taken as one symbol character,
// never read past the end) to `out`, as splitting with kQwen2SplitPattern would.
void qwen2_split(std::string_view text, std::vector<std::string_view>& out);

}  // namespace mmupt
