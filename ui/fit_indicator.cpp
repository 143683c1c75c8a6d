// judgeFit: the verdict and the setting to change; FitIndicator: form wiring and colours.
#include "ui/fit_indicator.h"

#include <QFileInfo>
#include <QTimer>
#include <algorithm>
#include <exception>

#include "core/session/device_free_memory.h"
#include "ui/config_form.h"
#include "ui/engine_messages.h"

namespace mmupt::ui {

namespace {
constexpr int kDebounceMs = 150;
}

QString byteSizeText(qint64 bytes) {
    const double gb = static_cast<double>(bytes) / 1e9;
    return gb < 1.0 ? QObject::tr("%1 MB").arg(std::max(1.0, gb * 1e3), 0, 'f', 0)
                    : QObject::tr("%1 GB").arg(gb, 0, 'f', 1);
}

FreeMemoryReading engineFreeMemory(const QString& deviceSpec) {
    const DeviceFreeMemory m = device_free_memory(deviceSpec.toStdString());
    return {m.free_bytes, QString::fromStdString(m.device), QString::fromStdString(m.source),
            QString::fromStdString(m.error)};
}

FitVerdict judgeFit(const MemoryPlan& plan, const FreeMemoryReading& free) {
    const MemoryTerms& t = plan.lora_enabled ? plan.lora : plan.full;
    const QString mode = plan.lora_enabled ? QObject::tr("LoRA r=%1").arg(plan.lora_rank)
                                           : QObject::tr("full fine-tuning");
    FitVerdict v;
    v.details =
        QObject::tr(
            "Predicted peak (%1, %2 phase): weights %3, reference %4, gradients %5, "
            "optimizer %6, activations %7, KV cache %8, logits %9, runtime %10.\n"
            "Rollout rows: rollout.n × trainer.rollout_batch_size = %11.")
            .arg(mode, QString::fromStdString(t.peak_phase), byteSizeText(t.weights),
                 byteSizeText(t.reference), byteSizeText(t.gradients), byteSizeText(t.optimizer),
                 byteSizeText(t.activations), byteSizeText(t.kv_cache), byteSizeText(t.logits))
            .arg(byteSizeText(t.runtime))
            .arg(plan.rollout_rows);
    if (free.bytes <= 0) {
        v.state = FitVerdict::State::unknown;
        v.headline = QObject::tr("Predicted peak %1 (%2); free memory of %3 unknown: %4")
                         .arg(byteSizeText(t.peak), mode, free.device, free.error);
        return v;
    }
    if (!free.source.isEmpty()) v.details += QObject::tr("\nFree memory: %1.").arg(free.source);
    if (t.peak <= free.bytes) {
        v.state = FitVerdict::State::fits;
        v.headline = QObject::tr("✔ Fits: predicted peak %1 of %2 free on %3 (%4)")
                         .arg(byteSizeText(t.peak), byteSizeText(free.bytes), free.device, mode);
        return v;
    }
    v.state = FitVerdict::State::tooBig;
    v.headline = QObject::tr("✖ Does not fit: predicted peak %1, %2 free on %3 (%4)")
                     .arg(byteSizeText(t.peak), byteSizeText(free.bytes), free.device, mode);
    QStringList fixes;
    if (t.max_rollout_rows > 0 && t.max_rollout_rows < plan.rollout_rows)
        fixes << QObject::tr("lower rollout.n × trainer.rollout_batch_size to ≤ %1 (now %2)")
                     .arg(t.max_rollout_rows)
                     .arg(plan.rollout_rows);
    if (!plan.lora_enabled && plan.lora.peak <= free.bytes)
        fixes << QObject::tr("enable model.lora (peak %1)").arg(byteSizeText(plan.lora.peak));
    const int64_t saved = t.activations_full - t.activations_checkpointed;
    if (t.activations == t.activations_full && saved > 0 && t.peak_phase == "update")
        fixes << QObject::tr("enable model.gradient_checkpointing (saves up to %1)")
                     .arg(byteSizeText(saved));
    if (fixes.isEmpty())
        fixes << QObject::tr(
            "even one rollout row does not fit: lower rollout.max_new_tokens, "
            "data.max_prompt_length or trainer.micro_batch_size, pick a smaller model, or use a "
            "device with more memory");
    v.advice = QObject::tr("To fit: %1.").arg(fixes.join(QObject::tr("; or ")));
    return v;
}

FitIndicator::FitIndicator(ConfigForm* form, std::function<ConfigSource()> config, QWidget* parent)
    : QLabel(parent), m_form(form), m_config(std::move(config)), m_free(engineFreeMemory) {
    setObjectName("fitIndicator");
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(kDebounceMs);
    connect(m_timer, &QTimer::timeout, this, &FitIndicator::recompute);
    // Every setting can move the peak (model, LoRA, rollout.n, batch, max_new_tokens, dtype,
    // device, checkpointing ...): recompute after any change, once the edits settle.
    connect(form, &ConfigForm::valueChanged, this, &FitIndicator::scheduleRecompute);
    hide();
}

void FitIndicator::setFreeMemorySource(FreeMemorySource source) {
    m_free = std::move(source);
    scheduleRecompute();
}

void FitIndicator::scheduleRecompute() { m_timer->start(); }

void FitIndicator::recompute() {
    m_timer->stop();
    const QString model = m_form->value("model.path");
    FitVerdict v;
    if (QFileInfo(model).isDir()) {  // else the model picker's own status says what is wrong
        const FreeMemoryReading free = m_free(m_form->value("model.device"));
        try {
            v = judgeFit(plan_training_memory(model.toStdString(), m_config(),
                                              std::max<qint64>(0, free.bytes)),
                         free);
        } catch (const std::exception& e) {
            v.state = FitVerdict::State::unknown;
            v.headline = tr("Memory not predicted: %1").arg(guiEngineMessage(e.what()));
        }
    }
    m_verdict = v;
    const char* colour = v.state == FitVerdict::State::fits     ? "#2e9d3e"
                         : v.state == FitVerdict::State::tooBig ? "#d0352b"
                                                                : "#7a7a7a";
    QString html =
        QStringLiteral("<span style='color:%1'>%2</span>").arg(colour, v.headline.toHtmlEscaped());
    if (!v.advice.isEmpty())
        html += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(colour, v.advice.toHtmlEscaped());
    setText(html);
    setToolTip(v.details);
    setVisible(v.state != FitVerdict::State::none);
    emit verdictChanged();
}

}  // namespace mmupt::ui
