// YAML text <-> flat "section.name" -> value-text pairs for the setup form, in the layout the
// CLI reads (`rollout:\n  n: 8`; dotted top-level keys also accepted). INTERIM like
// config_fields.h: when core/config lands, use its apply_yaml_text / to_yaml instead.
#pragma once
#include <QString>
#include <utility>
#include <vector>

#include "ui/config_fields.h"

namespace mmupt::ui {

using ConfigValues = std::vector<std::pair<QString, QString>>;  // key, value text (ordered)

// Throws mmupt::ConfigError ("<origin>:<line>: ...") on malformed YAML or a non-scalar leaf.
ConfigValues parseConfigYaml(const QString& yaml, const QString& origin);
// Every field of `fields`, nested by section, each with its doc as a trailing comment.
QString writeConfigYaml(const std::vector<ConfigFieldSpec>& fields, const ConfigValues& values);

// "[a, b]" <-> items; a bare item is a one-element list.
QStringList listItems(const QString& text);
QString listText(const QStringList& items);

}  // namespace mmupt::ui
