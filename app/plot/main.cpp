// `mmupt-plot DEMO_DIR [--out DIR]`: draws DEMO_DIR/curves.csv (written by `mmupt demo`) to
// PNGs in DEMO_DIR/plots/ (ui/curve_plots.h). Never shows a window: it runs offscreen unless
// QT_QPA_PLATFORM says otherwise, so it works without a display. Exit codes: 0 ok, 1 error
// (message on stderr), 2 usage.
#include <sys/stat.h>
#include <unistd.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>

#include "core/version.h"
#include "ui/curve_plots.h"

int main(int argc, char** argv) {
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Headless (no login session): give Qt the private runtime directory it would fall back to,
    // so it does not print "XDG_RUNTIME_DIR not set" into the demo's output.
    if (!qEnvironmentVariableIsSet("XDG_RUNTIME_DIR")) {
        const QByteArray dir = QByteArray("/tmp/runtime-") + QByteArray::number(getuid());
        if (::mkdir(dir.constData(), 0700) == 0 || errno == EEXIST) {
            struct stat st {};
            if (::stat(dir.constData(), &st) == 0 && st.st_uid == getuid() &&
                (st.st_mode & 0777) == 0700)
                qputenv("XDG_RUNTIME_DIR", dir);
        }
    }
    QApplication app(argc, argv);  // QCustomPlot is a QWidget, even offscreen
    QApplication::setApplicationName("mmupt-plot");
    QApplication::setApplicationVersion(mmupt::version());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Draw the curves of `mmupt demo` (DEMO_DIR/curves.csv) to reward.png, agreement.png,\n"
        "label_accuracy.png and upt_overview.png.");
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption out("out", "Write the PNGs to DIR (default DEMO_DIR/plots).", "DIR");
    parser.addOption(out);
    parser.addPositionalArgument("DEMO_DIR", "The demo's output directory (or its curves.csv).");
    const bool parsed = parser.parse(QApplication::arguments());
    if (parsed && parser.isSet(help)) {
        std::printf("%s", qPrintable(parser.helpText()));
        return 0;
    }
    if (parsed && parser.isSet(version)) {
        std::printf("mmupt-plot %s\n", mmupt::version());
        return 0;
    }
    if (!parsed || parser.positionalArguments().size() != 1) {
        std::fprintf(stderr, "mmupt-plot: %s\n%s",
                     parsed ? "expected one DEMO_DIR" : qPrintable(parser.errorText()),
                     qPrintable(parser.helpText()));
        return 2;
    }

    const QFileInfo input(parser.positionalArguments().front());
    const QDir demoDir = input.isFile() ? input.dir() : QDir(input.filePath());
    const QString csv = input.isFile() ? input.filePath() : demoDir.filePath("curves.csv");
    const mmupt::ui::CurvesCsv curves = mmupt::ui::readCurvesCsv(csv);
    if (!curves.ok()) {
        std::fprintf(stderr, "mmupt-plot: %s\n", qPrintable(curves.error));
        return 1;
    }
    const QString outDir = parser.isSet(out) ? parser.value(out) : demoDir.filePath("plots");
    const mmupt::ui::CurvePlotFiles files = mmupt::ui::writeCurvePlots(curves.series, outDir);
    for (const QString& path : files.written) std::printf("%s\n", qPrintable(path));
    if (!files.ok()) {
        std::fprintf(stderr, "mmupt-plot: %s\n", qPrintable(files.error));
        return 1;
    }
    return 0;
}
