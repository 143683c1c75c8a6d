// Smoothing and decimation for metric cards.
#include "ui/plot_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mmupt::ui {

std::vector<double> debiasedEma(const std::vector<double>& y, double weight) {
    std::vector<double> out(y.size(), std::numeric_limits<double>::quiet_NaN());
    weight = std::clamp(weight, 0.0, 0.999);
    double last = 0.0;
    int n = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i])) continue;
        last = last * weight + (1.0 - weight) * y[i];
        ++n;
        double debias = 1.0 - std::pow(weight, n);
        out[i] = debias > 0.0 ? last / debias : y[i];
    }
    return out;
}

Decimated minMaxDecimate(const std::vector<double>& x, const std::vector<double>& y, double lo,
                         double hi, int buckets) {
    Decimated out;
    size_t n = std::min(x.size(), y.size());
    if (n == 0) return out;
    size_t begin = static_cast<size_t>(std::lower_bound(x.begin(), x.begin() + n, lo) - x.begin());
    size_t end = static_cast<size_t>(std::upper_bound(x.begin(), x.begin() + n, hi) - x.begin());
    if (begin > 0) --begin;  // one neighbour each side so lines reach the plot edges
    if (end < n) ++end;
    buckets = std::max(buckets, 1);
    if (end - begin <= static_cast<size_t>(2 * buckets)) {
        for (size_t i = begin; i < end; ++i) {
            if (!std::isfinite(y[i])) continue;
            out.x.push_back(x[i]);
            out.y.push_back(y[i]);
        }
        return out;
    }
    double x0 = x[begin], x1 = x[end - 1];
    double width = (x1 - x0) / buckets;
    if (!(width > 0)) width = 1.0;
    size_t i = begin;
    while (i < end) {
        long bucket = static_cast<long>((x[i] - x0) / width);
        size_t iMin = end, iMax = end;
        for (; i < end && static_cast<long>((x[i] - x0) / width) == bucket; ++i) {
            if (!std::isfinite(y[i])) continue;
            if (iMin == end || y[i] < y[iMin]) iMin = i;
            if (iMax == end || y[i] > y[iMax]) iMax = i;
        }
        if (iMin == end) continue;
        size_t a = std::min(iMin, iMax), b = std::max(iMin, iMax);
        out.x.push_back(x[a]);
        out.y.push_back(y[a]);
        if (b != a) {
            out.x.push_back(x[b]);
            out.y.push_back(y[b]);
        }
    }
    return out;
}

}  // namespace mmupt::ui
