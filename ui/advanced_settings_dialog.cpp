// AdvancedSettingsDialog: filter box over the grouped ConfigForm.
#include "ui/advanced_settings_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/config_form.h"

namespace mmupt::ui {

AdvancedSettingsDialog::AdvancedSettingsDialog(ConfigForm* form, QWidget* parent)
    : QDialog(parent), m_form(form) {
    setObjectName("advancedSettingsDialog");
    setWindowTitle(tr("All settings"));
    resize(720, 640);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName("settingsFilter");
    m_filter->setPlaceholderText(tr("Filter: key or words of its description (e.g. kl, pixels)"));
    m_filter->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(form);
    auto* note = new QLabel(tr("Bold: changed from the default. Red outline: not allowed (the "
                               "tooltip says why). The settings on the Run setup panel are "
                               "not repeated here."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(scroll, 1);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(m_filter, &QLineEdit::textChanged, this, &AdvancedSettingsDialog::setFilter);
    setFilter({});
}

void AdvancedSettingsDialog::setFilter(const QString& text) {
    if (m_filter->text() != text) m_filter->setText(text);  // re-enters once through textChanged
    const int shown = m_form->setFilter(text);
    m_count->setText(tr("%n setting(s)", nullptr, shown));
}

}  // namespace mmupt::ui
