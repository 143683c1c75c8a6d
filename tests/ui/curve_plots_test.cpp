// The demo's curve PNGs (ui/curve_plots.h, `mmupt-plot`): a synthetic curves.csv is parsed
// (order, NaN, stage order) and drawn offscreen to four PNGs of the requested size that hold the
// stage colours; malformed files and an unwritable output directory are errors, not crashes;
// the `mmupt-plot` binary exits 0 / 1 / 2 and writes DEMO_DIR/plots by default.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdlib>

#include "ui/curve_plots.h"
#include "ui/theme.h"

using namespace mmupt::ui;

namespace {

const QString kHeader = "stage,seed,step,reward_mean,majority_ratio,label_accuracy\n";
const QColor kSupervisedOrange(0xe0, 0x8a, 0x1e);  // ui/curve_plots.cpp's supervised GRPO colour

// Two stages x two seeds x 12 steps (the stages' lines apart), written in reverse step order;
// one label accuracy is nan.
QByteArray syntheticCsv() {
    QByteArray csv = kHeader.toUtf8();
    for (const char* stage : {"supervised_grpo", "upt"})
        for (int seed = 1; seed <= 2; ++seed)
            for (int step = 12; step >= 1; --step) {
                const double base = QByteArray(stage) == "upt" ? 0.3 : 0.05;  // lines apart
                const double up = base + 0.04 * step + 0.02 * seed;
                const QString acc = (step == 5 && seed == 2) ? "nan" : QString::number(up - 0.1);
                csv += QString("%1,%2,%3,%4,%5,%6\n")
                           .arg(stage)
                           .arg(seed)
                           .arg(step)
                           .arg(up)
                           .arg(up + 0.05)
                           .arg(acc)
                           .toUtf8();
            }
    return csv;
}

QString writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(bytes);
    return path;
}

// Pixels within a small distance of `color` (antialiased lines blend at their edges).
int pixelsNear(const QImage& image, const QColor& color) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                    std::abs(c.blue() - color.blue()) <=
                40)
                ++n;
        }
    return n;
}

int distinctColours(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) colours.insert(image.pixel(x, y));
    return colours.size();
}

}  // namespace

class CurvePlotsTest : public QObject {
    Q_OBJECT
  private slots:
    void parsesCurvesCsv() {
        QTemporaryDir dir;
        const CurvesCsv curves =
            readCurvesCsv(writeFile(dir.filePath("curves.csv"), syntheticCsv()));
        QVERIFY2(curves.ok(), qPrintable(curves.error));
        QCOMPARE(int(curves.series.size()), 4);
        QCOMPARE(curves.series[0].stage, QString("upt"));  // the method first
        QCOMPARE(curves.series[0].seed, 1);
        QCOMPARE(curves.series[2].stage, QString("supervised_grpo"));
        const CurveSeries& upt2 = curves.series[1];
        QCOMPARE(int(upt2.step.size()), 12);
        QCOMPARE(upt2.step.front(), 1.0);  // sorted by step
        QCOMPARE(upt2.step.back(), 12.0);
        QVERIFY(std::isnan(upt2.labelAccuracy[4]));  // step 5
        QVERIFY(std::abs(upt2.agreement[0] - (0.3 + 0.04 + 0.04 + 0.05)) < 1e-9);
    }

    void writesFourNonBlankPngs() {
        QTemporaryDir dir;
        const CurvesCsv curves =
            readCurvesCsv(writeFile(dir.filePath("curves.csv"), syntheticCsv()));
        QVERIFY2(curves.ok(), qPrintable(curves.error));
        const CurvePlotFiles files =
            writeCurvePlots(curves.series, dir.filePath("out/plots"), 640, 400);
        QVERIFY2(files.ok(), qPrintable(files.error));
        const QStringList names = {"reward.png", "agreement.png", "label_accuracy.png",
                                   "upt_overview.png"};
        QCOMPARE(files.written.size(), names.size());
        const QColor upt = plotColors(/*dark=*/false).accent;
        for (const QString& name : names) {
            const QString path = dir.filePath("out/plots/" + name);
            QVERIFY2(files.written.contains(path), qPrintable(path));
            QImage image(path);
            QVERIFY2(!image.isNull(), qPrintable(path));
            QCOMPARE(image.size(), QSize(640, 400));
            // Text, axes, grid and lines: a blank or background-only image has a handful.
            QVERIFY2(distinctColours(image) > 40, qPrintable(name));
            // Two UPT lines (or the dashed mean reward) across ~450 px, 2 px wide, plus legend.
            QVERIFY2(pixelsNear(image, upt) > 500,
                     qPrintable(
                         QString("%1: %2 UPT-blue pixels").arg(name).arg(pixelsNear(image, upt))));
            if (name != "upt_overview.png")
                QVERIFY2(pixelsNear(image, kSupervisedOrange) > 500, qPrintable(name));
        }
    }

    // An optional alarm column (1 on the alarm step; `mmupt demo`'s header) marks that step on
    // every plot with a red dashed line; without it (the control) there is no red.
    void collapseAlarmStepsAreMarked() {
        QTemporaryDir dir;
        QByteArray csv =
            "stage,seed,step,reward_mean,majority_ratio,label_accuracy,collapse_score,alarm\n";
        for (int step = 1; step <= 12; ++step)
            csv +=
                QString("upt,1,%1,0.5,0.6,0.4,0.1,%2\n").arg(step).arg(step == 7 ? 1 : 0).toUtf8();
        const CurvesCsv curves = readCurvesCsv(writeFile(dir.filePath("curves.csv"), csv));
        QVERIFY2(curves.ok(), qPrintable(curves.error));
        QCOMPARE(curves.series.at(0).alarmSteps, std::vector<double>{7.0});
        const CurvesCsv plain = readCurvesCsv(writeFile(dir.filePath("plain.csv"), syntheticCsv()));
        QVERIFY(plain.series.at(0).alarmSteps.empty());
        const QColor red = plotColors(/*dark=*/false).alarm;
        for (const auto& [series, out, marked] :
             {std::tuple{curves.series, QString("alarm"), true},
              std::tuple{plain.series, QString("plain"), false}}) {
            QVERIFY(writeCurvePlots(series, dir.filePath(out), 640, 400).ok());
            for (const char* name : {"reward.png", "upt_overview.png"}) {
                const int n = pixelsNear(QImage(dir.filePath(out + "/" + name)), red);
                QVERIFY2(marked ? n > 100 : n < 20,
                         qPrintable(QString("%1/%2: %3 red pixels").arg(out, name).arg(n)));
            }
        }
    }

    // The control for the pixel checks above: no data, no line colour (only axes and text).
    void emptyDataDrawsNoLines() {
        QTemporaryDir dir;
        const CurvePlotFiles files = writeCurvePlots({}, dir.path(), 640, 400);
        QVERIFY2(files.ok(), qPrintable(files.error));
        QCOMPARE(files.written.size(), 3);  // no "upt" stage: no overview
        const QImage image(dir.filePath("reward.png"));
        QCOMPARE(image.size(), QSize(640, 400));
        QVERIFY(pixelsNear(image, plotColors(/*dark=*/false).accent) < 50);
        QVERIFY(pixelsNear(image, kSupervisedOrange) < 50);
    }

    void malformedCsvIsAnError_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("header only") << kHeader.toUtf8() << "no data rows";
        QTest::newRow("missing column") << QByteArray("stage,seed,step,reward_mean\nupt,1,1,0.5\n")
                                        << "lacks the column 'majority_ratio'";
        QTest::newRow("short row") << (kHeader + "upt,1,1,0.5\n").toUtf8() << ":2: 4 fields";
        QTest::newRow("not a number") << (kHeader + "upt,1,1,0.5,abc,0.1\n").toUtf8()
                                      << "majority_ratio 'abc' is not a number";
        QTest::newRow("bad seed") << (kHeader + "upt,one,1,0.5,0.5,0.1\n").toUtf8() << "seed 'one'";
        QTest::newRow("nan step") << (kHeader + "upt,1,nan,0.5,0.5,0.1\n").toUtf8()
                                  << "step 'nan' is not a number";
        QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11) << "lacks the column";
    }
    void malformedCsvIsAnError() {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const CurvesCsv curves = readCurvesCsv(writeFile(dir.filePath("curves.csv"), content));
        QVERIFY(!curves.ok());
        QVERIFY2(curves.error.contains(message), qPrintable(curves.error));
        QVERIFY2(curves.error.contains(dir.filePath("curves.csv")), qPrintable(curves.error));
    }

    void missingCsvAndUnwritableDirectoryAreErrors() {
        QTemporaryDir dir;
        const CurvesCsv missing = readCurvesCsv(dir.filePath("nope/curves.csv"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error.contains("cannot read"), qPrintable(missing.error));

        const CurvesCsv curves =
            readCurvesCsv(writeFile(dir.filePath("curves.csv"), syntheticCsv()));
        QVERIFY(curves.ok());
        // A regular file where the output directory should be.
        const QString blocker = writeFile(dir.filePath("blocker"), "x");
        const CurvePlotFiles files = writeCurvePlots(curves.series, blocker + "/plots");
        QVERIFY(!files.ok());
        QVERIFY2(files.error.contains("cannot create the output directory"),
                 qPrintable(files.error));
        QVERIFY(files.written.isEmpty());
    }

    // The program around it: exit codes and the default output directory.
    void commandLine() {
        QTemporaryDir dir;
        writeFile(dir.filePath("curves.csv"), syntheticCsv());
        auto run = [](const QStringList& args) {
            QProcess p;
            p.start(MMUPT_PLOT_PATH, args);
            if (!p.waitForFinished(60000)) return -1;
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        };
        QCOMPARE(run({dir.path()}), 0);
        QVERIFY(QImage(dir.filePath("plots/reward.png")).size() == QSize(900, 500));
        QCOMPARE(run({dir.path(), "--out", dir.filePath("elsewhere")}), 0);
        QVERIFY(QFile::exists(dir.filePath("elsewhere/upt_overview.png")));
        QCOMPARE(run({dir.filePath("missing")}), 1);
        writeFile(dir.filePath("bad/curves.csv"), "garbage\n");
        QCOMPARE(run({dir.filePath("bad")}), 1);
        QCOMPARE(run({}), 2);
        QCOMPARE(run({"--no-such-flag", dir.path()}), 2);
        QCOMPARE(run({"--help"}), 0);
    }
};

QTEST_MAIN(CurvePlotsTest)
#include "curve_plots_test.moc"
