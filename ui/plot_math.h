// Pure helpers behind the metric cards: debiased exponential smoothing (TensorBoard's) and
// min/max decimation that keeps spikes visible at any zoom. No Qt widgets, no state.
#pragma once
#include <vector>

namespace mmupt::ui {

// s_t = w*s_{t-1} + (1-w)*y_t, divided by (1 - w^n) so early points are not pulled to 0.
// `weight` in [0, 1): 0 returns y unchanged. Non-finite inputs are skipped (output NaN there).
std::vector<double> debiasedEma(const std::vector<double>& y, double weight);

struct Decimated {
    std::vector<double> x, y;
};
// Points of (x, y) (x ascending) within [lo, hi] plus one neighbour each side, reduced to at
// most ~2*buckets points: each bucket keeps its minimum and maximum, in x order. When the
// visible part already fits, it is returned untouched. NaN y values are dropped.
Decimated minMaxDecimate(const std::vector<double>& x, const std::vector<double>& y, double lo,
                         double hi, int buckets);

}  // namespace mmupt::ui
