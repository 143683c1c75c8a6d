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

namespace {
QString tooltipOf(const ConfigFieldSpec& f) {
    return QStringLiteral("<b>%1</b> (%2)<br>%3<br>default: <tt>%4</tt>")
        .arg(f.key, f.range.isEmpty() ? QObject::tr("any") : f.range.toHtmlEscaped(),
             f.doc.toHtmlEscaped(), f.defaultValue.toHtmlEscaped());
}
}  // namespace

ConfigForm::ConfigForm(QStringList hiddenKeys, QWidget* parent)
    : QWidget(parent), m_fields(schemaFields()) {
    setObjectName("configForm");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QString section;
    QFormLayout* form = nullptr;
    for (const ConfigFieldSpec& f : m_fields) {
        m_values.insert(f.key, f.defaultValue);
        if (hiddenKeys.contains(f.key)) continue;  // edited elsewhere (pickers, essentials)
        if (f.section() != section || !form) {
            section = f.section();
            auto* box = new QGroupBox(section, this);
            box->setObjectName("group:" + section);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            layout->addWidget(box);
        }
        // The row: the editor, and under it the doc, range and default in small grey text.
        auto* row = new QWidget(this);
        auto* rowLayout = new QVBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 2);
        rowLayout->setSpacing(1);
        rowLayout->addWidget(makeEditor(f, row));
        auto* help = new QLabel(fieldHelpLine(f), row);
        help->setObjectName("help:" + f.key);
        help->setWordWrap(true);
        help->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFont small = help->font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        help->setFont(small);
        help->setForegroundRole(QPalette::PlaceholderText);
        rowLayout->addWidget(help);
        m_rows.insert(f.key, row);
        form->addRow(createLabel(f.key, f.name(), this), row);
    }
    layout->addStretch();
    refreshChecks();
}

QWidget* ConfigForm::createEditor(const QString& key, QWidget* parent) {
    const ConfigFieldSpec* f = find(key);
    if (!f) return nullptr;
    QWidget* editor = makeEditor(*f, parent);
    showValue(*f);
    return editor;
}

QLabel* ConfigForm::createLabel(const QString& key, const QString& text, QWidget* parent) {
    const ConfigFieldSpec* f = find(key);
    auto* label = new QLabel(text, parent);
    if (!f) return label;
    label->setToolTip(tooltipOf(*f));
    m_labels.insert(key, label);
    if (QWidget* editor = m_editors.value(key)) label->setBuddy(editor);
    showValue(*f);
    return label;
}

int ConfigForm::setFilter(const QString& text) {
    const QString needle = text.trimmed();
    int shown = 0;
    QHash<QGroupBox*, bool> groupHasRow;
    for (const ConfigFieldSpec& f : m_fields) {
        QWidget* row = m_rows.value(f.key);
        if (!row) continue;
        bool match = needle.isEmpty() || f.key.contains(needle, Qt::CaseInsensitive) ||
                     f.doc.contains(needle, Qt::CaseInsensitive);
        auto* box = qobject_cast<QGroupBox*>(row->parentWidget());
        if (!box) box = findChild<QGroupBox*>("group:" + f.section());
        if (auto* form = box ? qobject_cast<QFormLayout*>(box->layout()) : nullptr)
            form->setRowVisible(row, match);
        groupHasRow[box] = groupHasRow.value(box) || match;
        shown += match ? 1 : 0;
    }
    for (auto it = groupHasRow.begin(); it != groupHasRow.end(); ++it)
        if (it.key()) it.key()->setVisible(it.value());
    return shown;
}

QWidget* ConfigForm::makeEditor(const ConfigFieldSpec& f, QWidget* parent) {
    QString key = f.key;
    QWidget* editor = nullptr;
    if (f.type == Type::boolean) {
        auto* box = new QCheckBox(parent);
        box->setChecked(f.defaultValue == "true");
        connect(box, &QCheckBox::toggled, this,
                [this, key](bool on) { onEdited(key, on ? "true" : "false"); });
        editor = box;
    } else if (f.type == Type::choice) {
        auto* combo = new QComboBox(parent);
        combo->addItems(f.choices);
        combo->setCurrentText(f.defaultValue);
        connect(combo, &QComboBox::currentTextChanged, this,
                [this, key](const QString& t) { onEdited(key, t); });
        editor = combo;
    } else {
        auto* line = new QLineEdit(f.defaultValue, parent);
        if (f.type == Type::list) line->setPlaceholderText("[a, b]");
        connect(line, &QLineEdit::textEdited, this,
                [this, key](const QString& t) { onEdited(key, t); });
        editor = line;
    }
    editor->setObjectName("field:" + key);
    editor->setToolTip(tooltipOf(f));
    m_editors.insert(key, editor);
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
    refreshChecks();
    emit valueChanged(key, text);
}

QString ConfigForm::setValue(const QString& key, const QString& text) {
    const ConfigFieldSpec* f = find(key);
    if (!f) return tr("unknown config key '%1'").arg(key);
    m_values[key] = canonicalValue(key, text);
    showValue(*f);
    refreshChecks();
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
    }
    if (auto* label = qobject_cast<QLabel*>(m_labels.value(f.key))) {
        QFont font = label->font();
        font.setBold(text != f.defaultValue);
        label->setFont(font);
    }
}

void ConfigForm::refreshChecks() {
    m_problems = fieldProblems(m_values);
    for (const ConfigFieldSpec& f : m_fields) {
        QWidget* editor = m_editors.value(f.key);
        if (!editor) continue;
        const QString error = m_problems.value(f.key);
        const QString style = error.isEmpty() ? QString() : "border: 2px solid #d0352b;";
        if (editor->styleSheet() != style) editor->setStyleSheet(style);
        editor->setToolTip(error.isEmpty() ? tooltipOf(f) : error);
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
    refreshChecks();
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
    refreshChecks();
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
