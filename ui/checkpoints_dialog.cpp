// CheckpointsDialog: the table, the export button and its progress.
#include "ui/checkpoints_dialog.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iterator>

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
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_export = new QPushButton(tr("Export…"), this);
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
    connect(m_export, &QPushButton::clicked, this, [this] {
        QString checkpoint = selectedPath();
        if (checkpoint.isEmpty()) {
            m_status->setText(tr("Select a checkpoint first."));
            return;
        }
        QString out = QFileDialog::getExistingDirectory(this, tr("Export to directory"));
        if (!out.isEmpty()) emit exportRequested(checkpoint, out);
    });
    connect(m_cancel, &QPushButton::clicked, this, &CheckpointsDialog::exportCancelled);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_export);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    buttons->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
}

void CheckpointsDialog::setCheckpoints(const std::vector<CheckpointInfo>& checkpoints) {
    m_checkpoints = checkpoints;
    m_table->setRowCount(static_cast<int>(checkpoints.size()));
    for (int row = 0; row < static_cast<int>(checkpoints.size()); ++row) {
        const CheckpointInfo& c = checkpoints[static_cast<size_t>(row)];
        m_table->setItem(row, 0, new QTableWidgetItem(QString::number(c.step)));
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
}

void CheckpointsDialog::setExportEnabled(bool enabled, const QString& why) {
    m_export->setEnabled(enabled);
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
    m_progress->show();
    m_cancel->show();
    m_export->setEnabled(false);
    m_progress->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000));
    m_status->setText(tr("Exporting…"));
}

void CheckpointsDialog::showExportFinished(const QString& error) {
    m_progress->hide();
    m_cancel->hide();
    m_export->setEnabled(true);
    m_status->setText(error.isEmpty() ? tr("Export finished.") : error);
}

}  // namespace mmupt::ui
