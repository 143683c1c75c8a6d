// A training run in a child `mmupt train CONFIG --nproc N` process, for Start with more than one
// process (issue 14): the studio's own engine trains in-process with one rank, so data-parallel
// runs go through the CLI's launcher, and the window follows the run directory they write as it
// follows any other. Stop sends SIGTERM (the launcher forwards it: every rank stops after the
// same step and rank 0 checkpoints).
#pragma once
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "core/session/session.h"

namespace mmupt::ui {

class TrainProcess : public QObject {
    Q_OBJECT
  public:
    explicit TrainProcess(QObject* parent = nullptr);
    ~TrainProcess() override;

    // ["train", CONFIG?, "--set", "k=v", ..., "--nproc", N]: what Start runs.
    static QStringList trainArguments(const ConfigSource& source, int processes);
    // The `mmupt` next to this executable (the build tree's app/, or /usr/bin), or "" if absent.
    static QString cliPath();

    // Starts `program args`; returns "" or why it could not start.
    QString start(const QString& program, const QStringList& args);
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    void stop();                 // SIGTERM once: checkpoint and end after the current step
    QString outputTail() const;  // the last lines it printed (for an error message)

  signals:
    void finished(int exitCode, const QString& outputTail);

  private:
    QProcess m_process;
    QString m_tail;
};

}  // namespace mmupt::ui
