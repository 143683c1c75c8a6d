// MetricsPanel: card table, store wiring and shared controls.
#include "ui/metrics_panel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QToolButton>

#include "ui/agreement_heatmap.h"
#include "ui/alarm_banner.h"
#include "ui/answer_distribution_view.h"
#include "ui/compare_runs.h"
#include "ui/metric_card.h"
#include "ui/run_store.h"
#include "ui/theme.h"

namespace mmupt::ui {

namespace {
constexpr int kCardWidth = 330;  // cards per row = available width / this, 1..4
constexpr int kRedrawMs = 150;   // ~7 redraws/s at most; data itself is never dropped
}  // namespace

MetricsPanel::MetricsPanel(RunStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName("metricsPanel");
    m_currentColor = plotColors(false).accent;
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setObjectName("smoothingSlider");
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setMaximumWidth(200);
    m_smoothing->setToolTip(tr("Debiased exponential moving average weight (0 = raw)"));
    auto* smoothingValue = new QLabel("0.60", this);
    m_xAxis = new QComboBox(this);
    m_xAxis->setObjectName("xAxisCombo");
    m_xAxis->addItems({tr("step"), tr("time")});
    auto* followAll = new QPushButton(tr("Follow all"), this);
    followAll->setToolTip(tr("Turn 'follow latest' back on for every card"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Smoothing"), this));
    controls->addWidget(m_smoothing);
    controls->addWidget(smoothingValue);
    controls->addSpacing(16);
    controls->addWidget(new QLabel(tr("X axis"), this));
    controls->addWidget(m_xAxis);
    controls->addStretch();
    controls->addWidget(followAll);

    m_legend = new QWidget(this);
    m_legend->setObjectName("runLegend");
    new QHBoxLayout(m_legend);
    m_legend->layout()->setContentsMargins(0, 0, 0, 0);
    m_legend->hide();

    m_grid = new QWidget(this);
    new QGridLayout(m_grid);
    addCard(tr("Reward (mean)"), {"reward/mean"}, false);
    addCard(tr("Majority ratio"), {"vote/majority_ratio"}, false);
    addCard(tr("No-answer rate"), {"vote/no_answer_rate"}, false);
    addCard(tr("Zero-variance groups"), {"vote/zero_variance_groups"}, false);
    addCard(tr("KL to reference"), {"actor/kl_loss"}, false);
    addCard(tr("Policy loss"), {"actor/pg_loss"}, false);
    addCard(tr("Token entropy"), {"actor/entropy"}, false);
    addCard(tr("Response length (tokens)"), {"response_length/mean"}, false);
    addCard(tr("Learning rate"), {"actor/lr"}, false);
    addCard(tr("Tokens / s"), {"perf/tokens_per_s"}, false);
    addCard(tr("Label accuracy"), {"label/accuracy"}, true);
    addCard(tr("Reward accuracy"), {"label/reward_accuracy"}, true);
    addCollapseCards();
    m_answers = new AnswerDistributionView(m_grid);
    m_heatmap = new AgreementHeatmap(m_grid);
    layoutCards(2);

    m_redrawTimer = new QTimer(this);
    m_redrawTimer->setSingleShot(true);
    connect(m_redrawTimer, &QTimer::timeout, this, &MetricsPanel::redrawNow);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_grid);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_banner = new AlarmBanner(this);
    layout->addWidget(m_banner);
    layout->addLayout(controls);
    layout->addWidget(m_legend);
    layout->addWidget(scroll, 1);

    connect(m_smoothing, &QSlider::valueChanged, this, [this, smoothingValue](int v) {
        smoothingValue->setText(QString::number(v / 100.0, 'f', 2));
        setSmoothing(v / 100.0);
    });
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this](int index) {
        for (auto* c : m_cards) c->setXAxisMode(index == 0 ? XAxisMode::step : XAxisMode::time);
    });
    connect(followAll, &QPushButton::clicked, this, [this] {
        for (auto* c : m_cards) c->setFollowLatest(true);
    });
    connect(store, &RunStore::stepsAppended, this, &MetricsPanel::onStepsAppended);
    connect(store, &RunStore::groupsAppended, this, &MetricsPanel::onGroupsAppended);
    connect(store, &RunStore::cleared, this, &MetricsPanel::onCleared);
    connect(store, &RunStore::alarmsChanged, this, &MetricsPanel::onAlarmsChanged);
    onCleared();
}

MetricCard* MetricsPanel::addCard(const QString& title, const QStringList& keys, bool optional) {
    auto* card = new MetricCard(title, keys, m_grid);
    m_cards.push_back(card);
    m_optional.push_back(optional);
    return card;
}

void MetricsPanel::addCollapseCards() {
    // The label-free collapse signals (the engine's collapse/* keys, docs/run_dir.md): always
    // shown, "not recorded" on runs from before them. Each tooltip says why it moves.
    struct Signal {
        const char* key;
        QString title, why;
    };
    const Signal kSignals[] = {
        {"collapse/answer_entropy", tr("Answer entropy (bits)"),
         tr("Entropy of the step's majority answers across its prompts. Falls in a collapse: a "
            "few values win every vote, whatever the image.")},
        {"collapse/distinct_share", tr("Distinct answers (share)"),
         tr("Distinct majority answers / prompts with a majority. Falls as a few answers take "
            "over.")},
        {"collapse/same_answer_rate", tr("Same-answer rate"),
         tr("Of the pairs of prompts with different images, the share whose majority answers "
            "agree. Rises when the answer stops following the image.")},
        {"collapse/entropy_trend", tr("Entropy trend"),
         tr("How far token entropy lies below its early trend while agreement is up (0 "
            "otherwise). Rises when the policy converges on its own vote faster than it "
            "sharpened at first.")},
        {"collapse/contradiction_rate", tr("Contradiction rate"),
         tr("Share of checkable responses whose boxed answer differs from the last number or "
            "choice in their own reasoning. Rises when the box leaves the reasoning "
            "(\"there are 8. \\boxed{9}\"). A gap where no response was checkable.")},
        {"collapse/reference_drift", tr("Drift from reference"),
         tr("Per prompt: the share of samples in the policy's own majority minus the share that "
            "agree with the frozen reference's majority, averaged. Flat while training sharpens "
            "what the reference already believed; rises when the vote pulls the policy onto "
            "answers the reference did not favour, even when they stay diverse and reasoned. "
            "The alarm also fires when its rise reaches collapse.drift_threshold. A gap where "
            "the reference was not sampled (collapse.reference_samples = 0, or no reference).")},
        {"collapse/reference_disagreement", tr("Reference disagreement"),
         tr("Share of prompts whose majority answer differs from the frozen reference's "
            "majority. Noisy on a weak base (two votes of the same model disagree too); read "
            "its trend.")},
        {"collapse/score", tr("Collapse score"),
         tr("0..1: how far the signals have moved towards collapse from the run's first steps "
            "(their mean). The alarm fires when it stays at collapse.threshold or above; its "
            "steps are the red dashed lines.")},
    };
    for (const Signal& s : kSignals) addCard(s.title, {s.key}, false)->setDescription(s.why);
}

void MetricsPanel::onAlarmsChanged() {
    const std::vector<int> steps = m_store->alarmSteps();
    for (MetricCard* card : m_cards) card->setMarkedSteps(steps);
    m_answers->setMarkedSteps(steps);
    m_banner->setAlarms(m_store->alarms(), steps);
}

void MetricsPanel::updateEmptyTexts() {
    // A run with steps but without a card's key (an older engine, no labels): say so, rather
    // than "no data yet", which promises data that will never come.
    const QString text =
        m_store->steps().empty() ? tr("no data yet") : tr("not recorded in this run");
    for (MetricCard* card : m_cards) card->setEmptyText(text);
}

MetricCard* MetricsPanel::card(const QString& key) const {
    for (auto* c : m_cards)
        if (c->keys().value(0) == key) return c;
    return nullptr;
}

void MetricsPanel::feedCards(const QString& runId, const std::vector<StepMetrics>& steps, int first,
                             int count) {
    for (MetricCard* card : m_cards) {
        const int before = card->seriesSize(runId);
        for (int s = first; s < first + count; ++s) {
            const StepMetrics& m = steps[static_cast<size_t>(s)];
            for (const QString& key : card->keys()) {
                auto it = m.values.find(key.toStdString());
                if (it == m.values.end()) continue;
                card->appendPointTo(runId, m.step, m.wall_time_s, it->second);
                break;
            }
        }
        if (card->seriesSize(runId) != before) card->markDirty();
    }
    showOptionalCards();
    scheduleRedraw();
}

void MetricsPanel::onStepsAppended(int first, int count) {
    updateEmptyTexts();
    feedCards(QString(), m_store->steps(), first, count);
}

void MetricsPanel::showOptionalCards() {
    for (size_t i = 0; i < m_cards.size(); ++i) {
        if (!m_optional[i]) continue;
        bool any = m_cards[i]->seriesSize() > 0;
        if (m_compare)
            for (const auto& run : m_compare->runs())
                any = any || m_cards[i]->seriesSize(run.dir) > 0;
        m_cards[i]->setVisible(any);
    }
}

void MetricsPanel::setCompareRuns(CompareRuns* runs) {
    m_compare = runs;
    connect(runs, &CompareRuns::runAdded, this, &MetricsPanel::onCompareRunAdded);
    connect(runs, &CompareRuns::stepsAppended, this, &MetricsPanel::onCompareSteps);
    connect(runs, &CompareRuns::runRemoved, this, [this](const QString& dir) {
        for (MetricCard* card : m_cards) card->removeSeries(dir);
        rebuildLegend();
        showOptionalCards();
        scheduleRedraw();
    });
    connect(runs, &CompareRuns::visibilityChanged, this, [this](const QString& dir, bool visible) {
        for (MetricCard* card : m_cards) card->setSeriesVisible(dir, visible);
        scheduleRedraw();
    });
}

void MetricsPanel::setCurrentRunName(const QString& name) {
    m_currentName = name;
    for (MetricCard* card : m_cards) card->setMainLabel(name);
    rebuildLegend();
}

void MetricsPanel::onCompareRunAdded(const QString& dir) {
    const CompareRuns::Run* run = m_compare->find(dir);
    if (!run) return;
    for (MetricCard* card : m_cards) card->addSeries(dir, run->name, run->color);
    onCompareSteps(dir, 0, static_cast<int>(run->store->steps().size()));
    rebuildLegend();
}

void MetricsPanel::onCompareSteps(const QString& dir, int first, int count) {
    if (const CompareRuns::Run* run = m_compare->find(dir))
        feedCards(dir, run->store->steps(), first, count);
}

int MetricsPanel::legendEntries() const {
    return m_legend->isHidden() ? 0
                                : static_cast<int>(m_legend->findChildren<QCheckBox*>().size()) + 1;
}

void MetricsPanel::rebuildLegend() {
    auto* row = static_cast<QHBoxLayout*>(m_legend->layout());
    while (QLayoutItem* item = row->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const bool comparing = m_compare && !m_compare->runs().empty();
    m_legend->setVisible(comparing);
    if (!comparing) return;
    auto swatch = [this](const QColor& c) {
        auto* l = new QLabel(m_legend);
        l->setFixedSize(14, 4);
        l->setStyleSheet(QString("background:%1;").arg(c.name()));
        return l;
    };
    row->addWidget(new QLabel(tr("Runs:"), m_legend));
    row->addWidget(swatch(m_currentColor));
    auto* current = new QLabel(
        (m_currentName.isEmpty() ? tr("current run") : m_currentName) + tr(" (current)"), m_legend);
    row->addWidget(current);
    for (const auto& run : m_compare->runs()) {
        row->addSpacing(12);
        row->addWidget(swatch(run.color));
        auto* box = new QCheckBox(run.name, m_legend);
        box->setObjectName("legend:" + run.dir);
        box->setChecked(run.visible);
        box->setToolTip(run.dir);
        const QString dir = run.dir;
        connect(box, &QCheckBox::toggled, this,
                [this, dir](bool on) { m_compare->setVisible(dir, on); });
        row->addWidget(box);
        auto* remove = new QToolButton(m_legend);
        remove->setText("✕");
        remove->setAutoRaise(true);
        remove->setToolTip(tr("Remove %1 from the comparison").arg(run.name));
        connect(remove, &QToolButton::clicked, this, [this, dir] { m_compare->remove(dir); });
        row->addWidget(remove);
    }
    row->addStretch();
}

void MetricsPanel::layoutCards(int columns) {
    if (columns == m_columns) return;
    m_columns = columns;
    auto* grid = static_cast<QGridLayout*>(m_grid->layout());
    for (MetricCard* card : m_cards) grid->removeWidget(card);
    grid->removeWidget(m_heatmap);
    grid->removeWidget(m_answers);
    for (int i = 0; i < static_cast<int>(m_cards.size()); ++i)
        grid->addWidget(m_cards[size_t(i)], i / columns, i % columns);
    const int below = (static_cast<int>(m_cards.size()) + columns - 1) / columns;
    grid->addWidget(m_answers, below, 0, 1, columns);
    grid->addWidget(m_heatmap, below + 1, 0, 1, columns);
}

void MetricsPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    layoutCards(std::clamp(width() / kCardWidth, 1, 4));
}

void MetricsPanel::scheduleRedraw() {
    // Leading edge: a first batch (or one after a quiet spell) draws at once; later ones wait
    // for the timer, so at most one redraw per kRedrawMs.
    if (!m_sinceRedraw.isValid() || m_sinceRedraw.elapsed() >= kRedrawMs) {
        m_redrawTimer->stop();
        redrawNow();
    } else if (!m_redrawTimer->isActive()) {
        m_redrawTimer->start(kRedrawMs - static_cast<int>(m_sinceRedraw.elapsed()));
    }
}

void MetricsPanel::redrawNow() {
    m_sinceRedraw.start();
    // Hidden cards (optional ones without data, a hidden window) stay dirty until shown.
    for (MetricCard* card : m_cards) card->refreshIfVisible();
    m_heatmap->refreshIfVisible();
    m_answers->refreshIfVisible();
}

void MetricsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    scheduleRedraw();
}

void MetricsPanel::onGroupsAppended(int first, int count) {
    const auto& groups = m_store->groups();
    for (int i = first; i < first + count; ++i) {
        const RolloutGroup& g = groups[static_cast<size_t>(i)];
        m_heatmap->addGroup(g.step, g.majority_ratio);
        m_answers->addGroup(g);
    }
    m_heatmap->markDirty();
    m_answers->markDirty();
    scheduleRedraw();
}

void MetricsPanel::onCleared() {
    for (MetricCard* card : m_cards) {
        card->clear();
        card->setFollowLatest(true);
    }
    showOptionalCards();
    m_heatmap->clear();
    m_answers->clear();
    updateEmptyTexts();
    onAlarmsChanged();
}

void MetricsPanel::setDark(bool dark) {
    m_currentColor = plotColors(dark).accent;
    rebuildLegend();
    for (auto* c : m_cards) c->setDark(dark);
    m_heatmap->setDark(dark);
    m_answers->setDark(dark);
}

void MetricsPanel::setSmoothing(double weight) {
    if (m_smoothing->value() != static_cast<int>(std::lround(weight * 100)))
        m_smoothing->setValue(static_cast<int>(std::lround(weight * 100)));
    for (auto* c : m_cards) c->setSmoothing(weight);
}

}  // namespace mmupt::ui
