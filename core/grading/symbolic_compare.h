// Equivalence of two scalar answers (numbers or expressions) and of two relations, decided by
// exact normalised strings, then plain-number values, then evaluation of both expression trees at
// the same deterministic pseudo-random points. Bounded: trees over GradeOptions::max_symbolic_nodes
// are not evaluated, and each comparison evaluates at a fixed number of points.
#pragma once
#include <string>

#include "core/grading/grader.h"

namespace mmupt {

enum class Verdict { Equal, Different, Unknown };  // Unknown: neither side parsed as maths

// `a`, `b` are clean_latex() texts; `*_percent` says a % was removed (10% may equal 0.1 or 10).
Verdict compare_scalars(const std::string& a, bool a_percent, const std::string& b, bool b_percent,
                        const GradeOptions& options);

// Relations "f1 op 0" and "f2 op 0" (f = lhs - rhs, given as text): Equal when f1 = c * f2 at
// every sample point for one constant c != 0, and c > 0 when `positive` (inequalities).
Verdict compare_proportional(const std::string& f1, const std::string& f2, bool positive,
                             const GradeOptions& options);

}  // namespace mmupt
