// MainWindow's engine side: Run menu commands, the bridge's events, checkpoint export, and
// waiting for the run to end when the window closes. Every call into the Session is guarded:
// an mmupt::Error from a command becomes a message box, never an escaped exception.
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QTimer>
#include <algorithm>
#include <exception>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "ui/checkpoints_dialog.h"
#include "ui/config_form.h"
#include "ui/engine_messages.h"
#include "ui/log_panel.h"
#include "ui/main_window.h"
#include "ui/metrics_panel.h"
#include "ui/run_alarms.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_outcome.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"
#include "ui/session_bridge.h"
#include "ui/train_process.h"
#include "ui/vote_preview_panel.h"

namespace mmupt::ui {

void MainWindow::buildRunMenu(QMenu* run) {
    m_startAction = run->addAction(tr("&Start"), this, &MainWindow::startTraining);
    m_startAction->setShortcut(Qt::CTRL | Qt::Key_R);
    m_pauseAction = run->addAction(tr("&Pause"));
    m_pauseAction->setCheckable(true);
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::togglePause);
    m_stopAction =
        run->addAction(tr("S&top at next step (checkpoint)"), this, &MainWindow::stopAtNextStep);
    m_cancelAction = run->addAction(tr("&Cancel run…"), this, &MainWindow::cancelRun);
    run->addSeparator();
    m_resumeAction =
        run->addAction(tr("&Resume from checkpoint…"), this, &MainWindow::resumeFromCheckpoint);
}

void MainWindow::connectBridge() {
    connect(m_bridge, &SessionBridge::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_bridge, &SessionBridge::stepsReceived, m_store, &RunStore::appendSteps);
    connect(m_bridge, &SessionBridge::groupsReceived, this,
            [this](const std::vector<RolloutGroup>& groups) {
                if (m_activity == Activity::preview)
                    m_preview->addGroups(groups);
                else
                    m_store->appendGroups(groups);
            });
    connect(m_bridge, &SessionBridge::logsReceived, m_store, &RunStore::appendLogs);
    // The engine writes the alarm's reasons to alarms.jsonl: read what is new with every batch
    // of steps (a small file; the watcher does the same for runs it follows).
    connect(m_bridge, &SessionBridge::stepsReceived, this, &MainWindow::readLiveAlarms);
    connect(m_bridge, &SessionBridge::checkpointsSaved, m_store, &RunStore::addCheckpoints);
    connect(m_bridge, &SessionBridge::progressReported, this,
            [this](const QString& task, double fraction) {
                m_status->setTaskProgress(task, fraction);
                if (m_activity == Activity::preview) m_preview->setProgress(fraction);
                if (m_activity == Activity::exporting && m_checkpoints)
                    m_checkpoints->showExportProgress(fraction);
            });
    connect(m_bridge, &SessionBridge::runFinished, this, &MainWindow::onRunFinished);
    connect(m_store, &RunStore::checkpointsChanged, this, [this] {
        if (m_checkpoints) m_checkpoints->setCheckpoints(m_store->checkpoints());
    });
}

void MainWindow::warn(const QString& message) {
    if (m_message) return m_message(message);
    // Window-modal but not blocking: no nested event loop, nothing for a test to dismiss.
    auto* box =
        new QMessageBox(QMessageBox::Warning, windowTitle(), message, QMessageBox::Ok, this);
    box->setObjectName("warningDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::runActive() const { return m_session && m_activity != Activity::none; }

void MainWindow::updateRunActions() {
    bool engine = m_session != nullptr;
    bool training = m_activity == Activity::training;
    bool idle = m_activity == Activity::none;
    const bool childRunning = m_trainProcess && m_trainProcess->running();
    m_startAction->setEnabled(idle && !childRunning);  // without an engine it explains why
    m_setup->setStartEnabled(idle && !childRunning);
    m_resumeAction->setEnabled(idle);
    m_pauseAction->setEnabled(engine && training &&
                              (m_state == RunState::running || m_state == RunState::paused));
    m_pauseAction->setChecked(m_state == RunState::paused);
    m_pauseAction->setText(m_state == RunState::paused ? tr("Resume") : tr("&Pause"));
    const bool child = m_trainProcess && m_trainProcess->running();
    m_stopAction->setEnabled((engine && training && m_state != RunState::stopping) || child);
    m_cancelAction->setEnabled(engine && !idle);
}

void MainWindow::startTraining() {
    if (!m_session) return showEngineMissing();
    QStringList invalid = m_setup->form()->invalidFields(/*forTraining=*/true);
    if (!invalid.isEmpty()) {
        warn(tr("Fix the config first:\n%1").arg(invalid.join('\n')));
        return;
    }
    const QString outputDir = m_setup->form()->value("trainer.output_dir");
    switch (m_setup->confirmOutputDirectory()) {
        case OutputChoice::cancel:
            return;
        case OutputChoice::continueRun:
            resumeRun(outputDir);
            return;
        case OutputChoice::startFresh:
        case OutputChoice::newDirectory:
            break;
    }
    if (m_setup->processes() > 1) return startDistributed(m_setup->processes());
    try {
        m_session->start_training(m_setup->configSource());
    } catch (const std::exception& e) {
        warn(tr("Could not start training:\n%1").arg(guiEngineMessage(e.what())));
        return;
    }
    // The run on screen stays until the engine reports it is running (acceptStart): a start
    // that fails while loading the model or data leaves it there.
    m_pendingStart = {true, m_setup->form()->value("trainer.output_dir"),
                      m_setup->form()->value("trainer.max_steps").toInt(), m_store->logs().size()};
    m_activity = Activity::training;
    m_finishedSeen = false;
    m_status->setState(RunState::starting);
    updateRunActions();
}

void MainWindow::startDistributed(int processes) {
    const QString cli = TrainProcess::cliPath();
    if (cli.isEmpty()) {
        warn(tr("Training in %1 processes runs `mmupt train --nproc %1`, but there is no mmupt "
                "executable next to the studio (%2). Install mmupt, or set Processes to 1.")
                 .arg(processes)
                 .arg(QCoreApplication::applicationDirPath()));
        return;
    }
    if (!m_trainProcess) {
        m_trainProcess = new TrainProcess(this);
        connect(m_trainProcess, &TrainProcess::finished, this,
                [this](int code, const QString& tail) {
                    m_status->setStateText(code == 0 ? tr("finished (mmupt train --nproc)")
                                                     : tr("failed (mmupt train --nproc)"));
                    if (code != 0)
                        warn(tr("mmupt train --nproc exited with %1:\n%2").arg(code).arg(tail));
                    updateRunActions();
                });
    }
    const QString outputDir = m_setup->form()->value("trainer.output_dir");
    const QString error = m_trainProcess->start(
        cli, TrainProcess::trainArguments(m_setup->configSource(), processes));
    if (!error.isEmpty()) return warn(tr("Could not start training:\n%1").arg(error));
    m_status->setStateText(tr("starting %1 processes (mmupt train --nproc %1)").arg(processes));
    // Rank 0 writes the run directory once model and data are loaded: follow it from then on,
    // as any run directory (metrics, samples, alarms, checkpoints).
    auto* poll = new QTimer(this);
    poll->setInterval(500);
    connect(poll, &QTimer::timeout, this, [this, poll, outputDir] {
        if (QFileInfo::exists(outputDir + "/config.yaml")) {
            poll->deleteLater();
            openRunDirectory(outputDir);
        } else if (!m_trainProcess->running()) {
            poll->deleteLater();
        }
    });
    poll->start();
    updateRunActions();
}

void MainWindow::acceptStart() {
    if (!m_pendingStart.active) return;
    m_pendingStart.active = false;
    const auto& logs = m_store->logs();
    std::vector<LogRecord> startLogs(logs.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                        m_pendingStart.logsBefore, logs.size())),
                                     logs.end());
    m_watcher->stop();
    m_store->clear();
    m_store->setRunDirectory(m_pendingStart.runDir);
    m_store->setTotalSteps(m_pendingStart.totalSteps);
    if (!startLogs.empty()) m_store->appendLogs(startLogs);
    followLiveAlarms(m_pendingStart.runDir);
    // Title and Recent runs name the run the engine took, not the one that was on screen.
    setRunTitle(m_pendingStart.runDir);
    addRecentRun(QFileInfo(m_pendingStart.runDir).absoluteFilePath());
}

void MainWindow::previewVotes(int numImages) {
    if (!m_session) return showEngineMissing();
    try {
        m_session->preview_votes(m_setup->configSource(), numImages);
    } catch (const std::exception& e) {
        warn(guiEngineMessage(QString::fromUtf8(e.what())));
        return;
    }
    m_preview->setGroups({});
    m_preview->startPreview(numImages);
    m_activity = Activity::preview;
    if (auto* d = dock("votePreviewDock")) d->raise();
    updateRunActions();
}

void MainWindow::resumeFromCheckpoint() {
    if (!m_session) return showEngineMissing();
    QString dir = QFileDialog::getExistingDirectory(
        this, tr("Run directory to resume (from its latest checkpoint)"));
    if (!dir.isEmpty()) resumeRun(dir);
}

bool MainWindow::resumeRun(const QString& dir) {
    if (!m_session) return showEngineMissing(), false;
    if (list_checkpoints(dir.toStdString()).empty()) {
        warn(tr("%1 has no complete checkpoint.").arg(dir));
        return false;
    }
    try {
        m_session->resume_training(dir.toStdString());
    } catch (const std::exception& e) {
        warn(guiEngineMessage(e.what()));  // what is on screen stays
        return false;
    }
    m_watcher->stop();
    loadHistoryForResume(dir);
    m_activity = Activity::training;
    m_finishedSeen = false;
    m_status->setState(RunState::starting);
    setRunTitle(dir);
    addRecentRun(QFileInfo(dir).absoluteFilePath());
    updateRunActions();
    return true;
}

void MainWindow::loadHistoryForResume(const QString& dir) {
    // The engine reports only the steps after the checkpoint; the curves must show the whole
    // run. It truncates the files after the checkpoint step, so that is the history to show.
    m_store->clear();
    m_store->setRunDirectory(QFileInfo(dir).absoluteFilePath());
    // Only max_steps: the form keeps what it shows (reloading it would re-run its checks
    // against the engine, which is busy now).
    try {
        RunConfig config;
        apply_yaml_file(config, QDir(dir).filePath("config.yaml").toStdString());
        m_store->setTotalSteps(static_cast<int>(config.trainer.max_steps));
    } catch (const std::exception& e) {
        m_log->appendMessage(tr("config.yaml: %1").arg(e.what()));
    }
    const auto checkpoints = list_checkpoints(dir.toStdString());
    const int resumeStep = checkpoints.empty() ? 0 : checkpoints.back().step;
    try {
        RunSnapshot snap = read_run_directory(dir.toStdString());
        auto upTo = [resumeStep](const auto& v) { return v.step > resumeStep; };
        snap.metrics.erase(std::remove_if(snap.metrics.begin(), snap.metrics.end(), upTo),
                           snap.metrics.end());
        snap.groups.erase(std::remove_if(snap.groups.begin(), snap.groups.end(), upTo),
                          snap.groups.end());
        m_store->appendSteps(snap.metrics);
        m_store->appendGroups(snap.groups);
        m_store->setCheckpoints(snap.checkpoints);
        followLiveAlarms(dir);
    } catch (const std::exception& e) {
        m_log->appendMessage(tr("Could not read the earlier steps: %1").arg(e.what()));
    }
    m_metrics->redrawNow();
}

void MainWindow::followLiveAlarms(const QString& runDir) {
    m_liveAlarms = std::make_unique<AlarmsTail>(QDir(runDir).filePath(run_files::kAlarms));
    m_pendingAlarms.clear();
    readLiveAlarms();
}

void MainWindow::readLiveAlarms() {
    if (!m_liveAlarms) return;
    for (RunAlarm& a : m_liveAlarms->readNew()) m_pendingAlarms.push_back(std::move(a));
    // An alarm shows once the run has reached its step: a resumed run's file can hold lines of
    // steps after its checkpoint, and the line may be written before the step's metrics arrive.
    const int last = m_store->steps().empty() ? 0 : m_store->steps().back().step;
    auto reached = std::stable_partition(m_pendingAlarms.begin(), m_pendingAlarms.end(),
                                         [last](const RunAlarm& a) { return a.step <= last; });
    std::vector<RunAlarm> ready(m_pendingAlarms.begin(), reached);
    m_pendingAlarms.erase(m_pendingAlarms.begin(), reached);
    m_store->addAlarms(ready);
}

void MainWindow::togglePause(bool pause) {
    if (!m_session) return;
    if (pause)
        m_session->pause();
    else
        m_session->resume();
}

void MainWindow::stopAtNextStep() {
    if (m_trainProcess && m_trainProcess->running()) {  // SIGTERM: the launcher forwards it
        m_trainProcess->stop();
        m_status->setStateText(tr("stopping after this step"));
        return;
    }
    if (!m_session) return;
    m_session->stop_at_next_step();
    m_status->setStateText(tr("stopping after this step"));
}

void MainWindow::cancelRun() {
    if (!m_session) return;
    if (confirm(tr("Cancel the run? The current step is abandoned and no checkpoint is saved.")))
        m_session->cancel();
}

void MainWindow::onStateChanged(RunState state) {
    // Any state past `starting` but a failure means the engine took the start.
    if (state != RunState::starting && state != RunState::failed && state != RunState::cancelled &&
        state != RunState::idle)
        acceptStart();
    m_state = state;
    // Preview and export report states too; the status bar tells about the training run.
    if (m_activity == Activity::training) m_status->setState(state);
    if (state == RunState::idle) m_activity = Activity::none;
    updateRunActions();
}

void MainWindow::onRunFinished(const RunFinished& result) {
    Activity was = m_activity;
    m_activity = Activity::none;
    m_pendingStart.active = false;  // never accepted: what is on screen stays
    m_finishedSeen = true;
    m_state = result.state;
    if (was == Activity::training)
        m_status->setOutcome(outcomeOfFinishedRun(result, m_store->totalSteps()));
    m_status->setTaskProgress({}, -1);
    if (was == Activity::preview)
        m_preview->finishPreview(result.state, QString::fromStdString(result.message));
    if (was == Activity::exporting && m_checkpoints)
        m_checkpoints->showExportFinished(result.state == RunState::finished
                                              ? QString()
                                              : QString::fromStdString(result.message));
    if (was == Activity::training) readLiveAlarms();  // a `stop` alarm ends the run
    if (was == Activity::training && !result.run_dir.empty()) {
        m_store->setRunDirectory(QString::fromStdString(result.run_dir));
        m_store->setCheckpoints(list_checkpoints(result.run_dir));
    }
    if (result.state == RunState::failed && m_message) {
        m_message(tr("The engine failed: %1")
                      .arg(guiEngineMessage(QString::fromStdString(result.message))));
    } else if (result.state == RunState::failed) {
        auto* box =
            new QMessageBox(QMessageBox::Critical, windowTitle(),
                            tr("The engine failed:\n\n%1")
                                .arg(guiEngineMessage(QString::fromStdString(result.message))),
                            QMessageBox::Ok, this);
        box->setObjectName("runFailedDialog");
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();  // window-modal, never blocks the event loop (or a test)
    }
    updateRunActions();
    emit runEnded(result);
}

CheckpointsDialog* MainWindow::checkpointsDialog() {
    if (!m_checkpoints) {
        m_checkpoints = new CheckpointsDialog(this);
        connect(m_checkpoints, &CheckpointsDialog::exportRequested, this,
                &MainWindow::exportCheckpoint);
        connect(m_checkpoints, &CheckpointsDialog::exportCancelled, this, [this] {
            if (m_session && m_activity == Activity::exporting) m_session->cancel();
        });
    }
    return m_checkpoints;
}

void MainWindow::showCheckpoints() {
    CheckpointsDialog* dialog = checkpointsDialog();
    QString dir = m_store->runDirectory();
    if (!dir.isEmpty() && QFileInfo(dir).isDir())
        m_store->setCheckpoints(list_checkpoints(dir.toStdString()));
    dialog->setCheckpoints(m_store->checkpoints());
    dialog->setExportEnabled(m_session != nullptr,
                             m_session ? QString()
                                       : tr("Export needs the engine, which is not available in "
                                            "this build."));
    dialog->show();
    dialog->raise();
}

void MainWindow::exportCheckpoint(const QString& checkpointDir, const QString& outDir, bool replace,
                                  const QString& dtype) {
    if (!m_session) return showEngineMissing();
    if (m_activity != Activity::none) {
        m_checkpoints->showExportFinished(tr("Wait for the current run to end first."));
        return;
    }
    try {
        m_session->export_checkpoint(checkpointDir.toStdString(), outDir.toStdString(), replace,
                                     dtype.toStdString());
    } catch (const std::exception& e) {
        m_checkpoints->showExportFinished(QString::fromUtf8(e.what()));
        return;
    }
    m_activity = Activity::exporting;
    m_checkpoints->showExportProgress(0.0);
    updateRunActions();
}

bool MainWindow::waitForFinish() {
    m_session->stop_at_next_step();
    QProgressDialog progress(tr("Finishing the current step and saving a checkpoint…"),
                             tr("Cancel run"), 0, 0, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(0);
    progress.show();
    while (!m_finishedSeen) {
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(this, &MainWindow::runEnded, &loop, &QEventLoop::quit);
        connect(&progress, &QProgressDialog::canceled, &loop, &QEventLoop::quit);
        timer.start(m_closeTimeoutMs);
        loop.exec();
        if (m_finishedSeen) break;
        if (progress.wasCanceled()) {
            m_session->cancel();
            return true;
        }
        if (!confirm(tr("The engine has not finished its step after %1 s. Keep waiting?\n\n"
                        "No cancels the run (without its last checkpoint) and quits.")
                         .arg(m_closeTimeoutMs / 1000.0))) {
            m_session->cancel();
            return true;
        }
    }
    return true;
}

}  // namespace mmupt::ui
