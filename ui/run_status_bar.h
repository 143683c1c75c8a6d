// The status bar's run summary: state, step x/y, elapsed < ETA, tokens/s, device memory (when
// the metrics report it) and a progress bar. Reads the last StepMetrics of a RunStore.
#pragma once
#include <QWidget>

#include "core/session/session_types.h"

class QLabel;
class QProgressBar;

namespace mmupt::ui {

class RunStore;

class RunStatusBar : public QWidget {
    Q_OBJECT
  public:
    explicit RunStatusBar(RunStore* store, QWidget* parent = nullptr);
    void setState(RunState state);
    void setStateText(const QString& text);
    void setTaskProgress(const QString& task, double fraction);  // export etc.; < 0 hides
    QString stepText() const;
    QString timeText() const;
    QString memoryText() const;
    int progressValue() const;

  private:
    void update();
    RunStore* m_store;
    QLabel* m_state;
    QLabel* m_step;
    QLabel* m_time;
    QLabel* m_speed;
    QLabel* m_memory;
    QProgressBar* m_progress;
};

// "1:02:03" / "4:05"
QString formatDuration(double seconds);

}  // namespace mmupt::ui
