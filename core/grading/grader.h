// Answer equivalence (the grader): MathRuler-style normalisation, a numeric fallback and a bounded
// symbolic check. Pure functions, thread-safe, never throw and never hang on any input.
#pragma once
#include <string>

namespace mmupt {

struct GradeOptions {
    double relative_tolerance = 1e-4;  // numeric compare: |a-b| <= tol * max(|a|,|b|)
    int max_symbolic_nodes = 2000;     // bound on the work of one symbolic comparison
};

// Are two *extracted* answers the same (e.g. "0.5" vs "\frac{1}{2}", "x = 4" vs "4")?
bool answers_equivalent(const std::string& a, const std::string& b,
                        const GradeOptions& options = {});

// Grades free text against a gold answer: extracts from both when they are not bare answers
// (last \boxed{}, $...$ math, a trailing number), then compares with answers_equivalent.
bool grade(const std::string& pred, const std::string& gold, const GradeOptions& options = {});

}  // namespace mmupt
