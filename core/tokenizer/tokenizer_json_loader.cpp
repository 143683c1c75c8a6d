// tokenizer.json (HF `tokenizers` serialisation) -> TokenizerSpec. Accepts the byte-level BPE
// setups Qwen2 / GPT-2 style tokenizers use: normalizer NFC or none; pre_tokenizer either
// Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)] or ByteLevel(use_regex=true);
// decoder ByteLevel. Deliberately rejects everything else with a FormatError naming the field.
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer_loaders.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using nlohmann::json;

std::string type_of(const json& j) {
    return j.is_object() && j.contains("type") && j["type"].is_string()
               ? j["type"].get<std::string>()
               : std::string();
}

// A member by reference (no copy of the multi-megabyte vocab), or a null value when absent.
const json& field(const json& j, const char* key) {
    static const json null_value;
    if (!j.is_object()) return null_value;
    auto it = j.find(key);
    return it == j.end() ? null_value : *it;
}

bool bool_or(const json& j, const char* key, bool def) {
    return j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : def;
}

void read_normalizer(const json& n, const std::string& path, TokenizerSpec& spec) {
    spec.nfc = false;
    if (n.is_null()) return;
    const std::string type = type_of(n);
    if (type == "NFC") {
        spec.nfc = true;
        return;
    }
    if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array()) {
        for (const json& child : n["normalizers"]) read_normalizer(child, path, spec);
        if (n["normalizers"].size() <= 1) return;
    }
    throw FormatError(path + ": normalizer '" + (type.empty() ? n.dump() : type) +
                      "' is not supported (only NFC or none)");
}

void read_byte_level(const json& b, bool expect_regex, const std::string& path,
                     TokenizerSpec& spec) {
    if (bool_or(b, "add_prefix_space", false))
        throw FormatError(path + ": pre_tokenizer ByteLevel add_prefix_space=true is unsupported");
    const bool use_regex = bool_or(b, "use_regex", true);
    if (use_regex && !expect_regex)
        throw FormatError(path + ": pre_tokenizer ByteLevel after Split must have use_regex=false");
    if (use_regex) spec.split_pattern = kGpt2SplitPattern;
}

void read_split(const json& s, const std::string& path, TokenizerSpec& spec) {
    const json& pattern = field(s, "pattern");
    if (!pattern.is_object() || !pattern.contains("Regex") || !pattern["Regex"].is_string())
        throw FormatError(path + ": pre_tokenizer Split needs a {\"Regex\": ...} pattern");
    if (s.value("behavior", std::string()) != "Isolated" || bool_or(s, "invert", false))
        throw FormatError(path + ": pre_tokenizer Split must be behavior=Isolated, invert=false");
    spec.split_pattern = pattern["Regex"].get<std::string>();
}

void read_pre_tokenizer(const json& p, const std::string& path, TokenizerSpec& spec) {
    const std::string type = type_of(p);
    if (type == "ByteLevel") return read_byte_level(p, /*expect_regex=*/true, path, spec);
    const json& list = field(p, "pretokenizers");
    if (type == "Sequence" && list.is_array() && list.size() == 2 && type_of(list[0]) == "Split" &&
        type_of(list[1]) == "ByteLevel") {
        read_split(list[0], path, spec);
        return read_byte_level(list[1], /*expect_regex=*/false, path, spec);
    }
    throw FormatError(path + ": pre_tokenizer " + (type.empty() ? p.dump() : type) +
                      " is not supported (expected Sequence[Split, ByteLevel] or ByteLevel)");
}

void read_merges(const json& merges, const std::string& path, TokenizerSpec& spec) {
    if (!merges.is_array()) throw FormatError(path + ": model.merges must be an array");
    spec.merges.reserve(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        if (m.is_string()) {
            const std::string& s = m.get_ref<const std::string&>();
            const std::size_t space = s.find(' ');
            if (space != std::string::npos && space > 0 && space + 1 < s.size() &&
                s.find(' ', space + 1) == std::string::npos) {
                spec.merges.emplace_back(s.substr(0, space), s.substr(space + 1));
                continue;
            }
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            spec.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
            continue;
        }
        throw FormatError(path + ": model.merges[" + std::to_string(i) + "] = " + m.dump() +
                          " is neither \"a b\" nor [\"a\", \"b\"]");
    }
}

void read_model(const json& model, const std::string& path, TokenizerSpec& spec) {
    if (!model.is_object()) throw FormatError(path + ": \"model\" is missing or not an object");
    const std::string type = type_of(model);
    if (!(type == "BPE" || (type.empty() && model.contains("merges"))))
        throw FormatError(path + ": model type '" + type +
                          "' is not supported (mmupt reads byte-level BPE tokenizers only)");
    if (model.contains("dropout") && !model["dropout"].is_null())
        throw FormatError(path + ": model.dropout must be null (BPE dropout is unsupported)");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.contains(key) && model[key].is_string() && !model[key].get<std::string>().empty())
            throw FormatError(path + ": model." + key + " must be empty for byte-level BPE");
    spec.ignore_merges = bool_or(model, "ignore_merges", false);
    const json& vocab = field(model, "vocab");
    if (!vocab.is_object()) throw FormatError(path + ": model.vocab must be an object");
    spec.vocab.reserve(vocab.size());
    for (const auto& [token, id] : vocab.items()) {
        if (!id.is_number_integer())
            throw FormatError(path + ": model.vocab['" + token + "'] is not an integer id");
        spec.vocab.emplace_back(token, id.get<std::int32_t>());
    }
    read_merges(field(model, "merges"), path, spec);
}

}  // namespace

TokenizerSpec read_tokenizer_json(const std::string& path) {
    const json j = read_json_file(path);
    if (!j.is_object()) throw FormatError(path + ": expected a JSON object");
    TokenizerSpec spec;
    spec.source = path;
    read_model(field(j, "model"), path, spec);
    read_normalizer(field(j, "normalizer"), path, spec);
    read_pre_tokenizer(field(j, "pre_tokenizer"), path, spec);
    if (type_of(field(j, "decoder")) != "ByteLevel")
        throw FormatError(path + ": decoder must be ByteLevel (got " + field(j, "decoder").dump() +
                          ")");
    const json& added = field(j, "added_tokens");
    if (!added.is_array() && !added.is_null())
        throw FormatError(path + ": added_tokens must be an array");
    for (std::size_t i = 0; added.is_array() && i < added.size(); ++i) {
        const json& t = added[i];
        if (!t.is_object() || !t.contains("id") || !t["id"].is_number_integer())
            throw FormatError(path + ": every added_tokens entry needs an integer \"id\"");
        spec.added_tokens.push_back(parse_added_token(t, t["id"].get<std::int32_t>(), path));
    }
    return spec;
}

}  // namespace mmupt
