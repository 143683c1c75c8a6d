// A form generated from a list of ConfigFieldSpec: one editor per field (check box, combo box or
// line edit), grouped by section, tooltips from the docs, non-default values in bold, invalid
// values outlined red. Holds values as text; YAML in and out via config_yaml.h.
#pragma once
#include <QHash>
#include <QSet>
#include <QWidget>
#include <vector>

#include "ui/config_yaml.h"

namespace mmupt::ui {

class ConfigForm : public QWidget {
    Q_OBJECT
  public:
    explicit ConfigForm(std::vector<ConfigFieldSpec> fields, QStringList hiddenKeys = {},
                        QWidget* parent = nullptr);

    const std::vector<ConfigFieldSpec>& fields() const { return m_fields; }
    QString value(const QString& key) const;
    // Returns an error sentence (and stores nothing) for an unknown key; a value that fails the
    // type/range check is stored and marked invalid, so the user can keep editing.
    QString setValue(const QString& key, const QString& text);
    ConfigValues values() const;  // every field, in field order
    void resetToDefaults();
    QStringList invalidFields() const;  // error sentences

    QString toYaml() const;
    // Defaults, then the document's values. Returns the problems (unknown keys, bad values);
    // throws mmupt::ConfigError on malformed YAML (nothing changed then).
    QStringList loadYaml(const QString& yaml, const QString& origin);

    // "key=value" for every field whose value differs from `base` (defaults for missing keys).
    QStringList overridesAgainst(const ConfigValues& base) const;

  signals:
    void valueChanged(const QString& key, const QString& value);

  private:
    QWidget* makeEditor(const ConfigFieldSpec& field);
    void showValue(const ConfigFieldSpec& field);
    void onEdited(const QString& key, const QString& text);
    const ConfigFieldSpec* find(const QString& key) const;

    std::vector<ConfigFieldSpec> m_fields;
    QHash<QString, QString> m_values;
    QHash<QString, QWidget*> m_editors;
    QHash<QString, QWidget*> m_labels;
    bool m_updating = false;
};

}  // namespace mmupt::ui
