// Run state tells the truth (issue 12, item 6): a stopped, interrupted, failed or cancelled run
// says so with its step, live and when replayed from its run directory; no ETA unless running;
// elapsed time leaves pauses out; a resume from checkpoint plots the whole history; the window
// title follows the current run.
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_outcome.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"

using namespace mmupt;
using ui::RunOutcomeKind;

namespace {

LogRecord logLine(const std::string& m) { return {LogLevel::info, m, 0.0}; }

void appendText(const QString& path, const QString& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append | QIODevice::Text));
    f.write(text.toUtf8());
}

void makeOld(const QString& dir) {  // as if the writer stopped an hour ago
    const QDateTime old = QDateTime::currentDateTime().addSecs(-3600);
    for (const char* name : {"metrics.jsonl", "train.log", "samples.jsonl"}) {
        QFile f(QDir(dir).filePath(name));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(old, QFileDevice::FileModificationTime));
    }
}

QString writeRun(const QString& dir, int steps, int total, int checkpointEvery) {
    testkit::SyntheticRunOptions o;
    o.steps = steps;
    o.totalSteps = total;
    o.groupsPerStep = 2;
    o.checkpointEvery = checkpointEvery;
    o.images = false;
    return testkit::writeSyntheticRun(dir, o);
}

}  // namespace

class RunStateTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void outcomeFromTheRunDirectoryEvidence() {
        ui::RunDirectoryFacts f;
        f.lastStep = 44;
        f.totalSteps = 60;
        f.idleS = 3600;
        f.logs = {logLine("2026-01-01 10:00:00 info starting run in /r on cpu"),
                  logLine("2026-01-01 10:09:00 error run failed: CUDA out of memory")};
        ui::RunOutcome o = ui::outcomeOfRunDirectory(f);
        QCOMPARE(o.kind, RunOutcomeKind::failed);
        QCOMPARE(o.detail, QString("CUDA out of memory"));
        QCOMPARE(ui::describeOutcome(o), QString("failed at step 44 / 60"));

        f.logs.push_back(logLine("2026-01-01 11:00:00 info resuming run in /r on cpu"));
        f.lastCheckpointStep = 40;
        o = ui::outcomeOfRunDirectory(f);  // the failure was an earlier attempt
        QCOMPARE(o.kind, RunOutcomeKind::interrupted);
        QVERIFY(o.detail.contains("step 40"));

        f.lastCheckpointStep = 44;  // a stop checkpoints the step it ends on
        QCOMPARE(ui::outcomeOfRunDirectory(f).kind, RunOutcomeKind::stopped);
        f.idleS = 5;  // still being written
        QCOMPARE(ui::outcomeOfRunDirectory(f).kind, RunOutcomeKind::running);
        f.logs.push_back(logLine("warning cancelled after step 44; the last checkpoint is ..."));
        QCOMPARE(ui::outcomeOfRunDirectory(f).kind, RunOutcomeKind::cancelled);
        f.logs.clear();
        f.lastStep = 60;
        QCOMPARE(ui::outcomeOfRunDirectory(f).kind, RunOutcomeKind::finished);
    }

    void statusJsonIsTheRunsOwnWord() {
        QTemporaryDir dir;
        auto status = [&](const QString& json) {
            QFile f(QDir(dir.path()).filePath("status.json"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(json.toUtf8());
        };
        auto outcome = [&] {
            ui::RunDirectoryFacts f;
            f.lastStep = 12;
            f.idleS = 1;  // the heuristics would say "running"
            ui::readRunStatus(dir.path(), f);
            return ui::outcomeOfRunDirectory(f);
        };
        status(R"({"state": "interrupted", "step": 12, "total_steps": 60, "pid": 1})");
        QCOMPARE(ui::describeOutcome(outcome()), QString("stopped at step 12 / 60"));
        status(R"({"state": "failed", "step": 12, "total_steps": 60, "message": "disk full"})");
        QCOMPARE(outcome().kind, RunOutcomeKind::failed);
        QCOMPARE(outcome().detail, QString("disk full"));
        // "running" from a live writer is running; from a dead one (killed) interrupted.
        status(QString(R"({"state": "running", "step": 0, "total_steps": 60, "pid": %1})")
                   .arg(QCoreApplication::applicationPid()));
        QCOMPARE(outcome().kind, RunOutcomeKind::running);
        status(R"({"state": "running", "step": 0, "total_steps": 60, "pid": 2147483000})");
        QCOMPARE(ui::describeOutcome(outcome()), QString("interrupted at step 12 / 60"));
    }

    void outcomeOfALiveRun() {
        RunFinished r;
        r.state = RunState::finished;
        r.last_step = 12;
        QCOMPARE(ui::outcomeOfFinishedRun(r, 60).kind, RunOutcomeKind::stopped);
        QCOMPARE(ui::describeOutcome(ui::outcomeOfFinishedRun(r, 60)),
                 QString("stopped at step 12 / 60"));
        r.last_step = 60;
        QCOMPARE(ui::outcomeOfFinishedRun(r, 60).kind, RunOutcomeKind::finished);
        r.state = RunState::failed;
        QCOMPARE(ui::outcomeOfFinishedRun(r, 60).kind, RunOutcomeKind::failed);
    }

    void replayedFailedRunSaysFailedWithoutEta() {
        QTemporaryDir dir;
        QCOMPARE(writeRun(dir.path(), 44, 60, 20), QString());
        appendText(QDir(dir.path()).filePath("train.log"),
                   "2026-01-01 10:09:00 error run failed: CUDA out of memory (fake)\n");
        ui::MainWindow window;
        QVERIFY(window.openRunDirectory(dir.path()));
        ui::RunStatusBar* bar = window.runStatusBar();
        QVERIFY2(bar->stateText().contains("failed at step 43 / 60"), qPrintable(bar->stateText()));
        QVERIFY2(!bar->timeText().contains("ETA"), qPrintable(bar->timeText()));
        QVERIFY(window.windowTitle().startsWith(QDir(dir.path()).dirName()));
    }

    void replayedQuietRunIsInterrupted() {
        QTemporaryDir dir;
        QCOMPARE(writeRun(dir.path(), 25, 60, 10), QString());
        makeOld(dir.path());
        ui::MainWindow window;
        QVERIFY(window.openRunDirectory(dir.path()));
        const QString state = window.runStatusBar()->stateText();
        QVERIFY2(state.contains("interrupted at step 24 / 60"), qPrintable(state));
        QVERIFY(!window.runStatusBar()->timeText().contains("ETA"));
    }

    void liveStopSaysStoppedAtStepWithoutEta() {
        testkit::FakeScript script;
        script.steps = 1000;
        script.stepIntervalMs = 5;
        auto owned = std::make_unique<testkit::FakeSession>(script);
        testkit::FakeSession* session = owned.get();
        ui::MainWindow window(std::move(owned));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        QTemporaryDir out;
        window.setupPanel()->form()->setValue("model.path", "/models/fake-qwen2-vl");
        window.setupPanel()->form()->setValue("data.train_files", "[/data/fake.jsonl]");
        window.setupPanel()->form()->setValue("trainer.output_dir", out.filePath("my-run"));
        window.setupPanel()->form()->setValue("trainer.max_steps", "1000");
        window.startTraining();
        QTRY_VERIFY(window.windowTitle().startsWith("my-run"));  // once the engine took it
        QTRY_VERIFY(window.store()->steps().size() >= 2);
        QTRY_VERIFY(window.runStatusBar()->timeText().contains("ETA"));
        session->stop_at_next_step();
        QVERIFY(ended.wait(5000));
        const QString state = window.runStatusBar()->stateText();
        QVERIFY2(state.startsWith("stopped at step ") && state.endsWith(" / 1000"),
                 qPrintable(state));
        QVERIFY(!window.runStatusBar()->timeText().contains("ETA"));
    }

    void elapsedLeavesPausesOut() {
        ui::RunStore store;
        ui::RunStatusBar bar(&store);
        double now = 100.0;
        bar.setClock([&now] { return now; });
        bar.setState(RunState::running);
        store.appendSteps({StepMetrics{1, 30.0, {}}});
        QCOMPARE(bar.timeText(), QString("elapsed 0:30"));
        bar.setState(RunState::paused);
        now += 600.0;  // ten minutes paused: the engine's clock runs on
        bar.setState(RunState::running);
        QCOMPARE(bar.pausedSeconds(), 600.0);
        store.appendSteps({StepMetrics{2, 30.0 + 600.0 + 30.0, {}}});
        QCOMPARE(bar.timeText(), QString("elapsed 1:00"));
    }

    void resumeFromCheckpointPlotsTheWholeHistory() {
        QTemporaryDir dir;
        QCOMPARE(writeRun(dir.path(), 25, 40, 10), QString());  // checkpoints 10, 20
        testkit::FakeScript script;
        script.steps = 3;
        script.resumeAtStep = 21;
        auto owned = std::make_unique<testkit::FakeSession>(script);
        ui::MainWindow window(std::move(owned));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        QVERIFY(window.resumeRun(dir.path()));
        // Steps 0..20 from the files (the engine drops 21..24 and redoes them).
        ui::MetricCard* reward = window.metricsPanel()->card("reward/mean");
        QCOMPARE(reward->seriesSize(), 21);
        QCOMPARE(window.store()->totalSteps(), 40);
        QVERIFY(window.windowTitle().startsWith(QDir(dir.path()).dirName()));
        QVERIFY(ended.wait(5000));
        QTRY_COMPARE(reward->seriesSize(), 24);  // 21, 22, 23 follow the history
    }
};

QTEST_MAIN(RunStateTest)
#include "run_state_test.moc"
