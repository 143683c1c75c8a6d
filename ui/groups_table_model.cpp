// GroupsTableModel rows follow RunStore appends; the proxy filters by text and flags.
#include "ui/groups_table_model.h"

#include <QBrush>
#include <QColor>
#include <iterator>

#include "ui/run_store.h"
#include "ui/vote_summary.h"

namespace mmupt::ui {

GroupsTableModel::GroupsTableModel(RunStore* store, QObject* parent)
    : QAbstractTableModel(parent), m_store(store) {
    connect(store, &RunStore::groupsAppended, this, [this](int first, int n) {
        beginInsertRows({}, first, first + n - 1);
        m_rows = static_cast<int>(m_store->groups().size());
        endInsertRows();
    });
    connect(store, &RunStore::cleared, this, [this] {
        beginResetModel();
        m_rows = 0;
        endResetModel();
    });
    m_rows = static_cast<int>(store->groups().size());
}

int GroupsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_rows;
}
int GroupsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Column::count;
}

QVariant GroupsTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Step",      "Group",       "Majority", "Agreement",  "Clusters",
                                  "No answer", "Mean reward", "Label",    "Contradicts"};
    static_assert(std::size(names) == Column::count);
    return section >= 0 && section < Column::count ? tr(names[section]) : QVariant();
}

QVariant GroupsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows) return {};
    const RolloutGroup& g = m_store->groups()[static_cast<size_t>(index.row())];
    int col = index.column();
    if (role == Qt::UserRole) {  // sort key
        switch (col) {
            case step:
                return g.step;
            case agreement:
                return g.majority_ratio;
            case clusters:
                return static_cast<int>(g.clusters.size());
            case noAnswer:
                return noAnswerCount(g);
            case reward:
                return meanReward(g);
            case contradictions:
                return contradictionCount(g).value_or(-1);
            default:
                break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::DisplayRole) {
        switch (col) {
            case step:
                return g.step;
            case group:
                return QString::fromStdString(g.group_id);
            case majority:
                return majorityAnswer(g);
            case agreement:
                return QString::number(g.majority_ratio, 'f', 2);
            case clusters:
                return static_cast<int>(g.clusters.size());
            case noAnswer:
                return noAnswerCount(g);
            case reward:
                return QString::number(meanReward(g), 'f', 2);
            case label:
                return g.label ? QString::fromStdString(*g.label) : QString();
            case contradictions: {
                auto n = contradictionCount(g);
                return !n ? QString() : *n > 0 ? QStringLiteral("⚠ %1").arg(*n) : QString("0");
            }
            default:
                return {};
        }
    }
    if (role == Qt::BackgroundRole && col == agreement) {
        // Low agreement in warm colours: the groups worth reading first.
        QColor c = QColor::fromHsvF(0.33 * g.majority_ratio, 0.45, 0.95);
        return QBrush(c);
    }
    if (role == Qt::ForegroundRole && col == agreement) return QBrush(Qt::black);
    if (col == contradictions) {
        auto n = contradictionCount(g);
        if (role == Qt::ForegroundRole && n && *n > 0) return QBrush(QColor(0xd0, 0x35, 0x2b));
        if (role == Qt::ToolTipRole)
            return !n ? tr("Not checkable: this run or answer format records no contradiction "
                           "check.")
                      : tr("%1 of %2 responses: %3.")
                            .arg(*n)
                            .arg(g.responses.size())
                            .arg(contradictionTip());
    }
    if (role == Qt::ToolTipRole) return QString::fromStdString(g.question);
    return {};
}

GroupsFilterProxy::GroupsFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(Qt::UserRole);
    setDynamicSortFilter(true);
}

void GroupsFilterProxy::setText(const QString& text) {
    m_text = text.trimmed();
    invalidateFilter();
}
void GroupsFilterProxy::setLatestStepOnly(bool on) {
    m_latestOnly = on;
    invalidateFilter();
}
void GroupsFilterProxy::setHideUnanimous(bool on) {
    m_hideUnanimous = on;
    invalidateFilter();
}
void GroupsFilterProxy::setPinnedOnly(bool on, const QSet<QString>& pinned) {
    m_pinnedOnly = on;
    m_pinned = pinned;
    invalidateFilter();
}

void GroupsFilterProxy::setPinnedSet(const QSet<QString>& pinned) {
    m_pinned = pinned;
    if (m_pinnedOnly) invalidateFilter();
}

bool GroupsFilterProxy::filterAcceptsRow(int row, const QModelIndex&) const {
    auto* model = static_cast<GroupsTableModel*>(sourceModel());
    const RolloutGroup& g = model->store()->groups()[static_cast<size_t>(row)];
    if (m_latestOnly && g.step != model->store()->lastGroupStep()) return false;
    if (m_hideUnanimous && g.majority_ratio >= 1.0) return false;
    QString id = QString::fromStdString(g.group_id);
    if (m_pinnedOnly && !m_pinned.contains(id)) return false;
    if (m_text.isEmpty()) return true;
    return id.contains(m_text, Qt::CaseInsensitive) ||
           majorityAnswer(g).contains(m_text, Qt::CaseInsensitive) ||
           QString::fromStdString(g.question).contains(m_text, Qt::CaseInsensitive);
}

}  // namespace mmupt::ui
