// SamplesPanel: tabs (latest grid, all-groups table, pinned history) beside a detail pane.
#include "ui/samples_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/group_detail_view.h"
#include "ui/groups_table_model.h"
#include "ui/image_cache.h"
#include "ui/run_store.h"
#include "ui/vote_histogram.h"
#include "ui/vote_summary.h"

namespace mmupt::ui {

namespace {
constexpr int kGridMax = 48;  // tiles of the latest step shown
constexpr int kTile = 112;

QPixmap tilePixmap(const RolloutGroup& g, const QString& imagePath) {
    QPixmap tile(kTile, kTile + 36);
    tile.fill(Qt::transparent);
    QPainter p(&tile);
    QPixmap thumb = thumbnail(imagePath, kTile);
    p.drawPixmap((kTile - thumb.width()) / 2, (kTile - thumb.height()) / 2, thumb);
    p.drawPixmap(0, kTile + 2, VoteHistogram::renderMini(g, QSize(kTile, 32)));
    return tile;
}
}  // namespace

SamplesPanel::SamplesPanel(RunStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName("samplesPanel");
    m_model = new GroupsTableModel(store, this);
    m_proxy = new GroupsFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_grid = new QListWidget(this);
    m_grid->setObjectName("samplesGrid");
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setIconSize(QSize(kTile, kTile + 36));
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setSpacing(6);
    m_grid->setWordWrap(true);
    connect(m_grid, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) showGroup(item->data(Qt::UserRole).toInt());
    });

    m_gridTimer = new QTimer(this);
    m_gridTimer->setSingleShot(true);
    m_gridTimer->setInterval(250);
    connect(m_gridTimer, &QTimer::timeout, this, &SamplesPanel::rebuildGrid);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_grid, tr("Latest step"));
    m_tabs->addTab(buildTableTab(), tr("All groups"));
    m_tabs->addTab(buildPinnedTab(), tr("Pinned"));

    m_detail = new GroupDetailView(this);
    auto* pin = new QPushButton(tr("Pin this group"), this);
    pin->setToolTip(tr("Follow this image's group over the following steps (Pinned tab)"));
    connect(pin, &QPushButton::clicked, this, [this] {
        if (m_shown >= 0)
            pinGroup(QString::fromStdString(m_store->groups()[size_t(m_shown)].group_id));
    });
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_detail, 1);
    rightLayout->addWidget(pin, 0, Qt::AlignRight);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tabs);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(store, &RunStore::groupsAppended, this, &SamplesPanel::onGroupsAppended);
    connect(store, &RunStore::cleared, this, [this] {
        m_grid->clear();
        m_gridStep = -1;
        m_shown = -1;
        m_detail->clear();
        rebuildPinned();
    });
}

QWidget* SamplesPanel::buildTableTab() {
    auto* tab = new QWidget(this);
    m_filter = new QLineEdit(tab);
    m_filter->setPlaceholderText(tr("Filter: group id, answer or question text"));
    m_filter->setClearButtonEnabled(true);
    m_latestOnly = new QCheckBox(tr("Latest step only"), tab);
    auto* hideUnanimous = new QCheckBox(tr("Hide unanimous"), tab);
    auto* pinnedOnly = new QCheckBox(tr("Pinned only"), tab);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &GroupsFilterProxy::setText);
    connect(m_latestOnly, &QCheckBox::toggled, m_proxy, &GroupsFilterProxy::setLatestStepOnly);
    connect(hideUnanimous, &QCheckBox::toggled, m_proxy, &GroupsFilterProxy::setHideUnanimous);
    connect(pinnedOnly, &QCheckBox::toggled, this,
            [this](bool on) { m_proxy->setPinnedOnly(on, m_pinned); });

    m_table = new QTableView(tab);
    m_table->setObjectName("groupsTable");
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(GroupsTableModel::agreement, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) showGroup(m_proxy->mapToSource(current).row());
            });

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_latestOnly);
    filters->addWidget(hideUnanimous);
    filters->addWidget(pinnedOnly);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    return tab;
}

QWidget* SamplesPanel::buildPinnedTab() {
    auto* tab = new QWidget(this);
    m_pinnedList = new QListWidget(tab);
    m_pinnedList->setObjectName("pinnedList");
    m_pinnedHistory = new QTableWidget(0, 4, tab);
    m_pinnedHistory->setObjectName("pinnedHistory");
    m_pinnedHistory->setHorizontalHeaderLabels(
        {tr("Step"), tr("Majority"), tr("Agreement"), tr("Mean reward")});
    m_pinnedHistory->verticalHeader()->hide();
    m_pinnedHistory->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* unpin = new QPushButton(tr("Unpin"), tab);
    connect(unpin, &QPushButton::clicked, this, [this] {
        if (auto* item = m_pinnedList->currentItem()) unpinGroup(item->text());
    });
    connect(m_pinnedList, &QListWidget::currentTextChanged, this, &SamplesPanel::showPinnedHistory);
    connect(m_pinnedHistory, &QTableWidget::cellClicked, this, [this](int row, int) {
        showGroup(m_pinnedHistory->item(row, 0)->data(Qt::UserRole).toInt());
    });
    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Pinned groups"), tab));
    left->addWidget(m_pinnedList, 1);
    left->addWidget(unpin);
    auto* layout = new QHBoxLayout(tab);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(left, 1);
    layout->addWidget(m_pinnedHistory, 2);
    return tab;
}

void SamplesPanel::onGroupsAppended(int first, int count) {
    const auto& groups = m_store->groups();
    if (m_latestOnly->isChecked()) m_proxy->refilter();
    bool pinnedTouched = false;
    for (int i = first; i < first + count; ++i)
        pinnedTouched |= m_pinned.contains(QString::fromStdString(groups[size_t(i)].group_id));
    if (pinnedTouched && m_pinnedList->currentItem())
        showPinnedHistory(m_pinnedList->currentItem()->text());
    // Tiles are painted pixmaps: rebuild at most ~4 times a second under a flood.
    if (!m_gridTimer->isActive()) m_gridTimer->start();
}

void SamplesPanel::rebuildGrid() {
    const auto& groups = m_store->groups();
    if (groups.empty()) return;
    int last = groups.back().step;
    int firstOfStep = static_cast<int>(groups.size()) - 1;
    while (firstOfStep > 0 && groups[size_t(firstOfStep - 1)].step == last) --firstOfStep;
    int n = std::min(kGridMax, static_cast<int>(groups.size()) - firstOfStep);
    if (last == m_gridStep && m_grid->count() == n) return;
    m_gridStep = last;
    m_grid->setUpdatesEnabled(false);
    m_grid->clear();
    for (int i = firstOfStep; i < firstOfStep + n; ++i) {
        const RolloutGroup& g = groups[size_t(i)];
        auto* item = new QListWidgetItem(QIcon(tilePixmap(g, m_store->resolveImage(g.image_path))),
                                         QStringLiteral("%1\n%2")
                                             .arg(QString::fromStdString(g.group_id))
                                             .arg(g.majority_ratio, 0, 'f', 2));
        item->setData(Qt::UserRole, i);
        item->setToolTip(QString::fromStdString(g.question));
        m_grid->addItem(item);
    }
    m_grid->setUpdatesEnabled(true);
}

void SamplesPanel::showGroup(int storeIndex) {
    const auto& groups = m_store->groups();
    if (storeIndex < 0 || storeIndex >= static_cast<int>(groups.size())) return;
    m_shown = storeIndex;
    const RolloutGroup& g = groups[size_t(storeIndex)];
    m_detail->setGroup(g, m_store->resolveImage(g.image_path));
    emit groupShown(storeIndex);
}

void SamplesPanel::pinGroup(const QString& groupId) {
    if (groupId.isEmpty() || m_pinned.contains(groupId)) return;
    m_pinned.insert(groupId);
    rebuildPinned();
    for (int i = 0; i < m_pinnedList->count(); ++i)
        if (m_pinnedList->item(i)->text() == groupId) m_pinnedList->setCurrentRow(i);
}

void SamplesPanel::unpinGroup(const QString& groupId) {
    m_pinned.remove(groupId);
    rebuildPinned();
}

void SamplesPanel::rebuildPinned() {
    QString current = m_pinnedList->currentItem() ? m_pinnedList->currentItem()->text() : QString();
    m_pinnedList->clear();
    m_pinnedHistory->setRowCount(0);
    QStringList ids(m_pinned.begin(), m_pinned.end());
    ids.sort();
    m_pinnedList->addItems(ids);
    m_proxy->setPinnedSet(m_pinned);
    // Keep following the group that was selected (or the first), so new steps show up.
    int row = std::max(0, static_cast<int>(ids.indexOf(current)));
    if (!ids.isEmpty()) m_pinnedList->setCurrentRow(row);
}

void SamplesPanel::showPinnedHistory(const QString& groupId) {
    std::vector<int> history = m_store->historyOf(groupId.toStdString());
    m_pinnedHistory->setRowCount(static_cast<int>(history.size()));
    for (int row = 0; row < static_cast<int>(history.size()); ++row) {
        const RolloutGroup& g = m_store->groups()[size_t(history[size_t(row)])];
        auto* stepItem = new QTableWidgetItem(QString::number(g.step));
        stepItem->setData(Qt::UserRole, history[size_t(row)]);
        m_pinnedHistory->setItem(row, 0, stepItem);
        m_pinnedHistory->setItem(row, 1, new QTableWidgetItem(majorityAnswer(g)));
        m_pinnedHistory->setItem(row, 2,
                                 new QTableWidgetItem(QString::number(g.majority_ratio, 'f', 2)));
        m_pinnedHistory->setItem(row, 3,
                                 new QTableWidgetItem(QString::number(meanReward(g), 'f', 2)));
    }
}

int SamplesPanel::gridCount() {
    if (m_gridTimer->isActive()) {  // a rebuild is pending: answer for the data, not the lag
        m_gridTimer->stop();
        rebuildGrid();
    }
    return m_grid->count();
}
int SamplesPanel::tableRowCount() const { return m_proxy->rowCount(); }
int SamplesPanel::pinnedHistoryRows() const { return m_pinnedHistory->rowCount(); }

}  // namespace mmupt::ui
