// Vote preview (issue 12, item 9): progress image by image, Cancel keeps the votes so far, a
// 4 / 4 split is flagged as a tie, responses are readable in full with "truncated" explained,
// and the status bar does not report a preview as a finished run.
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/group_detail_view.h"
#include "ui/main_window.h"
#include "ui/run_status_bar.h"
#include "ui/vote_preview_panel.h"
#include "ui/vote_summary.h"

using namespace mmupt;

namespace {

RolloutGroup tiedGroup() {
    RolloutGroup g;
    g.group_id = "train-00003";
    g.question = "How many circles?";
    for (int i = 0; i < 8; ++i) {
        SampledResponse r;
        r.text = "I count them... \\boxed{" + std::string(i < 4 ? "4" : "5") + "}";
        r.answer = i < 4 ? "4" : "5";
        r.cluster = i < 4 ? 0 : 1;
        r.truncated = i == 7;
        g.responses.push_back(r);
    }
    g.clusters = {{"4", {0, 1, 2, 3}}, {"5", {4, 5, 6, 7}}};
    g.majority_index = 0;
    g.majority_ratio = 0.5;
    return g;
}

}  // namespace

class VotePreviewTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }

    void tiesAreFlagged() {
        RolloutGroup g = tiedGroup();
        QCOMPARE(ui::tiedClusters(g), 2);
        g.clusters[1].members.pop_back();
        QCOMPARE(ui::tiedClusters(g), 0);
    }

    void progressPerImageAndTieInTheList() {
        testkit::FakeScript script;
        script.previewImageMs = 40;
        script.previewTieAt = 1;
        ui::MainWindow window(std::make_unique<testkit::FakeSession>(script));
        window.show();
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        ui::VotePreviewPanel* preview = window.votePreview();
        emit preview->previewRequested(5);
        QVERIFY(preview->isBusy());
        auto* cancel = preview->findChild<QPushButton*>("previewCancel");
        QVERIFY(cancel && cancel->isVisible());
        QTRY_VERIFY(preview->progressValue() >= 1);
        QVERIFY2(preview->statusText().startsWith("sampling image "),
                 qPrintable(preview->statusText()));
        QVERIFY(ended.wait(5000));
        QVERIFY(!preview->isBusy());
        QVERIFY(!cancel->isVisible());
        QCOMPARE(preview->groupCount(), 5);
        QVERIFY2(preview->itemText(1).endsWith("tie"), qPrintable(preview->itemText(1)));
        int tied = 0;  // synthetic votes may tie by chance too
        for (int i = 0; i < 5; ++i) tied += preview->itemText(i).endsWith(" · tie");
        QCOMPARE(preview->statusText(), QString("5 image(s) voted, %1 tied").arg(tied));
        // A preview is not a run: the status bar does not say "finished".
        QVERIFY2(!window.runStatusBar()->stateText().contains("finished"),
                 qPrintable(window.runStatusBar()->stateText()));
    }

    void cancelKeepsTheVotesSoFar() {
        testkit::FakeScript script;
        script.previewImageMs = 80;
        ui::MainWindow window(std::make_unique<testkit::FakeSession>(script));
        QSignalSpy ended(&window, &ui::MainWindow::runEnded);
        ui::VotePreviewPanel* preview = window.votePreview();
        emit preview->previewRequested(16);
        QTRY_VERIFY(preview->groupCount() >= 1);
        preview->findChild<QPushButton*>("previewCancel")->click();
        QVERIFY(ended.wait(5000));
        QCOMPARE(ended.at(0).at(0).value<RunFinished>().state, RunState::cancelled);
        QVERIFY(preview->groupCount() >= 1 && preview->groupCount() < 16);
        QVERIFY2(preview->statusText().startsWith("cancelled: "),
                 qPrintable(preview->statusText()));
    }

    void responsesReadableAndTruncatedExplained() {
        ui::GroupDetailView view;
        view.resize(700, 500);
        view.show();
        view.setGroup(tiedGroup(), QString());
        const QString html = view.responsesHtml();
        QVERIFY(html.contains("max_new_tokens"));
        QVERIFY(html.contains("1 of 8 responses"));
        // The split gives the responses most of the height, and can be dragged.
        auto* split = view.findChild<QSplitter*>("detailSplitter");
        QVERIFY(split);
        QVERIFY(split->sizes().value(1) >= split->sizes().value(0));
    }
};

QTEST_MAIN(VotePreviewTest)
#include "vote_preview_test.moc"
