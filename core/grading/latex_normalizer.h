// String normalisation of extracted answers, after MathRuler / hendrycks `_strip_string`:
// clean_latex() removes presentation-only LaTeX but keeps structure (brackets, commas, relations)
// for the structured parser; normalize_answer() is the full MathRuler-style canonical string used
// for the exact-string fast path. Neither evaluates anything; both run in linear time.
#pragma once
#include <string>

namespace mmupt {

struct CleanLatex {
    std::string text;
    bool percent = false;  // a %, \%, "percent" or "pct" was removed
};

// \left/\right, \!, \, \quad, $, \$, ^\circ, \text{ units}, unit words after numbers, \dfrac ->
// \frac, \le/\leq/<= -> \le, \cdot/\times -> *, "and"/"or" between items -> ",", {,} -> ",".
// Double-escaped commands ("\\frac", as in JSON-dumped text) become single-escaped.
CleanLatex clean_latex(const std::string& s);

// clean_latex plus: \frac12 -> \frac{1}{2}, \sqrt3 -> \sqrt{3}, no spaces, leading 0 on ".5",
// "x=" prefix of a single variable dropped, enclosing braces dropped, thousands commas dropped,
// "5.0" -> "5", lower-case.
std::string normalize_answer(const std::string& s);

}  // namespace mmupt
