// Config YAML via yaml-cpp: parse to flat pairs, write with per-field comments.
#include "ui/config_yaml.h"

#include <yaml-cpp/yaml.h>

#include "core/util/errors.h"

namespace mmupt::ui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString leafText(const YAML::Node& node, const QString& key, const QString& origin) {
    auto where = [&] {
        return QStringLiteral("%1:%2: %3").arg(origin).arg(node.Mark().line + 1).arg(key);
    };
    if (node.IsNull()) return {};
    if (node.IsScalar()) return q(node.Scalar());
    if (node.IsSequence()) {
        QStringList items;
        for (const auto& item : node) {
            if (!item.IsScalar())
                throw ConfigError((where() + ": list items must be scalars").toStdString());
            items << q(item.Scalar());
        }
        return listText(items);
    }
    throw ConfigError((where() + ": expected a value or a list, found a map").toStdString());
}

QString scalarYaml(const QString& text) {
    YAML::Emitter e;
    e << text.toStdString();
    return QString::fromUtf8(e.c_str());
}

}  // namespace

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

ConfigValues parseConfigYaml(const QString& yaml, const QString& origin) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        throw ConfigError(QStringLiteral("%1:%2: %3")
                              .arg(origin)
                              .arg(e.mark.line + 1)
                              .arg(q(e.msg))
                              .toStdString());
    }
    ConfigValues out;
    if (root.IsNull()) return out;
    if (!root.IsMap()) throw ConfigError((origin + ": expected a map of sections").toStdString());
    for (const auto& section : root) {
        QString name = q(section.first.as<std::string>());
        if (section.second.IsMap()) {
            for (const auto& leaf : section.second) {
                QString key = name + "." + q(leaf.first.as<std::string>());
                out.emplace_back(key, leafText(leaf.second, key, origin));
            }
        } else {
            out.emplace_back(name, leafText(section.second, name, origin));
        }
    }
    return out;
}

QString writeConfigYaml(const std::vector<ConfigFieldSpec>& fields, const ConfigValues& values) {
    auto valueOf = [&](const ConfigFieldSpec& f) {
        for (const auto& [k, v] : values)
            if (k == f.key) return v;
        return f.defaultValue;
    };
    QString out = "# mmupt run config (written by mmupt-studio)\n";
    QString section;
    for (const ConfigFieldSpec& f : fields) {
        if (f.section() != section) {
            section = f.section();
            out += section + ":\n";
        }
        QString v = valueOf(f);
        QString text;
        if (f.type == ConfigFieldSpec::Type::list) {
            QStringList quoted;
            for (const QString& item : listItems(v)) quoted << scalarYaml(item);
            text = listText(quoted);
        } else if (f.type == ConfigFieldSpec::Type::string) {
            text = v.isEmpty() ? QStringLiteral("\"\"") : scalarYaml(v);
        } else {
            text = v;
        }
        out += QStringLiteral("  %1: %2").arg(f.name(), text);
        if (!f.doc.isEmpty()) out += "  # " + QString(f.doc).replace('\n', ' ');
        out += '\n';
    }
    return out;
}

}  // namespace mmupt::ui
