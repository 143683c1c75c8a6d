// The main window: docks with stable object names, layout saved and reset, the "engine not
// available" message when there is no session, theme switch, menus present.
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QtTest>

#include "tests/ui/testkit/test_settings.h"
#include "ui/main_window.h"

class MainWindowTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { mmupt::testkit::useClearedTestSettings(); }

    void opensAndCloses() {
        mmupt::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.objectName(), QString("mainWindow"));
        QStringList menus;
        for (QAction* a : window.menuBar()->actions()) menus << a->text().remove('&');
        QCOMPARE(menus, QStringList({"File", "Run", "Checkpoints", "View", "Help"}));
        for (const char* name : {"runSetupDock", "votePreviewDock", "samplesDock", "logDock"})
            QVERIFY2(window.dock(name), name);
        QVERIFY(window.close());
    }

    void engineMissingIsSaid() {
        mmupt::ui::MainWindow window(nullptr);
        auto* banner = window.findChild<QLabel*>("engineBanner");
        QVERIFY(banner);
        QVERIFY(banner->text().contains("not available in this build"));
    }

    void layoutSavedAndReset() {
        {
            mmupt::ui::MainWindow window;
            window.show();
            window.dock("logDock")->hide();
            window.setDarkTheme(true);
            QVERIFY(window.close());
        }
        mmupt::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.dock("logDock")->isHidden());  // restored from QSettings
        QVERIFY(window.darkTheme());
        window.resetLayout();
        QVERIFY(!window.dock("logDock")->isHidden());
        window.setDarkTheme(false);
        QVERIFY(window.close());
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
