// The first-run path: the centre shows the four steps (model → dataset → preview → start), each
// enabled once the one before is done, until a run shows; Help ▸ Getting started lists the same
// steps.
#include <QMenuBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/getting_started.h"
#include "ui/main_window.h"
#include "ui/metrics_panel.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;

namespace {
QList<bool> enabledSteps(ui::GettingStartedPanel* guide) {
    QList<bool> out;
    for (int i = 0; i < 4; ++i) out << guide->stepButton(i)->isEnabled();
    return out;
}
}  // namespace

class GettingStartedTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void stepsEnableInOrder() {
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 3);
        ui::MainWindow window(std::make_unique<testkit::FakeSession>());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ui::GettingStartedPanel* guide = window.gettingStarted();
        QVERIFY(guide->isVisible());
        QVERIFY(!window.metricsPanel()->isVisible());  // no bare empty charts on first launch
        QCOMPARE(enabledSteps(guide), QList<bool>({true, false, false, false}));

        QVERIFY(!window.setupPanel()->pickModel(tmp.filePath("nothing-here")));
        QCOMPARE(enabledSteps(guide), QList<bool>({true, false, false, false}));
        QVERIFY(window.setupPanel()->pickModel(tmp.filePath("model")));
        QVERIFY(guide->stepDone(0));
        QCOMPARE(enabledSteps(guide), QList<bool>({true, true, false, false}));
        QVERIFY(window.setupPanel()->pickDataset(tmp.filePath("images")));
        QCOMPARE(enabledSteps(guide), QList<bool>({true, true, true, false}));

        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        guide->stepButton(2)->click();  // Preview votes
        QVERIFY(ended.wait(5000));
        QVERIFY(guide->stepDone(2));
        QCOMPARE(enabledSteps(guide), QList<bool>({true, true, true, true}));

        guide->stepButton(3)->click();  // Start training: the metrics take the centre
        QVERIFY(ended.wait(5000));
        QVERIFY(window.metricsPanel()->isVisible());
        QVERIFY(!guide->isVisible());
        QVERIFY(window.close());
    }

    void withoutEngineOnlyPickingIsOffered() {
        ui::GettingStartedPanel guide;
        guide.setProgress(true, true, false, /*engine=*/false);
        QCOMPARE(enabledSteps(&guide), QList<bool>({true, true, false, false}));
    }

    void openingARunShowsIt() {
        QTemporaryDir tmp;
        testkit::SyntheticRunOptions o;
        o.steps = 3;
        o.images = false;
        QCOMPARE(testkit::writeSyntheticRun(tmp.filePath("run"), o), QString());
        ui::MainWindow window(nullptr);
        window.show();
        QVERIFY(window.gettingStarted()->isVisible());
        QVERIFY(window.openRunDirectory(tmp.filePath("run")));
        QVERIFY(window.metricsPanel()->isVisible());
        QVERIFY(window.close());
    }

    void helpListsTheSameSteps() {
        ui::MainWindow window(nullptr);
        QStringList help;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->text().remove('&') == "Help")
                for (QAction* a : menu->menu()->actions()) help << a->text().remove('&');
        QVERIFY2(help.contains("Getting started"), qPrintable(help.join(", ")));
        const QString html = ui::gettingStartedHtml();
        QCOMPARE(int(ui::gettingStartedSteps().size()), 4);
        for (const auto& step : ui::gettingStartedSteps())
            QVERIFY2(html.contains(step.title.toHtmlEscaped()), qPrintable(step.title));
        QVERIFY(html.indexOf("model") < html.indexOf("dataset"));
    }
};

QTEST_MAIN(GettingStartedTest)
#include "getting_started_test.moc"
