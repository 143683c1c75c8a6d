// RunDirectoryWatcher: three JsonlTails polled on a QTimer, checkpoint listing every few polls.
#include "ui/run_directory_watcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

#include "core/util/errors.h"
#include "ui/run_alarms.h"
#include "ui/run_store.h"

namespace mmupt::ui {

namespace {

// train.log has no fixed line format in the contract; guess the level from common spellings.
LogRecord logRecordFromLine(const std::string& line) {
    static const QRegularExpression warn("\\b(warn|warning)\\b",
                                         QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression err("\\b(error|fatal)\\b",
                                        QRegularExpression::CaseInsensitiveOption);
    QString text = QString::fromStdString(line);
    LogRecord r;
    r.message = line;
    if (err.match(text).hasMatch())
        r.level = LogLevel::error;
    else if (warn.match(text).hasMatch())
        r.level = LogLevel::warning;
    return r;
}

}  // namespace

RunDirectoryWatcher::RunDirectoryWatcher(RunStore* store, QObject* parent, int pollMs)
    : QObject(parent), m_store(store) {
    m_timer.setInterval(pollMs);
    connect(&m_timer, &QTimer::timeout, this, &RunDirectoryWatcher::poll);
}

RunDirectoryWatcher::~RunDirectoryWatcher() = default;

bool RunDirectoryWatcher::open(const QString& dir) {
    stop();
    QDir d(dir);
    if (!d.exists(run_files::kMetrics) && !d.exists(run_files::kConfig)) {
        emit failed(tr("'%1' is not a run directory: it has neither %2 nor %3.")
                        .arg(dir, run_files::kMetrics, run_files::kConfig));
        return false;
    }
    m_dir = QFileInfo(dir).absoluteFilePath();
    m_metrics = std::make_unique<JsonlTail>(d.filePath(run_files::kMetrics).toStdString());
    m_samples = std::make_unique<JsonlTail>(d.filePath(run_files::kSamples).toStdString());
    m_log = std::make_unique<JsonlTail>(d.filePath(run_files::kLog).toStdString());
    m_alarms = std::make_unique<AlarmsTail>(d.filePath(run_files::kAlarms));
    m_store->clear();
    m_store->setRunDirectory(m_dir);
    QString yaml;
    QFile config(d.filePath(run_files::kConfig));
    if (config.open(QIODevice::ReadOnly | QIODevice::Text)) yaml = QTextStream(&config).readAll();
    m_pollsSinceCheckpointScan = 1 << 20;  // scan checkpoints on the first poll
    poll();
    emit opened(m_dir, yaml);
    m_timer.start();
    return true;
}

void RunDirectoryWatcher::stop() { m_timer.stop(); }

int RunDirectoryWatcher::malformedLines() const {
    int n = 0;
    for (const auto* t : {m_metrics.get(), m_samples.get()})
        if (t) n += t->malformed_lines();
    if (m_alarms) n += m_alarms->malformedLines();
    return n;
}

void RunDirectoryWatcher::poll() {
    if (!m_metrics) return;
    int lines = 0;
    std::vector<StepMetrics> steps;
    for (const auto& line : m_metrics->read_new_lines()) {
        ++lines;
        try {
            steps.push_back(step_metrics_from_json(line));
        } catch (const Error&) {
            m_metrics->count_malformed();
        }
    }
    std::vector<RolloutGroup> groups;
    for (const auto& line : m_samples->read_new_lines()) {
        ++lines;
        try {
            groups.push_back(rollout_group_from_json(line));
        } catch (const Error&) {
            m_samples->count_malformed();
        }
    }
    std::vector<LogRecord> logs;
    for (const auto& line : m_log->read_new_lines()) {
        ++lines;
        logs.push_back(logRecordFromLine(line));
    }
    m_store->appendSteps(steps);
    m_store->appendGroups(groups);
    m_store->appendLogs(logs);
    const std::vector<RunAlarm> alarms = m_alarms->readNew();
    lines += static_cast<int>(alarms.size());
    m_store->addAlarms(alarms);
    // Listing checkpoints touches the file system more; every ~4 polls (2 s) is plenty.
    if (++m_pollsSinceCheckpointScan >= 4) {
        m_pollsSinceCheckpointScan = 0;
        m_store->setCheckpoints(list_checkpoints(m_dir.toStdString()));
    }
    emit polled(lines);
}

}  // namespace mmupt::ui
