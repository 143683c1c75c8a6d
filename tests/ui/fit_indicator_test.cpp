// "Will it fit?" on the setup form (issue 13): the planner's peak against the device's free
// memory (injected here), green for a tiny model on a roomy device, red with the setting to
// change when the peak exceeds the free memory, recomputed when a setting changes; the verdict's
// advice (judgeFit) follows the planner's largest fit, LoRA and gradient checkpointing.
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/model/model_config.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/config_form.h"
#include "ui/fit_indicator.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;
using namespace mmupt::ui;

namespace {

constexpr qint64 kGB = 1000LL * 1000 * 1000;

// A model directory the file checks accept, with the tiny Qwen2-VL config.json (D = 32, L = 2).
void makeTinyModel(const QString& dir) {
    testkit::makeModelDir(dir);
    testkit::writeFile(
        dir + "/config.json",
        QByteArray::fromStdString(tiny_model_config(ModelArch::qwen2_vl).to_json().dump()));
}

FreeMemorySource fixedFree(qint64 bytes, int* calls = nullptr) {
    return [bytes, calls](const QString&) {
        if (calls) ++*calls;
        return FreeMemoryReading{bytes, "cpu", "test", bytes ? QString() : QString("no reading")};
    };
}

}  // namespace

class FitIndicatorTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void greenForATinyModelRedWhenThePeakExceedsFreeMemory() {
        QTemporaryDir tmp;
        makeTinyModel(tmp.filePath("tiny"));
        RunSetupPanel panel(nullptr);
        FitIndicator* fit = panel.fitIndicator();
        QVERIFY(fit);
        fit->setFreeMemorySource(fixedFree(64 * kGB));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::none);  // no model yet
        QVERIFY(fit->isHidden());

        QVERIFY(panel.pickModel(tmp.filePath("tiny")));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::fits);
        QVERIFY2(fit->text().contains("#2e9d3e"), qPrintable(fit->text()));  // green
        QVERIFY(fit->verdict().headline.contains("Fits"));
        QVERIFY(fit->verdict().advice.isEmpty());
        QVERIFY(!fit->isHidden());

        // 1 MB free: the runtime alone is more; red, naming what to change.
        fit->setFreeMemorySource(fixedFree(1000 * 1000));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::tooBig);
        QVERIFY2(fit->text().contains("#d0352b"), qPrintable(fit->text()));  // red
        QVERIFY(fit->verdict().headline.contains("Does not fit"));
        QVERIFY(!fit->verdict().advice.isEmpty());

        // Free memory unknown: the peak alone, grey, with the reason.
        fit->setFreeMemorySource(fixedFree(0));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::unknown);
        QVERIFY(fit->verdict().headline.contains("no reading"));
    }

    void recomputedWhenASettingChanges() {
        QTemporaryDir tmp;
        makeTinyModel(tmp.filePath("tiny"));
        RunSetupPanel panel(nullptr);
        FitIndicator* fit = panel.fitIndicator();
        int calls = 0;
        fit->setFreeMemorySource(fixedFree(64 * kGB, &calls));
        QVERIFY(panel.pickModel(tmp.filePath("tiny")));
        QTRY_COMPARE(fit->verdict().state, FitVerdict::State::fits);
        const QString before = fit->toolTip();
        QVERIFY2(before.contains("= 160"), qPrintable(before));  // rollout.n 10 x batch 16
        const int callsBefore = calls;
        panel.form()->setValue("rollout.n", "8");
        QTRY_VERIFY(calls > callsBefore);
        QVERIFY2(fit->toolTip().contains("= 128"), qPrintable(fit->toolTip()));
    }

    void brokenModelConfigIsAMessageNotACrash() {
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("m"));  // config.json without dimensions
        RunSetupPanel panel(nullptr);
        FitIndicator* fit = panel.fitIndicator();
        fit->setFreeMemorySource(fixedFree(64 * kGB));
        panel.pickModel(tmp.filePath("m"));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::unknown);
        QVERIFY2(fit->verdict().headline.contains("config.json"),
                 qPrintable(fit->verdict().headline));
        // A path that is no directory: the picker's status says so; no second message here.
        panel.form()->setValue("model.path", tmp.filePath("missing"));
        fit->recompute();
        QCOMPARE(fit->verdict().state, FitVerdict::State::none);
        QVERIFY(fit->isHidden());
    }

    void adviceFollowsThePlanner() {
        MemoryPlan plan;
        plan.rollout_rows = 16;
        plan.full.peak = 10 * kGB;
        plan.full.max_rollout_rows = 4;
        plan.full.peak_phase = "update";
        plan.full.activations = plan.full.activations_full = 3 * kGB;
        plan.full.activations_checkpointed = 1 * kGB;
        plan.lora.peak = 5 * kGB;
        const FreeMemoryReading free{8 * kGB, "cuda:0", "test", {}};
        FitVerdict v = judgeFit(plan, free);
        QCOMPARE(v.state, FitVerdict::State::tooBig);
        QVERIFY2(v.advice.contains("rollout.n × trainer.rollout_batch_size to ≤ 4 (now 16)"),
                 qPrintable(v.advice));
        QVERIFY2(v.advice.contains("enable model.lora"), qPrintable(v.advice));
        QVERIFY2(v.advice.contains("model.gradient_checkpointing"), qPrintable(v.advice));
        QVERIFY(v.headline.contains("10.0 GB") && v.headline.contains("8.0 GB"));

        plan.lora_enabled = true;  // the LoRA column decides: 5 GB fits in 8
        v = judgeFit(plan, free);
        QCOMPARE(v.state, FitVerdict::State::fits);
        QVERIFY(v.headline.contains("LoRA"));

        plan.lora.peak = 9 * kGB;  // nothing the planner knows fits
        plan.lora.max_rollout_rows = 0;
        v = judgeFit(plan, free);
        QCOMPARE(v.state, FitVerdict::State::tooBig);
        QVERIFY2(v.advice.contains("even one rollout row"), qPrintable(v.advice));
    }
};

QTEST_MAIN(FitIndicatorTest)
#include "fit_indicator_test.moc"
