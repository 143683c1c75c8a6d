// VotePreviewPanel: group list with thumbnails and mini histograms, detail on selection.
#include "ui/vote_preview_panel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "core/session/run_files.h"
#include "core/util/errors.h"
#include "ui/group_detail_view.h"
#include "ui/image_cache.h"
#include "ui/vote_histogram.h"
#include "ui/vote_summary.h"

namespace mmupt::ui {

VotePreviewPanel::VotePreviewPanel(ImageResolver resolver, QWidget* parent)
    : QWidget(parent), m_resolver(std::move(resolver)) {
    setObjectName("votePreviewPanel");
    m_count = new QSpinBox(this);
    m_count->setRange(1, 64);
    m_count->setValue(8);
    m_count->setSuffix(tr(" images"));
    m_preview = new QPushButton(tr("Preview votes"), this);
    m_preview->setToolTip(
        tr("Sample G answers for the first images of the dataset and vote, "
           "with the current config (no training)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName("previewCancel");
    m_cancel->setToolTip(tr("Stop after the image being sampled; the votes so far stay"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_status->setText(tr("cancelling after this image…"));
        emit cancelRequested();
    });
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("previewProgress");
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    auto* load = new QPushButton(tr("Load samples.jsonl…"), this);
    m_status = new QLabel(this);
    connect(m_preview, &QPushButton::clicked, this,
            [this] { emit previewRequested(m_count->value()); });
    connect(load, &QPushButton::clicked, this, [this] {
        QString path = QFileDialog::getOpenFileName(this, tr("samples.jsonl"), QString(),
                                                    tr("Samples (*.jsonl)"));
        if (path.isEmpty()) return;
        QString error = loadSamplesFile(path);
        if (!error.isEmpty()) m_status->setText(error);
    });

    m_list = new QListWidget(this);
    m_list->setObjectName("previewList");
    m_list->setIconSize(QSize(96, 64));
    connect(m_list, &QListWidget::currentRowChanged, this, &VotePreviewPanel::select);
    m_detail = new GroupDetailView(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_list);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(1, 3);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_count);
    controls->addWidget(m_preview);
    controls->addWidget(m_progress);
    controls->addWidget(m_cancel);
    controls->addWidget(load);
    controls->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);
}

void VotePreviewPanel::setGroups(const std::vector<RolloutGroup>& groups) {
    m_groups.clear();
    m_list->clear();
    m_detail->clear();
    addGroups(groups);
}

void VotePreviewPanel::addGroups(const std::vector<RolloutGroup>& groups) {
    for (const RolloutGroup& g : groups) {
        QPixmap icon(96, 64);
        icon.fill(Qt::transparent);
        QPainter p(&icon);
        p.drawPixmap(0, 0, thumbnail(m_resolver(g.image_path), 44));
        p.drawPixmap(48, 8, VoteHistogram::renderMini(g, QSize(46, 48)));
        p.end();
        QString text = tr("%1\nagreement %2")
                           .arg(QString::fromStdString(g.group_id))
                           .arg(g.majority_ratio, 0, 'f', 2);
        if (tiedClusters(g)) text += tr(" · tie");
        auto* item = new QListWidgetItem(QIcon(icon), text);
        if (tiedClusters(g))
            item->setToolTip(
                tr("Tie: two or more answers share the largest cluster; the vote "
                   "picks the one sampled first."));
        m_list->addItem(item);
        m_groups.push_back(g);
    }
    if (m_list->currentRow() < 0 && m_list->count() > 0) m_list->setCurrentRow(0);
    if (!m_busy) m_status->setText(tr("%1 image(s)").arg(m_groups.size()));
}

void VotePreviewPanel::startPreview(int numImages) {
    m_busy = true;
    m_requested = std::max(1, numImages);
    m_preview->setEnabled(false);
    m_cancel->setEnabled(true);
    m_cancel->show();
    m_progress->setRange(0, m_requested);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v / %m images"));
    m_progress->show();
    m_status->setText(tr("loading the model, then sampling image 1 of %1…").arg(m_requested));
}

void VotePreviewPanel::setProgress(double fraction) {
    if (!m_busy) return;
    const int done = static_cast<int>(std::lround(fraction * m_requested));
    m_progress->setValue(std::clamp(done, 0, m_requested));
    if (m_cancel->isEnabled() && done < m_requested)
        m_status->setText(tr("sampling image %1 of %2…").arg(done + 1).arg(m_requested));
}

void VotePreviewPanel::finishPreview(RunState how, const QString& message) {
    m_busy = false;
    m_preview->setEnabled(true);
    m_cancel->hide();
    m_progress->hide();
    const int ties =
        static_cast<int>(std::count_if(m_groups.begin(), m_groups.end(),
                                       [](const RolloutGroup& g) { return tiedClusters(g) > 0; }));
    const QString tieText = ties ? tr(", %1 tied").arg(ties) : QString();
    if (how == RunState::failed)
        m_status->setText(tr("preview failed: %1").arg(message));
    else if (how == RunState::cancelled)
        m_status->setText(tr("cancelled: %1 of %2 image(s) voted%3")
                              .arg(m_groups.size())
                              .arg(m_requested)
                              .arg(tieText));
    else
        m_status->setText(tr("%1 image(s) voted%2").arg(m_groups.size()).arg(tieText));
}

QString VotePreviewPanel::statusText() const { return m_status->text(); }

QString VotePreviewPanel::itemText(int index) const {
    auto* item = m_list->item(index);
    return item ? item->text() : QString();
}

int VotePreviewPanel::progressValue() const { return m_progress->value(); }

QString VotePreviewPanel::loadSamplesFile(const QString& path, int step) {
    JsonlTail tail(path.toStdString());
    std::map<int, std::vector<RolloutGroup>> byStep;
    for (const auto& line : tail.read_new_lines()) {
        try {
            RolloutGroup g = rollout_group_from_json(line);
            byStep[g.step].push_back(std::move(g));
        } catch (const Error&) {
            tail.count_malformed();
        }
    }
    if (byStep.empty()) return tr("%1 holds no rollout groups.").arg(QFileInfo(path).fileName());
    auto it = step < 0 ? std::prev(byStep.end()) : byStep.find(step);
    if (it == byStep.end()) return tr("%1 has no groups of step %2.").arg(path).arg(step);
    setGroups(it->second);
    m_status->setText(tr("step %1 of %2: %3 image(s)")
                          .arg(it->first)
                          .arg(QFileInfo(path).fileName())
                          .arg(it->second.size()));
    return {};
}

void VotePreviewPanel::select(int index) {
    if (index < 0 || index >= static_cast<int>(m_groups.size())) return;
    const RolloutGroup& g = m_groups[static_cast<size_t>(index)];
    m_detail->setGroup(g, m_resolver(g.image_path));
}

void VotePreviewPanel::setPreviewEnabled(bool enabled, const QString& why) {
    m_preview->setEnabled(enabled);
    if (!why.isEmpty()) m_preview->setToolTip(why);
}

void VotePreviewPanel::setBusy(bool busy) {
    if (busy)
        startPreview(m_count->value());
    else
        finishPreview(RunState::finished);
}

}  // namespace mmupt::ui
