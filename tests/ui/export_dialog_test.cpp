// The export form of Checkpoints ▸ List and export (issue 12, item 7), with the engine's rule
// (check_export → inspect_export_target): a new folder is written (created), an earlier export is
// replaced only after a yes, a folder of user files or the run directory is refused with the
// reason and Export stays disabled; the dtype choice travels with the request. (The real export
// of a trained checkpoint, dtype included: engine_session_test.) The best checkpoint by validation
// (best.json) is marked and preselected.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/export_target.h"
#include "core/session/best_checkpoint.h"
#include "core/session/run_files.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "ui/checkpoints_dialog.h"

using namespace mmupt;

namespace {
// 12 steps, checkpoints at steps 5 and 10, no images; "" or the error.
QString writeRun(const QString& run) {
    testkit::SyntheticRunOptions o;
    o.steps = 12;
    o.checkpointEvery = 5;
    o.images = false;
    return testkit::writeSyntheticRun(run, o);
}
}  // namespace

class ExportDialogTest : public QObject {
    Q_OBJECT
  private slots:
    void folderChecksConfirmAndDtype() {
        QTemporaryDir root;
        const QString run = QDir(root.path()).filePath("run");
        QCOMPARE(writeRun(run), QString());
        ui::CheckpointsDialog dialog;
        CheckpointInfo ck;
        ck.step = 10;
        ck.path = QDir(run).filePath("checkpoints/step-10").toStdString();
        dialog.setCheckpoints({ck});
        QCOMPARE(dialog.selectedPath(),
                 QString::fromStdString(ck.path));  // the newest, preselected
        QSignalSpy requested(&dialog, &ui::CheckpointsDialog::exportRequested);
        QStringList asked;
        bool answer = false;
        dialog.setConfirmHandler([&](const QString& q) {
            asked << q;
            return answer;
        });

        // A folder that does not exist yet: written (the engine creates it).
        const QString fresh = QDir(root.path()).filePath("exports/new-model");
        dialog.setExportFolder(fresh);
        QVERIFY2(dialog.exportVerdict().startsWith("✔"), qPrintable(dialog.exportVerdict()));
        dialog.setExportDtype("float16");
        dialog.requestExport();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(1).toString(), fresh);
        QCOMPARE(requested.at(0).at(2).toBool(), false);
        QCOMPARE(requested.at(0).at(3).toString(), QString("float16"));
        QVERIFY(asked.isEmpty());

        // A folder of someone's files: refused with the reason, nothing requested.
        const QString user = QDir(root.path()).filePath("my-project");
        QDir().mkpath(user);
        QFile readme(QDir(user).filePath("README.md"));
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.write("mine\n");
        readme.close();
        dialog.setExportFolder(user);
        QVERIFY(!dialog.exportAllowed());
        QVERIFY2(dialog.exportVerdict().startsWith("✖ Cannot export there: "),
                 qPrintable(dialog.exportVerdict()));
        dialog.requestExport();
        QCOMPARE(requested.count(), 1);

        // The run directory (and anything inside it): refused.
        dialog.setExportFolder(run);
        QVERIFY(!dialog.exportAllowed());
        dialog.setExportFolder(QDir(run).filePath("export-here"));
        QVERIFY(!dialog.exportAllowed());

        // An earlier export: asked first; no keeps it, yes replaces it.
        const QString earlier = QDir(root.path()).filePath("earlier");
        QDir().mkpath(earlier);
        write_export_marker(earlier.toStdString(), "somewhere", "bfloat16");
        dialog.setExportFolder(earlier);
        QVERIFY2(dialog.exportVerdict().contains("earlier mmupt export"),
                 qPrintable(dialog.exportVerdict()));
        dialog.setExportDtype(QString());  // as stored
        dialog.requestExport();
        QCOMPARE(asked.size(), 1);
        QCOMPARE(requested.count(), 1);  // answered no
        answer = true;
        dialog.requestExport();
        QCOMPARE(requested.count(), 2);
        QCOMPARE(requested.at(1).at(2).toBool(), true);
        QCOMPARE(requested.at(1).at(3).toString(), QString());
    }

    // best.json (trainer.best_metric): its checkpoint is marked and preselected; without it, or
    // with a damaged one, the newest is, unmarked.
    void bestCheckpointMarkedAndPreselected() {
        QTemporaryDir root;
        const QString run = QDir(root.path()).filePath("run");
        QCOMPARE(writeRun(run), QString());
        const auto checkpoints = list_checkpoints(run.toStdString());
        QCOMPARE(int(checkpoints.size()), 2);  // steps 5 and 10
        auto stepCell = [](ui::CheckpointsDialog& d, int row) {
            return d.findChild<QTableWidget*>()->item(row, 0)->text();
        };
        {
            ui::CheckpointsDialog plain;
            plain.setCheckpoints(checkpoints);
            QCOMPARE(plain.bestRow(), -1);
            QCOMPARE(plain.selectedPath(), QString::fromStdString(checkpoints[1].path));
            QCOMPARE(stepCell(plain, 1), QString("10"));
        }
        write_best_checkpoint(run.toStdString(), make_best(5, "val/sampled_accuracy", 0.83));
        ui::CheckpointsDialog dialog;
        dialog.setCheckpoints(checkpoints);
        QCOMPARE(dialog.bestRow(), 0);
        QCOMPARE(dialog.selectedPath(), QString::fromStdString(checkpoints[0].path));
        QCOMPARE(stepCell(dialog, 0), QString("5 (best: val/sampled_accuracy 0.83)"));
        QCOMPARE(stepCell(dialog, 1), QString("10"));

        QFile torn(QDir(run).filePath("best.json"));
        QVERIFY(torn.open(QIODevice::WriteOnly));
        torn.write("{\"step\": 5");
        torn.close();
        ui::CheckpointsDialog damaged;
        damaged.setCheckpoints(checkpoints);
        QCOMPARE(damaged.bestRow(), -1);
        QCOMPARE(damaged.selectedPath(), QString::fromStdString(checkpoints[1].path));
    }
};

QTEST_MAIN(ExportDialogTest)
#include "export_dialog_test.moc"
