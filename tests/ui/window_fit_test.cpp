// The main window fits a small laptop screen: 1366×768 with a title bar and a desktop panel
// leaves about 1366×700. With a model and an image folder picked (the setup panel's tallest
// state), with the metrics cards in the centre and with each bottom tab raised, the window's
// minimum size fits 1366×700, a resize to 1366×700 takes effect, and the bottom docks can be
// shrunk enough to leave the metrics cards room.
#include <QDockWidget>
#include <QLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;

namespace {
const QSize kAvailable(1366, 700);

QString describe(const char* what, QSize s) {
    return QStringLiteral("%1 %2x%3 does not fit %4x%5")
        .arg(what)
        .arg(s.width())
        .arg(s.height())
        .arg(kAvailable.width())
        .arg(kAvailable.height());
}
}  // namespace

class WindowFitTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }
    void init() { QSettings().clear(); }

    void fits1366x700_data() {
        QTest::addColumn<QString>("raised");
        QTest::addColumn<bool>("run");
        for (const char* dock : {"samplesDock", "votePreviewDock", "logDock"}) {
            QTest::newRow(qPrintable(QStringLiteral("%1, getting started").arg(dock)))
                << QString(dock) << false;
            QTest::newRow(qPrintable(QStringLiteral("%1, opened run").arg(dock)))
                << QString(dock) << true;
        }
    }
    void fits1366x700() {
        QFETCH(QString, raised);
        QFETCH(bool, run);
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 12);
        ui::MainWindow window(std::make_unique<testkit::FakeSession>());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.setupPanel()->pickModel(tmp.filePath("model")));
        QVERIFY(window.setupPanel()->pickDataset(tmp.filePath("images")));
        if (run) {  // metrics cards in the centre, groups in the samples and preview docks
            QVERIFY(testkit::writeSyntheticRun(tmp.filePath("run"), {}).isEmpty());
            QVERIFY(window.openRunDirectory(tmp.filePath("run")));
            QCOMPARE(window.centralWidget()->property("currentIndex").toInt(), 1);
        }
        window.dock(raised)->raise();
        QCoreApplication::processEvents();
        window.resize(kAvailable);
        QTest::qWait(50);  // layouts settle

        const QSize hint = window.minimumSizeHint();
        QVERIFY2(hint.boundedTo(kAvailable) == hint, qPrintable(describe("minimumSizeHint", hint)));
        const QSize min = window.minimumSize();
        QVERIFY2(min.boundedTo(kAvailable) == min, qPrintable(describe("minimumSize", min)));
        const QSize layoutMin = window.layout()->minimumSize();
        QVERIFY2(layoutMin.boundedTo(kAvailable) == layoutMin,
                 qPrintable(describe("layout minimum", layoutMin)));
        QCOMPARE(window.size(), kAvailable);
        for (const QString& name : {QString("runSetupDock"), raised}) {
            QDockWidget* d = window.dock(name);
            const QRect r(d->mapTo(&window, QPoint(0, 0)), d->size());
            QVERIFY2(window.rect().contains(r), qPrintable(name + " lies outside the window"));
        }
        if (!run) return;
        // The bottom docks give way: shrunk as far as they go, they leave the metrics two whole
        // rows of cards (before: ≥ 350 px of vote preview left one and a third rows at 700 px).
        // Whatever the setup dock's width, the cards' columns fit across (no card cut off).
        auto* scroll = window.metricsPanel()->findChild<QScrollArea*>();
        QVERIFY(scroll);
        const int cardHeight =
            window.metricsPanel()->card("reward/mean")->minimumSizeHint().height();
        for (int setupWidth : {400, 300}) {
            window.resizeDocks({window.dock(raised)}, {1}, Qt::Vertical);
            window.resizeDocks({window.dock("runSetupDock")}, {setupWidth}, Qt::Horizontal);
            QTest::qWait(50);
            const QSize viewport = scroll->viewport()->size();
            QVERIFY2(viewport.height() >= 2 * cardHeight,
                     qPrintable(QStringLiteral("metrics show %1 px, less than two %2-px cards "
                                               "(bottom docks %3 px tall)")
                                    .arg(viewport.height())
                                    .arg(cardHeight)
                                    .arg(window.dock(raised)->height())));
            const int gridWidth = scroll->widget()->minimumSizeHint().width();
            QVERIFY2(
                gridWidth <= viewport.width(),
                qPrintable(
                    QStringLiteral("cards need %1 px of %2").arg(gridWidth).arg(viewport.width())));
        }
    }
};

QTEST_MAIN(WindowFitTest)
#include "window_fit_test.moc"
