// Start with more than one process (issue 14): the setup form's Processes field follows the
// device's ranks (greyed out with one), and Start runs `mmupt train [CONFIG] --set ... --nproc N`
// with exactly the config the in-process engine would get. The launcher itself is the CLI's
// (tests/core/slow/dist_slow_test.cpp runs `--nproc 2`).
#include <QSpinBox>
#include <QtTest>

#include "tests/ui/testkit/test_settings.h"
#include "ui/run_setup_panel.h"
#include "ui/train_process.h"

using namespace mmupt;

class TrainProcessTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void argumentsCarryConfigEditsAndRanks() {
        ConfigSource source;
        source.yaml_path = "/data/run.yaml";
        source.overrides = {"rollout.n=4", "trainer.output_dir=/runs/a b"};
        QCOMPARE(ui::TrainProcess::trainArguments(source, 2),
                 (QStringList{"train", "/data/run.yaml", "--set", "rollout.n=4", "--set",
                              "trainer.output_dir=/runs/a b", "--nproc", "2"}));
        ConfigSource defaults;  // no file: the edits alone over the defaults
        defaults.overrides = {"model.path=/m"};
        QCOMPARE(ui::TrainProcess::trainArguments(defaults, 3),
                 (QStringList{"train", "--set", "model.path=/m", "--nproc", "3"}));
    }

    void processesFieldIsGreyedOutWithOneDevice() {
        ui::RunSetupPanel panel(nullptr);
        auto* spin = panel.findChild<QSpinBox*>("nprocSpin");
        QVERIFY(spin);
        panel.setProcessSlots(1, "GPU");
        QVERIFY(!spin->isEnabled());
        QCOMPARE(panel.processes(), 1);
        QVERIFY(spin->toolTip().contains("One GPU"));
        panel.setProcessSlots(4, "GPU");
        QVERIFY(spin->isEnabled());
        QCOMPARE(spin->maximum(), 4);
        spin->setValue(3);
        QCOMPARE(panel.processes(), 3);
        QVERIFY(spin->toolTip().contains("--nproc"));
        panel.setProcessSlots(1, "GPU");  // the device changed to one GPU: back to one process
        QCOMPARE(panel.processes(), 1);
    }

    void startFailsClearlyWithoutTheProgram() {
        ui::TrainProcess p;
        const QString error = p.start("/nonexistent/mmupt", {"train"});
        QVERIFY2(error.contains("could not start"), qPrintable(error));
        QVERIFY(!p.running());
    }
};

QTEST_MAIN(TrainProcessTest)
#include "train_process_test.moc"
