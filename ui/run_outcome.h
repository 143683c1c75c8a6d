// What became of a run, told truthfully: running, finished, stopped early, interrupted, failed
// or cancelled, at which step. From the engine's RunFinished for a live run; for a replayed run
// directory from what docs/run_dir.md puts there: status.json when the run has one (written by
// the trainer at start and end), else train.log's "run failed" / "cancelled" records,
// metrics.jsonl, complete checkpoints and how long ago the run last wrote. No widgets.
#pragma once
#include <QString>
#include <vector>

#include "core/session/session_types.h"

namespace mmupt::ui {

enum class RunOutcomeKind {
    none,
    running,
    paused,
    finished,
    stopped,
    interrupted,
    failed,
    cancelled
};

struct RunOutcome {
    RunOutcomeKind kind = RunOutcomeKind::none;
    int step = 0;        // last step written
    int totalSteps = 0;  // 0 = unknown
    QString detail;      // the engine's error for `failed`
    bool live() const { return kind == RunOutcomeKind::running || kind == RunOutcomeKind::paused; }
};

// A run this studio drove, from the engine's end record. `finished` before max_steps is a stop.
RunOutcome outcomeOfFinishedRun(const RunFinished& result, int totalSteps);

// What a run directory tells. `logs`: train.log records, oldest first (only the last attempt,
// after its "starting/resuming run" line, counts). `idleS`: seconds since metrics.jsonl or
// train.log last changed; a run with no end record that has been quiet for longer than
// `quietS` is taken as interrupted (killed, crashed, machine off), otherwise as still running.
struct RunDirectoryFacts {
    std::vector<LogRecord> logs;
    int lastStep = 0;
    int totalSteps = 0;
    int lastCheckpointStep = -1;  // -1 = none
    double idleS = 0.0;
    double quietS = 120.0;
    // status.json: {"state": running | finished | interrupted | failed | cancelled, "step",
    // "total_steps", "pid", "message"}; empty state = no such file.
    QString status;
    int statusStep = 0;
    QString statusMessage;
    bool writerAlive = false;  // the pid in status.json is a live process
};
// Fills the status* fields from `runDir`/status.json (left empty when absent or unreadable).
void readRunStatus(const QString& runDir, RunDirectoryFacts& facts);
RunOutcome outcomeOfRunDirectory(const RunDirectoryFacts& facts);

// "failed at step 44 / 60", "stopped at step 12 / 60", "finished (60 steps)", ...
QString describeOutcome(const RunOutcome& outcome);

}  // namespace mmupt::ui
