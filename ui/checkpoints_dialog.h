// Checkpoints ▸ list: every complete checkpoint of the run with its step and the metrics saved
// with it, and Export… (Session::export_checkpoint) with a progress bar and Cancel. The dialog
// only asks; the main window talks to the session and reports progress back.
#pragma once
#include <QDialog>
#include <vector>

#include "core/session/session_types.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace mmupt::ui {

class CheckpointsDialog : public QDialog {
    Q_OBJECT
  public:
    explicit CheckpointsDialog(QWidget* parent = nullptr);
    void setCheckpoints(const std::vector<CheckpointInfo>& checkpoints);
    void setExportEnabled(bool enabled, const QString& why = {});
    int rowCount() const;
    QString selectedPath() const;
    void selectRow(int row);
    // Progress of a running export: fraction in [0, 1]; finished with "" or an error.
    void showExportProgress(double fraction);
    void showExportFinished(const QString& error);

  signals:
    void exportRequested(const QString& checkpointDir, const QString& outDir);
    void exportCancelled();

  private:
    QTableWidget* m_table;
    QPushButton* m_export;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    std::vector<CheckpointInfo> m_checkpoints;
};

}  // namespace mmupt::ui
