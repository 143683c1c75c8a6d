// The setup form's view of the config schema (core/config): one ConfigFieldSpec per RunConfig
// field {key, type, default, doc, range, choices}, built from mmupt::config_schema(), plus
// value checks and the "[a, b]" list text helpers. The form stays generic over the specs; all
// parsing and validation is the schema's (set_field / check_config), so GUI and CLI agree.
#pragma once
#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace mmupt::ui {

struct ConfigFieldSpec {
    enum class Type { boolean, integer, real, string, choice, list };
    QString key;  // "rollout.n": section "." name
    Type type = Type::string;
    QString defaultValue;  // as set_field text; lists as "[a, b]"
    QString doc;           // one line (with the unit), shown in the tooltip
    QString range;         // human text: "[0, 2]", "> 0"
    std::optional<double> min, max;
    QStringList choices;  // for Type::choice
    bool required = false;
    QString section() const { return key.section('.', 0, 0); }
    QString name() const { return key.section('.', 1); }
};

// Every schema field, in schema (YAML) order.
const std::vector<ConfigFieldSpec>& schemaFields();

// "" when `text` parses for `key` and passes the field's own range rule; else the schema's
// sentence naming the field, the value and what is allowed. Checks the field alone (other
// fields at their defaults): for a whole form use fieldProblems().
QString checkFieldValue(const QString& key, const QString& text);
// The first problem of each field, checked on all of `values` together (key -> text; missing
// keys at their defaults), so cross-field rules such as "micro_batch_size must divide
// mini_batch_size * rollout.n" use the values shown, not the defaults.
QHash<QString, QString> fieldProblems(const QHash<QString, QString>& values);
// One line for a field's help: "doc (unit) · allowed: range · default: value".
QString fieldHelpLine(const ConfigFieldSpec& field);
// The schema's canonical text for a value (e.g. "1e-6" -> "1e-06"); `text` when it does not parse.
QString canonicalValue(const QString& key, const QString& text);

// "[a, b]" <-> items; a bare item is a one-element list.
QStringList listItems(const QString& text);
QString listText(const QStringList& items);

}  // namespace mmupt::ui
