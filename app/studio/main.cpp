// `mmupt-studio`: the desktop app. Parses the command line, creates the engine session (null
// when the engine is not in this build), builds the window, optionally opens a run directory
// and a config, takes a screenshot once the data has loaded, runs the loop. An exception
// escaping start-up is shown and turned into a non-zero exit.
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <exception>

#include "core/session/session.h"
#include "core/util/blas_env.h"
#include "core/version.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    mmupt::reexec_with_faster_blas(argv);  // before any work: OpenBLAS reads it at load time
    QApplication app(argc, argv);
    QApplication::setApplicationName("mmupt-studio");
    QApplication::setOrganizationName("mmupt");
    QApplication::setApplicationVersion(mmupt::version());
    QApplication::setDesktopFileName("io.github.mmupt.Studio");

    QCommandLineParser parser;
    parser.setApplicationDescription("mmupt studio: unsupervised post-training of VLMs");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption run("run", "Open (replay and follow) the run directory DIR.", "DIR");
    QCommandLineOption config("config", "Load FILE (YAML) into the run setup form.", "FILE");
    QCommandLineOption screenshot("screenshot",
                                  "Save the main window to FILE.png once the data has loaded "
                                  "(uses default settings and layout).",
                                  "FILE.png");
    QCommandLineOption quitAfter("quit-after-ms", "Quit after N milliseconds.", "N");
    QCommandLineOption theme("theme", "light or dark.", "NAME");
    QCommandLineOption raise("raise", "Bring the dock NAME (e.g. votePreviewDock) to front.",
                             "NAME");
    parser.addOptions({run, config, screenshot, quitAfter, theme, raise});
    parser.process(app);

    int quitMs = -1;
    if (parser.isSet(quitAfter)) {
        bool ok = false;
        quitMs = parser.value(quitAfter).toInt(&ok);
        if (!ok || quitMs < 0) {
            qCritical("--quit-after-ms expects a non-negative integer");
            return 2;
        }
    }
    // Screenshots must not depend on this user's saved layout: use throw-away settings.
    QTemporaryDir settingsDir;
    if (parser.isSet(screenshot))
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());

    try {
        mmupt::ui::MainWindow window(mmupt::create_session());
        if (parser.isSet(screenshot)) window.resize(1600, 1000);
        if (parser.isSet(theme)) window.setDarkTheme(parser.value(theme) == "dark");
        window.show();
        if (parser.isSet(config)) {
            QString error = window.loadConfig(parser.value(config));
            if (!error.isEmpty()) QMessageBox::warning(&window, "mmupt studio", error);
        }
        bool loaded = !parser.isSet(run) || window.openRunDirectory(parser.value(run));
        if (parser.isSet(raise)) {
            if (auto* dock = window.dock(parser.value(raise))) dock->raise();
        }
        if (parser.isSet(screenshot)) {
            if (!loaded) return 1;
            QString path = parser.value(screenshot);
            // The data is in; let layouts settle and queued plot replots run, then grab.
            QTimer::singleShot(700, &window, [&window, path] {
                if (!window.grab().save(path)) {
                    qCritical("could not save %s", qPrintable(path));
                    QApplication::exit(1);
                }
            });
        }
        if (quitMs >= 0) QTimer::singleShot(quitMs, &window, &QWidget::close);
        return app.exec();
    } catch (const std::exception& e) {
        QMessageBox::critical(nullptr, "mmupt studio", e.what());
        return 1;
    }
}
