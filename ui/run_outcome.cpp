// Run outcomes: the end record of a live run, or the evidence a run directory holds.
#include "ui/run_outcome.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace mmupt::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("RunOutcome", text); }

// Records the trainer writes (core/trainer/trainer.cpp): they are all the run directory says
// about how a run ended. train.log lines carry a "date time level " prefix, live records not.
bool startsAttempt(const std::string& m) {
    return m.find("starting run in ") != std::string::npos ||
           m.find("resuming run in ") != std::string::npos;
}

}  // namespace

RunOutcome outcomeOfFinishedRun(const RunFinished& result, int totalSteps) {
    RunOutcome o;
    o.step = result.last_step;
    o.totalSteps = totalSteps;
    o.detail = QString::fromStdString(result.message);
    switch (result.state) {
        case RunState::failed:
            o.kind = RunOutcomeKind::failed;
            break;
        case RunState::cancelled:
            o.kind = RunOutcomeKind::cancelled;
            break;
        default:
            o.kind = totalSteps > 0 && result.last_step < totalSteps ? RunOutcomeKind::stopped
                                                                     : RunOutcomeKind::finished;
    }
    return o;
}

void readRunStatus(const QString& runDir, RunDirectoryFacts& f) {
    QFile file(QDir(runDir).filePath("status.json"));
    if (!file.open(QIODevice::ReadOnly)) return;
    const QJsonObject j = QJsonDocument::fromJson(file.readAll()).object();
    f.status = j.value("state").toString();
    f.statusStep = j.value("step").toInt();
    f.statusMessage = j.value("message").toString();
    if (j.value("total_steps").toInt() > 0) f.totalSteps = j.value("total_steps").toInt();
    const auto pid = static_cast<pid_t>(j.value("pid").toInteger());
    // kill(pid, 0) probes without signalling; EPERM still means the process exists.
    f.writerAlive = pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

namespace {

// status.json, when the trainer wrote one, is the run's own word on how it ended.
bool outcomeFromStatus(const RunDirectoryFacts& f, RunOutcome& o) {
    if (f.status.isEmpty()) return false;
    o.step = std::max(f.lastStep, f.statusStep);
    if (f.status == "finished") {
        o.kind = RunOutcomeKind::finished;
    } else if (f.status == "interrupted") {  // a graceful stop after a checkpoint of `step`
        o.kind = RunOutcomeKind::stopped;
        o.detail = tr("checkpoint of step %1 saved; Run ▸ Resume from checkpoint continues it")
                       .arg(f.statusStep);
    } else if (f.status == "failed") {
        o.kind = RunOutcomeKind::failed;
        o.detail = f.statusMessage;
    } else if (f.status == "cancelled") {
        o.kind = RunOutcomeKind::cancelled;
    } else if (f.status == "running") {
        // A killed process leaves "running" behind: its pid is gone.
        o.kind = f.writerAlive ? RunOutcomeKind::running : RunOutcomeKind::interrupted;
        if (!f.writerAlive) o.detail = tr("the process that wrote it is gone (killed or crashed)");
    } else {
        return false;
    }
    return true;
}

}  // namespace

RunOutcome outcomeOfRunDirectory(const RunDirectoryFacts& f) {
    RunOutcome o;
    o.step = f.lastStep;
    o.totalSteps = f.totalSteps;
    if (outcomeFromStatus(f, o)) return o;
    // The last attempt's end record, if it wrote one.
    for (auto it = f.logs.rbegin(); it != f.logs.rend(); ++it) {
        const std::string& m = it->message;
        if (startsAttempt(m)) break;
        if (auto at = m.find("run failed: "); at != std::string::npos) {
            o.kind = RunOutcomeKind::failed;
            o.detail = QString::fromStdString(m.substr(at + 12));
            return o;
        }
        if (m.find("cancelled after step ") != std::string::npos) {
            o.kind = RunOutcomeKind::cancelled;
            return o;
        }
    }
    if (f.totalSteps > 0 && f.lastStep >= f.totalSteps) {
        o.kind = RunOutcomeKind::finished;
    } else if (f.idleS < f.quietS) {
        o.kind = RunOutcomeKind::running;  // another process may still be writing it
    } else if (f.lastStep > 0 && f.lastCheckpointStep == f.lastStep) {
        // A stop (Stop at next step, a graceful signal) checkpoints the step it ends on.
        o.kind = RunOutcomeKind::stopped;
    } else {
        o.kind = f.lastStep > 0 || f.lastCheckpointStep >= 0 ? RunOutcomeKind::interrupted
                                                             : RunOutcomeKind::none;
        if (f.lastCheckpointStep >= 0)
            o.detail =
                tr("its last checkpoint (the resume point) is step %1").arg(f.lastCheckpointStep);
    }
    return o;
}

QString describeOutcome(const RunOutcome& o) {
    const QString at = o.totalSteps > 0 ? tr("at step %1 / %2").arg(o.step).arg(o.totalSteps)
                                        : tr("at step %1").arg(o.step);
    switch (o.kind) {
        case RunOutcomeKind::none:
            return tr("no steps yet");
        case RunOutcomeKind::running:
            return tr("running");
        case RunOutcomeKind::paused:
            return tr("paused");
        case RunOutcomeKind::finished:
            return tr("finished (%1 steps)").arg(o.step);
        case RunOutcomeKind::stopped:
            return tr("stopped %1").arg(at);
        case RunOutcomeKind::interrupted:
            return tr("interrupted %1").arg(at);
        case RunOutcomeKind::cancelled:
            return tr("cancelled %1").arg(at);
        case RunOutcomeKind::failed:
            return tr("failed %1").arg(at);
    }
    return {};
}

}  // namespace mmupt::ui
