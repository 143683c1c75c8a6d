// The observer bridge between the engine's worker thread and the GUI (PlotJuggler habit): the
// engine's callbacks only append to a buffer under a mutex; a ~30 Hz timer on the GUI thread
// swaps the buffer out and emits at most one signal of each kind per tick. Never blocks on the
// engine; does not own the session.
#pragma once
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

#include "core/session/session.h"
#include "ui/session_metatypes.h"

namespace mmupt::ui {

class SessionBridge : public QObject {
    Q_OBJECT
  public:
    explicit SessionBridge(QObject* parent = nullptr, int intervalMs = 33);
    ~SessionBridge() override;

    // Give this to Session::set_observer. Its callbacks are thread-safe and never throw; it may
    // outlive the bridge (the session keeps a reference) and then drops events.
    std::shared_ptr<SessionObserver> observer() const;

    // Drains now (the timer does this on its own); returns the number of events delivered.
    int drainNow();
    long long eventsDelivered() const { return m_delivered; }
    long long ticksWithEvents() const { return m_ticks; }

  signals:
    void stateChanged(mmupt::RunState state);
    void stepsReceived(const std::vector<mmupt::StepMetrics>& steps);
    void groupsReceived(const std::vector<mmupt::RolloutGroup>& groups);
    void logsReceived(const std::vector<mmupt::LogRecord>& records);
    void checkpointsSaved(const std::vector<mmupt::CheckpointInfo>& checkpoints);
    void progressReported(const QString& task, double fraction);  // latest value per tick
    void runFinished(const mmupt::RunFinished& result);
    void drained(int events);  // after each tick that carried events

  public:
    struct Buffer;

  private:
    std::shared_ptr<Buffer> m_buffer;
    std::shared_ptr<SessionObserver> m_observer;
    QTimer m_timer;
    long long m_delivered = 0;
    long long m_ticks = 0;
};

}  // namespace mmupt::ui
