// The run's output directory as the setup panel handles it: a fresh name per run
// (runs/YYYYMMDD-HHMMSS), whether a directory already holds a run, and the question asked before
// starting into one ("Continue this run" / "New directory" / Cancel). Reads the file system only
// through core/session/run_files (torch-free).
#pragma once
#include <QDateTime>
#include <QString>

class QWidget;

namespace mmupt::ui {

// "runs/20261206-185500" under `parent` (relative to the working directory, as the CLI's
// trainer.output_dir); "-2", "-3", ... appended while that directory exists.
QString autoRunDirectory(const QDateTime& when = QDateTime::currentDateTime(),
                         const QString& parent = QStringLiteral("runs"));
// Whether `dir` was named by autoRunDirectory (so a loaded config may replace it).
bool isAutoRunDirectory(const QString& dir);

struct ExistingRun {
    bool holdsRun = false;     // metrics.jsonl with lines, or a checkpoint
    bool canContinue = false;  // config.yaml and a complete checkpoint: Run ▸ Resume works
    int steps = 0;             // lines of metrics.jsonl
    int lastCheckpoint = -1;   // step of the latest complete checkpoint, -1 = none
};
ExistingRun inspectOutputDirectory(const QString& dir);

enum class OutputChoice { startFresh, continueRun, newDirectory, cancel };
// The modal question for a directory that holds a run; `canContinue` false leaves out
// "Continue this run" and says why.
OutputChoice askAboutExistingRun(QWidget* parent, const QString& dir, const ExistingRun& run);

}  // namespace mmupt::ui
