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

#include "ui/agreement_heatmap.h"
#include "ui/metric_card.h"
#include "ui/run_store.h"

namespace mmupt::ui {

namespace {
constexpr int kCardWidth = 330;  // cards per row = available width / this, 1..4
constexpr int kRedrawMs = 150;   // ~7 redraws/s at most; data itself is never dropped
}  // namespace

MetricsPanel::MetricsPanel(RunStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName("metricsPanel");
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
    layout->addLayout(controls);
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
    onCleared();
}

void MetricsPanel::addCard(const QString& title, const QStringList& keys, bool optional) {
    auto* card = new MetricCard(title, keys, m_grid);
    m_cards.push_back(card);
    m_optional.push_back(optional);
}

MetricCard* MetricsPanel::card(const QString& key) const {
    for (auto* c : m_cards)
        if (c->keys().value(0) == key) return c;
    return nullptr;
}

void MetricsPanel::onStepsAppended(int first, int count) {
    const auto& steps = m_store->steps();
    for (size_t i = 0; i < m_cards.size(); ++i) {
        MetricCard* card = m_cards[i];
        int before = card->seriesSize();
        for (int s = first; s < first + count; ++s) {
            const StepMetrics& m = steps[static_cast<size_t>(s)];
            for (const QString& key : card->keys()) {
                auto it = m.values.find(key.toStdString());
                if (it == m.values.end()) continue;
                card->appendPoint(m.step, m.wall_time_s, it->second);
                break;
            }
        }
        if (card->seriesSize() != before) card->markDirty();
        if (m_optional[i] && card->seriesSize() > 0) card->show();
    }
    scheduleRedraw();
}

void MetricsPanel::layoutCards(int columns) {
    if (columns == m_columns) return;
    m_columns = columns;
    auto* grid = static_cast<QGridLayout*>(m_grid->layout());
    for (MetricCard* card : m_cards) grid->removeWidget(card);
    grid->removeWidget(m_heatmap);
    for (int i = 0; i < static_cast<int>(m_cards.size()); ++i)
        grid->addWidget(m_cards[size_t(i)], i / columns, i % columns);
    grid->addWidget(m_heatmap, (static_cast<int>(m_cards.size()) + columns - 1) / columns, 0, 1,
                    columns);
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
    }
    m_heatmap->markDirty();
    scheduleRedraw();
}

void MetricsPanel::onCleared() {
    for (size_t i = 0; i < m_cards.size(); ++i) {
        m_cards[i]->clear();
        m_cards[i]->setFollowLatest(true);
        if (m_optional[i]) m_cards[i]->hide();
    }
    m_heatmap->clear();
}

void MetricsPanel::setDark(bool dark) {
    for (auto* c : m_cards) c->setDark(dark);
    m_heatmap->setDark(dark);
}

void MetricsPanel::setSmoothing(double weight) {
    if (m_smoothing->value() != static_cast<int>(std::lround(weight * 100)))
        m_smoothing->setValue(static_cast<int>(std::lround(weight * 100)));
    for (auto* c : m_cards) c->setSmoothing(weight);
}

}  // namespace mmupt::ui
