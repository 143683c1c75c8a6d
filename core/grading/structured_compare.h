// Equivalence of two parsed answers (answer_structure.h): tuples and intervals element-wise with
// matching brackets, lists and sets order-insensitively, matrices cell by cell, relations up to
// a constant factor, "x = 4" against "4" through its label. Bounded by element counts and depth.
#pragma once
#include "core/grading/answer_structure.h"
#include "core/grading/grader.h"

namespace mmupt {

bool structures_equivalent(const Answer& a, const Answer& b, const GradeOptions& options);

}  // namespace mmupt
