// Checks on the values shown: cross-field rules use the form's current values (mini = 2, G = 8,
// micro = 16 is fine although the defaults would say "must divide 40"), and after every kind of
// load (Load config…, --config through MainWindow::loadConfig, opening a run directory) the
// model, dataset and config lines describe what was loaded, with nothing left from before.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/synthetic_run.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;

namespace {
// A panel showing stale-looking errors: a model folder that is not one, and a broken .json.
void pickBrokenThings(ui::RunSetupPanel& panel, const QTemporaryDir& tmp) {
    testkit::writeFile(tmp.filePath("bad/config.json"), "{}");
    testkit::writeFile(tmp.filePath("bad.json"), "{ not an array");
    QVERIFY(!panel.pickModel(tmp.filePath("bad")));
    QVERIFY(!panel.pickDataset(tmp.filePath("bad.json")));
    QVERIFY(panel.datasetStatus().contains("not a JSON array"));
    QVERIFY(panel.modelStatus().contains("safetensors"));
}

QByteArray goodConfig(const QTemporaryDir& tmp) {
    return QStringLiteral("model:\n  path: %1\ndata:\n  train_files: [%2]\n")
        .arg(tmp.filePath("model"), tmp.filePath("images"))
        .toUtf8();
}
}  // namespace

class SetupChecksTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void crossFieldCheckUsesShownValues() {
        ui::ConfigForm form;
        QCOMPARE(form.setValue("trainer.mini_batch_size", "2"), QString());
        QCOMPARE(form.setValue("rollout.n", "8"), QString());
        QCOMPARE(form.setValue("trainer.micro_batch_size", "16"), QString());
        QCOMPARE(form.fieldProblem("trainer.micro_batch_size"), QString());
        QCOMPARE(form.invalidFields(), QStringList());
        auto* micro = form.findChild<QWidget*>("field:trainer.micro_batch_size");
        QCOMPARE(micro->styleSheet(), QString());  // not outlined

        // 5 does not divide 2 × 8 = 16: flagged, naming the product of the values shown.
        form.setValue("trainer.micro_batch_size", "5");
        QString problem = form.fieldProblem("trainer.micro_batch_size");
        QVERIFY2(problem.contains("must divide") && problem.contains("16"), qPrintable(problem));
        QVERIFY(micro->styleSheet().contains("border"));
        // Changing another field (G = 10 → 20 responses... still no) and back re-checks micro.
        form.setValue("trainer.micro_batch_size", "4");
        QCOMPARE(form.fieldProblem("trainer.micro_batch_size"), QString());
        form.setValue("rollout.n", "3");  // 2 × 3 = 6: 4 no longer divides it
        QVERIFY(!form.fieldProblem("trainer.micro_batch_size").isEmpty());
        QVERIFY(micro->styleSheet().contains("border"));
    }

    void loadConfigLeavesNoStaleStatus() {  // File ▸ Load config… (the dialog calls this)
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 3);
        testkit::writeFile(tmp.filePath("good.yaml"), goodConfig(tmp));
        testkit::writeFile(tmp.filePath("broken.yaml"), "rollout: [1, 2\n");
        ui::RunSetupPanel panel(nullptr);
        pickBrokenThings(panel, tmp);

        QVERIFY(!panel.loadConfigFile(tmp.filePath("broken.yaml")).isEmpty());
        QVERIFY2(panel.configStatus().contains("broken.yaml was not loaded"),
                 qPrintable(panel.configStatus()));
        QCOMPARE(panel.loadConfigFile(tmp.filePath("good.yaml")), QString());
        QVERIFY2(!panel.datasetStatus().contains("JSON array"), qPrintable(panel.datasetStatus()));
        QVERIFY2(panel.datasetStatus().contains("✔ 3 examples"), qPrintable(panel.datasetStatus()));
        QVERIFY2(panel.modelStatus().contains("✔ Qwen2VLForConditionalGeneration"),
                 qPrintable(panel.modelStatus()));
        QVERIFY(panel.modelOk() && panel.datasetOk());
        QVERIFY2(!panel.configStatus().contains("not loaded"), qPrintable(panel.configStatus()));
        QVERIFY(panel.configStatus().contains("good.yaml"));

        // A config without a model or dataset clears those lines instead of keeping them.
        testkit::writeFile(tmp.filePath("empty.yaml"), "rollout:\n  n: 4\n");
        QCOMPARE(panel.loadConfigFile(tmp.filePath("empty.yaml")), QString());
        QCOMPARE(panel.modelStatus(), QString());
        QCOMPARE(panel.datasetStatus(), QString());
        QCOMPARE(panel.thumbnailCount(), 0);
        QVERIFY(!panel.modelOk() && !panel.datasetOk());
    }

    void commandLineConfigLeavesNoStaleStatus() {  // mmupt-studio --config FILE
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 2);
        testkit::writeFile(tmp.filePath("good.yaml"), goodConfig(tmp));
        auto owned = std::make_unique<testkit::FakeSession>();
        testkit::FakeSession* session = owned.get();
        ui::MainWindow window(std::move(owned));
        pickBrokenThings(*window.setupPanel(), tmp);
        QCOMPARE(window.loadConfig(tmp.filePath("good.yaml")), QString());
        // The engine was asked about the loaded file, not the defaults (or the file before).
        QCOMPARE(QString::fromStdString(session->lastInspected().yaml_path),
                 tmp.filePath("good.yaml"));
        QVERIFY(!window.setupPanel()->datasetStatus().contains("JSON array"));
        QVERIFY(window.setupPanel()->datasetStatus().contains("✔"));
        QVERIFY(window.setupPanel()->modelStatus().contains("✔"));
        // The engine's check ran on the loaded values too (the fake reports 2200 M parameters).
        QVERIFY(window.setupPanel()->modelStatus().contains("2200 M"));
    }

    void openingARunLeavesNoStaleStatus() {
        QTemporaryDir tmp;
        testkit::SyntheticRunOptions options;
        options.steps = 4;
        options.images = false;
        QCOMPARE(testkit::writeSyntheticRun(tmp.filePath("run"), options), QString());
        ui::MainWindow window(nullptr);
        pickBrokenThings(*window.setupPanel(), tmp);
        QVERIFY(window.openRunDirectory(tmp.filePath("run")));
        ui::RunSetupPanel* panel = window.setupPanel();
        // The run's config names /models/Qwen2-VL-2B-Instruct and synthetic.jsonl, which do
        // not exist here: the lines say so, about those paths, not about the earlier picks.
        QVERIFY2(!panel->datasetStatus().contains("JSON array"),
                 qPrintable(panel->datasetStatus()));
        QVERIFY2(panel->datasetStatus().contains("synthetic.jsonl"),
                 qPrintable(panel->datasetStatus()));
        QVERIFY2(panel->modelStatus().contains("Qwen2-VL-2B-Instruct"),
                 qPrintable(panel->modelStatus()));
        QVERIFY(!panel->modelStatus().contains("safetensors"));
    }
};

QTEST_MAIN(SetupChecksTest)
#include "setup_checks_test.moc"
