// Internal to core/config: the schema table's entries with typed accessors into RunConfig, and
// the text <-> value conversions shared by set_field, YAML loading and dumping.
// Not a public API: the GUI and trainer use config_schema.h / config_io.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/config/config_schema.h"

namespace mmupt::config_detail {

// Choice fields hold the enum's name as a std::string.
using FieldValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>,
                                std::vector<double>>;

struct Field {
    FieldInfo info;
    std::function<FieldValue(const RunConfig&)> get;
    std::function<void(RunConfig&, const FieldValue&)> set;  // value already type-checked
    std::function<bool(const std::string&)> accepts;         // extra string check (model.device)
};

const std::vector<Field>& fields();
const Field* find(const std::string& key);

// Shortest decimal text that reads back to exactly `v` ("0.7", "1e-06").
std::string format_real(double v);
// Text of a value in set_field syntax; lists as "[a, b]" (strings quoted only when needed).
std::string format_value(const FieldValue& v);
// Parses set_field text for `field`: scalars by type, strings verbatim, choices checked against
// the allowed names, lists as "[a, b]" or one bare item ("" = empty list). `where` prefixes
// errors ("rollout.n", "run.yaml:4: rollout.n"). Throws ConfigError.
FieldValue parse_text(const Field& field, const std::string& text, const std::string& where);
// Parses the items of a list field (YAML sequences arrive this way).
FieldValue parse_items(const Field& field, const std::vector<std::string>& items,
                       const std::string& where);
// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace mmupt::config_detail
