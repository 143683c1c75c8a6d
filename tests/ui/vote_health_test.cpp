// The studio shows the vote's health (issue 15), on hand-written run directories: one with the
// collapse/* metrics, an alarm (alarms.jsonl and the collapse/alarm metric) and responses whose
// boxed answer contradicts their reasoning; one from before those existed. Checked: a card per
// signal with its "why" tooltip, "not recorded" on the old run; the answer distribution's shares
// (pure computation) and its view; the banner only with alarms, a line at the alarm step on every
// curve, alarms picked up live; contradictions marked in the table and the detail view.
#include <qcustomplot.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <cmath>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/alarm_banner.h"
#include "ui/answer_distribution.h"
#include "ui/answer_distribution_view.h"
#include "ui/config_form.h"
#include "ui/group_detail_view.h"
#include "ui/groups_table_model.h"
#include "ui/main_window.h"
#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/run_alarms.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_setup_panel.h"
#include "ui/run_store.h"
#include "ui/vote_summary.h"

using namespace mmupt;
using namespace mmupt::ui;

namespace {

const char* const kCollapseKeys[] = {"collapse/answer_entropy",         "collapse/distinct_share",
                                     "collapse/same_answer_rate",       "collapse/entropy_trend",
                                     "collapse/contradiction_rate",     "collapse/reference_drift",
                                     "collapse/reference_disagreement", "collapse/score"};

void write(const QString& path, const QByteArray& text, QIODevice::OpenMode mode = {}) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | mode));
    f.write(text);
}

// One group: `answers` per response ("" = abstained), majority = the first answer's cluster.
QByteArray groupLine(int step, const QString& id, const QStringList& answers,
                     const QString& contradicts = QString()) {
    QStringList responses, answerJson, clusters;
    QMap<QString, QStringList> members;
    QStringList order;
    for (int i = 0; i < answers.size(); ++i) {
        responses << QStringLiteral("\"so %1. \\\\boxed{%1}\"").arg(answers[i]);
        answerJson << (answers[i].isEmpty() ? "null" : "\"" + answers[i] + "\"");
        if (answers[i].isEmpty()) continue;
        if (!members.contains(answers[i])) order << answers[i];
        members[answers[i]] << QString::number(i);
    }
    int best = 0;
    for (const QString& a : order) best = std::max(best, int(members[a].size()));
    QString majority = "null";
    for (const QString& a : order) {
        clusters << QStringLiteral("{\"answer\": \"%1\", \"members\": [%2]}")
                        .arg(a, members[a].join(','));
        if (majority == "null" && members[a].size() == best) majority = members[a].first();
    }
    QString line =
        QStringLiteral(
            "{\"step\": %1, \"group_id\": \"%2\", \"image\": \"\", \"question\": "
            "\"How many?\", \"responses\": [%3], \"answers\": [%4], \"clusters\": "
            "[%5], \"majority_index\": %6, \"majority_ratio\": %7")
            .arg(step)
            .arg(id, responses.join(','), answerJson.join(','), clusters.join(','), majority)
            .arg(double(best) / answers.size());
    if (!contradicts.isEmpty()) line += ", \"contradicts_reasoning\": [" + contradicts + "]";
    return (line + "}\n").toUtf8();
}

// A run with the collapse signals: 4 steps, the alarm fires at step 3.
void writeCollapseRun(const QString& dir) {
    QDir().mkpath(dir);
    QByteArray metrics;
    for (int step = 1; step <= 4; ++step)
        metrics += QStringLiteral(
                       "{\"step\": %1, \"time_s\": %2, \"reward/mean\": 0.5, "
                       "\"collapse/answer_entropy\": %3, \"collapse/distinct_share\": %4, "
                       "\"collapse/same_answer_rate\": %5, \"collapse/entropy_trend\": 0.1, "
                       "\"collapse/contradiction_rate\": %6, \"collapse/score\": %7, "
                       "\"collapse/reference_drift\": %9, "
                       "\"collapse/reference_disagreement\": %9, \"collapse/alarm\": %8}\n")
                       .arg(step)
                       .arg(step * 10)
                       .arg(2.0 - 0.5 * step)
                       .arg(1.0 - 0.2 * step)
                       .arg(0.2 * step)
                       .arg(step == 1 ? "null" : QString::number(0.1 * step))
                       .arg(0.2 * step)
                       .arg(step == 3 ? 1 : 0)
                       .arg(0.05 * step)
                       .toUtf8();
    write(dir + "/metrics.jsonl", metrics);
    QByteArray samples;
    samples += groupLine(1, "a", {"1", "1", "2"}, "false, true, null");
    samples += groupLine(1, "b", {"2", "2", "3"});
    samples += groupLine(3, "a", {"9", "9", "9"}, "true, true, false");
    samples += groupLine(3, "b", {"9", "9", "4"}, "false, false, false");
    write(dir + "/samples.jsonl", samples);
    write(dir + "/alarms.jsonl",
          "{\"step\": 3, \"action\": \"warn\", \"reasons\": [\"the majority answers' entropy fell "
          "to 0.5 bits from 2.0\", \"9 answers 100% of prompts\"], \"signals\": "
          "{\"collapse/score\": 0.6, \"collapse/contradiction_rate\": null}}\n");
}

// A run from before the collapse signals: no collapse keys, no alarms.jsonl, no contradictions.
void writeOldRun(const QString& dir) {
    QDir().mkpath(dir);
    write(dir + "/metrics.jsonl",
          "{\"step\": 1, \"time_s\": 5, \"reward/mean\": 0.4}\n"
          "{\"step\": 2, \"time_s\": 9, \"reward/mean\": 0.6}\n");
    write(dir + "/samples.jsonl", groupLine(1, "a", {"4", "4", "5"}));
}

struct Studio {
    RunStore store;
    MetricsPanel panel{&store};
    RunDirectoryWatcher watcher{&store, nullptr, 60000};  // polled by hand

    // Shows the panel tall enough for every card, opens `dir` and draws.
    bool showRun(const QString& dir) {
        panel.resize(1000, 2400);
        panel.show();
        if (!QTest::qWaitForWindowExposed(&panel) || !watcher.open(dir)) return false;
        panel.redrawNow();
        return true;
    }
};

}  // namespace

class VoteHealthTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void sharesPerStepOfMajorityAnswers() {
        AnswerDistribution d;
        for (const char* a : {"A", "B", "C", "A"}) d.addGroup(1, a);
        for (const char* a : {"A", "A", "A", ""}) d.addGroup(2, a);  // "" = no majority
        d.addGroup(5, "B");
        QCOMPARE(d.groupCount(), 9);
        const auto t = d.table(/*topAnswers=*/6);
        QCOMPARE(t.steps, (std::vector<int>{1, 2, 5}));
        QCOMPARE(t.rows, (QStringList{"A", "B", "C", AnswerDistribution::noMajorityLabel()}));
        const std::vector<std::vector<double>> want = {
            {0.5, 0.75, 0.0}, {0.25, 0.0, 1.0}, {0.25, 0.0, 0.0}, {0.0, 0.25, 0.0}};
        for (size_t r = 0; r < want.size(); ++r)
            for (size_t c = 0; c < 3; ++c) QCOMPARE(t.shares[r][c], want[r][c]);
        // Only the top answer keeps its row: B and C pool into "other"; columns still sum to 1.
        const auto top1 = d.table(1);
        QCOMPARE(top1.rows, (QStringList{"A", AnswerDistribution::otherLabel(),
                                         AnswerDistribution::noMajorityLabel()}));
        QCOMPARE(top1.shares[1], (std::vector<double>{0.5, 0.0, 1.0}));
        for (size_t c = 0; c < 3; ++c) {
            double sum = 0;
            for (const auto& row : top1.shares) sum += row[c];
            QCOMPARE(sum, 1.0);
        }
        // Ties in the run's totals keep the order answers first appeared in.
        AnswerDistribution tie;
        tie.addGroup(1, "7");
        tie.addGroup(1, "3");
        QCOMPARE(tie.table(6).rows, (QStringList{"7", "3"}));
    }

    void alarmLinesParseAndBannerText() {
        QString error;
        auto a = parseAlarmLine(
            R"({"step": 12, "action": "stop", "reasons": ["r1", "r2"], "signals": {"collapse/score": 0.9}})",
            &error);
        QVERIFY2(a, qPrintable(error));
        QCOMPARE(a->step, 12);
        QCOMPARE(a->action, QString("stop"));
        QCOMPARE(a->reasons, (QStringList{"r1", "r2"}));
        QCOMPARE(a->values.value("collapse/score"), 0.9);
        QVERIFY(!parseAlarmLine("{\"action\": \"warn\"}", &error));
        QVERIFY2(error.contains("alarms.jsonl") && error.contains("step"), qPrintable(error));
        QVERIFY(!parseAlarmLine("not json", &error));

        QVERIFY(alarmBannerHtml({}, {}).isEmpty());
        const QString html = alarmBannerHtml({*a}, {12, 20});
        QVERIFY(html.contains("Step 12") && html.contains("stop") && html.contains("r1; r2"));
        QVERIFY2(html.contains("20"), qPrintable(html));  // flagged by the metric only
    }

    void bannerHidesUntilTheNextAlarm() {
        RunAlarm a{5, "stop", {"r"}, {}};
        RunAlarm b{9, "warn", {"s"}, {}};
        AlarmBanner banner;
        banner.setAlarms({}, {});
        QVERIFY(banner.isHidden());  // only with alarms
        banner.setAlarms({a}, {5});
        QVERIFY(!banner.isHidden());
        QVERIFY(banner.styleSheet().contains("#f8d7da"));  // stop: red
        banner.findChild<QToolButton*>()->click();
        QVERIFY(banner.isHidden());
        banner.setAlarms({a}, {5});  // the same alarm again: stays hidden
        QVERIFY(banner.isHidden());
        banner.setAlarms({a, b}, {5, 9});  // a new one shows
        QVERIFY(!banner.isHidden());
        QVERIFY(banner.text().contains("2 collapse alarms"));
        banner.findChild<QToolButton*>()->click();
        banner.setAlarms({}, {});  // the next run
        banner.setAlarms({b}, {9});
        QVERIFY(!banner.isHidden());
        QVERIFY(banner.styleSheet().contains("#fff3cd"));  // warn: amber
    }

    void newRunShowsSignalsAlarmAndDistribution() {
        QTemporaryDir tmp;
        writeCollapseRun(tmp.filePath("run"));
        Studio s;
        QVERIFY(s.showRun(tmp.filePath("run")));
        for (const char* key : kCollapseKeys) {
            MetricCard* card = s.panel.card(key);
            QVERIFY2(card, key);
            QCOMPARE(card->seriesSize(), 4);
            QVERIFY2(!card->showsEmptyState(), key);
            QVERIFY2(card->description().contains(key) && card->description().size() > 60,
                     qPrintable(card->description()));
        }
        // Null contradiction rates (step 1) are gaps, not zeros.
        QVERIFY(std::isnan(s.store.steps().front().values.at("collapse/contradiction_rate")));
        // The alarm: a banner with step, action and reasons; a line at step 3 on every curve.
        QCOMPARE(s.store.alarmSteps(), (std::vector<int>{3}));
        QVERIFY(s.panel.alarmBanner()->isVisible());
        QVERIFY(s.panel.alarmBanner()->text().contains("Step 3"));
        QVERIFY(s.panel.alarmBanner()->text().contains("entropy fell"));
        for (MetricCard* card : s.panel.cards()) {
            QCOMPARE(card->markerPositions(), (std::vector<double>{3.0}));
        }
        QCOMPARE(s.panel.answerDistribution()->markerCount(), 1);
        // In time mode the line sits at the step's elapsed time.
        MetricCard* score = s.panel.card("collapse/score");
        score->setXAxisMode(XAxisMode::time);
        QCOMPARE(score->markerPositions(), (std::vector<double>{30.0}));
        // The distribution: step 3's prompts all voted 9.
        AnswerDistributionView* view = s.panel.answerDistribution();
        view->refresh();
        const auto& t = view->shownTable();
        QCOMPARE(t.steps, (std::vector<int>{1, 3}));
        const int nine = static_cast<int>(t.rows.indexOf("9"));
        QVERIFY(nine >= 0);
        QCOMPARE(t.shares[size_t(nine)][1], 1.0);
        QCOMPARE(view->barLayers(), static_cast<int>(t.rows.size()));
        QVERIFY(view->hoverText(3).contains("9: 100%"));
        QVERIFY(view->hoverText(6).isEmpty());  // past the last step
    }

    void oldRunSaysNotRecordedAndHasNoBanner() {
        QTemporaryDir tmp;
        writeOldRun(tmp.filePath("old"));
        Studio s;
        QVERIFY(s.showRun(tmp.filePath("old")));
        for (const char* key : kCollapseKeys) {
            MetricCard* card = s.panel.card(key);
            QVERIFY(card->showsEmptyState());
            QCOMPARE(card->emptyText(), QString("not recorded in this run"));
        }
        QVERIFY(!s.panel.card("reward/mean")->showsEmptyState());
        QVERIFY(!s.panel.alarmBanner()->isVisible());
        QVERIFY(s.panel.card("reward/mean")->markerPositions().empty());
        QCOMPARE(s.panel.answerDistribution()->distribution().groupCount(), 1);
        QCOMPARE(s.watcher.malformedLines(), 0);
    }

    void alarmsArePickedUpLive() {
        QTemporaryDir tmp;
        writeOldRun(tmp.filePath("live"));
        Studio s;
        QVERIFY(s.watcher.open(tmp.filePath("live")));
        QVERIFY(s.panel.alarmBanner()->isHidden());
        // The engine appends the alarm step's metrics, then its alarms.jsonl line.
        write(tmp.filePath("live/metrics.jsonl"),
              "{\"step\": 3, \"time_s\": 12, \"collapse/score\": 0.8, \"collapse/alarm\": 1}\n",
              QIODevice::Append);
        s.watcher.poll();
        QCOMPARE(s.store.alarmSteps(), (std::vector<int>{3}));
        QVERIFY(s.panel.alarmBanner()->text().contains("not in alarms.jsonl"));
        write(tmp.filePath("live/alarms.jsonl"),
              "{\"step\": 3, \"action\": \"rollback\", \"reasons\": [\"score 0.8 over 0.5\"]}\n"
              "{\"step\": ");  // a line still being written is not read yet
        s.watcher.poll();
        QCOMPARE(s.store.alarms().size(), size_t(1));
        QCOMPARE(s.store.alarms().front().action, QString("rollback"));
        const QString text = s.panel.alarmBanner()->text();
        QVERIFY2(text.contains("score 0.8 over 0.5") && !text.contains("not in alarms.jsonl"),
                 qPrintable(text));
        QCOMPARE(s.panel.card("reward/mean")->markerPositions(), (std::vector<double>{3.0}));
        QCOMPARE(s.watcher.malformedLines(), 0);
    }

    // A run the studio itself trains: the alarm's line in the run's alarms.jsonl reaches the
    // banner once the run reaches its step; a line of a step never reached stays out.
    void alarmsOfALiveTrainingRun() {
        QTemporaryDir tmp;
        const QString runDir = tmp.filePath("live-run");
        QDir().mkpath(runDir);
        write(runDir + "/alarms.jsonl",
              "{\"step\": 2, \"action\": \"warn\", \"reasons\": [\"one answer took over\"]}\n"
              "{\"step\": 99, \"action\": \"stop\", \"reasons\": [\"later\"]}\n");
        testkit::FakeScript script;
        script.steps = 3;
        ui::MainWindow window(std::make_unique<testkit::FakeSession>(script));
        window.setMessageHandler([](const QString& m) { QFAIL(qPrintable(m)); });
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        ConfigForm* form = window.setupPanel()->form();
        form->setValue("model.path", "/models/fake-qwen2-vl");
        form->setValue("data.train_files", "[/data/fake.jsonl]");
        form->setValue("trainer.output_dir", runDir);
        window.startTraining();
        QVERIFY(ended.wait(5000));
        QTRY_COMPARE(window.store()->alarms().size(), size_t(1));
        QCOMPARE(window.store()->alarms().front().step, 2);
        QVERIFY(window.metricsPanel()->alarmBanner()->text().contains("one answer took over"));
        QCOMPARE(window.metricsPanel()->card("reward/mean")->markedSteps(), std::vector<int>{2});
    }

    void contradictionsAreMarked() {
        QTemporaryDir tmp;
        writeCollapseRun(tmp.filePath("run"));
        writeOldRun(tmp.filePath("old"));
        RunStore store;
        RunDirectoryWatcher watcher(&store, nullptr, 60000);
        GroupsTableModel model(&store);
        QVERIFY(watcher.open(tmp.filePath("run")));
        const auto cell = [&](int row, int role) {
            return model.data(model.index(row, GroupsTableModel::contradictions), role);
        };
        QCOMPARE(model.headerData(GroupsTableModel::contradictions, Qt::Horizontal, Qt::DisplayRole)
                     .toString(),
                 QString("Contradicts"));
        QCOMPARE(cell(0, Qt::DisplayRole).toString(), QString("⚠ 1"));
        QVERIFY(cell(0, Qt::ToolTipRole).toString().contains(contradictionTip()));
        QCOMPARE(cell(1, Qt::DisplayRole).toString(), QString());  // not checkable
        QCOMPARE(cell(2, Qt::UserRole).toInt(), 2);
        QCOMPARE(cell(3, Qt::DisplayRole).toString(), QString("0"));

        GroupDetailView detail;
        detail.setGroup(store.groups()[2], QString());
        const QString html = detail.responsesHtml();
        QCOMPARE(html.count("contradicts its reasoning"), 2);
        QCOMPARE(GroupDetailView::markTooltip(QUrl("mmupt:contradiction")), contradictionTip());
        QVERIFY(GroupDetailView::markTooltip(QUrl("https://example.org")).isEmpty());

        QVERIFY(watcher.open(tmp.filePath("old")));
        QCOMPARE(cell(0, Qt::DisplayRole).toString(), QString());
        detail.setGroup(store.groups()[0], QString());
        QVERIFY(!detail.responsesHtml().contains("contradicts its reasoning"));
    }
};

QTEST_MAIN(VoteHealthTest)
#include "vote_health_test.moc"
