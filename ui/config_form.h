// A form generated from the config schema's fields (ConfigFieldSpec): one editor per field (check
// box, combo box or line edit), grouped by section, each with its doc / range / default line and
// a filter, non-default values in bold, invalid values outlined red (checked on all the values
// shown together). Keys shown elsewhere (the setup panel's essentials) are left out of the
// groups; their editors come from createEditor() and stay bound to the same values. Holds values
// as set_field text; YAML in and out through core/config (apply_yaml_text / to_yaml), so files
// match the CLI's exactly.
#pragma once
#include <QHash>
#include <QSet>
#include <QWidget>
#include <vector>

class QLabel;

#include "core/config/config_schema.h"
#include "ui/config_fields.h"

namespace mmupt::ui {

using ConfigValues = std::vector<std::pair<QString, QString>>;  // key, value text (ordered)

class ConfigForm : public QWidget {
    Q_OBJECT
  public:
    // `hiddenKeys` get no row in the groups (edited elsewhere); their values are still held.
    explicit ConfigForm(QStringList hiddenKeys = {}, QWidget* parent = nullptr);

    // An editor (objectName "field:KEY") and a label for a hidden key, placed by the caller
    // under `parent`; both follow the value like the form's own. One editor per key.
    QWidget* createEditor(const QString& key, QWidget* parent);
    QLabel* createLabel(const QString& key, const QString& text, QWidget* parent);
    // Shows only the rows whose key, name or doc contains `text` (case-insensitive) and the
    // groups that keep a row; returns the number of rows shown.
    int setFilter(const QString& text);
    // Editor tooltips (or "" when valid): the current problem of each shown field.
    QString fieldProblem(const QString& key) const { return m_problems.value(key); }

    const std::vector<ConfigFieldSpec>& fields() const { return m_fields; }
    QString value(const QString& key) const;
    // Returns an error sentence (and stores nothing) for an unknown key; a value that fails the
    // type/range check is stored and marked invalid, so the user can keep editing.
    QString setValue(const QString& key, const QString& text);
    ConfigValues values() const;  // every field, in field order
    void resetToDefaults();
    // Error sentences: unparsable values, ranges, cross-field rules; `forTraining` adds the
    // required fields (model.path, data.train_files).
    QStringList invalidFields(bool forTraining = false) const;

    // The values as a RunConfig; throws ConfigError naming the first unparsable field.
    RunConfig toRunConfig() const;
    QString toYaml() const;  // throws ConfigError like toRunConfig()
    // Defaults, then the document, as the CLI reads it. Throws mmupt::ConfigError (malformed
    // YAML, unknown key with a suggestion, wrong type; file and line named) and changes nothing
    // then; returns the range / cross-field problems of what was loaded.
    QStringList loadYaml(const QString& yaml, const QString& origin);

    // "key=value" for every field whose value differs from `base` (defaults for missing keys).
    QStringList overridesAgainst(const ConfigValues& base) const;

  signals:
    void valueChanged(const QString& key, const QString& value);

  private:
    QWidget* makeEditor(const ConfigFieldSpec& field, QWidget* parent);
    void showValue(const ConfigFieldSpec& field);
    void refreshChecks();  // re-checks every value together and outlines the invalid ones
    void onEdited(const QString& key, const QString& text);
    const ConfigFieldSpec* find(const QString& key) const;

    std::vector<ConfigFieldSpec> m_fields;
    QHash<QString, QString> m_values;
    QHash<QString, QWidget*> m_editors;
    QHash<QString, QWidget*> m_labels;
    QHash<QString, QWidget*> m_rows;  // key -> row widget in the groups (for the filter)
    QHash<QString, QString> m_problems;
    bool m_updating = false;
};

}  // namespace mmupt::ui
