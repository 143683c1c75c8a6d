// Checkpoints ▸ list: every complete checkpoint of the run with its step and the metrics saved
// with it, the best one by validation (RUN/best.json, best_checkpoint.h) marked and preselected
// (else the newest), and Export (Session::export_checkpoint) with a progress bar and Cancel. The
// target folder (typed, or picked in a folder dialog that can create folders) is checked as it
// changes by the engine's rule (check_export): a new or empty folder is written, an earlier export
// is replaced only after a confirmation, anything else is refused with the reason. The dtype shows
// the checkpoint's own and can be changed. The dialog only asks; the main window talks to the
// session and reports progress back.
#pragma once
#include <QDialog>
#include <functional>
#include <vector>

#include "core/session/session_types.h"

class QComboBox;
class QLabel;
class QLineEdit;
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
    int bestRow() const { return m_bestRow; }  // -1 = the run has no best.json
    QString selectedPath() const;
    void selectRow(int row);
    // Progress of a running export: fraction in [0, 1]; finished with "" or an error.
    void showExportProgress(double fraction);
    void showExportFinished(const QString& error);

    // The export form: target folder, dtype ("" = the checkpoint's own), the check's verdict.
    void setExportFolder(const QString& dir);
    void setExportDtype(const QString& dtype);
    QString exportVerdict() const;
    bool exportAllowed() const;
    QString storedDtype() const { return m_storedDtype; }
    void requestExport();  // the Export button
    // Test seam: answers "replace the earlier export?" without a modal box.
    void setConfirmHandler(std::function<bool(const QString&)> confirm) {
        m_confirm = std::move(confirm);
    }

  signals:
    // `replace`: the user agreed to replace an earlier export; `dtype` "" = keep the stored one.
    void exportRequested(const QString& checkpointDir, const QString& outDir, bool replace,
                         const QString& dtype);
    void exportCancelled();

  private:
    void checkTarget();
    void browse();
    QTableWidget* m_table;
    QLineEdit* m_folder;
    QComboBox* m_dtype;
    QLabel* m_verdict;
    QString m_storedDtype;
    int m_targetKind = -1;  // ExportCheck::Kind, -1 = nothing to check
    bool m_exporting = false;
    bool m_exportEnabled = true;
    std::function<bool(const QString&)> m_confirm;
    QPushButton* m_export;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    std::vector<CheckpointInfo> m_checkpoints;
    int m_bestRow = -1;
};

}  // namespace mmupt::ui
