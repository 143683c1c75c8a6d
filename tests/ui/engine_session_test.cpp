// The studio on the real engine (create_session()) and a random tiny Qwen2-VL made by the CLI:
// the vote preview fills its panel (G responses, answers, histogram, ratio, rewards); a 2-step
// worker-thread run drives every metric card and the samples view and writes its run directory;
// Checkpoints ▸ Export writes a directory `mmupt inspect` accepts; models the engine rejects show
// its error in the setup form. The model's answers are noise: these check plumbing, not learning.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>
#include <set>

#include "core/session/run_files.h"
#include "core/session/session.h"
#include "tests/ui/testkit/engine_setup.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/checkpoints_dialog.h"
#include "ui/config_form.h"
#include "ui/group_detail_view.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"
#include "ui/samples_panel.h"
#include "ui/session_bridge.h"
#include "ui/vote_histogram.h"
#include "ui/vote_preview_panel.h"
#include "ui/vote_summary.h"

using namespace mmupt;

namespace {
constexpr int kEngineTimeoutMs = 120000;  // a job of the tiny model takes seconds

std::vector<RolloutGroup> receivedGroups(const QSignalSpy& spy) {
    std::vector<RolloutGroup> all;
    for (const auto& args : spy) {
        auto groups = args.at(0).value<std::vector<RolloutGroup>>();
        all.insert(all.end(), groups.begin(), groups.end());
    }
    return all;
}

QString warningText(const ui::MainWindow& window) {
    auto* box = window.findChild<QMessageBox*>("warningDialog");
    return box ? box->text() : QString();
}

// What a group's vote must look like whatever the model answered (abstain policy, majority-vote
// reward): the ratio is the majority cluster's share of G, rewards are 1 exactly there.
void checkVoteConsistent(const RolloutGroup& g, int G) {
    QCOMPARE(int(g.responses.size()), G);
    std::optional<int> major = ui::majorityCluster(g);
    const int majoritySize = major ? int(g.clusters[size_t(*major)].members.size()) : 0;
    QCOMPARE(g.majority_ratio, double(majoritySize) / G);
    for (const SampledResponse& r : g.responses) {
        QCOMPARE(r.answer.has_value(), r.cluster >= 0);
        QCOMPARE(r.reward, major && r.cluster == *major ? 1.0 : 0.0);
    }
}
}  // namespace

class EngineSessionTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        mmupt::testkit::useClearedTestSettings();
        QVERIFY(m_tmp.isValid());
        m_setup = testkit::makeEngineSetup(MMUPT_CLI_PATH, m_tmp.filePath("tiny"));
        QVERIFY2(m_setup.error.isEmpty(), qPrintable(m_setup.error));
    }

    void previewVotesFillsPanel() {
        constexpr int G = 5, kImages = 3;
        ui::MainWindow window(create_session());
        window.show();
        const QString runDir = m_tmp.filePath("preview-run");
        testkit::applyTinyRunSettings(window.setupPanel()->form(), m_setup.sftModelDir,
                                      m_setup.dataFile, runDir, 1, G);
        QSignalSpy groupsSpy(window.bridge(), &ui::SessionBridge::groupsReceived);
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        emit window.votePreview()->previewRequested(kImages);
        QVERIFY2(warningText(window).isEmpty(), qPrintable(warningText(window)));
        QVERIFY(ended.wait(kEngineTimeoutMs));
        auto result = ended.at(0).at(0).value<RunFinished>();
        QVERIFY2(result.state == RunState::finished, result.message.c_str());

        const std::vector<RolloutGroup> groups = receivedGroups(groupsSpy);
        QCOMPARE(int(groups.size()), kImages);
        QCOMPARE(window.votePreview()->groupCount(), kImages);
        QCOMPARE(int(window.store()->groups().size()), 0);  // a preview is not training data
        QVERIFY(!QFileInfo::exists(runDir));                // and writes no run directory

        auto* list = window.votePreview()->findChild<QListWidget*>("previewList");
        QVERIFY(list);
        QCOMPARE(list->count(), kImages);
        ui::GroupDetailView* detail = window.votePreview()->detail();
        auto* responses = detail->findChild<QTextBrowser*>("responsesBrowser");
        QVERIFY(responses);
        std::set<std::string> ids;
        int answered = 0;
        for (int i = 0; i < kImages; ++i) {
            const RolloutGroup& g = groups[size_t(i)];
            checkVoteConsistent(g, G);
            if (QTest::currentTestFailed()) return;
            QVERIFY(g.label.has_value());  // demo data carries hidden labels
            QVERIFY2(QFileInfo::exists(window.store()->resolveImage(g.image_path)),
                     g.image_path.c_str());
            ids.insert(g.group_id);
            QVERIFY(list->item(i)->text().contains(
                QStringLiteral("agreement %1").arg(g.majority_ratio, 0, 'f', 2)));

            list->setCurrentRow(i);
            // Histogram: one bar per cluster plus "no answer", counts adding up to G.
            int total = 0, noAnswer = 0;
            QString majorityBar;
            for (const ui::VoteBar& bar : detail->histogram()->bars()) {
                total += bar.count;
                if (bar.noAnswer) noAnswer = bar.count;
                if (bar.majority) majorityBar = bar.label;
            }
            QCOMPARE(total, G);
            QCOMPARE(noAnswer, ui::noAnswerCount(g));
            QCOMPARE(majorityBar, ui::majorityAnswer(g));
            answered += G - noAnswer;
            // Every response in full, with its extracted answer and reward.
            const QString text = responses->toPlainText();
            for (int k = 0; k < G; ++k) {
                const SampledResponse& r = g.responses[size_t(k)];
                QString head = QStringLiteral("#%1 · answer %2 · reward %3 · %4 tokens")
                                   .arg(k)
                                   .arg(r.answer ? QString::fromStdString(*r.answer) : "(none)")
                                   .arg(r.reward, 0, 'g', 3)
                                   .arg(r.num_tokens);
                QVERIFY2(text.contains(head), qPrintable(head + " not in:\n" + text));
                QVERIFY(r.num_tokens >= 1 && r.num_tokens <= 8);  // rollout.max_new_tokens
            }
            bool ratioShown = false;
            for (auto* label : detail->findChildren<QLabel*>())
                ratioShown |= label->text().contains(
                    QStringLiteral("ratio %1").arg(g.majority_ratio, 0, 'f', 2));
            QVERIFY(ratioShown);
        }
        QCOMPARE(int(ids.size()), kImages);  // the first K distinct examples
        // The SFT'd model answers in the boxed format: extracted answers and votes, not only
        // abstentions, reach the panel.
        QVERIFY2(answered > 0, "no response of the SFT model had a boxed answer");
    }

    void trainingDrivesCardsAndSamples() {
        constexpr int G = 4, kSteps = 2, kPrompts = 2;  // trainer.rollout_batch_size
        ui::MainWindow window(create_session());
        window.show();
        const QString runDir = m_tmp.filePath("train-run");
        testkit::applyTinyRunSettings(window.setupPanel()->form(), m_setup.sftModelDir,
                                      m_setup.dataFile, runDir, kSteps, G);
        QSignalSpy stepsSpy(window.bridge(), &ui::SessionBridge::stepsReceived);
        QSignalSpy groupsSpy(window.store(), &ui::RunStore::groupsAppended);
        QSignalSpy checkpointsSpy(window.bridge(), &ui::SessionBridge::checkpointsSaved);
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        window.startTraining();
        QVERIFY2(warningText(window).isEmpty(), qPrintable(warningText(window)));
        QVERIFY(ended.wait(kEngineTimeoutMs));
        auto result = ended.at(0).at(0).value<RunFinished>();
        QVERIFY2(result.state == RunState::finished, result.message.c_str());
        QCOMPARE(result.last_step, kSteps);
        QCOMPARE(QDir(QString::fromStdString(result.run_dir)).canonicalPath(),
                 QDir(runDir).canonicalPath());

        // Signals from the worker thread, coalesced by the bridge.
        int stepsDelivered = 0;
        for (const auto& args : stepsSpy)
            stepsDelivered += int(args.at(0).value<std::vector<StepMetrics>>().size());
        QCOMPARE(stepsDelivered, kSteps);
        QVERIFY(groupsSpy.count() >= 1);
        QVERIFY(checkpointsSpy.count() >= 1);
        QCOMPARE(int(window.store()->steps().size()), kSteps);
        QCOMPARE(window.store()->steps().back().step, kSteps);

        // Every card, the label ones included (the demo data is labelled), got both steps: a
        // key the engine does not write leaves its card empty and fails here.
        // The collapse/* cards join the check once the engine writes any collapse/* key.
        bool collapseSignals = false;
        for (const auto& [key, value] : window.store()->steps().back().values)
            collapseSignals = collapseSignals || key.rfind("collapse/", 0) == 0;
        for (ui::MetricCard* card : window.metricsPanel()->cards()) {
            if (!collapseSignals && card->keys().value(0).startsWith("collapse/")) continue;
            QVERIFY2(card->seriesSize() == kSteps, qPrintable(card->keys().join(',')));
        }
        ui::MetricCard* reward = window.metricsPanel()->card("reward/mean");
        QTRY_COMPARE_WITH_TIMEOUT(reward->rawPointCount(), kSteps, 2000);
        QVERIFY(window.runStatusBar()->stepText().contains(QStringLiteral("%1 / %1").arg(kSteps)));

        // Samples view: every step's groups in the table, the latest step's as tiles.
        QCOMPARE(int(window.store()->groups().size()), kSteps * kPrompts);
        QCOMPARE(window.samplesPanel()->tableRowCount(), kSteps * kPrompts);
        QCOMPARE(window.samplesPanel()->gridCount(), kPrompts);
        for (const RolloutGroup& g : window.store()->groups()) {
            checkVoteConsistent(g, G);
            if (QTest::currentTestFailed()) return;
        }

        // The run directory: metrics.jsonl with steps 1..2, samples.jsonl, the final checkpoint.
        QFile metrics(QDir(runDir).filePath("metrics.jsonl"));
        QVERIFY(metrics.open(QIODevice::ReadOnly | QIODevice::Text));
        QList<int> steps;
        for (const QByteArray& line : metrics.readAll().split('\n'))
            if (!line.trimmed().isEmpty())
                steps << QJsonDocument::fromJson(line).object().value("step").toInt(-1);
        QCOMPARE(steps, (QList<int>{1, 2}));
        RunSnapshot replay = read_run_directory(runDir.toStdString());
        QCOMPARE(int(replay.groups.size()), kSteps * kPrompts);
        auto checkpoints = list_checkpoints(runDir.toStdString());
        QCOMPARE(int(checkpoints.size()), 1);
        QCOMPARE(checkpoints[0].step, kSteps);
        QCOMPARE(int(window.store()->checkpoints().size()), 1);
        m_trainedRun = runDir;
    }

    void exportWritesDirectoryInspectAccepts() {
        if (m_trainedRun.isEmpty()) QSKIP("needs trainingDrivesCardsAndSamples' run");
        ui::MainWindow window(create_session());
        QVERIFY(window.openRunDirectory(m_trainedRun));
        // Checkpoints ▸ List and export…: the dialog lists the run's checkpoint; Export… asks for
        // a directory and emits exportRequested, which is what this test emits.
        ui::CheckpointsDialog* dialog = window.checkpointsDialog();
        dialog->setCheckpoints(window.store()->checkpoints());
        QCOMPARE(dialog->rowCount(), 1);
        dialog->selectRow(0);
        const QString checkpoint = dialog->selectedPath();
        QVERIFY(checkpoint.endsWith("checkpoints/step-2"));
        const QString out = m_tmp.filePath("exported");
        QSignalSpy progress(window.bridge(), &ui::SessionBridge::progressReported);
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        emit dialog->exportRequested(checkpoint, out, /*replace=*/false, /*dtype=*/QString());
        QVERIFY(ended.wait(kEngineTimeoutMs));
        auto result = ended.at(0).at(0).value<RunFinished>();
        QVERIFY2(result.state == RunState::finished, result.message.c_str());
        QVERIFY(progress.count() >= 1);
        QCOMPARE(progress.last().at(1).toDouble(), 1.0);
        QVERIFY(!QFileInfo::exists(QDir(out).filePath("optimizer.safetensors")));

        // `mmupt inspect` accepts the directory: the checkpoint's tensors, all of them.
        auto inspect = [](const QString& dir) {
            testkit::CliResult r = testkit::runCli(MMUPT_CLI_PATH, {"inspect", "--json", dir});
            [&] { QVERIFY2(r.exitCode == 0, qPrintable(r.output)); }();
            return QJsonDocument::fromJson(r.output.toUtf8()).object();
        };
        QJsonObject exported = inspect(out), source = inspect(checkpoint);
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(exported.value("total_parameters").toInteger() > 0);
        QCOMPARE(exported.value("total_parameters"), source.value("total_parameters"));
        const QJsonArray tensors = exported.value("tensors").toArray();
        QCOMPARE(tensors.size(), source.value("tensors").toArray().size());
        // The checkpoint's own dtype is kept (the run trained in float32 on the CPU).
        for (const QJsonValue& t : tensors)
            QCOMPARE(t.toObject().value("dtype").toString(), QString("F32"));
        QFile config(QDir(out).filePath("config.json"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object().value("model_type"),
                 QJsonValue("qwen2_vl"));
        // And the studio's own model check accepts it as a model to train.
        QVERIFY2(window.setupPanel()->pickModel(out),
                 qPrintable(window.setupPanel()->modelStatus()));

        // Again through the dialog's form (issue 12, item 7): the same folder is now an earlier
        // export (replaced only after a yes), the stored dtype is shown, bfloat16 is chosen.
        dialog->setExportFolder(out);
        QVERIFY2(dialog->exportVerdict().contains("earlier mmupt export"),
                 qPrintable(dialog->exportVerdict()));
        QCOMPARE(dialog->storedDtype(), QString("float32"));
        QStringList asked;
        dialog->setConfirmHandler([&asked](const QString& q) {
            asked << q;
            return true;
        });
        dialog->setExportDtype("bfloat16");
        ended.clear();
        dialog->requestExport();
        QCOMPARE(asked.size(), 1);
        QVERIFY(ended.wait(kEngineTimeoutMs));
        result = ended.at(0).at(0).value<RunFinished>();
        QVERIFY2(result.state == RunState::finished, result.message.c_str());
        for (const QJsonValue& t : inspect(out).value("tensors").toArray())
            QCOMPARE(t.toObject().value("dtype").toString(), QString("BF16"));
        // The run directory itself is refused, with the reason, and Export stays disabled.
        dialog->setExportFolder(m_trainedRun);
        QVERIFY(!dialog->exportAllowed());
        QVERIFY2(dialog->exportVerdict().startsWith("✖ Cannot export there: "),
                 qPrintable(dialog->exportVerdict()));
    }

    void closeDuringRunStopsAtNextStepWithCheckpoint() {
        auto* window = new ui::MainWindow(create_session());
        window->show();
        const QString runDir = m_tmp.filePath("closed-run");
        testkit::applyTinyRunSettings(window->setupPanel()->form(), m_setup.sftModelDir,
                                      m_setup.dataFile, runDir, /*maxSteps=*/1000);
        QStringList asked;
        window->setConfirmHandler([&](const QString& q) {
            asked << q;
            return true;
        });
        window->startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(window->store()->steps().size() >= 1, kEngineTimeoutMs);
        QVERIFY(window->close());  // asks, stops at the next step, waits for `finished`
        QCOMPARE(asked.size(), 1);
        QCOMPARE(window->session()->state(), RunState::finished);
        delete window;
        auto checkpoints = list_checkpoints(runDir.toStdString());
        QCOMPARE(int(checkpoints.size()), 1);
        QVERIFY(checkpoints[0].step >= 1 && checkpoints[0].step < 1000);
        QCOMPARE(int(read_run_directory(runDir.toStdString()).metrics.size()), checkpoints[0].step);
    }

    void engineRejectsModelInForm_data() {
        QTest::addColumn<QString>("corruption");
        QTest::addColumn<QString>("expected");
        // corruption, a phrase of the engine's message
        const char* rows[][3] = {{"wrong architecture", "llama", "unsupported model_type"},
                                 {"config without text fields", "fields", "vocab_size"},
                                 {"truncated weights", "weights", "truncated"}};
        for (const auto& row : rows) QTest::newRow(row[0]) << QString(row[1]) << QString(row[2]);
    }
    void engineRejectsModelInForm() {
        QFETCH(QString, corruption);
        QFETCH(QString, expected);
        const QString dir = m_tmp.filePath("bad-" + corruption);
        QVERIFY(QDir().mkpath(dir));
        for (const QString& name : QDir(m_setup.modelDir).entryList(QDir::Files))
            QVERIFY(QFile::copy(QDir(m_setup.modelDir).filePath(name), QDir(dir).filePath(name)));
        if (corruption == "weights") {
            QFile weights(QDir(dir).filePath("model.safetensors"));
            QVERIFY(weights.resize(weights.size() / 2));
        } else {
            QFile config(QDir(dir).filePath("config.json"));
            QVERIFY(config.open(QIODevice::ReadWrite));
            QJsonObject o = QJsonDocument::fromJson(config.readAll()).object();
            if (corruption == "llama") {
                o["architectures"] = QJsonArray{"LlamaForCausalLM"};
                o["model_type"] = "llama";
            } else {
                o = QJsonObject{{"architectures", QJsonArray{"Qwen2VLForConditionalGeneration"}},
                                {"model_type", "qwen2_vl"}};
            }
            QVERIFY(config.resize(0));
            config.write(QJsonDocument(o).toJson());
        }

        ui::MainWindow window(create_session());
        window.show();
        ui::RunSetupPanel* setup = window.setupPanel();
        QVERIFY(setup->pickModel(m_setup.modelDir));  // the good model first: its summary
        // The engine's summary; a ~0.4M-parameter model reads in K, not "0 M", and its memory
        // (the planner's training peak at the default config, GBs of rollout logits) not "0.0 GB".
        static const QRegularExpression summary(
            "Qwen2VLForConditionalGeneration · qwen2_vl · [1-9][0-9]* K parameters · float32 · "
            "~([1-9][0-9]* MB|[1-9][0-9]*(\\.[0-9])? GB|0\\.[1-9] GB)");
        QVERIFY2(setup->modelStatus().contains(summary), qPrintable(setup->modelStatus()));
        QVERIFY(!setup->pickModel(dir));
        const QString status = setup->modelStatus();
        QVERIFY2(status.contains("✖"), qPrintable(status));
        QVERIFY2(status.contains(expected), qPrintable(status));  // the engine's message
        QVERIFY(!status.contains("✔"));
        QCOMPARE(setup->form()->value("model.path"), dir);
        QVERIFY(!window.findChild<QMessageBox*>());  // in the form, not a dialog
        QCOMPARE(window.session()->state(), RunState::idle);
    }

    void datasetPicksCheckedByEngine() {
        ui::MainWindow window(create_session());
        ui::RunSetupPanel* setup = window.setupPanel();
        QVERIFY2(setup->pickDataset(m_setup.dataFile), qPrintable(setup->datasetStatus()));
        QVERIFY2(setup->datasetStatus().contains("16 examples · 16 images ok · 0 skipped · "
                                                 "16 labelled"),
                 qPrintable(setup->datasetStatus()));
        QCOMPARE(setup->thumbnailCount(), 8);

        // Records whose images are all missing: the file check only warns, the engine skips
        // every record, and the form says there is nothing to train on.
        const QString bad = m_tmp.filePath("missing-images.jsonl");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "{\"problem\": \"How many?\", \"image\": \"nope-0.png\", \"answer\": \"1\"}\n"
            "{\"problem\": \"How many?\", \"image\": \"nope-1.png\"}\n");
        f.close();
        QVERIFY(!setup->pickDataset(bad));
        const QString status = setup->datasetStatus();
        QVERIFY2(status.contains("✖ No usable example"), qPrintable(status));
        QVERIFY2(status.contains("nope-0.png"), qPrintable(status));  // the engine's warning
        QVERIFY(!status.contains("✔"));
        QVERIFY(!window.findChild<QMessageBox*>());
    }

  private:
    QTemporaryDir m_tmp;
    testkit::EngineSetup m_setup;
    QString m_trainedRun;
};

QTEST_MAIN(EngineSessionTest)
#include "engine_session_test.moc"
