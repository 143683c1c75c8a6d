// GroupDetailView layout and the responses' HTML.
#include "ui/group_detail_view.h"

#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolTip>
#include <QVBoxLayout>

#include "ui/image_cache.h"
#include "ui/vote_histogram.h"
#include "ui/vote_summary.h"

namespace mmupt::ui {

namespace {
constexpr const char* kContradictionLink = "mmupt:contradiction";
// 160 px: image + histogram (≥ 160 px wide) fit the detail pane of a 1366-px window unscrolled.
constexpr int kImageSize = 160;
}  // namespace

GroupDetailView::GroupDetailView(QWidget* parent) : QWidget(parent) {
    m_image = new QLabel(this);
    m_image->setFixedSize(kImageSize, kImageSize);
    m_image->setAlignment(Qt::AlignCenter);
    m_title = new QLabel(this);
    m_question = new QLabel(this);
    m_question->setWordWrap(true);
    m_question->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_histogram = new VoteHistogram(this);
    m_responses = new QTextBrowser(this);
    m_responses->setObjectName("responsesBrowser");
    // Marks link to "mmupt:contradiction": hovering one explains it (rich text has no title
    // tooltips); clicking does nothing.
    m_responses->setOpenLinks(false);
    connect(m_responses, &QTextBrowser::highlighted, this, [this](const QUrl& url) {
        const QString tip = markTooltip(url);
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(QCursor::pos(), tip, m_responses);
    });

    auto* side = new QVBoxLayout;
    side->addWidget(m_title);
    side->addWidget(m_question);
    side->addWidget(m_histogram, 1);
    side->addWidget(m_summary);
    auto* topWidget = new QWidget(this);
    auto* top = new QHBoxLayout(topWidget);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_image, 0, Qt::AlignTop);
    top->addLayout(side, 1);
    // The image and histogram scroll rather than set the dock's minimum height (a fixed 220-px
    // image + the responses' minimum kept the bottom docks ≥ 350 px tall: too much at 1366×700).
    auto* topScroll = new QScrollArea(this);
    topScroll->setObjectName("detailTop");
    topScroll->setFrameShape(QFrame::NoFrame);
    topScroll->setWidgetResizable(true);
    topScroll->setWidget(topWidget);
    topScroll->setMinimumHeight(60);
    // The responses are what people read: they get most of the height, and the split can be
    // dragged (or the image and histogram collapsed) to read more of them at once.
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName("detailSplitter");
    split->addWidget(topScroll);
    split->addWidget(m_responses);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setCollapsible(1, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(split, 1);
    clear();
}

void GroupDetailView::clear() {
    m_image->setPixmap({});
    m_image->setText(tr("Select a group"));
    m_title->clear();
    m_question->clear();
    m_summary->clear();
    m_histogram->clear();
    m_responses->clear();
}

void GroupDetailView::setGroup(const RolloutGroup& g, const QString& imagePath) {
    m_image->setPixmap(thumbnail(imagePath, kImageSize - 10));
    m_title->setText(tr("<b>%1</b> · step %2")
                         .arg(QString::fromStdString(g.group_id).toHtmlEscaped())
                         .arg(g.step));
    m_question->setText(QString::fromStdString(g.question));
    m_histogram->setGroup(g);
    QString summary =
        tr("Majority <b>%1</b> · ratio %2 · %3 clusters · %4 abstained · "
           "mean reward %5")
            .arg(majorityAnswer(g).toHtmlEscaped().isEmpty() ? tr("none")
                                                             : majorityAnswer(g).toHtmlEscaped())
            .arg(g.majority_ratio, 0, 'f', 2)
            .arg(g.clusters.size())
            .arg(noAnswerCount(g))
            .arg(meanReward(g), 0, 'f', 2);
    if (auto n = contradictionCount(g); n && *n > 0)
        summary += tr("<br><span style='color:#d0352b'>⚠ %1 of %2 responses contradict their "
                      "reasoning</span>: %3.")
                       .arg(*n)
                       .arg(g.responses.size())
                       .arg(contradictionTip());
    if (int tied = tiedClusters(g))
        summary += tr("<br><b>Tie</b>: %1 answers share the largest cluster; the vote picks the "
                      "one sampled first, so its reward rests on sampling order.")
                       .arg(tied);
    if (g.label) {
        auto match = majorityMatchesLabel(g);
        summary += tr("<br>Hidden label <b>%1</b> (%2)")
                       .arg(QString::fromStdString(*g.label).toHtmlEscaped(),
                            match && *match ? tr("majority matches") : tr("majority differs"));
    }
    m_summary->setText(summary);

    auto major = majorityCluster(g);
    QString html;
    if (int n = truncatedCount(g))
        html += tr("<p><i>%1 of %2 responses are <b>truncated</b>: they reached "
                   "rollout.max_new_tokens before they ended, so their answer may be cut off "
                   "or missing. Raise rollout.max_new_tokens if many are.</i></p>")
                    .arg(n)
                    .arg(g.responses.size());
    for (size_t i = 0; i < g.responses.size(); ++i) {
        const SampledResponse& r = g.responses[i];
        bool inMajority = major && r.cluster == *major;
        QString colour = !r.answer ? "#9e9e9e" : (inMajority ? "#e08a1e" : "#4a86c8");
        html +=
            QStringLiteral(
                "<p><span style=\"color:%1\"><b>#%2</b> · answer <b>%3</b> · "
                "reward %4 · %5 tokens%6</span>%7<br>%8</p>")
                .arg(colour)
                .arg(i)
                .arg(r.answer ? QString::fromStdString(*r.answer).toHtmlEscaped() : tr("(none)"))
                .arg(r.reward, 0, 'g', 3)
                .arg(r.num_tokens)
                .arg(r.truncated ? tr(" · <b>truncated</b> (hit max_new_tokens)") : QString())
                .arg(r.contradicts_reasoning.value_or(false)
                         ? tr(" <a href=\"%1\" style=\"color:#d0352b; text-decoration:none\">"
                              "<b>⚠ contradicts its reasoning</b></a>")
                               .arg(kContradictionLink)
                         : QString())
                .arg(responseHtml(QString::fromStdString(r.text), "#ffe08a"));  // last: may hold %N
    }
    m_responses->setHtml(html);
}

QString GroupDetailView::responsesHtml() const { return m_responses->toHtml(); }

QString GroupDetailView::markTooltip(const QUrl& url) {
    return url.toString() == kContradictionLink ? contradictionTip() : QString();
}

}  // namespace mmupt::ui
