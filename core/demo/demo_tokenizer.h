// Builds the demo's small byte-level BPE tokenizer in Hugging Face layout: the 256 byte symbols,
// merges learned from the demo corpus, and the Qwen2-VL added tokens and chat template, so that
// the real loading code (tokenizer.json, or vocab.json + merges.txt) reads it unchanged.
// The merge learner splits training text with an ASCII version of the Qwen2 pre-tokenizer regex
// (the corpus is ASCII); merges are applied within pre-tokens, so any split stays consistent.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace mmupt::demo {

struct LearnedBpe {
    std::vector<std::string> vocab;  // byte-level strings; the index is the id
    std::vector<std::pair<std::string, std::string>> merges;  // rank order
};

// Learns up to `num_merges` merges (stops earlier when no pair occurs twice). Deterministic:
// ties go to the lexicographically smallest pair.
LearnedBpe learn_bpe(const std::vector<std::string>& corpus, int num_merges);

// Writes tokenizer.json, vocab.json, merges.txt, tokenizer_config.json and chat_template.json
// into `out_dir` (created). Added tokens get the ids after the vocab, in Qwen2-VL's order.
// Throws mmupt::DataError when a file cannot be written.
void write_demo_tokenizer(const std::string& out_dir, const LearnedBpe& bpe);

// The Qwen2-VL added tokens in id order (<|endoftext|>, <|im_start|>, ...), and which are special.
const std::vector<std::pair<std::string, bool>>& qwen2_vl_added_tokens();

}  // namespace mmupt::demo
