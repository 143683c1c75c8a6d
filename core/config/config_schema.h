// The config schema as plain data: one FieldInfo per RunConfig field (key, type, default, unit,
// range, doc), plus text get/set by key and validation. The GUI builds its form from
// config_schema() and edits through set_field(); nothing here needs torch, Qt or yaml-cpp.
// Not here: YAML files and dumps (config_io.h). Everything is read-only after static init, so
// the functions are thread-safe on distinct RunConfig objects; errors throw mmupt::ConfigError.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"

namespace mmupt {

enum class FieldType { boolean, integer, real, string, string_list, real_list, choice };
const char* to_string(FieldType t);  // "bool", "int", "float", "string", "list<string>", ...

struct FieldInfo {
    std::string key;      // "rollout.temperature" (section "." name)
    std::string section;  // "rollout"
    FieldType type = FieldType::string;
    std::string default_value;       // the default as set_field() text: "0.7", "[0.9, 0.999]"
    std::string unit;                // "tokens", "pixels", ... ; empty when dimensionless
    std::string range;               // human text: "[0, 2]", "> 0", "one of: k1 | k2 | k3"
    std::optional<double> min, max;  // numeric bounds (for lists: of each element)
    bool min_open = false, max_open = false;  // exclusive bounds
    std::vector<std::string> choices;         // allowed values of a `choice` field
    std::optional<std::size_t> list_size;     // exact length of a list field
    bool required = false;  // must be non-empty before training (validate for_training)
    std::string doc;        // one line: meaning, and the paper's value when it differs
};

// Every field, in the order of RunConfig (and of the YAML dump and docs).
const std::vector<FieldInfo>& config_schema();
// nullptr when `key` is not a field.
const FieldInfo* find_field(const std::string& key);
// The known key closest to `key` (edit distance; also matches a bare field name such as
// "temperature"), or "" when nothing is reasonably close.
std::string suggest_key(const std::string& key);

// The current value as text in the syntax set_field() accepts (lists as "[a, b]").
std::string get_field(const RunConfig& config, const std::string& key);
// Parses `value` by the field's type and stores it. Lists accept "[a, b]" or one bare item.
// Strings are taken verbatim. Throws ConfigError (unknown key with suggestion, bad syntax).
// Range checks are validate()'s job, so a GUI may hold an out-of-range value while editing.
void set_field(RunConfig& config, const std::string& key, const std::string& value);
// "key=value" as given to `--set`; throws ConfigError when there is no '='.
void apply_override(RunConfig& config, const std::string& assignment);

struct ConfigIssue {
    std::string key;      // the field ("trainer.mini_batch_size")
    std::string value;    // its current value as text
    std::string message;  // full sentence naming field, value and the allowed range
};
// All problems: per-field ranges, then cross-field rules (mini ≤ rollout batch, ...).
// for_training adds the `required` fields (model.path, data.train_files).
std::vector<ConfigIssue> check_config(const RunConfig& config, bool for_training = false);
// Throws ConfigError listing every issue, one per line; returns when there is none.
void validate(const RunConfig& config, bool for_training = false);

}  // namespace mmupt
