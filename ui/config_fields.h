// The config fields the setup form is built from: {key, type, default, doc, range, choices}.
// INTERIM: core/config (the table-driven schema, branch `config`) has not landed in main yet, so
// builtinConfigFields() mirrors its keys and defaults by hand; when it lands, fill this list
// from mmupt::config_schema() instead and delete the table (the form is generic over it).
#pragma once
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace mmupt::ui {

struct ConfigFieldSpec {
    enum class Type { boolean, integer, real, string, choice, list };
    QString key;  // "rollout.n": section "." name
    Type type = Type::string;
    QString defaultValue;  // as text; lists as "[a, b]"
    QString doc;           // one line, shown as the tooltip
    QString range;         // human text: "[0, 2]", "> 0"
    std::optional<double> min, max;
    QStringList choices;  // for Type::choice
    QString section() const { return key.section('.', 0, 0); }
    QString name() const { return key.section('.', 1); }
};

const std::vector<ConfigFieldSpec>& builtinConfigFields();

// Checks `text` against the field's type, range and choices; returns an error sentence naming
// the key, or "" when valid.
QString checkFieldValue(const ConfigFieldSpec& field, const QString& text);

}  // namespace mmupt::ui
