// Expression trees for the LaTeX subset answers use (\frac, \sqrt[n], powers, implicit
// multiplication, \pi, e, trig / log / exp, |x|, n!) and their numeric evaluation in complex
// double precision. No simplification or algebra: equivalence is decided by evaluating both
// sides at the same pseudo-random points (see expression_eval.cpp and docs/grading.md).
#pragma once
#include <complex>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mmupt {

struct ExprNode {
    enum class Kind {
        Number,
        Symbol,
        Pi,
        Euler,
        Infinity,
        Add,
        Sub,
        Mul,
        Div,
        Pow,
        Neg,
        Func,
        Root
    };
    Kind kind = Kind::Number;
    double value = 0;    // Number
    std::string name;    // Symbol name ("x", "a_{37}"), function name ("sin", "abs", "fact")
    int a = -1, b = -1;  // children (indices into ParsedExpr::nodes)
};

struct ParsedExpr {
    std::vector<ExprNode> nodes;  // children always precede their parent
    int root = -1;
    std::set<std::string> symbols;
};

// Parses a clean_latex() string. nullopt when it is not an expression of the subset, when it
// needs more than `max_nodes` nodes, or nests deeper than a fixed bound (no stack overflow).
std::optional<ParsedExpr> parse_expression(const std::string& text, int max_nodes);

// Evaluates with `symbol` giving each symbol's value. Iterative (no recursion). NaN on a domain
// error such as division by zero or an oversized factorial.
std::complex<double> evaluate(const ParsedExpr& e,
                              const std::function<double(const std::string&)>& symbol);

}  // namespace mmupt
