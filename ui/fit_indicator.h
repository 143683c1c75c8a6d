// "Will it fit?" on the Run setup panel, before Start: the memory planner's predicted peak of a
// training step (plan_training_memory, full or LoRA as configured) next to the free memory of
// the configured device (device_free_memory), green when it fits, red when not, naming the
// setting to change (lower rollout.n × trainer.rollout_batch_size to the planner's largest fit,
// enable model.lora or gradient checkpointing). Recomputed, debounced, whenever the form
// changes (the planner reads config.json only: well under a millisecond of work). The free-
// memory source is injectable (tests). judgeFit is the pure verdict.
#pragma once
#include <QLabel>
#include <functional>

#include "core/session/session.h"

class QTimer;

namespace mmupt::ui {

class ConfigForm;

struct FreeMemoryReading {
    qint64 bytes = 0;  // 0 = unknown
    QString device;    // "cpu", "cuda:0"
    QString source;    // "MemAvailable in /proc/meminfo"
    QString error;     // why unknown
};
using FreeMemorySource = std::function<FreeMemoryReading(const QString& deviceSpec)>;
FreeMemoryReading engineFreeMemory(const QString& deviceSpec);  // the default source

struct FitVerdict {
    enum class State { none, unknown, fits, tooBig };
    State state = State::none;  // none: no model picked
    QString headline;           // "Fits: predicted peak 3.1 GB of 20.4 GB free (cpu)"
    QString advice;             // what to change; "" when it fits
    QString details;            // the planner's terms, for the tooltip
};
// `plan` was computed with device_memory = free.bytes (so max_rollout_rows is the largest fit).
FitVerdict judgeFit(const MemoryPlan& plan, const FreeMemoryReading& free);
QString byteSizeText(qint64 bytes);  // "850 MB", "3.1 GB" (decimal units, as the planner)

class FitIndicator : public QLabel {
    Q_OBJECT
  public:
    // `config` gives what Start would hand the engine (RunSetupPanel::configSource).
    FitIndicator(ConfigForm* form, std::function<ConfigSource()> config, QWidget* parent = nullptr);
    void setFreeMemorySource(FreeMemorySource source);
    void recompute();          // now
    void scheduleRecompute();  // after the form settles (debounced)
    const FitVerdict& verdict() const { return m_verdict; }

  signals:
    void verdictChanged();

  private:
    ConfigForm* m_form;
    std::function<ConfigSource()> m_config;
    FreeMemorySource m_free;
    QTimer* m_timer;
    FitVerdict m_verdict;
};

}  // namespace mmupt::ui
