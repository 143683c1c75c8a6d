// CheckpointsDialog: the table, the export button and its progress.
#include "ui/checkpoints_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/session/best_checkpoint.h"
#include "core/session/export_check.h"
#include "core/util/errors.h"

namespace mmupt::ui {

namespace {
const char* kColumns[] = {"reward/mean", "vote/majority_ratio", "label/accuracy", "actor/kl_loss"};
}

CheckpointsDialog::CheckpointsDialog(QWidget* parent) : QDialog(parent) {
    setObjectName("checkpointsDialog");
    setWindowTitle(tr("Checkpoints"));
    resize(760, 360);
    m_table = new QTableWidget(0, 2 + int(std::size(kColumns)), this);
    QStringList headers{tr("Step"), tr("Path")};
    for (const char* c : kColumns) headers << c;
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_folder = new QLineEdit(this);
    m_folder->setObjectName("exportFolder");
    m_folder->setPlaceholderText(tr("a new or empty folder (created if missing)"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &CheckpointsDialog::browse);
    m_dtype = new QComboBox(this);
    m_dtype->setObjectName("exportDtype");
    m_dtype->addItem(tr("as stored"), QString());
    for (const char* d : {"float32", "bfloat16", "float16"}) m_dtype->addItem(d, QString(d));
    m_dtype->setToolTip(
        tr("Weights dtype of the exported model; \"as stored\" keeps the "
           "checkpoint's own"));
    m_verdict = new QLabel(this);
    m_verdict->setObjectName("exportVerdict");
    m_verdict->setWordWrap(true);
    connect(m_folder, &QLineEdit::textChanged, this, &CheckpointsDialog::checkTarget);
    m_export = new QPushButton(tr("Export"), this);
    m_export->setToolTip(tr("Write the checkpoint as a Hugging Face model directory"));
    m_cancel = new QPushButton(tr("Cancel export"), this);
    m_cancel->hide();
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    auto* close = new QPushButton(tr("Close"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::hide);
    connect(m_export, &QPushButton::clicked, this, &CheckpointsDialog::requestExport);
    connect(m_table, &QTableWidget::currentCellChanged, this, &CheckpointsDialog::checkTarget);
    connect(m_cancel, &QPushButton::clicked, this, &CheckpointsDialog::exportCancelled);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_export);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    buttons->addWidget(close);
    auto* target = new QHBoxLayout;
    target->addWidget(new QLabel(tr("Export to"), this));
    target->addWidget(m_folder, 1);
    target->addWidget(browse);
    target->addWidget(new QLabel(tr("dtype"), this));
    target->addWidget(m_dtype);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(target);
    layout->addWidget(m_verdict);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
}

namespace {

// RUN/best.json of the run these checkpoints (RUN/checkpoints/step-N) belong to; a damaged file
// only loses the mark.
std::optional<BestCheckpoint> bestOf(const std::vector<CheckpointInfo>& checkpoints) {
    if (checkpoints.empty()) return std::nullopt;
    const QString run = QFileInfo(QString::fromStdString(checkpoints.front().path)).dir().path();
    try {
        return read_best_checkpoint(QFileInfo(run).dir().path().toStdString());
    } catch (const Error&) {
        return std::nullopt;
    }
}

}  // namespace

void CheckpointsDialog::setCheckpoints(const std::vector<CheckpointInfo>& checkpoints) {
    m_checkpoints = checkpoints;
    m_table->setRowCount(static_cast<int>(checkpoints.size()));
    const std::optional<BestCheckpoint> best = bestOf(checkpoints);
    m_bestRow = -1;
    for (int row = 0; row < static_cast<int>(checkpoints.size()); ++row) {
        const CheckpointInfo& c = checkpoints[static_cast<size_t>(row)];
        QString step = QString::number(c.step);
        if (best && best->step == c.step) {
            m_bestRow = row;
            step += tr(" (best: %1 %2)")
                        .arg(QString::fromStdString(best->metric),
                             QString::fromStdString(format_best_value(best->value)));
        }
        auto* stepItem = new QTableWidgetItem(step);
        if (row == m_bestRow)
            stepItem->setToolTip(
                tr("The best validation so far (trainer.best_metric, best.json); "
                   "never pruned by keep_last"));
        m_table->setItem(row, 0, stepItem);
        m_table->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(c.path)));
        for (int k = 0; k < int(std::size(kColumns)); ++k) {
            auto it = c.metrics.find(kColumns[k]);
            QString text = it != c.metrics.end() && std::isfinite(it->second)
                               ? QString::number(it->second, 'g', 4)
                               : QString();
            m_table->setItem(row, 2 + k, new QTableWidgetItem(text));
        }
    }
    if (checkpoints.empty()) m_status->setText(tr("No complete checkpoint in this run yet."));
    if (m_table->currentRow() < 0 && !checkpoints.empty())  // the best, else the newest
        m_table->setCurrentCell(
            m_bestRow >= 0 ? m_bestRow : static_cast<int>(checkpoints.size()) - 1, 0);
    checkTarget();
}

void CheckpointsDialog::browse() {
    // Qt's own folder dialog: it has "Create New Folder", and a new folder is the usual target.
    QFileDialog dialog(this, tr("Export to folder"), m_folder->text());
    dialog.setFileMode(QFileDialog::Directory);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
        m_folder->setText(dialog.selectedFiles().first());
}

void CheckpointsDialog::setExportFolder(const QString& dir) { m_folder->setText(dir); }

void CheckpointsDialog::setExportDtype(const QString& dtype) {
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(dtype)));
}

QString CheckpointsDialog::exportVerdict() const { return m_verdict->text(); }

bool CheckpointsDialog::exportAllowed() const {
    return m_targetKind == int(ExportCheck::Kind::fresh) ||
           m_targetKind == int(ExportCheck::Kind::earlier_export);
}

void CheckpointsDialog::checkTarget() {
    const QString checkpoint = selectedPath();
    const QString out = m_folder->text().trimmed();
    m_targetKind = -1;
    if (checkpoint.isEmpty() || out.isEmpty()) {
        m_verdict->setText(checkpoint.isEmpty() ? tr("Select a checkpoint.")
                                                : tr("Choose the folder to export to."));
    } else {
        const ExportCheck check = check_export(checkpoint.toStdString(), out.toStdString());
        m_targetKind = int(check.kind);
        m_storedDtype = QString::fromStdString(check.stored_dtype);
        const QString reason = QString::fromStdString(check.reason);
        m_verdict->setText(
            check.kind == ExportCheck::Kind::fresh ? tr("✔ %1 will be written.").arg(out)
            : check.kind == ExportCheck::Kind::earlier_export
                ? tr("⚠ %1 holds an earlier mmupt export: it will be replaced (you will be "
                     "asked first). %2")
                      .arg(out, reason)
                : tr("✖ Cannot export there: %1").arg(reason));
    }
    m_dtype->setItemText(
        0, m_storedDtype.isEmpty() ? tr("as stored") : tr("as stored (%1)").arg(m_storedDtype));
    m_export->setEnabled(!m_exporting && m_exportEnabled && exportAllowed());
}

void CheckpointsDialog::requestExport() {
    checkTarget();  // the folder may have changed on disk since it was typed
    if (!exportAllowed()) return;
    const QString out = m_folder->text().trimmed();
    const bool replace = m_targetKind == int(ExportCheck::Kind::earlier_export);
    if (replace) {
        const QString question =
            tr("%1 holds an earlier mmupt export. Replace it with this checkpoint?").arg(out);
        const bool yes =
            m_confirm ? m_confirm(question)
                      : QMessageBox::question(this, windowTitle(), question) == QMessageBox::Yes;
        if (!yes) return;
    }
    emit exportRequested(selectedPath(), out, replace, m_dtype->currentData().toString());
}

void CheckpointsDialog::setExportEnabled(bool enabled, const QString& why) {
    m_exportEnabled = enabled;
    m_export->setEnabled(enabled && exportAllowed());
    if (!why.isEmpty()) m_export->setToolTip(why);
    if (!enabled && !why.isEmpty()) m_status->setText(why);
}

int CheckpointsDialog::rowCount() const { return m_table->rowCount(); }

QString CheckpointsDialog::selectedPath() const {
    int row = m_table->currentRow();
    return row >= 0 && row < static_cast<int>(m_checkpoints.size())
               ? QString::fromStdString(m_checkpoints[static_cast<size_t>(row)].path)
               : QString();
}

void CheckpointsDialog::selectRow(int row) { m_table->selectRow(row); }

void CheckpointsDialog::showExportProgress(double fraction) {
    m_exporting = true;
    m_progress->show();
    m_cancel->show();
    m_export->setEnabled(false);
    m_progress->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000));
    m_status->setText(tr("Exporting…"));
}

void CheckpointsDialog::showExportFinished(const QString& error) {
    m_exporting = false;
    m_progress->hide();
    m_cancel->hide();
    checkTarget();
    m_status->setText(error.isEmpty() ? tr("Export finished.") : error);
}

}  // namespace mmupt::ui
