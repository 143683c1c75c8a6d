// Run setup, laid out to fit a 1366×768 screen without scrolling: model and dataset pickers (with
// counts, detected keys and thumbnails), the question (template editor for image folders, and a
// live "The model will see: …" line), the output directory (a new runs/YYYYMMDD-HHMMSS per
// run), the essential settings (setup_essentials.h), Load / Save (YAML), Copy as CLI command,
// All settings… (every other key, advanced_settings_dialog.h), "Will it fit?" (the planner's
// predicted peak against the device's free memory, fit_indicator.h) and Start. Picks are checked
// through Session::inspect_* when an engine exists, else by file checks, and checked again after
// every load; problems are shown in the panel, never as a crash. The same ConfigSource feeds
// Start and the CLI line. With restoreLastSetup() the config file, model, dataset and edits are
// kept in QSettings ("setup/…") and come back on the next launch.
#pragma once
#include <QWidget>
#include <functional>

#include "core/session/session.h"
#include "ui/config_form.h"
#include "ui/output_directory.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QScrollArea;
class QSpinBox;

namespace mmupt::ui {

class AdvancedSettingsDialog;
class ConfigForm;
class FitIndicator;
class QuestionTemplateEditor;

class RunSetupPanel : public QWidget {
    Q_OBJECT
  public:
    // `session` may be null (engine not in this build); it is not owned.
    explicit RunSetupPanel(Session* session, QWidget* parent = nullptr);

    ConfigForm* form() const { return m_form; }
    bool pickModel(const QString& dir);     // returns whether the model looks usable
    bool pickDataset(const QString& path);  // returns whether the dataset looks usable
    QString modelStatus() const;            // the text shown under the picker
    QString datasetStatus() const;
    QString configStatus() const;  // "Config: FILE" or the last load / save error
    int thumbnailCount() const;
    bool modelOk() const { return m_modelOk; }
    bool datasetOk() const { return m_datasetOk; }
    // Checks the model and dataset the form holds now (status lines, thumbnails, question):
    // after every load, so no line from before is left behind.
    void refreshChecks();

    // Load replaces every value (defaults, then the file); returns "" or the error text.
    QString loadConfigFile(const QString& path);
    QString loadConfigText(const QString& yaml, const QString& origin);
    QString saveConfigFile(const QString& path);
    QString configPath() const { return m_configPath; }

    // What Start hands the engine: the loaded/saved YAML plus `--set` lines for every edit since.
    ConfigSource configSource() const;
    QString cliCommand() const;  // `mmupt train CONFIG.yaml --set k=v ...`, shell-quoted
    void setStartEnabled(bool enabled);
    void copyCliCommand();    // to the clipboard
    void loadConfigDialog();  // File ▸ Load config…
    void saveConfigDialog();  // File ▸ Save config…
    void browseModel();
    void browseDataset(bool folder);
    AdvancedSettingsDialog* advancedSettings() const { return m_advanced; }
    void openAdvancedSettings();
    QuestionTemplateEditor* questionEditor() const { return m_question; }
    QScrollArea* scrollArea() const { return m_scroll; }
    FitIndicator* fitIndicator() const { return m_fit; }
    // Data-parallel ranks for Start (`mmupt train --nproc N`); 1 = the studio's own engine.
    int processes() const;
    // The field's range: 1 .. count ranks ("GPU" or "CPU core"); greyed out when count is 1.
    void setProcessSlots(int count, const QString& what);

    // Before Start: when trainer.output_dir already holds a run, asks "Continue this run" /
    // "New directory" / Cancel (the handler, when set, answers instead of the dialog: tests).
    // New directory puts a fresh auto-named directory into the form. startFresh when unused.
    OutputChoice confirmOutputDirectory();
    using OutputChoiceHandler = std::function<OutputChoice(const QString&, const ExistingRun&)>;
    void setOutputChoiceHandler(OutputChoiceHandler handler) { m_outputChoice = handler; }

    // Loads the last session's config file and edits from QSettings, then keeps them there on
    // every change. Panels that never call it (tests) neither read nor write settings.
    void restoreLastSetup();

  signals:
    void startRequested();
    void configFileChanged(const QString& path);
    void checksChanged();  // model / dataset status changed (the getting-started steps follow)

  private:
    QWidget* buildPickers();
    QWidget* buildProcessesRow(QWidget* parent);
    QWidget* buildOutputRow();
    void showStatus(QLabel* label, const QStringList& errors, const QStringList& warnings,
                    const QString& summary);
    bool checkModel(const QString& dir);
    bool checkDataset(const QString& path);
    void setConfigStatus(const QString& text, bool error);
    void saveLastSetup() const;

    Session* m_session;
    ConfigForm* m_form;
    QSpinBox* m_nproc = nullptr;
    AdvancedSettingsDialog* m_advanced;
    QScrollArea* m_scroll;
    QLineEdit* m_modelEdit;
    QLabel* m_modelStatus;
    QLineEdit* m_datasetEdit;
    QLabel* m_datasetStatus;
    QListWidget* m_thumbs;
    QuestionTemplateEditor* m_question;
    QLabel* m_configLabel;
    QPushButton* m_start;
    FitIndicator* m_fit;
    QString m_configPath;
    ConfigValues m_baseValues;  // the values of m_configPath as loaded or saved
    bool m_lastLoadParsed = false;
    bool m_modelOk = false, m_datasetOk = false;
    bool m_persist = false;  // restoreLastSetup() was called
    bool m_restoring = false;
    bool m_loadingFile = false;  // loadConfigFile checks after it has set m_configPath
    OutputChoiceHandler m_outputChoice;
};

}  // namespace mmupt::ui
