// Starting into an output directory that already holds a run asks "Continue this run" / "New
// directory" / Cancel instead of letting the engine fail with command-line advice; a start that
// the engine refuses while loading never clears the run on screen; engine errors shown in the
// GUI carry no `mmupt …` command to type.
#include <QDir>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/config_form.h"
#include "ui/engine_messages.h"
#include "ui/log_panel.h"
#include "ui/main_window.h"
#include "ui/run_setup_panel.h"
#include "ui/run_store.h"

using namespace mmupt;

namespace {
const char* kExistingRunError =
    "trainer.output_dir = '/data/runs/a' already holds a run; continue it with `mmupt train "
    "--resume /data/runs/a` or choose another directory";

struct Fixture {
    QTemporaryDir tmp;
    testkit::FakeSession* session = nullptr;
    std::unique_ptr<ui::MainWindow> window;

    explicit Fixture(testkit::FakeScript script = {}) {
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 2);
        auto owned = std::make_unique<testkit::FakeSession>(script);
        session = owned.get();
        window = std::make_unique<ui::MainWindow>(std::move(owned));
        window->setupPanel()->pickModel(tmp.filePath("model"));
        window->setupPanel()->pickDataset(tmp.filePath("images"));
    }
    // A finished 5-step run with a checkpoint at step 4, in `name`.
    QString existingRun(const QString& name) {
        testkit::SyntheticRunOptions o;
        o.steps = 5;
        o.checkpointEvery = 4;
        o.images = false;
        const QString dir = tmp.filePath(name);
        if (!testkit::writeSyntheticRun(dir, o).isEmpty()) return {};
        return dir;
    }
    // Start is disabled while a run is active.
    bool waitIdle() {
        auto* start = window->findChild<QWidget*>("startButton");
        return QTest::qWaitFor([start] { return start->isEnabled(); }, 5000);
    }
};
}  // namespace

class StartOutputDirTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void existingRunOffersNewDirectory() {
        Fixture f;
        const QString used = f.existingRun("runs/used");
        f.window->setupPanel()->form()->setValue("trainer.output_dir", used);
        QString askedAbout;
        ui::ExistingRun seen;
        f.window->setupPanel()->setOutputChoiceHandler(
            [&](const QString& dir, const ui::ExistingRun& run) {
                askedAbout = dir;
                seen = run;
                return ui::OutputChoice::newDirectory;
            });
        f.window->startTraining();
        QCOMPARE(askedAbout, used);
        QVERIFY(seen.holdsRun && seen.canContinue);
        QCOMPARE(seen.steps, 5);
        QCOMPARE(seen.lastCheckpoint, 4);
        const QString fresh = f.window->setupPanel()->form()->value("trainer.output_dir");
        QVERIFY2(fresh.startsWith(f.tmp.filePath("runs/")) && fresh != used, qPrintable(fresh));
        QVERIFY(f.waitIdle());
        bool overridden = false;
        for (const auto& o : f.session->lastConfig().overrides)
            overridden |= QString::fromStdString(o) == "trainer.output_dir=" + fresh;
        QVERIFY(overridden);
        QVERIFY(f.session->stepsRun() > 0);
    }

    void existingRunContinueResumesIt() {
        Fixture f;
        const QString used = f.existingRun("used");
        f.window->setupPanel()->form()->setValue("trainer.output_dir", used);
        f.window->setupPanel()->setOutputChoiceHandler(
            [](const QString&, const ui::ExistingRun&) { return ui::OutputChoice::continueRun; });
        f.window->startTraining();
        QVERIFY(f.waitIdle());
        QCOMPARE(f.window->store()->runDirectory(), used);
        QCOMPARE(f.window->setupPanel()->form()->value("trainer.output_dir"), used);
        QVERIFY(f.session->stepsRun() > 0);
        QVERIFY(f.session->lastConfig().overrides.empty());  // resumed, not started
    }

    void existingRunCancelLeavesEverything() {
        Fixture f;
        const QString used = f.existingRun("used");
        QVERIFY(f.window->openRunDirectory(used));
        const size_t steps = f.window->store()->steps().size();
        QVERIFY(steps > 0);
        f.window->setupPanel()->form()->setValue("trainer.output_dir", used);
        f.window->setupPanel()->setOutputChoiceHandler(
            [](const QString&, const ui::ExistingRun&) { return ui::OutputChoice::cancel; });
        f.window->startTraining();
        QCOMPARE(f.window->store()->steps().size(), steps);
        QCOMPARE(f.session->stepsRun(), 0);
    }

    void failedStartKeepsTheRunOnScreen() {
        testkit::FakeScript script;
        script.failBeforeRunning = true;
        script.failMessage = kExistingRunError;
        Fixture f(script);
        const QString used = f.existingRun("shown");
        QVERIFY(f.window->openRunDirectory(used));
        const size_t steps = f.window->store()->steps().size();
        const size_t logs = f.window->store()->logs().size();
        const QString shownDir = f.window->store()->runDirectory();
        QVERIFY(steps > 0);
        f.window->setupPanel()->form()->setValue("trainer.output_dir", f.tmp.filePath("new"));
        QSignalSpy ended(f.window.get(), &ui::MainWindow::runEnded);
        f.window->startTraining();
        QVERIFY(ended.wait(5000));
        QCOMPARE(f.window->store()->steps().size(), steps);  // curves still there
        QVERIFY(f.window->store()->logs().size() >= logs);   // log kept (plus the error)
        QCOMPARE(f.window->store()->runDirectory(), shownDir);
        auto* box = f.window->findChild<QMessageBox*>("runFailedDialog");
        QVERIFY(box);
        QVERIFY2(!box->text().contains("mmupt train"), qPrintable(box->text()));
        QVERIFY(box->text().contains("Continue this run"));
    }

    void acceptedStartReplacesTheRun() {
        Fixture f;
        const QString used = f.existingRun("shown");
        QVERIFY(f.window->openRunDirectory(used));
        f.window->setupPanel()->form()->setValue("trainer.output_dir", f.tmp.filePath("next"));
        QSignalSpy ended(f.window.get(), &ui::MainWindow::runEnded);
        f.window->startTraining();
        QVERIFY(ended.wait(5000));
        QCOMPARE(int(f.window->store()->steps().size()), f.session->script().steps);
        QCOMPARE(f.window->store()->steps().front().step, 0);
    }

    void engineMessagesInGuiWords() {
        QString m = ui::guiEngineMessage(kExistingRunError);
        QVERIFY2(!m.contains("mmupt"), qPrintable(m));
        QVERIFY(m.contains("/data/runs/a"));
        QVERIFY(m.contains("Continue this run") && m.contains("New directory"));
        m = ui::guiEngineMessage(
            "unknown config key 'rollout.nn' (did you mean 'rollout.n'?); see docs/config.md or "
            "`mmupt config --docs`");
        QVERIFY2(!m.contains("mmupt config") && m.contains("All settings"), qPrintable(m));
        QVERIFY(m.contains("did you mean 'rollout.n'"));
        m = ui::guiEngineMessage(
            "the training set is empty: no examples survived loading (see "
            "the data report: `mmupt data FILE`)");
        QVERIFY2(!m.contains('`'), qPrintable(m));
        QCOMPARE(ui::guiEngineMessage("CUDA out of memory"), QString("CUDA out of memory"));
    }
};

QTEST_MAIN(StartOutputDirTest)
#include "start_output_dir_test.moc"
