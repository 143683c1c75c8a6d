// Reading tokenizer files into a TokenizerSpec. Two layouts (QWEN2-VL.md §7.1):
//  - tokenizer.json (HF `tokenizers`): BPE model with merges as "a b" strings or ["a","b"] pairs;
//  - vocab.json + merges.txt (with or without "#version", LF or CRLF) + tokenizer_config.json
//    (`added_tokens_decoder`); the pipeline is then the Qwen2 one (NFC, Qwen2 regex).
// Every failure is a FormatError naming the file and the field. Deliberately unsupported (load
// error): non-BPE models, normalizers other than NFC, other pre-tokenizers/decoders, dropout.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/tokenizer/tokenizer_spec.h"

namespace mmupt {

TokenizerSpec read_tokenizer_json(const std::string& path);

// `config_path` may be empty (no added tokens).
TokenizerSpec read_vocab_merges(const std::string& vocab_path, const std::string& merges_path,
                                const std::string& config_path);

// One added-token object ({"content", "special", "normalized", ...}); `where` names it in errors.
AddedToken parse_added_token(const nlohmann::json& j, std::int32_t id, const std::string& where);

}  // namespace mmupt
