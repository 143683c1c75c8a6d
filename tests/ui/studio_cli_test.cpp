// The `mmupt-studio` binary itself: --help / --version need no display, and unattended runs
// (--screenshot, --quit-after-ms) report every error on stderr with a non-zero exit instead of
// waiting on a message box nobody will close.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result {
    int exitCode = -1;
    bool finished = false;
    QString out, err;
};

// Bounded: a studio that waits on a modal box fails the test instead of hanging it.
Result runStudio(const QStringList& args, bool display) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM");
    if (display) env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MMUPT_STUDIO_PATH), args);
    Result r;
    r.finished = p.waitForFinished(60000);
    if (!r.finished) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

}  // namespace

class StudioCliTest : public QObject {
    Q_OBJECT
  private slots:
    void helpWorksWithoutADisplay() {
        Result r = runStudio({"--help"}, /*display=*/false);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("Usage: mmupt-studio [options]") &&
                     r.out.contains("--run <DIR>") && r.out.contains("--screenshot"),
                 qPrintable(r.out + r.err));
    }

    void versionWorksWithoutADisplay() {
        Result r = runStudio({"--version"}, /*display=*/false);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("mmupt-studio "), qPrintable(r.out + r.err));
    }

    void unknownOptionIsAnError() {
        Result r = runStudio({"--no-such-flag"}, /*display=*/false);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no-such-flag"), qPrintable(r.err));
    }

    void notARunDirectoryExitsWithAMessage() {
        QTemporaryDir notARun, out;
        const QString png = out.filePath("shot.png");
        Result r =
            runStudio({"--run", notARun.path(), "--screenshot", png, "--quit-after-ms", "20000"},
                      /*display=*/true);
        QVERIFY2(r.finished, "the studio did not exit: a modal box?");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not a run directory"), qPrintable(r.err));
        QVERIFY(!QFile::exists(png));
    }

    void badConfigInQuitAfterModeExitsWithAMessage() {
        QTemporaryDir dir;
        Result r = runStudio({"--config", dir.filePath("missing.yaml"), "--quit-after-ms", "20000"},
                             /*display=*/true);
        QVERIFY2(r.finished, "the studio did not exit: a modal box?");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.yaml"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(StudioCliTest)
#include "studio_cli_test.moc"
