// `mmupt-studio`: the desktop app. Parses the command line, builds the window, runs the loop;
// an exception escaping start-up is shown and turned into a non-zero exit.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>
#include <exception>

#include "core/version.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("mmupt-studio");
    QApplication::setOrganizationName("mmupt");
    QApplication::setApplicationVersion(mmupt::version());

    QCommandLineParser parser;
    parser.setApplicationDescription("mmupt studio: unsupervised post-training of VLMs");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", "Save the main window to FILE.png once loaded.",
                                  "FILE.png");
    QCommandLineOption quitAfter("quit-after-ms", "Quit after N milliseconds.", "N");
    parser.addOption(screenshot);
    parser.addOption(quitAfter);
    parser.process(app);

    try {
        mmupt::ui::MainWindow window;
        window.show();
        if (parser.isSet(screenshot)) {
            QString path = parser.value(screenshot);
            QTimer::singleShot(300, &window, [&window, path] {
                if (!window.grab().save(path)) qWarning("could not save %s", qPrintable(path));
            });
        }
        if (parser.isSet(quitAfter)) {
            bool ok = false;
            int ms = parser.value(quitAfter).toInt(&ok);
            if (!ok || ms < 0) {
                qCritical("--quit-after-ms expects a non-negative integer");
                return 2;
            }
            QTimer::singleShot(ms, &app, &QApplication::quit);
        }
        return app.exec();
    } catch (const std::exception& e) {
        QMessageBox::critical(nullptr, "mmupt studio", e.what());
        return 1;
    }
}
