// Axis tickers for the metric cards: a step axis that only ticks whole steps (never 1.5), and an
// elapsed-time axis whose label format follows the visible span (m:ss under an hour, h:mm:ss
// above) with few enough ticks for the labels to fit side by side.
#pragma once
#include <qcustomplot.h>

#include <QString>

namespace mmupt::ui {

class IntegerTicker : public QCPAxisTicker {
  protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
};

class ElapsedTicker : public QCPAxisTicker {
  protected:
    double getTickStep(const QCPRange& range) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar,
                         int precision) override;
    int getSubTickCount(double) override { return 0; }

  private:
    double m_spanS = 0.0;  // the range of the last generate(), for the label format
};

// "4:05", "1:02:03": the label of `seconds` when the visible span is `spanS` long.
QString elapsedLabel(double seconds, double spanS);

// Ticks that fit `pixels` of axis when a label needs about `labelPx`.
int tickCountFor(int pixels, int labelPx);

}  // namespace mmupt::ui
