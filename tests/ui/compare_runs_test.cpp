// Compare runs, as TensorBoard users expect (issue 12, items 4 and 10): two run directories
// overlaid on every metric card with a run legend; each run keeps its colour on every card and
// when removed and added again; a folder of runs adds each; compared runs keep following their
// files; Recent runs holds every run opened, compared or started in the studio.
#include <qcustomplot.h>
#include <QCheckBox>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/compare_runs.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_setup_panel.h"
#include "ui/run_store.h"

using namespace mmupt;

namespace {

QString writeRun(const QString& dir, int steps, unsigned seed) {
    testkit::SyntheticRunOptions o;
    o.steps = steps;
    o.totalSteps = 40;
    o.groupsPerStep = 2;
    o.images = false;
    o.seed = seed;
    return testkit::writeSyntheticRun(dir, o);
}

QColor smoothColor(ui::MetricCard* card, int series) {
    return card->plot()->graph(2 * series + 1)->pen().color();
}

}  // namespace

class CompareRunsTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void twoRunsOverlaidWithLegendAndStableColours() {
        QTemporaryDir root;
        const QString a = QDir(root.path()).filePath("mm-upt");
        const QString b = QDir(root.path()).filePath("grpo-supervised");
        QCOMPARE(writeRun(a, 30, 1), QString());
        QCOMPARE(writeRun(b, 20, 2), QString());

        ui::MainWindow window;
        window.setMessageHandler([](const QString& m) { QFAIL(qPrintable(m)); });
        window.show();
        QVERIFY(window.openRunDirectory(a));
        QVERIFY(window.addCompareRun(b));
        ui::MetricsPanel* panel = window.metricsPanel();
        QCOMPARE(panel->legendEntries(), 2);
        for (ui::MetricCard* card : panel->cards()) {
            QCOMPARE(card->seriesCount(), 2);
            // The synthetic runs have no collapse signals: those cards say "not recorded".
            if (card->isHidden() || card->keys().value(0).startsWith("collapse/")) continue;
            QCOMPARE(card->seriesSize(), 30);
            QCOMPARE(card->seriesSize(b), 20);
        }
        ui::MetricCard* reward = panel->card("reward/mean");
        ui::MetricCard* kl = panel->card("actor/kl_loss");
        const QColor colorB = window.compareRuns()->find(b)->color;
        QCOMPARE(smoothColor(reward, 1), colorB);
        QCOMPARE(smoothColor(kl, 1), colorB);
        QVERIFY(colorB != smoothColor(reward, 0));
        const QString hover = reward->hoverText(5);
        QVERIFY2(hover.contains("mm-upt at step 5") && hover.contains("grpo-supervised at step 5"),
                 qPrintable(hover));

        // Hide from the legend, then remove and add again: same colour.
        auto* box =
            panel->runLegend()->findChild<QCheckBox*>("legend:" + QFileInfo(b).absoluteFilePath());
        QVERIFY(box);
        box->setChecked(false);
        QVERIFY(!reward->hoverText(5).contains("grpo-supervised"));
        window.compareRuns()->remove(b);
        QCOMPARE(reward->seriesCount(), 1);
        QCOMPARE(panel->legendEntries(), 0);
        QVERIFY(window.addCompareRun(b));
        QCOMPARE(window.compareRuns()->find(b)->color, colorB);

        // A compared run that is still being written keeps growing on the cards.
        testkit::SyntheticRunOptions o;
        o.totalSteps = 40;
        o.groupsPerStep = 2;
        o.images = false;
        QCOMPARE(testkit::appendSyntheticSteps(b, 20, 23, o), QString());
        window.compareRuns()->find(b)->watcher->poll();
        QCOMPARE(reward->seriesSize(b), 23);

        // The current run cannot be compared with itself; opening a compared run makes it current.
        QVERIFY(!window.compareRuns()->add(a, window.store()->runDirectory()).isEmpty());
        QVERIFY(window.openRunDirectory(b));
        QVERIFY(!window.compareRuns()->find(b));
        QCOMPARE(reward->seriesSize(), 23);
    }

    void aFolderOfRunsAddsEachRun() {
        QTemporaryDir root;
        for (const char* name : {"run-1", "run-2", "run-3"})
            QCOMPARE(writeRun(QDir(root.path()).filePath(name), 5, 3), QString());
        QDir(root.path()).mkdir("not-a-run");
        QCOMPARE(ui::runDirectoriesIn(root.path()).size(), 3);
        ui::MainWindow window;
        QVERIFY(window.openRunDirectory(QDir(root.path()).filePath("run-1")));
        QVERIFY(window.addCompareRun(root.path()));
        QCOMPARE(int(window.compareRuns()->runs().size()), 2);  // run-1 is the current run
        QSet<QRgb> colors;
        for (const auto& r : window.compareRuns()->runs()) colors.insert(r.color.rgb());
        QCOMPARE(colors.size(), 2);
    }

    void notARunIsRefusedWithTheReason() {
        QTemporaryDir empty;
        ui::MainWindow window;
        QStringList messages;
        window.setMessageHandler([&](const QString& m) { messages << m; });
        QVERIFY(!window.addCompareRun(empty.path()));
        QCOMPARE(messages.size(), 1);
        QVERIFY(messages[0].contains("not a run directory"));
    }

    void recentRunsHoldsStartedAndComparedRuns() {
        QSettings().remove("recentRuns");
        QTemporaryDir root;
        const QString compared = QDir(root.path()).filePath("compared");
        QCOMPARE(writeRun(compared, 3, 4), QString());
        testkit::FakeScript script;
        script.steps = 2;
        ui::MainWindow window(std::make_unique<testkit::FakeSession>(script));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        const QString out = QDir(root.path()).filePath("started-here");
        window.setupPanel()->form()->setValue("model.path", "/models/fake-qwen2-vl");
        window.setupPanel()->form()->setValue("data.train_files", "[/data/fake.jsonl]");
        window.setupPanel()->form()->setValue("trainer.output_dir", out);
        window.startTraining();
        QVERIFY(ended.wait(5000));
        QVERIFY(window.addCompareRun(compared));
        const QStringList recent = QSettings().value("recentRuns").toStringList();
        QVERIFY2(recent.contains(QFileInfo(out).absoluteFilePath()), qPrintable(recent.join(", ")));
        QVERIFY(recent.contains(QFileInfo(compared).absoluteFilePath()));
    }
};

QTEST_MAIN(CompareRunsTest)
#include "compare_runs_test.moc"
