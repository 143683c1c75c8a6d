// Run setup: model picker, dataset picker (with counts, detected keys and thumbnails), the
// config form with Load / Save (YAML) and "Copy as CLI command", and Start. Picks are checked
// through Session::inspect_* when an engine exists, else by file checks; problems are shown
// in the form, never as a crash. The same ConfigSource feeds Start and the CLI line.
#pragma once
#include <QWidget>

#include "core/session/session.h"
#include "ui/config_form.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace mmupt::ui {

class ConfigForm;

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
    int thumbnailCount() const;

    // Load replaces every value (defaults, then the file); returns "" or the error text.
    QString loadConfigFile(const QString& path);
    QString loadConfigText(const QString& yaml, const QString& origin);
    QString saveConfigFile(const QString& path);
    QString configPath() const { return m_configPath; }

    // What Start hands the engine: the loaded/saved YAML plus `--set` lines for every edit since.
    ConfigSource configSource() const;
    QString cliCommand() const;  // `mmupt train CONFIG.yaml --set k=v ...`, shell-quoted
    void setStartEnabled(bool enabled);
    void loadConfigDialog();  // File ▸ Load config…
    void saveConfigDialog();  // File ▸ Save config…

  signals:
    void startRequested();
    void configFileChanged(const QString& path);

  private:
    QWidget* buildPickers();
    void showStatus(QLabel* label, const QStringList& errors, const QStringList& warnings,
                    const QString& summary);
    void browseModel();
    void browseDataset(bool folder);

    Session* m_session;
    ConfigForm* m_form;
    QLineEdit* m_modelEdit;
    QLabel* m_modelStatus;
    QLineEdit* m_datasetEdit;
    QLabel* m_datasetStatus;
    QListWidget* m_thumbs;
    QLabel* m_configLabel;
    QPushButton* m_start;
    QString m_configPath;
    ConfigValues m_baseValues;  // the values of m_configPath as loaded or saved
    bool m_lastLoadParsed = false;
};

}  // namespace mmupt::ui
