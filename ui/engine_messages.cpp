// guiEngineMessage: known engine sentences and CLI hints mapped to menu and button names.
#include "ui/engine_messages.h"

#include <QObject>
#include <QRegularExpression>

namespace mmupt::ui {

QString guiEngineMessage(const QString& message) {
    QString out = message;
    // core/trainer/trainer.cpp: "trainer.output_dir = 'D' already holds a run; continue it with
    // `mmupt train --resume D` or choose another directory".
    static const QRegularExpression existingRun(
        "trainer\\.output_dir = '([^']*)' already holds a run;[^\\n]*");
    out.replace(existingRun,
                QObject::tr("The output directory %1 already holds a run. Click Start training "
                            "again and choose \u201cContinue this run\u201d or \u201cNew "
                            "directory\u201d, or change Output in Run setup.")
                    .arg("\\1"));
    static const QRegularExpression configDocs("see docs/config\\.md or `mmupt config --docs`");
    out.replace(configDocs, QObject::tr("every key and its documentation is listed in Run setup "
                                        "\u25b8 All settings\u2026"));
    static const QRegularExpression dataReport("see the data report: `mmupt data [^`]*`");
    out.replace(dataReport,
                QObject::tr("pick the dataset again in Run setup to see what was skipped"));
    static const QRegularExpression resume("`mmupt train --resume ([^`]*)`");
    out.replace(resume, QObject::tr("Run \u25b8 Resume from checkpoint\u2026 (\\1)"));
    // Any other command line left: name it as what it is, without asking the user to type it.
    static const QRegularExpression anyCli("`(mmupt[^`]*)`");
    out.replace(anyCli, QObject::tr("the command-line tool (\\1)"));
    return out;
}

}  // namespace mmupt::ui
