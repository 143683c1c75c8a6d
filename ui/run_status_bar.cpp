// RunStatusBar: formats the latest step's numbers.
#include "ui/run_status_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <algorithm>
#include <chrono>
#include <cmath>

#include "ui/run_store.h"

namespace mmupt::ui {

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
    auto s = static_cast<long long>(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QChar('0'))
            .arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

RunStatusBar::RunStatusBar(RunStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    m_now = [] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    setObjectName("runStatusBar");
    m_state = new QLabel(tr("idle"), this);
    m_step = new QLabel(this);
    m_step->setObjectName("statusStep");
    m_time = new QLabel(this);
    m_speed = new QLabel(this);
    m_memory = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : {static_cast<QWidget*>(m_state), static_cast<QWidget*>(m_step),
                       static_cast<QWidget*>(m_time), static_cast<QWidget*>(m_speed),
                       static_cast<QWidget*>(m_memory)})
        layout->addWidget(w);
    layout->addWidget(m_progress);
    connect(store, &RunStore::stepsAppended, this, [this] {
        m_pausedAppliedS = m_pausedTotalS;
        update();
    });
    connect(store, &RunStore::totalStepsChanged, this, &RunStatusBar::update);
    connect(store, &RunStore::cleared, this, [this] {
        m_pausedSinceS = -1.0;
        m_pausedTotalS = m_pausedAppliedS = 0.0;
        update();
    });
    update();
}

void RunStatusBar::setState(RunState state) {
    if (state == RunState::paused && m_pausedSinceS < 0) m_pausedSinceS = m_now();
    if (state != RunState::paused && m_pausedSinceS >= 0) {
        m_pausedTotalS += m_now() - m_pausedSinceS;
        m_pausedSinceS = -1.0;
    }
    m_running = state == RunState::running || state == RunState::starting;
    setStateText(run_state_name(state));
    update();
}

void RunStatusBar::setOutcome(const RunOutcome& outcome) {
    m_running = outcome.kind == RunOutcomeKind::running;
    setStateText(describeOutcome(outcome));
    m_state->setToolTip(outcome.detail);
    update();
}

void RunStatusBar::setStateText(const QString& text) {
    m_state->setText("<b>" + text.toHtmlEscaped() + "</b>");
}

QString RunStatusBar::stateText() const { return m_state->text().remove("<b>").remove("</b>"); }

double RunStatusBar::pausedSeconds() const {
    return m_pausedTotalS + (m_pausedSinceS >= 0 ? m_now() - m_pausedSinceS : 0.0);
}

void RunStatusBar::setTaskProgress(const QString& task, double fraction) {
    if (fraction < 0) {
        update();
        return;
    }
    m_progress->show();
    m_progress->setRange(0, 1000);
    m_progress->setValue(static_cast<int>(fraction * 1000));
    m_progress->setFormat(task + " %p%");
}

void RunStatusBar::update() {
    const auto& steps = m_store->steps();
    int total = m_store->totalSteps();
    if (steps.empty()) {
        m_step->setText(tr("no steps yet"));
        m_time->clear();
        m_speed->clear();
        m_memory->clear();
        m_progress->hide();
        return;
    }
    const StepMetrics& last = steps.back();
    // A "total steps" metric (if the engine reports one) beats the config's max_steps.
    for (const char* key : {"progress/total_steps", "trainer/total_steps"})
        if (auto it = last.values.find(key); it != last.values.end() && it->second > 0)
            total = static_cast<int>(it->second);
    m_step->setText(total > 0 ? tr("step %1 / %2").arg(last.step).arg(total)
                              : tr("step %1").arg(last.step));
    const double elapsed = std::max(0.0, last.wall_time_s - m_pausedAppliedS);
    QString time = tr("elapsed %1").arg(formatDuration(elapsed));
    if (m_running && total > 0 && last.step > 0 && last.step < total)
        time += tr(" < ETA %1").arg(formatDuration(elapsed / last.step * (total - last.step)));
    m_time->setText(time);
    auto tps = last.values.find("perf/tokens_per_s");
    m_speed->setText(tps != last.values.end() && std::isfinite(tps->second)
                         ? tr("%1 tokens/s").arg(tps->second, 0, 'f', 0)
                         : QString());
    QString memory;
    for (const auto& [key, value] : last.values) {
        // Not in the run-directory contract yet: accept perf/*mem*_gb style keys.
        if (QString::fromStdString(key).contains("mem") && std::isfinite(value)) {
            memory = tr("memory %1 GB").arg(value, 0, 'f', 1);
            break;
        }
    }
    m_memory->setText(memory);
    m_progress->setVisible(total > 0);  // no bar rather than a fake one when total is unknown
    if (total > 0) {
        m_progress->setRange(0, total);
        m_progress->setValue(std::min(last.step, total));
        m_progress->setFormat("%p%");
    }
}

QString RunStatusBar::stepText() const { return m_step->text(); }
QString RunStatusBar::timeText() const { return m_time->text(); }
QString RunStatusBar::memoryText() const { return m_memory->text(); }
int RunStatusBar::progressValue() const { return m_progress->value(); }

}  // namespace mmupt::ui
