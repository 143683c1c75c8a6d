// File ▸ Open run directory: a recorded run (written here with run_files' to_json_line) is
// replayed into the cards, samples table, log and checkpoint list, and lines appended later by a
// "still running" CLI are picked up; half-written and malformed lines are handled.
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/session/run_files.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/agreement_heatmap.h"
#include "ui/config_form.h"
#include "ui/log_panel.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"
#include "ui/samples_panel.h"
#include "ui/vote_preview_panel.h"

using namespace mmupt;

namespace {
void appendRaw(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    f.write(bytes);
}
}  // namespace

class RunReplayTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { mmupt::testkit::useClearedTestSettings(); }

    void replaysAndFollowsARunDirectory() {
        QTemporaryDir dir;
        testkit::SyntheticRunOptions o;
        o.steps = 30;
        o.totalSteps = 50;
        o.groupsPerStep = 4;
        o.checkpointEvery = 10;
        QCOMPARE(testkit::writeSyntheticRun(dir.path(), o), QString());

        ui::MainWindow window;  // no engine: replay needs none
        window.show();
        QVERIFY(window.openRunDirectory(dir.path()));
        auto* reward = window.metricsPanel()->card("reward/mean");
        QCOMPARE(reward->seriesSize(), 30);
        QCOMPARE(reward->rawPointCount(), 30);
        QCOMPARE(window.metricsPanel()->card("label/reward_accuracy")->seriesSize(), 30);
        QCOMPARE(window.metricsPanel()->heatmap()->stepCount(), 30);
        QCOMPARE(window.samplesPanel()->tableRowCount(), 120);
        QCOMPARE(window.samplesPanel()->gridCount(), 4);
        QVERIFY(window.samplesPanel()->shownGroup() >= 116);     // a group of the last step
        QCOMPARE(int(window.store()->checkpoints().size()), 2);  // steps 10 and 20
        QCOMPARE(window.store()->checkpoints()[1].step, 20);
        QVERIFY(window.logPanel()->lineCount() >= 30);
        QCOMPARE(window.votePreview()->groupCount(), 4);  // the first step's groups
        // config.yaml went into the form, max_steps into the status bar.
        QCOMPARE(window.setupPanel()->form()->value("trainer.max_steps"), QString("50"));
        QVERIFY2(window.runStatusBar()->stepText().contains("step 29 / 50"),
                 qPrintable(window.runStatusBar()->stepText()));
        QVERIFY(window.runStatusBar()->timeText().contains("ETA"));

        // The CLI run goes on: complete lines appear on the next poll.
        QCOMPARE(testkit::appendSyntheticSteps(dir.path(), 30, 33, o), QString());
        QTRY_COMPARE_WITH_TIMEOUT(reward->seriesSize(), 33, 3000);
        QCOMPARE(window.samplesPanel()->tableRowCount(), 132);

        // A writer mid-append: the partial line waits for its newline.
        StepMetrics m;
        m.step = 33;
        m.wall_time_s = 3300;
        m.values["reward/mean"] = 0.75;
        std::string line = to_json_line(m);
        QString metrics = QDir(dir.path()).filePath(run_files::kMetrics);
        appendRaw(metrics, QByteArray::fromStdString(line.substr(0, 10)));
        window.watcher()->poll();
        QCOMPARE(reward->seriesSize(), 33);
        appendRaw(metrics, QByteArray::fromStdString(line.substr(10) + "\n{broken\n"));
        window.watcher()->poll();
        QCOMPARE(reward->seriesSize(), 34);
        QCOMPARE(window.watcher()->malformedLines(), 1);
    }

    void notARunDirectoryIsRefused() {
        QTemporaryDir dir;
        ui::RunStore store;
        ui::RunDirectoryWatcher watcher(&store);
        QSignalSpy failed(&watcher, &ui::RunDirectoryWatcher::failed);
        QVERIFY(!watcher.open(dir.path()));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains("not a run directory"));
    }

    void recentRunsRemembered() {
        QTemporaryDir dir;
        testkit::SyntheticRunOptions o;
        o.steps = 2;
        o.images = false;
        QCOMPARE(testkit::writeSyntheticRun(dir.path(), o), QString());
        ui::MainWindow window;
        QVERIFY(window.openRunDirectory(dir.path()));
        QStringList recent = QSettings().value("recentRuns").toStringList();
        QVERIFY(!recent.isEmpty());
        QCOMPARE(recent.first(), QFileInfo(dir.path()).absoluteFilePath());
    }
};

QTEST_MAIN(RunReplayTest)
#include "run_replay_test.moc"
