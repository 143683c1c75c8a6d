// The last setup comes back on the next launch: model, dataset, question template and edits
// (with the config file they were made against) are kept in QSettings, here redirected into a
// temporary directory. An auto-named output directory is not kept (each launch makes a new one);
// a chosen one is.
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/output_directory.h"
#include "ui/question_template.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;

class SetupSettingsTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_settings;

  private slots:
    void initTestCase() {
        QVERIFY(m_settings.isValid());
        testkit::useSettingsIn(m_settings.path());
    }

    void lastSetupRestoredOnNextLaunch() {
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 3);
        testkit::writeFile(tmp.filePath("base.yaml"), "rollout:\n  temperature: 0.9\n");
        {
            ui::MainWindow window(std::make_unique<testkit::FakeSession>());
            ui::RunSetupPanel* panel = window.setupPanel();
            QCOMPARE(panel->loadConfigFile(tmp.filePath("base.yaml")), QString());
            QVERIFY(panel->pickModel(tmp.filePath("model")));
            QVERIFY(panel->pickDataset(tmp.filePath("images")));
            panel->form()->setValue("rollout.n", "8");
            panel->form()->setValue("data.image_folder_template", "Count the dots.");
            window.show();
            QVERIFY(window.close());
        }  // destroyed
        ui::MainWindow window(std::make_unique<testkit::FakeSession>());
        ui::RunSetupPanel* panel = window.setupPanel();
        QCOMPARE(panel->configPath(), tmp.filePath("base.yaml"));
        QCOMPARE(panel->form()->value("rollout.temperature"), QString("0.9"));  // from the file
        QCOMPARE(panel->form()->value("rollout.n"), QString("8"));
        QCOMPARE(panel->form()->value("model.path"), tmp.filePath("model"));
        QCOMPARE(ui::listItems(panel->form()->value("data.train_files")),
                 QStringList{tmp.filePath("images")});
        QCOMPARE(panel->form()->value("data.image_folder_template"), QString("Count the dots."));
        // Checked again on restore: statuses, thumbnails, the question line.
        QVERIFY(panel->modelOk());
        QVERIFY(panel->datasetOk());
        QCOMPARE(panel->thumbnailCount(), 3);
        QVERIFY(panel->questionEditor()->previewText().startsWith("Count the dots."));
        QVERIFY(ui::isAutoRunDirectory(panel->form()->value("trainer.output_dir")));
        // The edits are still edits against base.yaml (the CLI line says so).
        QVERIFY2(panel->cliCommand().contains("--set rollout.n=8"),
                 qPrintable(panel->cliCommand()));
    }

    void chosenOutputDirectoryKeptMissingConfigSaid() {
        QTemporaryDir tmp;
        testkit::writeFile(tmp.filePath("gone.yaml"), "rollout:\n  n: 4\n");
        {
            ui::MainWindow window(nullptr);
            ui::RunSetupPanel* panel = window.setupPanel();
            QCOMPARE(panel->loadConfigFile(tmp.filePath("gone.yaml")), QString());
            panel->form()->setValue("trainer.output_dir", tmp.filePath("my-run"));
            panel->form()->setValue("optim.lr", "2e-06");
        }
        QFile::remove(tmp.filePath("gone.yaml"));
        ui::MainWindow window(nullptr);
        ui::RunSetupPanel* panel = window.setupPanel();
        QCOMPARE(panel->form()->value("trainer.output_dir"), tmp.filePath("my-run"));
        QCOMPARE(panel->form()->value("optim.lr"), QString("2e-06"));
        QVERIFY2(panel->configStatus().contains("gone.yaml") &&
                     panel->configStatus().contains("is gone"),
                 qPrintable(panel->configStatus()));
    }

    void panelsWithoutRestoreDoNotTouchSettings() {
        QSettings().clear();
        {
            ui::RunSetupPanel panel(nullptr);
            panel.form()->setValue("rollout.n", "3");
        }
        QVERIFY(!QSettings().contains("setup/edits"));
    }
};

QTEST_MAIN(SetupSettingsTest)
#include "setup_settings_test.moc"
