// Run setup ▸ All settings…: every config key the setup panel does not show, grouped by section,
// with a filter box (matches key or doc) and each key's doc, unit, range and default from the
// schema (the text of `mmupt config --docs`). Non-modal; it shows the panel's ConfigForm, so
// edits here are the same values as everywhere else.
#pragma once
#include <QDialog>

class QLabel;
class QLineEdit;

namespace mmupt::ui {

class ConfigForm;

class AdvancedSettingsDialog : public QDialog {
    Q_OBJECT
  public:
    // Takes `form` into its scroll area (the dialog becomes its parent).
    explicit AdvancedSettingsDialog(ConfigForm* form, QWidget* parent = nullptr);
    void setFilter(const QString& text);  // as typed into the filter box
    QLineEdit* filterBox() const { return m_filter; }

  private:
    ConfigForm* m_form;
    QLineEdit* m_filter;
    QLabel* m_count;
};

}  // namespace mmupt::ui
