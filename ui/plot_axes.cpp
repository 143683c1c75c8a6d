// Whole-step and elapsed-time tickers.
#include "ui/plot_axes.h"

#include <algorithm>
#include <cmath>

namespace mmupt::ui {

double IntegerTicker::getTickStep(const QCPRange& range) {
    // The default picks 1, 2, 2.5, 5 x 10^k; below 1 or at 2.5 it would tick between steps.
    const double step = QCPAxisTicker::getTickStep(range);
    if (step <= 1.0) return 1.0;
    if (step < 10.0 && step != std::floor(step)) return std::floor(step);
    return step;
}

int IntegerTicker::getSubTickCount(double tickStep) {
    const auto step = static_cast<long long>(std::llround(tickStep));
    if (step <= 1) return 0;
    // Sub-ticks on whole steps only: 4 between 5-step ticks, 1 between 2-step ticks...
    for (long long n : {5LL, 4LL, 2LL})
        if (step % n == 0 && step / n >= 1) return static_cast<int>(n - 1);
    return 0;
}

double ElapsedTicker::getTickStep(const QCPRange& range) {
    // Nice steps in seconds: 1 2 5 10 15 30 s, 1 2 5 10 15 30 min, 1 2 3 6 12 h, then days.
    static const double kSteps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                    600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    m_spanS = range.size();
    const double want = range.size() / std::max(1, tickCount());
    for (double s : kSteps)
        if (s >= want) return s;
    return std::ceil(want / 86400.0) * 86400.0;
}

QString ElapsedTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
    return elapsedLabel(tick, m_spanS);
}

QString elapsedLabel(double seconds, double spanS) {
    const bool negative = seconds < 0;
    auto s = static_cast<long long>(std::llround(std::abs(seconds)));
    QString text;
    if (spanS >= 3600 || s >= 3600)
        text = QStringLiteral("%1:%2:%3")
                   .arg(s / 3600)
                   .arg((s / 60) % 60, 2, 10, QChar('0'))
                   .arg(s % 60, 2, 10, QChar('0'));
    else
        text = QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return negative ? "-" + text : text;
}

int tickCountFor(int pixels, int labelPx) {
    return std::clamp(pixels / std::max(1, labelPx), 2, 8);
}

}  // namespace mmupt::ui
