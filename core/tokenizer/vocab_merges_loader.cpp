// vocab.json + merges.txt + tokenizer_config.json -> TokenizerSpec, plus the added-token parser
// shared with the tokenizer.json loader. merges.txt: one "a b" pair per line, rank = line order;
// "#version" lines and blank lines are skipped, a trailing '\r' is dropped.
// Deliberately no other config keys (padding side, model_max_length...): not the tokenizer's job.
#include <string_view>

#include "core/tokenizer/json_file.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer_loaders.h"
#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {

AddedToken parse_added_token(const nlohmann::json& j, std::int32_t id, const std::string& where) {
    if (!j.is_object() || !j.contains("content") || !j["content"].is_string())
        throw FormatError(where + ": an added token needs a string \"content\"");
    AddedToken t;
    t.id = id;
    t.content = j["content"].get<std::string>();
    const auto flag = [&](const char* key, bool def) {
        if (!j.contains(key) || j[key].is_null()) return def;
        if (!j[key].is_boolean())
            throw FormatError(where + ": \"" + key + "\" of added token '" + t.content +
                              "' must be true or false");
        return j[key].get<bool>();
    };
    t.special = flag("special", false);
    t.normalized = flag("normalized", !t.special);  // the HF default
    for (const char* unsupported : {"lstrip", "rstrip", "single_word"})
        if (flag(unsupported, false))
            log_warning(where + ": added token '" + t.content + "' sets \"" + unsupported +
                        "\", which mmupt ignores (results may differ from HF tokenizers)");
    return t;
}

namespace {

void read_vocab(const std::string& path, TokenizerSpec& spec) {
    const nlohmann::json j = read_json_file(path);
    if (!j.is_object()) throw FormatError(path + ": expected a JSON object token -> id");
    spec.vocab.reserve(j.size());
    for (const auto& [token, id] : j.items()) {
        if (!id.is_number_integer())
            throw FormatError(path + ": the id of token '" + token + "' is not an integer");
        spec.vocab.emplace_back(token, id.get<std::int32_t>());
    }
}

void read_merges(const std::string& path, TokenizerSpec& spec) {
    const std::string text = read_text_file(path);
    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.substr(0, 8) == "#version") continue;
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string_view::npos)
            throw FormatError(path + ": line " + std::to_string(line_no) +
                              " is not a merge \"a b\": '" + std::string(line) + "'");
        spec.merges.emplace_back(std::string(line.substr(0, space)),
                                 std::string(line.substr(space + 1)));
    }
}

void read_config_added_tokens(const std::string& path, TokenizerSpec& spec) {
    const nlohmann::json j = read_json_file(path);
    if (!j.is_object()) throw FormatError(path + ": expected a JSON object");
    if (!j.contains("added_tokens_decoder")) return;
    const auto& decoder = j["added_tokens_decoder"];
    if (!decoder.is_object())
        throw FormatError(path + ": \"added_tokens_decoder\" must be an object id -> token");
    for (const auto& [key, tok] : decoder.items()) {
        std::int32_t id = -1;
        try {
            std::size_t used = 0;
            id = std::stoi(key, &used);
            if (used != key.size() || id < 0) throw std::invalid_argument(key);
        } catch (const std::exception&) {
            throw FormatError(path + ": added_tokens_decoder key '" + key + "' is not an id");
        }
        spec.added_tokens.push_back(parse_added_token(tok, id, path));
    }
}

}  // namespace

TokenizerSpec read_vocab_merges(const std::string& vocab_path, const std::string& merges_path,
                                const std::string& config_path) {
    TokenizerSpec spec;
    spec.source = vocab_path + " + " + merges_path;
    read_vocab(vocab_path, spec);
    read_merges(merges_path, spec);
    if (!config_path.empty()) {
        read_config_added_tokens(config_path, spec);
        spec.source += " + " + config_path;
    }
    spec.split_pattern = kQwen2SplitPattern;
    spec.nfc = true;
    return spec;
}

}  // namespace mmupt
