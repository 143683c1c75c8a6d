// Live samples: a grid of the latest step's groups (thumbnail + mini vote histogram), a table of
// every group sortable by agreement (lowest first) with filters, pinned groups followed across
// steps, and a detail pane for the selected group. Reads a RunStore; never talks to the engine.
#pragma once
#include <QSet>
#include <QWidget>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QTableView;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace mmupt::ui {

class GroupDetailView;
class GroupsFilterProxy;
class GroupsTableModel;
class RunStore;

class SamplesPanel : public QWidget {
    Q_OBJECT
  public:
    explicit SamplesPanel(RunStore* store, QWidget* parent = nullptr);

    int gridCount();            // tiles shown (after a pending rebuild)
    int tableRowCount() const;  // rows after filtering
    QTableView* table() const { return m_table; }
    GroupsFilterProxy* proxy() const { return m_proxy; }
    GroupDetailView* detail() const { return m_detail; }
    void showGroup(int storeIndex);
    int shownGroup() const { return m_shown; }
    void pinGroup(const QString& groupId);
    void unpinGroup(const QString& groupId);
    QSet<QString> pinnedGroups() const { return m_pinned; }
    int pinnedHistoryRows() const;

  signals:
    void groupShown(int storeIndex);

  private:
    QWidget* buildTableTab();
    QWidget* buildPinnedTab();
    void onGroupsAppended(int first, int count);
    void rebuildGrid();
    void rebuildPinned();
    void showPinnedHistory(const QString& groupId);

    RunStore* m_store;
    GroupsTableModel* m_model;
    GroupsFilterProxy* m_proxy;
    QTabWidget* m_tabs;
    QListWidget* m_grid;
    QTableView* m_table;
    QLineEdit* m_filter;
    QCheckBox* m_latestOnly;
    QListWidget* m_pinnedList;
    QTableWidget* m_pinnedHistory;
    GroupDetailView* m_detail;
    QSet<QString> m_pinned;
    QTimer* m_gridTimer;
    int m_shown = -1;
    int m_gridStep = -1;
};

}  // namespace mmupt::ui
