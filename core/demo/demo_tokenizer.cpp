#include "core/demo/demo_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/tokenizer/chat_template.h"
#include "core/util/errors.h"

namespace mmupt::demo {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// GPT-2 byte -> printable code point map (QWEN2-VL.md §7.4), as UTF-8 strings.
std::vector<std::string> byte_symbols() {
    std::vector<std::string> out(256);
    int next = 256;
    for (int b = 0; b < 256; ++b) {
        bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
        unsigned cp = printable ? static_cast<unsigned>(b) : static_cast<unsigned>(next++);
        std::string s;
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else {  // all code points here are < 0x800: two UTF-8 bytes
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        out[b] = s;
    }
    return out;
}

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// ASCII rendition of the Qwen2 pre-tokenizer: [^\r\n L N]?L+ | N | ' '?[^\s L N]+[\r\n]* | \s+
std::vector<std::string> pre_tokenize(const std::string& text) {
    std::vector<std::string> out;
    size_t i = 0, n = text.size();
    while (i < n) {
        size_t start = i;
        char c = text[i];
        if (!is_letter(c) && !is_digit(c) && c != '\r' && c != '\n' && i + 1 < n &&
            is_letter(text[i + 1])) {
            i += 1;
            while (i < n && is_letter(text[i])) ++i;
        } else if (is_letter(c)) {
            while (i < n && is_letter(text[i])) ++i;
        } else if (is_digit(c)) {
            i += 1;
        } else if (!is_space(c) || (c == ' ' && i + 1 < n && !is_space(text[i + 1]) &&
                                    !is_letter(text[i + 1]) && !is_digit(text[i + 1]))) {
            if (c == ' ') ++i;
            while (i < n && !is_space(text[i]) && !is_letter(text[i]) && !is_digit(text[i])) ++i;
            while (i < n && (text[i] == '\r' || text[i] == '\n')) ++i;
        } else {
            while (i < n && is_space(text[i])) ++i;
        }
        out.push_back(text.substr(start, i - start));
    }
    return out;
}

void write_json(const fs::path& path, const json& j) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << j.dump(2, ' ', false, json::error_handler_t::strict) << '\n';
    if (!f) throw DataError("cannot write '" + path.string() + "' (disk full or no permission?)");
}

}  // namespace

const std::vector<std::pair<std::string, bool>>& qwen2_vl_added_tokens() {
    static const std::vector<std::pair<std::string, bool>> t = {
        {"<|endoftext|>", true},        {"<|im_start|>", true},       {"<|im_end|>", true},
        {"<|object_ref_start|>", true}, {"<|object_ref_end|>", true}, {"<|box_start|>", true},
        {"<|box_end|>", true},          {"<|quad_start|>", true},     {"<|quad_end|>", true},
        {"<|vision_start|>", true},     {"<|vision_end|>", true},     {"<|vision_pad|>", true},
        {"<|image_pad|>", true},        {"<|video_pad|>", true},      {"<tool_call>", false},
        {"</tool_call>", false},        {"<|fim_prefix|>", false},    {"<|fim_middle|>", false},
        {"<|fim_suffix|>", false},      {"<|fim_pad|>", false},       {"<|repo_name|>", false},
        {"<|file_sep|>", false}};
    return t;
}

LearnedBpe learn_bpe(const std::vector<std::string>& corpus, int num_merges) {
    const std::vector<std::string> symbols = byte_symbols();
    std::map<std::string, long> word_freq;
    for (const auto& text : corpus)
        for (const auto& w : pre_tokenize(text)) ++word_freq[w];
    // Each distinct pre-token as a list of symbols, with its frequency.
    std::vector<std::pair<std::vector<std::string>, long>> words;
    for (const auto& [w, f] : word_freq) {
        std::vector<std::string> syms;
        for (unsigned char b : w) syms.push_back(symbols[b]);
        words.emplace_back(std::move(syms), f);
    }
    LearnedBpe bpe;
    bpe.vocab = symbols;
    for (int m = 0; m < num_merges; ++m) {
        std::map<std::pair<std::string, std::string>, long> pairs;
        for (const auto& [syms, f] : words)
            for (size_t i = 0; i + 1 < syms.size(); ++i) pairs[{syms[i], syms[i + 1]}] += f;
        auto best = pairs.end();
        for (auto it = pairs.begin(); it != pairs.end(); ++it)  // map order = lexicographic
            if (best == pairs.end() || it->second > best->second) best = it;
        if (best == pairs.end() || best->second < 2) break;
        const auto [a, b] = best->first;
        for (auto& [syms, f] : words) {
            std::vector<std::string> merged;
            for (size_t i = 0; i < syms.size(); ++i) {
                if (i + 1 < syms.size() && syms[i] == a && syms[i + 1] == b) {
                    merged.push_back(a + b);
                    ++i;
                } else {
                    merged.push_back(syms[i]);
                }
            }
            syms = std::move(merged);
        }
        bpe.merges.emplace_back(a, b);
        bpe.vocab.push_back(a + b);
    }
    return bpe;
}

void write_demo_tokenizer(const std::string& out_dir, const LearnedBpe& bpe) {
    fs::path dir(out_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw DataError("cannot create '" + dir.string() + "': " + ec.message());

    json vocab = json::object();
    for (size_t i = 0; i < bpe.vocab.size(); ++i) vocab[bpe.vocab[i]] = i;
    json merges = json::array();
    std::string merges_txt = "#version: 0.2\n";
    for (const auto& [a, b] : bpe.merges) {
        merges.push_back(a + " " + b);
        merges_txt += a + " " + b + "\n";
    }
    json added = json::array(), added_decoder = json::object(), special_names = json::array();
    int id = static_cast<int>(bpe.vocab.size());
    for (const auto& [content, special] : qwen2_vl_added_tokens()) {
        added.push_back({{"id", id},
                         {"content", content},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", special}});
        added_decoder[std::to_string(id)] = {{"content", content},   {"lstrip", false},
                                             {"normalized", false},  {"rstrip", false},
                                             {"single_word", false}, {"special", special}};
        if (special && content != "<|endoftext|>") special_names.push_back(content);
        ++id;
    }
    const json byte_level = {{"type", "ByteLevel"},
                             {"add_prefix_space", false},
                             {"trim_offsets", false},
                             {"use_regex", false}};
    const std::string regex =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
        "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    json tokenizer = {{"version", "1.0"},
                      {"truncation", nullptr},
                      {"padding", nullptr},
                      {"added_tokens", added},
                      {"normalizer", {{"type", "NFC"}}},
                      {"pre_tokenizer",
                       {{"type", "Sequence"},
                        {"pretokenizers",
                         {{{"type", "Split"},
                           {"pattern", {{"Regex", regex}}},
                           {"behavior", "Isolated"},
                           {"invert", false}},
                          byte_level}}}},
                      {"post_processor", byte_level},
                      {"decoder", byte_level},
                      {"model",
                       {{"type", "BPE"},
                        {"dropout", nullptr},
                        {"unk_token", nullptr},
                        {"continuing_subword_prefix", ""},
                        {"end_of_word_suffix", ""},
                        {"fuse_unk", false},
                        {"byte_fallback", false},
                        {"ignore_merges", false},
                        {"vocab", vocab},
                        {"merges", merges}}}};
    write_json(dir / "tokenizer.json", tokenizer);
    write_json(dir / "vocab.json", vocab);
    {
        std::ofstream f(dir / "merges.txt", std::ios::binary | std::ios::trunc);
        f << merges_txt;
        if (!f) throw DataError("cannot write '" + (dir / "merges.txt").string() + "'");
    }
    const std::string chat_template = kQwen2VlChatTemplate;  // the real template, unchanged
    json config = {{"add_prefix_space", false},
                   {"added_tokens_decoder", added_decoder},
                   {"additional_special_tokens", special_names},
                   {"bos_token", nullptr},
                   {"chat_template", chat_template},
                   {"clean_up_tokenization_spaces", false},
                   {"eos_token", "<|im_end|>"},
                   {"errors", "replace"},
                   {"model_max_length", 4096},
                   {"pad_token", "<|endoftext|>"},
                   {"split_special_tokens", false},
                   {"tokenizer_class", "Qwen2Tokenizer"},
                   {"unk_token", nullptr}};
    write_json(dir / "tokenizer_config.json", config);
    write_json(dir / "chat_template.json", {{"chat_template", chat_template}});
}

}  // namespace mmupt::demo
