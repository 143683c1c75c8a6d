// Light and dark themes for the whole app: the Fusion style with a matching palette (widgets)
// and the plot colours (QCustomPlot does not follow the palette by itself), shared by the metric
// cards, the agreement heat map and the offscreen curve plots.
#pragma once
#include <QColor>

class QCustomPlot;

namespace mmupt::ui {

void applyTheme(bool dark);

struct PlotColors {
    QColor background, foreground, grid;
    QColor accent;  // the main data line
    QColor alarm;   // collapse-alarm markers (vertical lines)
};
PlotColors plotColors(bool dark);

// Background, axes, tick labels and grid of `plot` in the theme's colours. Does not replot.
void stylePlot(QCustomPlot* plot, bool dark);

}  // namespace mmupt::ui
