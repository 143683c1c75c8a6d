// Replays a run directory (metrics.jsonl, samples.jsonl, train.log, alarms.jsonl, checkpoints/)
// into a RunStore and keeps following it while another process (a CLI run) appends: JsonlTail
// on a timer, complete lines only. Does not parse config.yaml beyond handing its text out.
#pragma once
#include <QObject>
#include <QTimer>
#include <memory>

#include "core/session/run_files.h"

namespace mmupt::ui {

class AlarmsTail;
class RunStore;

class RunDirectoryWatcher : public QObject {
    Q_OBJECT
  public:
    RunDirectoryWatcher(RunStore* store, QObject* parent = nullptr, int pollMs = 500);
    ~RunDirectoryWatcher() override;

    // Clears the store, reads everything present and starts following. Returns false (and
    // emits failed) when `dir` is not a run directory.
    bool open(const QString& dir);
    void stop();
    bool isFollowing() const { return m_timer.isActive(); }
    QString directory() const { return m_dir; }
    int malformedLines() const;
    // Reads what was appended since the last poll; the timer calls this.
    void poll();

  signals:
    void opened(const QString& dir, const QString& configYaml);
    void failed(const QString& message);
    void polled(int newLines);

  private:
    RunStore* m_store;
    QString m_dir;
    QTimer m_timer;
    std::unique_ptr<JsonlTail> m_metrics, m_samples, m_log;
    std::unique_ptr<AlarmsTail> m_alarms;  // alarms.jsonl, when the run has (or gets) one
    int m_pollsSinceCheckpointScan = 0;
};

}  // namespace mmupt::ui
