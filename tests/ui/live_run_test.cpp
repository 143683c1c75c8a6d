// A fake engine session drives the whole window: steps reach the metric cards (point counts),
// groups reach the samples grid and table, the status bar counts steps; pause / stop work; an
// engine failure shows a dialog with its message; closing during a run asks, stops at the next
// step and waits for `finished` (and gives up after the timeout when the engine is stuck).
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/checkpoints_dialog.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"
#include "ui/samples_panel.h"
#include "ui/session_bridge.h"
#include "ui/vote_preview_panel.h"

using namespace mmupt;

namespace {
std::unique_ptr<testkit::FakeSession> fake(testkit::FakeScript script, testkit::FakeSession** raw) {
    auto s = std::make_unique<testkit::FakeSession>(std::move(script));
    *raw = s.get();
    return s;
}

// Start refuses a config lacking the required fields (model.path, data.train_files).
void fillRequired(ui::MainWindow& window) {
    window.setupPanel()->form()->setValue("model.path", "/models/fake-qwen2-vl");
    window.setupPanel()->form()->setValue("data.train_files", "[/data/fake.jsonl]");
}
}  // namespace

class LiveRunTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { mmupt::testkit::useClearedTestSettings(); }
    // Each window starts from an empty setup (MainWindow restores the last one from QSettings).
    void init() { QSettings().remove("setup"); }

    void stepsDriveCardsAndSamples() {
        testkit::FakeSession* session = nullptr;
        ui::MainWindow window(fake({/*steps=*/4, /*groupsPerStep=*/5, /*G=*/6}, &session));
        window.show();
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        window.setupPanel()->form()->setValue("rollout.n", "6");
        window.setupPanel()->form()->setValue("trainer.max_steps", "4");
        fillRequired(window);
        window.startTraining();
        QVERIFY(ended.wait(5000));
        auto result = ended.at(0).at(0).value<RunFinished>();
        QCOMPARE(result.state, RunState::finished);
        QCOMPARE(result.last_step, 4);

        // The engine got what the form says.
        auto overrides = session->lastConfig().overrides;
        QVERIFY(std::find(overrides.begin(), overrides.end(), "rollout.n=6") != overrides.end());

        auto* reward = window.metricsPanel()->card("reward/mean");
        QVERIFY(reward);
        QCOMPARE(reward->seriesSize(), 4);
        // Drawing is throttled (<= ~7 redraws/s): the last step is drawn within ~150 ms.
        QTRY_COMPARE_WITH_TIMEOUT(reward->rawPointCount(), 4, 1000);
        QCOMPARE(reward->smoothedPointCount(), 4);
        QCOMPARE(window.metricsPanel()->card("actor/kl_loss")->seriesSize(), 4);
        QVERIFY(window.metricsPanel()->card("label/accuracy")->isVisibleTo(&window));

        QCOMPARE(int(window.store()->groups().size()), 20);
        QCOMPARE(window.samplesPanel()->tableRowCount(), 20);
        QCOMPARE(window.samplesPanel()->gridCount(), 5);  // the latest step's groups
        QVERIFY(window.runStatusBar()->stepText().contains("step 3 / 4"));
        QVERIFY(window.runStatusBar()->memoryText().contains("GB"));

        // Table sorted by agreement, lowest first.
        auto* model = window.samplesPanel()->table()->model();
        double previous = -1;
        for (int r = 0; r < model->rowCount(); ++r) {
            double v = model->index(r, 3).data(Qt::UserRole).toDouble();
            QVERIFY(v >= previous);
            previous = v;
        }
        // Bridge coalescing: far fewer ticks than events.
        QVERIFY(window.bridge()->ticksWithEvents() < window.bridge()->eventsDelivered());
    }

    void startRefusesConfigWithoutModel() {
        testkit::FakeSession* session = nullptr;
        ui::MainWindow window(fake({}, &session));
        window.startTraining();  // model.path and data.train_files empty
        auto* box = window.findChild<QMessageBox*>("warningDialog");
        QVERIFY(box);
        QVERIFY2(box->text().contains("model.path"), qPrintable(box->text()));
        QCOMPARE(session->state(), RunState::idle);
    }

    void pinnedGroupFollowedAcrossSteps() {
        testkit::FakeSession* session = nullptr;
        ui::MainWindow window(fake({/*steps=*/3, /*groupsPerStep=*/2, /*G=*/4}, &session));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        window.samplesPanel()->pinGroup("train-00001");
        fillRequired(window);
        window.startTraining();
        QVERIFY(ended.wait(5000));
        QTRY_COMPARE(window.samplesPanel()->pinnedHistoryRows(), 3);
    }

    void pauseAndStopAtNextStep() {
        testkit::FakeSession* session = nullptr;
        testkit::FakeScript script;
        script.steps = 1000;
        script.stepIntervalMs = 5;
        ui::MainWindow window(fake(script, &session));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        fillRequired(window);
        window.startTraining();
        QTRY_VERIFY(window.store()->steps().size() >= 2);
        session->pause();
        QTRY_COMPARE(session->state(), RunState::paused);
        int paused = session->stepsRun();
        QTest::qWait(100);
        QCOMPARE(session->stepsRun(), paused);
        session->resume();
        QTRY_VERIFY(session->stepsRun() > paused);
        session->stop_at_next_step();
        QVERIFY(ended.wait(5000));
        QCOMPARE(ended.at(0).at(0).value<RunFinished>().state, RunState::finished);
        QVERIFY(session->stepsRun() < 1000);
        QVERIFY(!window.store()->checkpoints().empty());  // stop saves a checkpoint
    }

    void engineFailureShowsDialog() {
        testkit::FakeSession* session = nullptr;
        testkit::FakeScript script;
        script.failAtStep = 2;
        script.failMessage = "CUDA out of memory: tried to allocate 2.5 GiB";
        ui::MainWindow window(fake(script, &session));
        window.show();
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        fillRequired(window);
        window.startTraining();
        QVERIFY(ended.wait(5000));
        QCOMPARE(ended.at(0).at(0).value<RunFinished>().state, RunState::failed);
        auto* box = window.findChild<QMessageBox*>("runFailedDialog");
        QVERIFY(box);
        QVERIFY(box->text().contains("CUDA out of memory"));
        QCOMPARE(window.metricsPanel()->card("reward/mean")->seriesSize(), 2);
    }

    void previewVotesFillsPreviewPanel() {
        testkit::FakeSession* session = nullptr;
        ui::MainWindow window(fake({}, &session));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        emit window.votePreview()->previewRequested(5);
        QVERIFY(ended.wait(5000));
        QCOMPARE(window.votePreview()->groupCount(), 5);
        QCOMPARE(int(window.store()->groups().size()), 0);  // previews are not training data
    }

    void exportCheckpointReportsProgress() {
        testkit::FakeSession* session = nullptr;
        ui::MainWindow window(fake({}, &session));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        ui::CheckpointsDialog* dialog = window.checkpointsDialog();
        QSignalSpy progress(window.bridge(), &ui::SessionBridge::progressReported);
        emit dialog->exportRequested("/tmp/run/checkpoints/step-4", "/tmp/exported", false,
                                     QString());
        QVERIFY(ended.wait(5000));
        QCOMPARE(ended.at(0).at(0).value<RunFinished>().state, RunState::finished);
        QCOMPARE(QString::fromStdString(session->lastExportOut()), QString("/tmp/exported"));
        QVERIFY(progress.count() >= 1);
        QCOMPARE(progress.last().at(1).toDouble(), 1.0);
    }

    void closeDuringRunAsksStopsAndWaits() {
        testkit::FakeSession* session = nullptr;
        testkit::FakeScript script;
        script.steps = 100000;
        script.stepIntervalMs = 10;
        auto* window = new ui::MainWindow(fake(script, &session));
        window->show();
        QStringList asked;
        window->setConfirmHandler([&](const QString& q) {
            asked << q;
            return asked.size() > 1;  // first: "no, keep running"; then yes
        });
        fillRequired(*window);
        window->startTraining();
        QTRY_VERIFY(window->store()->steps().size() >= 1);
        QVERIFY(!window->close());  // answered no
        QCOMPARE(session->state(), RunState::running);
        QVERIFY(window->close());  // answered yes: stop at next step, wait for finished
        QCOMPARE(asked.size(), 2);
        QCOMPARE(session->state(), RunState::finished);
        QVERIFY(session->stepsRun() < 100000);
        delete window;
    }

    void closeGivesUpAfterTimeoutWhenEngineIsStuck() {
        testkit::FakeSession* session = nullptr;
        testkit::FakeScript script;
        script.steps = 100000;
        script.stepIntervalMs = 5;
        script.ignoreStop = true;
        auto* window = new ui::MainWindow(fake(script, &session));
        window->setCloseTimeoutMs(200);
        QStringList asked;
        window->setConfirmHandler([&](const QString& q) {
            asked << q;
            return asked.size() == 1;  // yes, quit; then "keep waiting?" no
        });
        fillRequired(*window);
        window->startTraining();
        QTRY_VERIFY(window->store()->steps().size() >= 1);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(window->close());
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(asked.size(), 2);
        QVERIFY(asked[1].contains("has not finished"));
        session->wait();
        QCOMPARE(session->state(), RunState::cancelled);
        delete window;
    }
};

QTEST_MAIN(LiveRunTest)
#include "live_run_test.moc"
