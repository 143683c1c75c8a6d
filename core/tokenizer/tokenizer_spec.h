// What a tokenizer is made of once its files are read: vocab, ranked merges, added tokens, the
// pre-tokenizer pattern and the normalizer. Loaders produce it (tokenizer_json_loader.h,
// vocab_merges_loader.h); Tokenizer builds its runtime tables from it.
// Deliberately plain data: no validation beyond what the loaders did, no I/O.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tokenizer/added_tokens.h"

namespace mmupt {

struct TokenizerSpec {
    std::vector<std::pair<std::string, std::int32_t>> vocab;  // byte-level token -> id
    std::vector<std::pair<std::string, std::string>> merges;  // rank = index
    std::vector<AddedToken> added_tokens;
    std::string split_pattern;  // Oniguruma regex, Isolated behaviour
    bool nfc = true;            // NFC normalizer (the only one supported), else none
    bool ignore_merges = false;
    std::string source;  // the file(s) it came from, for error messages
};

}  // namespace mmupt
