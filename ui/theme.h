// Light and dark themes for the whole app: the Fusion style with a matching palette (widgets)
// and a flag the plots read (QCustomPlot does not follow the palette by itself).
#pragma once

namespace mmupt::ui {

void applyTheme(bool dark);

}  // namespace mmupt::ui
