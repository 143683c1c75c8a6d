// Table model over every rollout group of a RunStore (one row per group per step) and the
// filter proxy behind the Live samples table: text search, latest step only, hide unanimous,
// pinned only. Sorting uses raw numbers (Qt::UserRole), so "agreement, lowest first" works.
#pragma once
#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

namespace mmupt::ui {

class RunStore;

class GroupsTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        step,
        group,
        majority,
        agreement,
        clusters,
        noAnswer,
        reward,
        label,
        contradictions,  // responses whose boxed answer contradicts their reasoning
        count
    };
    explicit GroupsTableModel(RunStore* store, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    RunStore* store() const { return m_store; }

  private:
    RunStore* m_store;
    int m_rows = 0;
};

class GroupsFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit GroupsFilterProxy(QObject* parent = nullptr);
    void setText(const QString& text);
    void setLatestStepOnly(bool on);
    void setHideUnanimous(bool on);
    void setPinnedOnly(bool on, const QSet<QString>& pinned);
    void setPinnedSet(const QSet<QString>& pinned);  // keeps the on/off state
    void refilter() { invalidateFilter(); }

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

  private:
    QString m_text;
    bool m_latestOnly = false, m_hideUnanimous = false, m_pinnedOnly = false;
    QSet<QString> m_pinned;
};

}  // namespace mmupt::ui
