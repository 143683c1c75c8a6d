// ConfigForm: editors per field type, section group boxes, value bookkeeping.
#include "ui/config_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "core/config/config_io.h"
#include "core/util/errors.h"

namespace mmupt::ui {

using Type = ConfigFieldSpec::Type;

ConfigForm::ConfigForm(QStringList hiddenKeys, QWidget* parent)
    : QWidget(parent), m_fields(schemaFields()) {
    setObjectName("configForm");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QString section;
    QFormLayout* form = nullptr;
    for (const ConfigFieldSpec& f : m_fields) {
        m_values.insert(f.key, f.defaultValue);
        if (hiddenKeys.contains(f.key)) continue;  // edited elsewhere (pickers)
        if (f.section() != section || !form) {
            section = f.section();
            auto* box = new QGroupBox(section, this);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            layout->addWidget(box);
        }
        auto* label = new QLabel(f.name(), this);
        QString tip = QStringLiteral("<b>%1</b> (%2)<br>%3<br>default: <tt>%4</tt>")
                          .arg(f.key, f.range.isEmpty() ? tr("any") : f.range.toHtmlEscaped(),
                               f.doc.toHtmlEscaped(), f.defaultValue.toHtmlEscaped());
        label->setToolTip(tip);
        QWidget* editor = makeEditor(f);
        editor->setToolTip(tip);
        m_editors.insert(f.key, editor);
        m_labels.insert(f.key, label);
        form->addRow(label, editor);
    }
    layout->addStretch();
}

QWidget* ConfigForm::makeEditor(const ConfigFieldSpec& f) {
    QString key = f.key;
    QWidget* editor = nullptr;
    if (f.type == Type::boolean) {
        auto* box = new QCheckBox(this);
        box->setChecked(f.defaultValue == "true");
        connect(box, &QCheckBox::toggled, this,
                [this, key](bool on) { onEdited(key, on ? "true" : "false"); });
        editor = box;
    } else if (f.type == Type::choice) {
        auto* combo = new QComboBox(this);
        combo->addItems(f.choices);
        combo->setCurrentText(f.defaultValue);
        connect(combo, &QComboBox::currentTextChanged, this,
                [this, key](const QString& t) { onEdited(key, t); });
        editor = combo;
    } else {
        auto* line = new QLineEdit(f.defaultValue, this);
        if (f.type == Type::list) line->setPlaceholderText("[a, b]");
        connect(line, &QLineEdit::textEdited, this,
                [this, key](const QString& t) { onEdited(key, t); });
        editor = line;
    }
    editor->setObjectName("field:" + key);
    return editor;
}

const ConfigFieldSpec* ConfigForm::find(const QString& key) const {
    for (const auto& f : m_fields)
        if (f.key == key) return &f;
    return nullptr;
}

QString ConfigForm::value(const QString& key) const { return m_values.value(key); }

void ConfigForm::onEdited(const QString& key, const QString& text) {
    if (m_updating) return;
    m_values[key] = text;
    if (const auto* f = find(key)) showValue(*f);
    emit valueChanged(key, text);
}

QString ConfigForm::setValue(const QString& key, const QString& text) {
    const ConfigFieldSpec* f = find(key);
    if (!f) return tr("unknown config key '%1'").arg(key);
    m_values[key] = canonicalValue(key, text);
    showValue(*f);
    emit valueChanged(key, text);
    return {};
}

void ConfigForm::showValue(const ConfigFieldSpec& f) {
    QString text = m_values.value(f.key);
    if (QWidget* editor = m_editors.value(f.key)) {
        m_updating = true;
        if (auto* box = qobject_cast<QCheckBox*>(editor)) box->setChecked(text == "true");
        if (auto* combo = qobject_cast<QComboBox*>(editor)) combo->setCurrentText(text);
        if (auto* line = qobject_cast<QLineEdit*>(editor); line && line->text() != text)
            line->setText(text);
        m_updating = false;
        QString error = checkFieldValue(f.key, text);
        editor->setStyleSheet(error.isEmpty() ? QString() : "border: 2px solid #d0352b;");
        editor->setToolTip(error.isEmpty() ? m_labels.value(f.key)->toolTip() : error);
    }
    if (auto* label = qobject_cast<QLabel*>(m_labels.value(f.key))) {
        QFont font = label->font();
        font.setBold(text != f.defaultValue);
        label->setFont(font);
    }
}

ConfigValues ConfigForm::values() const {
    ConfigValues out;
    for (const auto& f : m_fields) out.emplace_back(f.key, m_values.value(f.key));
    return out;
}

void ConfigForm::resetToDefaults() {
    for (const auto& f : m_fields) {
        m_values[f.key] = f.defaultValue;
        showValue(f);
    }
}

QStringList ConfigForm::invalidFields(bool forTraining) const {
    QStringList errors;
    RunConfig config;
    for (const auto& f : m_fields) {
        try {
            set_field(config, f.key.toStdString(), m_values.value(f.key).toStdString());
        } catch (const Error& e) {
            errors << QString::fromUtf8(e.what());
        }
    }
    for (const ConfigIssue& issue : check_config(config, forTraining))
        errors << QString::fromStdString(issue.message);
    return errors;
}

RunConfig ConfigForm::toRunConfig() const {
    RunConfig config;
    for (const auto& f : m_fields)
        set_field(config, f.key.toStdString(), m_values.value(f.key).toStdString());
    return config;
}

QString ConfigForm::toYaml() const {
    return QString::fromStdString(to_yaml(toRunConfig(), /*comments=*/true));
}

QStringList ConfigForm::loadYaml(const QString& yaml, const QString& origin) {
    RunConfig config;
    apply_yaml_text(config, yaml.toStdString(), origin.toStdString());  // throws: nothing changed
    for (const auto& f : m_fields) {
        m_values[f.key] = QString::fromStdString(get_field(config, f.key.toStdString()));
        showValue(f);
    }
    QStringList problems;
    for (const ConfigIssue& issue : check_config(config))
        problems << QStringLiteral("%1: %2").arg(origin, QString::fromStdString(issue.message));
    return problems;
}

QStringList ConfigForm::overridesAgainst(const ConfigValues& base) const {
    QStringList out;
    for (const auto& f : m_fields) {
        QString baseValue = f.defaultValue;
        for (const auto& [k, v] : base)
            if (k == f.key) baseValue = v;
        QString current = m_values.value(f.key);
        bool same = f.type == Type::list ? listItems(current) == listItems(baseValue)
                                         : current == baseValue;
        if (!same) out << f.key + "=" + current;
    }
    return out;
}

}  // namespace mmupt::ui
