// `mmupt-studio`: the desktop app. Parses the command line before any GUI exists (so --help and
// --version work without a display), creates the engine session (null when the engine is not in
// this build), builds the window, optionally opens run directories and a config, takes a
// screenshot once the data has loaded, runs the loop. In --screenshot / --quit-after-ms mode
// (unattended) every error goes to stderr with a non-zero exit, never to a modal box.
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <exception>

#include "core/session/session.h"
#include "core/util/blas_env.h"
#include "core/version.h"
#include "ui/main_window.h"

namespace {

struct Options {
    QCommandLineOption run{"run", "Open (replay and follow) the run directory DIR.", "DIR"};
    QCommandLineOption compare{"compare",
                               "Overlay run directory DIR (or each run in the folder DIR) on "
                               "every metric card; repeatable.",
                               "DIR"};
    QCommandLineOption config{"config", "Load FILE (YAML) into the run setup form.", "FILE"};
    QCommandLineOption screenshot{"screenshot",
                                  "Save the main window to FILE.png once the data has loaded "
                                  "(uses default settings and layout).",
                                  "FILE.png"};
    QCommandLineOption quitAfter{"quit-after-ms", "Quit after N milliseconds.", "N"};
    QCommandLineOption theme{"theme", "light or dark.", "NAME"};
    QCommandLineOption raise{"raise", "Bring the dock NAME (e.g. votePreviewDock) to front.",
                             "NAME"};
    QCommandLineOption size{"size", "Window size WxH (e.g. 1366x768).", "WxH"};
};

void printErr(const QString& text) { std::fprintf(stderr, "mmupt-studio: %s\n", qPrintable(text)); }

}  // namespace

int main(int argc, char** argv) {
    mmupt::reexec_with_faster_blas(argv);  // before any work: OpenBLAS reads it at load time
    QCoreApplication::setApplicationName("mmupt-studio");
    QCoreApplication::setOrganizationName("mmupt");
    QCoreApplication::setApplicationVersion(mmupt::version());

    // Parse without an application object: QApplication needs a display, --help must not.
    QStringList args;
    for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    parser.setApplicationDescription("mmupt studio: unsupervised post-training of VLMs");
    QCommandLineOption help = parser.addHelpOption();
    QCommandLineOption version = parser.addVersionOption();
    Options o;
    parser.addOptions(
        {o.run, o.compare, o.config, o.screenshot, o.quitAfter, o.theme, o.raise, o.size});
    if (!parser.parse(args)) {
        printErr(parser.errorText() + " (see mmupt-studio --help)");
        return 2;
    }
    if (parser.isSet(help)) {
        // Without an application object Qt cannot name the program itself.
        std::fputs(qPrintable(parser.helpText().replace("<executable_name>", "mmupt-studio")),
                   stdout);
        return 0;
    }
    if (parser.isSet(version)) {
        std::printf("mmupt-studio %s\n", mmupt::version());
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printErr(QString("unexpected argument '%1' (open a run with --run DIR)")
                     .arg(parser.positionalArguments().first()));
        return 2;
    }
    int quitMs = -1;
    if (parser.isSet(o.quitAfter)) {
        bool ok = false;
        quitMs = parser.value(o.quitAfter).toInt(&ok);
        if (!ok || quitMs < 0) {
            printErr("--quit-after-ms expects a non-negative integer, got '" +
                     parser.value(o.quitAfter) + "'");
            return 2;
        }
    }
    QSize size;
    if (parser.isSet(o.size)) {
        const QStringList wh = parser.value(o.size).split('x');
        size = wh.size() == 2 ? QSize(wh[0].toInt(), wh[1].toInt()) : QSize();
        if (size.width() <= 0 || size.height() <= 0) {
            printErr("--size expects WxH, e.g. 1366x768, got '" + parser.value(o.size) + "'");
            return 2;
        }
    }
    const bool unattended = parser.isSet(o.screenshot) || quitMs >= 0;

    QApplication app(argc, argv);
    QGuiApplication::setDesktopFileName("io.github.mmupt.Studio");
    // Screenshots must not depend on this user's saved layout: use throw-away settings.
    QTemporaryDir settingsDir;
    if (parser.isSet(o.screenshot))
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());

    try {
        mmupt::ui::MainWindow window(mmupt::create_session());
        // Unattended: a message is an error for whoever scripted the run; nobody is there to
        // dismiss a box, so print it and make the exit code say it.
        bool errors = false;
        if (unattended)
            window.setMessageHandler([&errors](const QString& message) {
                printErr(message);
                errors = true;
            });
        if (size.isValid())
            window.resize(size);
        else if (parser.isSet(o.screenshot))
            window.resize(1600, 1000);
        if (parser.isSet(o.theme)) window.setDarkTheme(parser.value(o.theme) == "dark");
        window.show();
        if (parser.isSet(o.config)) {
            QString error = window.loadConfig(parser.value(o.config));
            if (!error.isEmpty()) window.showMessage(error);
        }
        bool loaded = !parser.isSet(o.run) || window.openRunDirectory(parser.value(o.run));
        for (const QString& dir : parser.values(o.compare))
            loaded = window.addCompareRun(dir) && loaded;
        if (parser.isSet(o.raise)) {
            if (auto* dock = window.dock(parser.value(o.raise))) dock->raise();
        }
        if (unattended && (!loaded || errors)) return 1;
        if (parser.isSet(o.screenshot)) {
            QString path = parser.value(o.screenshot);
            // The data is in; let layouts settle and queued plot replots run, then grab.
            QTimer::singleShot(700, &window, [&window, path] {
                if (!window.grab().save(path)) {
                    printErr("could not save " + path);
                    QApplication::exit(1);
                }
            });
        }
        if (quitMs >= 0) QTimer::singleShot(quitMs, &window, &QWidget::close);
        int rc = app.exec();
        return rc != 0 ? rc : (errors ? 1 : 0);
    } catch (const std::exception& e) {
        if (unattended)
            printErr(QString::fromUtf8(e.what()));
        else
            QMessageBox::critical(nullptr, "mmupt studio", QString::fromUtf8(e.what()));
        return 1;
    }
}
