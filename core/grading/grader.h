// Answer equivalence (the grader): MathRuler-style normalisation, a numeric fallback and a bounded
// symbolic check. Pure functions, thread-safe, never throw and never hang on any input.
#pragma once
#include <cstddef>
#include <string>

namespace mmupt {

struct GradeOptions {
    double relative_tolerance = 1e-4;  // numeric compare: |a-b| <= tol * max(|a|,|b|)
    int max_symbolic_nodes = 2000;     // bound on the work of one symbolic comparison
    // Answers longer than this (bytes, after extraction) are compared as exact text only: no
    // normalisation, structure or symbolic check. Real answers are far shorter; the cap bounds
    // the work on hostile input (100k nested braces) to one string compare.
    size_t max_answer_bytes = 8192;
};

// Why `answer` is compared as exact text only (empty when it is graded normally), e.g.
// "the answer is 200003 bytes, over the grader's limit of 8192: compared as exact text only".
std::string grading_limit_note(const std::string& answer, const GradeOptions& options = {});

// Are two *extracted* answers the same (e.g. "0.5" vs "\frac{1}{2}", "x = 4" vs "4")?
bool answers_equivalent(const std::string& a, const std::string& b,
                        const GradeOptions& options = {});

// Grades free text against a gold answer: extracts from both when they are not bare answers
// (last \boxed{}, $...$ math, a trailing number), then compares with answers_equivalent.
bool grade(const std::string& pred, const std::string& gold, const GradeOptions& options = {});

}  // namespace mmupt
