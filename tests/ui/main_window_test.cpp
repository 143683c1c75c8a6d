// The main window opens, shows its menu bar and closes cleanly (offscreen).
#include <QMenuBar>
#include <QtTest>

#include "ui/main_window.h"

class MainWindowTest : public QObject {
    Q_OBJECT
  private slots:
    void opensAndCloses() {
        mmupt::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.objectName(), QString("mainWindow"));
        QVERIFY(!window.menuBar()->actions().isEmpty());
        QVERIFY(window.close());
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
