// autoRunDirectory / inspectOutputDirectory / askAboutExistingRun.
#include "ui/output_directory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>

#include "core/session/run_files.h"

namespace mmupt::ui {

QString autoRunDirectory(const QDateTime& when, const QString& parent) {
    const QString base = QDir(parent).filePath(when.toString("yyyyMMdd-HHmmss"));
    QString dir = base;
    for (int i = 2; QFileInfo::exists(dir); ++i) dir = base + "-" + QString::number(i);
    return dir;
}

bool isAutoRunDirectory(const QString& dir) {
    static const QRegularExpression name("(^|/)\\d{8}-\\d{6}(-\\d+)?$");
    return name.match(QDir::fromNativeSeparators(dir)).hasMatch();
}

ExistingRun inspectOutputDirectory(const QString& dir) {
    ExistingRun run;
    if (dir.isEmpty() || !QFileInfo(dir).isDir()) return run;
    QFile metrics(QDir(dir).filePath(run_files::kMetrics));
    if (metrics.open(QIODevice::ReadOnly))
        while (!metrics.atEnd())
            if (!metrics.readLine().trimmed().isEmpty()) ++run.steps;
    const auto checkpoints = list_checkpoints(dir.toStdString());
    if (!checkpoints.empty()) run.lastCheckpoint = checkpoints.back().step;
    run.holdsRun = run.steps > 0 || !checkpoints.empty();
    run.canContinue =
        !checkpoints.empty() && QFileInfo::exists(QDir(dir).filePath(run_files::kConfig));
    return run;
}

OutputChoice askAboutExistingRun(QWidget* parent, const QString& dir, const ExistingRun& run) {
    QMessageBox box(QMessageBox::Question, QObject::tr("Output directory in use"),
                    QObject::tr("<p><b>%1</b> already holds a run (%2 steps logged).</p>")
                        .arg(dir.toHtmlEscaped())
                        .arg(run.steps),
                    QMessageBox::Cancel, parent);
    box.setObjectName("existingRunDialog");
    QPushButton* cont = nullptr;
    if (run.canContinue) {
        cont = box.addButton(QObject::tr("Continue this run"), QMessageBox::AcceptRole);
        box.setInformativeText(
            QObject::tr("Continue it from its checkpoint at step %1 (with the settings it was "
                        "started with), or start this run in a new directory.")
                .arg(run.lastCheckpoint));
    } else {
        box.setInformativeText(
            QObject::tr("It has no complete checkpoint to continue from. Start this run in a new "
                        "directory, or cancel and change Output in Run setup."));
    }
    QPushButton* fresh = box.addButton(QObject::tr("New directory"), QMessageBox::ActionRole);
    box.setDefaultButton(cont ? cont : fresh);
    box.exec();
    if (cont && box.clickedButton() == cont) return OutputChoice::continueRun;
    if (box.clickedButton() == fresh) return OutputChoice::newDirectory;
    return OutputChoice::cancel;
}

}  // namespace mmupt::ui
