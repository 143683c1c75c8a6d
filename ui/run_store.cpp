// RunStore: append-only vectors plus a group-id index; emits one signal per append batch.
#include "ui/run_store.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace mmupt::ui {

namespace {
constexpr size_t kMaxLogs = 100000;
}

RunStore::RunStore(QObject* parent) : QObject(parent) {}

void RunStore::clear() {
    m_steps.clear();
    m_groups.clear();
    m_logs.clear();
    m_checkpoints.clear();
    m_alarms.clear();
    m_flaggedSteps.clear();
    m_byGroupId.clear();
    m_totalSteps = 0;
    emit cleared();
}

void RunStore::setRunDirectory(const QString& dir) { m_runDir = dir; }

QString RunStore::resolveImage(const std::string& path) const {
    if (path.empty()) return {};
    QString p = QString::fromStdString(path);
    if (QFileInfo(p).isAbsolute()) return p;
    // The contract does not say what a relative image path is relative to: try the run
    // directory first, then the dataset roots.
    QStringList roots = m_imageRoots;
    if (!m_runDir.isEmpty()) roots.prepend(m_runDir);
    for (const QString& root : roots) {
        QString candidate = QDir(root).filePath(p);
        if (QFileInfo::exists(candidate)) return candidate;
    }
    return p;
}

void RunStore::setTotalSteps(int steps) {
    if (steps == m_totalSteps) return;
    m_totalSteps = steps;
    emit totalStepsChanged(steps);
}

void RunStore::appendSteps(const std::vector<StepMetrics>& steps) {
    if (steps.empty()) return;
    int first = static_cast<int>(m_steps.size());
    m_steps.insert(m_steps.end(), steps.begin(), steps.end());
    bool flagged = false;
    for (const StepMetrics& m : steps) {
        auto it = m.values.find(kAlarmMetric);
        if (it == m.values.end() || !(it->second >= 0.5)) continue;
        auto at = std::lower_bound(m_flaggedSteps.begin(), m_flaggedSteps.end(), m.step);
        if (at != m_flaggedSteps.end() && *at == m.step) continue;
        m_flaggedSteps.insert(at, m.step);
        flagged = true;
    }
    emit stepsAppended(first, static_cast<int>(steps.size()));
    if (flagged) emit alarmsChanged();
}

void RunStore::addAlarms(const std::vector<RunAlarm>& alarms) {
    if (alarms.empty()) return;
    for (const RunAlarm& a : alarms) {
        auto same = std::find_if(m_alarms.begin(), m_alarms.end(), [&](const RunAlarm& b) {
            return b.step == a.step && b.action == a.action;
        });
        if (same != m_alarms.end())
            *same = a;
        else
            m_alarms.push_back(a);
    }
    std::stable_sort(m_alarms.begin(), m_alarms.end(),
                     [](const RunAlarm& a, const RunAlarm& b) { return a.step < b.step; });
    emit alarmsChanged();
}

std::vector<int> RunStore::alarmSteps() const {
    std::vector<int> steps = m_flaggedSteps;
    for (const RunAlarm& a : m_alarms) steps.push_back(a.step);
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    return steps;
}

void RunStore::appendGroups(const std::vector<RolloutGroup>& groups) {
    if (groups.empty()) return;
    int first = static_cast<int>(m_groups.size());
    for (const auto& g : groups) {
        m_byGroupId[QString::fromStdString(g.group_id)].push_back(
            static_cast<int>(m_groups.size()));
        m_groups.push_back(g);
    }
    emit groupsAppended(first, static_cast<int>(groups.size()));
}

void RunStore::appendLogs(const std::vector<LogRecord>& records) {
    if (records.empty()) return;
    int first = static_cast<int>(m_logs.size());
    m_logs.insert(m_logs.end(), records.begin(), records.end());
    // A chatty engine must not grow memory without bound: keep the newest kMaxLogs records
    // (train.log on disk has them all).
    if (m_logs.size() > kMaxLogs) {
        auto drop = static_cast<int>(m_logs.size() - kMaxLogs);
        m_logs.erase(m_logs.begin(), m_logs.begin() + drop);
        first = std::max(0, first - drop);
    }
    emit logsAppended(first, static_cast<int>(m_logs.size()) - first);
}

void RunStore::setCheckpoints(const std::vector<CheckpointInfo>& checkpoints) {
    bool same = checkpoints.size() == m_checkpoints.size() &&
                std::equal(checkpoints.begin(), checkpoints.end(), m_checkpoints.begin(),
                           [](const auto& a, const auto& b) { return a.path == b.path; });
    if (same) return;
    m_checkpoints = checkpoints;
    emit checkpointsChanged();
}

void RunStore::addCheckpoints(const std::vector<CheckpointInfo>& checkpoints) {
    if (checkpoints.empty()) return;
    m_checkpoints.insert(m_checkpoints.end(), checkpoints.begin(), checkpoints.end());
    std::stable_sort(m_checkpoints.begin(), m_checkpoints.end(),
                     [](const auto& a, const auto& b) { return a.step < b.step; });
    emit checkpointsChanged();
}

std::vector<int> RunStore::historyOf(const std::string& groupId) const {
    return m_byGroupId.value(QString::fromStdString(groupId));
}

int RunStore::lastGroupStep() const { return m_groups.empty() ? -1 : m_groups.back().step; }

}  // namespace mmupt::ui
