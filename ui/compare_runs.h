// Runs opened for comparison next to the current one, TensorBoard style: each is a run
// directory replayed and followed into its own RunStore, drawn on every metric card in a colour
// that stays with that run (the same in every card, and again when it is opened later in this
// session). The current run (the window's RunStore) is not one of them. GUI thread only.
#pragma once
#include <QColor>
#include <QHash>
#include <QObject>
#include <QString>
#include <vector>

namespace mmupt::ui {

class RunDirectoryWatcher;
class RunStore;

class CompareRuns : public QObject {
    Q_OBJECT
  public:
    struct Run {
        QString dir;   // absolute; the id
        QString name;  // the directory's name, for legends
        QColor color;
        bool visible = true;
        RunStore* store = nullptr;
        RunDirectoryWatcher* watcher = nullptr;
    };

    explicit CompareRuns(QObject* parent = nullptr);
    ~CompareRuns() override;

    // Opens `dir` (replay, then follow). Returns "" or why not (not a run directory, already
    // open); the current run's directory is passed so that it is not opened twice.
    QString add(const QString& dir, const QString& currentRunDir = QString());
    void remove(const QString& dir);
    void clear();
    void setVisible(const QString& dir, bool visible);
    const std::vector<Run>& runs() const { return m_runs; }
    const Run* find(const QString& dir) const;
    QColor colorOf(const QString& dir);  // assigns one on first use

  signals:
    void runAdded(const QString& dir);
    void runRemoved(const QString& dir);
    void visibilityChanged(const QString& dir, bool visible);
    void stepsAppended(const QString& dir, int first, int count);

  private:
    std::vector<Run> m_runs;
    QHash<QString, int> m_colorIndex;  // dir -> palette index, kept for the session
};

// Run directories a folder stands for: itself when it is a run directory, else its immediate
// subfolders that are (a folder of runs, as TensorBoard's --logdir). Sorted by name.
QStringList runDirectoriesIn(const QString& dir);

// The compare palette (Tableau 10 without its blue, which is the current run's colour).
const std::vector<QColor>& comparePalette();

}  // namespace mmupt::ui
