// mmupt-synthetic-run DIR [--steps N] [--growing]: writes a SYNTHETIC run directory (no model
// involved) for screenshots and manual testing; --growing then appends one step a second, like
// a CLI run still training, until killed.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QThread>
#include <cstdio>

#include "tests/ui/testkit/synthetic_run.h"

int main(int argc, char** argv) {
    // QPainter text on images needs a QGuiApplication (fonts), but no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription("Write a synthetic mmupt run directory.");
    parser.addHelpOption();
    parser.addPositionalArgument("DIR", "Run directory to create.");
    QCommandLineOption steps("steps", "Steps to write (default 60).", "N", "60");
    QCommandLineOption growing("growing", "Keep appending one step per second.");
    parser.addOptions({steps, growing});
    parser.process(app);
    if (parser.positionalArguments().size() != 1) parser.showHelp(2);
    const QString dir = parser.positionalArguments().first();
    mmupt::testkit::SyntheticRunOptions options;
    options.steps = parser.value(steps).toInt();
    QString error = mmupt::testkit::writeSyntheticRun(dir, options);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "mmupt-synthetic-run: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("wrote %d synthetic steps to %s\n", options.steps, qPrintable(dir));
    for (int s = options.steps; parser.isSet(growing); ++s) {
        QThread::sleep(1);
        error = mmupt::testkit::appendSyntheticSteps(dir, s, s + 1, options);
        if (!error.isEmpty()) return 1;
    }
    return 0;
}
