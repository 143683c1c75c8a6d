// The shape of an extracted answer: a scalar (number / expression / word), a tuple or interval
// with its brackets, a list or set, a matrix, a relation (x = 4, 2x+4y-3=0, x \le 5), or a union
// of intervals. Parsing splits on top-level separators only and never evaluates; depth is
// bounded, so hostile nesting degrades to a scalar instead of recursing without limit.
#pragma once
#include <string>
#include <vector>

namespace mmupt {

struct Answer {
    enum class Kind { Scalar, Tuple, List, Set, Matrix, Relation, Union };
    Kind kind = Kind::Scalar;
    std::string text;  // Scalar: clean_latex text. Relation: "=", "<", "\\le", ">", "\\ge", "\\ne"
    bool percent = false;       // Scalar had a % / "percent"
    std::vector<Answer> items;  // elements; Matrix cells row-major; Relation {lhs, rhs}
    char open = 0, close = 0;   // Tuple brackets: ( ) [ ] or < > for \langle \rangle
    size_t rows = 0, cols = 0;  // Matrix
};

// Parses one extracted answer (raw LaTeX or plain text; cleaned here).
Answer parse_answer(const std::string& raw);

// A left-hand side that only names the answer: x, a_{37}, f(x), |AB|, V_1:V_2, (p,q),
// \frac{NO}{BO}. Never anything with digits (outside subscripts) or + - * / ^.
bool is_label(const std::string& cleaned);

}  // namespace mmupt
