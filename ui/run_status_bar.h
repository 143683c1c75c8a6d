// The status bar's run summary: state, step x/y, elapsed (pauses excluded) and an ETA only while
// the run is running, tokens/s, device memory (when the metrics report it) and a progress bar.
// Reads the last StepMetrics of a RunStore; the window tells it the live state or the outcome.
#pragma once
#include <QWidget>
#include <functional>

#include "core/session/session_types.h"
#include "ui/run_outcome.h"

class QLabel;
class QProgressBar;

namespace mmupt::ui {

class RunStore;

class RunStatusBar : public QWidget {
    Q_OBJECT
  public:
    explicit RunStatusBar(RunStore* store, QWidget* parent = nullptr);
    void setState(RunState state);               // live engine state (pause time is tracked here)
    void setOutcome(const RunOutcome& outcome);  // how a run ended, or a replay's state
    void setStateText(const QString& text);      // free text (e.g. "engine not available")
    void setTaskProgress(const QString& task, double fraction);  // export etc.; < 0 hides
    QString stateText() const;
    QString stepText() const;
    QString timeText() const;
    QString memoryText() const;
    int progressValue() const;
    double pausedSeconds() const;  // pauses of this live run so far
    // Test seam: a monotonic clock in seconds (default: a steady clock).
    void setClock(std::function<double()> nowS) { m_now = std::move(nowS); }

  private:
    void update();
    RunStore* m_store;
    QLabel* m_state;
    QLabel* m_step;
    QLabel* m_time;
    QLabel* m_speed;
    QLabel* m_memory;
    QProgressBar* m_progress;
    bool m_running = false;  // an ETA means something only then
    // Engine time_s counts pauses (the trainer's clock runs on); subtract those that ended
    // before the last step arrived (a pause sits between two steps).
    std::function<double()> m_now;
    double m_pausedSinceS = -1.0;  // < 0: not paused
    double m_pausedTotalS = 0.0;
    double m_pausedAppliedS = 0.0;
};

// "1:02:03" / "4:05"
QString formatDuration(double seconds);

}  // namespace mmupt::ui
