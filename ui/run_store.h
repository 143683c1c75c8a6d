// The GUI-side record of one run: every step's metrics, every rollout group, log lines,
// checkpoints and collapse alarms, appended by whichever source feeds it (the live SessionBridge
// or a replayed run directory). Views read from it and listen to its signals. GUI thread only.
#pragma once
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/run_alarms.h"
#include "ui/session_metatypes.h"

namespace mmupt::ui {

class RunStore : public QObject {
    Q_OBJECT
  public:
    explicit RunStore(QObject* parent = nullptr);

    void clear();
    // The run directory and dataset directory, used to resolve relative image paths.
    void setRunDirectory(const QString& dir);
    QString runDirectory() const { return m_runDir; }
    void setImageRoots(const QStringList& roots) { m_imageRoots = roots; }
    QString resolveImage(const std::string& path) const;
    void setTotalSteps(int steps);  // 0 = unknown
    int totalSteps() const { return m_totalSteps; }

    void appendSteps(const std::vector<StepMetrics>& steps);
    void appendGroups(const std::vector<RolloutGroup>& groups);
    void appendLogs(const std::vector<LogRecord>& records);
    void setCheckpoints(const std::vector<CheckpointInfo>& checkpoints);
    void addCheckpoints(const std::vector<CheckpointInfo>& checkpoints);
    // Collapse alarms (alarms.jsonl): a later record of the same step and action replaces the
    // earlier one (a resumed run writes the step again).
    void addAlarms(const std::vector<RunAlarm>& alarms);

    const std::vector<StepMetrics>& steps() const { return m_steps; }
    const std::vector<RolloutGroup>& groups() const { return m_groups; }
    const std::vector<LogRecord>& logs() const { return m_logs; }
    const std::vector<CheckpointInfo>& checkpoints() const { return m_checkpoints; }
    const std::vector<RunAlarm>& alarms() const { return m_alarms; }
    // Steps to mark on the curves, ascending: the alarms' steps and the steps whose metrics say
    // collapse/alarm = 1 (the metric can arrive before alarms.jsonl has its line).
    std::vector<int> alarmSteps() const;
    // Indices into groups() of one group id, ascending step.
    std::vector<int> historyOf(const std::string& groupId) const;
    int lastGroupStep() const;

  signals:
    void cleared();
    void stepsAppended(int first, int count);
    void groupsAppended(int first, int count);
    void logsAppended(int first, int count);
    void checkpointsChanged();
    void alarmsChanged();  // alarms() or alarmSteps() changed
    void totalStepsChanged(int steps);

  private:
    QString m_runDir;
    QStringList m_imageRoots;
    int m_totalSteps = 0;
    std::vector<StepMetrics> m_steps;
    std::vector<RolloutGroup> m_groups;
    std::vector<LogRecord> m_logs;
    std::vector<CheckpointInfo> m_checkpoints;
    std::vector<RunAlarm> m_alarms;
    std::vector<int> m_flaggedSteps;  // ascending, from the collapse/alarm metric
    QHash<QString, std::vector<int>> m_byGroupId;
};

}  // namespace mmupt::ui
