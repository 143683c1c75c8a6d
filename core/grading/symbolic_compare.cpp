// Scalar and relation equivalence (see symbolic_compare.h). Why sampling instead of GiNaC:
// docs/grading.md. Each symbol gets the same value on both sides at a given point: a hash of its
// name and the point index, mapped into [0.5, 2.5] (positive, so sqrt/log identities hold).
#include "core/grading/symbolic_compare.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "core/grading/expression.h"
#include "core/grading/latex_normalizer.h"
#include "core/grading/number_parser.h"

namespace mmupt {
namespace {

using C = std::complex<double>;
constexpr int kPoints = 8;
constexpr int kMinValidPoints = 3;

uint64_t mix(uint64_t x) {  // splitmix64 finaliser: deterministic, well spread
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double sample(const std::string& name, int point) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a of the name
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    uint64_t r = mix(h ^ mix(static_cast<uint64_t>(point) + 0x1234));
    return 0.5 + 2.0 * static_cast<double>(r >> 11) / static_cast<double>(1ull << 53);
}

bool finite(C z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

bool close(C x, C y, double tol) {
    double scale = std::max(std::abs(x), std::abs(y));
    if (scale < 1e-12) return true;
    return std::abs(x - y) <= tol * scale;
}

// The plain decimal `text` equals `other` rounded to its shown places ("7.78" vs 70/9);
// only for two or more places, so "5" never absorbs "5.001".
bool rounds_to(const std::string& text, double value, double other) {
    int places = decimal_places(text);
    if (places < 2 || places > 12) return false;
    return std::abs(other - value) <= 0.5 * std::pow(10.0, -places) * (1 + 1e-9);
}

bool numbers_equal(double x, const std::string& xt, bool xp, double y, const std::string& yt,
                   bool yp, double tol) {
    for (int i = 0; i < (xp ? 2 : 1); ++i) {
        for (int j = 0; j < (yp ? 2 : 1); ++j) {
            double a = i ? x / 100 : x, b = j ? y / 100 : y;
            if (close(a, b, tol)) return true;
            if (i == 0 && rounds_to(xt, a, b)) return true;
            if (j == 0 && rounds_to(yt, b, a)) return true;
        }
    }
    return false;
}

std::optional<ParsedExpr> parse(const std::string& s, const GradeOptions& o) {
    return parse_expression(s, std::max(1, o.max_symbolic_nodes));
}

C eval_at(const ParsedExpr& e, int point) {
    return evaluate(e, [point](const std::string& name) { return sample(name, point); });
}

}  // namespace

Verdict compare_scalars(const std::string& a, bool a_percent, const std::string& b, bool b_percent,
                        const GradeOptions& options) {
    if (a.empty() || b.empty()) return a == b ? Verdict::Equal : Verdict::Different;
    if (normalize_answer(a) == normalize_answer(b)) return Verdict::Equal;
    double tol = options.relative_tolerance;
    auto na = parse_number(a), nb = parse_number(b);
    // A decimal comma is read only against a plain number on the other side ("1,22" vs "1.22").
    if (!na && nb) na = parse_number(a, true);
    if (na && !nb) nb = parse_number(b, true);
    if (na && nb)
        return numbers_equal(*na, a, a_percent, *nb, b, b_percent, tol) ? Verdict::Equal
                                                                        : Verdict::Different;
    auto pa = parse(a, options), pb = parse(b, options);
    if (!pa && !pb) return Verdict::Unknown;
    if (!pa || !pb) return Verdict::Different;
    if (pa->symbols.empty() && pb->symbols.empty()) {
        C x = eval_at(*pa, 0), y = eval_at(*pb, 0);
        if (!finite(x) || !finite(y)) return Verdict::Different;
        if (std::abs(x.imag()) < 1e-12 && std::abs(y.imag()) < 1e-12)
            return numbers_equal(x.real(), a, a_percent, y.real(), b, b_percent, tol)
                       ? Verdict::Equal
                       : Verdict::Different;
        return close(x, y, tol) ? Verdict::Equal : Verdict::Different;
    }
    // A symbol on one side only may still cancel ("x - x + 1" vs "1"): sampling decides.
    int valid = 0;
    for (int k = 0; k < kPoints; ++k) {
        C x = eval_at(*pa, k), y = eval_at(*pb, k);
        if (!finite(x) || !finite(y)) continue;
        if (!close(x, y, std::min(tol, 1e-6))) return Verdict::Different;
        ++valid;
    }
    return valid >= kMinValidPoints ? Verdict::Equal : Verdict::Different;
}

Verdict compare_proportional(const std::string& f1, const std::string& f2, bool positive,
                             const GradeOptions& options) {
    auto p1 = parse(f1, options), p2 = parse(f2, options);
    if (!p1 || !p2) return Verdict::Unknown;
    std::optional<C> ratio;
    int valid = 0;
    for (int k = 0; k < kPoints; ++k) {
        C x = eval_at(*p1, k), y = eval_at(*p2, k);
        if (!finite(x) || !finite(y)) continue;
        bool zx = std::abs(x) < 1e-12, zy = std::abs(y) < 1e-12;
        if (zx || zy) {
            if (zx != zy) return Verdict::Different;
            continue;  // both vanish here: no information about the ratio
        }
        C r = x / y;
        if (!ratio) ratio = r;
        if (!close(r, *ratio, 1e-6)) return Verdict::Different;
        ++valid;
    }
    if (!ratio || valid < kMinValidPoints) {
        // Constant relations ("7 = 7"): equal only if both hold the same way; keep it simple.
        return Verdict::Different;
    }
    if (positive && !(std::abs(ratio->imag()) < 1e-9 && ratio->real() > 0))
        return Verdict::Different;
    return Verdict::Equal;
}

}  // namespace mmupt
