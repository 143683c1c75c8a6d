// schemaFields(): FieldInfo -> ConfigFieldSpec; checks through set_field / check_config.
#include "ui/config_fields.h"

#include <QObject>

#include "core/config/config_schema.h"
#include "core/util/errors.h"

namespace mmupt::ui {

namespace {

ConfigFieldSpec::Type typeOf(FieldType t) {
    switch (t) {
        case FieldType::boolean:
            return ConfigFieldSpec::Type::boolean;
        case FieldType::integer:
            return ConfigFieldSpec::Type::integer;
        case FieldType::real:
            return ConfigFieldSpec::Type::real;
        case FieldType::choice:
            return ConfigFieldSpec::Type::choice;
        case FieldType::string_list:
        case FieldType::real_list:
            return ConfigFieldSpec::Type::list;
        case FieldType::string:
            break;
    }
    return ConfigFieldSpec::Type::string;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

const std::vector<ConfigFieldSpec>& schemaFields() {
    static const std::vector<ConfigFieldSpec> fields = [] {
        std::vector<ConfigFieldSpec> out;
        for (const FieldInfo& f : config_schema()) {
            ConfigFieldSpec s;
            s.key = q(f.key);
            s.type = typeOf(f.type);
            s.defaultValue = q(f.default_value);
            s.doc = f.unit.empty() ? q(f.doc) : QStringLiteral("%1 (%2)").arg(q(f.doc), q(f.unit));
            s.range = q(f.range);
            s.min = f.min;
            s.max = f.max;
            for (const auto& c : f.choices) s.choices << q(c);
            s.required = f.required;
            out.push_back(std::move(s));
        }
        return out;
    }();
    return fields;
}

QString checkFieldValue(const QString& key, const QString& text) {
    RunConfig config;
    try {
        set_field(config, key.toStdString(), text.toStdString());
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    for (const ConfigIssue& issue : check_config(config))
        if (q(issue.key) == key) return q(issue.message);
    return {};
}

QHash<QString, QString> fieldProblems(const QHash<QString, QString>& values) {
    QHash<QString, QString> problems;
    RunConfig config;
    for (auto it = values.begin(); it != values.end(); ++it) {
        try {
            set_field(config, it.key().toStdString(), it.value().toStdString());
        } catch (const Error& e) {  // unparsable: the default stays in `config`
            problems.insert(it.key(), QString::fromUtf8(e.what()));
        }
    }
    for (const ConfigIssue& issue : check_config(config))
        if (!problems.contains(q(issue.key))) problems.insert(q(issue.key), q(issue.message));
    return problems;
}

QString fieldHelpLine(const ConfigFieldSpec& f) {
    QStringList parts{f.doc};
    if (!f.range.isEmpty()) parts << QObject::tr("allowed: %1").arg(f.range);
    parts << QObject::tr("default: %1")
                 .arg(f.defaultValue.isEmpty() ? QObject::tr("(empty)") : f.defaultValue);
    return parts.join(QStringLiteral(" · "));
}

QString canonicalValue(const QString& key, const QString& text) {
    RunConfig config;
    try {
        set_field(config, key.toStdString(), text.toStdString());
        return q(get_field(config, key.toStdString()));
    } catch (const Error&) {
        return text;
    }
}

QStringList listItems(const QString& text) {
    QString t = text.trimmed();
    if (t.startsWith('[') && t.endsWith(']')) t = t.mid(1, t.size() - 2);
    QStringList items;
    for (const QString& part : t.split(',', Qt::SkipEmptyParts)) {
        QString item = part.trimmed();
        if (item.size() >= 2 && (item.startsWith('"') || item.startsWith('\'')) &&
            item.endsWith(item[0]))
            item = item.mid(1, item.size() - 2);
        if (!item.isEmpty()) items << item;
    }
    return items;
}

QString listText(const QStringList& items) { return "[" + items.join(", ") + "]"; }

}  // namespace mmupt::ui
