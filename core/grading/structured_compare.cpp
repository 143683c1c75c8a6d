// Structured comparison (see structured_compare.h). Bare comma lists compare as sets: answers such
// as "the roots are -2, 1" carry no order, and voting must merge "1, -2" with "-2, 1"; ordered
// answers come as tuples "(a, b)". Lists of more than kMaxItems elements are not matched, and
// one comparison makes at most kMaxComparisons element comparisons (then: "different").
#include "core/grading/structured_compare.h"

#include "core/grading/latex_normalizer.h"
#include "core/grading/symbolic_compare.h"

namespace mmupt {
namespace {

using Kind = Answer::Kind;
constexpr size_t kMaxItems = 64;
constexpr int kMaxDepth = 16;

bool equiv(const Answer& a, const Answer& b, const GradeOptions& o, int depth);

bool ordered(const std::vector<Answer>& a, const std::vector<Answer>& b, const GradeOptions& o,
             int depth) {
    if (a.size() != b.size() || a.size() > kMaxItems) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!equiv(a[i], b[i], o, depth + 1)) return false;
    return true;
}

// Same elements as sets: every element of each side has an equivalent on the other side.
bool unordered(const std::vector<Answer>& a, const std::vector<Answer>& b, const GradeOptions& o,
               int depth) {
    if (a.empty() || b.empty() || a.size() > kMaxItems || b.size() > kMaxItems) return false;
    auto covered = [&](const std::vector<Answer>& x, const std::vector<Answer>& y) {
        for (const auto& e : x) {
            bool found = false;
            for (const auto& f : y) {
                if (equiv(e, f, o, depth + 1)) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    };
    return covered(a, b) && covered(b, a);
}

void flatten(const Answer& a, std::vector<Answer>& out) {
    if (a.kind == Kind::List || a.kind == Kind::Set) {
        for (const auto& e : a.items) flatten(e, out);
    } else {
        out.push_back(a);
    }
}

bool is_inequality(const std::string& op) {
    return op == "<" || op == ">" || op == "\\le" || op == "\\ge";
}

// "lhs op rhs" as "f op' 0" with op' in {>, \ge, =, \ne}: returns f's text and op'.
std::pair<std::string, std::string> oriented(const Answer& r) {
    const std::string &l = r.items[0].text, &rhs = r.items[1].text, &op = r.text;
    if (op == "<") return {"(" + rhs + ")-(" + l + ")", ">"};
    if (op == "\\le") return {"(" + rhs + ")-(" + l + ")", "\\ge"};
    return {"(" + l + ")-(" + rhs + ")", op};
}

bool relations_equal(const Answer& a, const Answer& b, const GradeOptions& o, int depth) {
    const Answer &la = a.items[0], &lb = b.items[0];
    bool labels = la.kind == Kind::Scalar && lb.kind == Kind::Scalar && is_label(la.text) &&
                  is_label(lb.text);
    if (labels && a.text == b.text && normalize_answer(la.text) == normalize_answer(lb.text) &&
        equiv(a.items[1], b.items[1], o, depth + 1))
        return true;
    for (const auto* r : {&a, &b})
        if (r->items[0].kind != Kind::Scalar || r->items[1].kind != Kind::Scalar) return false;
    auto [fa, opa] = oriented(a);
    auto [fb, opb] = oriented(b);
    if (opa != opb) return false;
    return compare_proportional(fa, fb, is_inequality(opa), o) == Verdict::Equal;
}

// A relation whose left side only names the answer stands for its right side.
const Answer* labelled_value(const Answer& a) {
    if (a.kind != Kind::Relation || a.text != "=") return nullptr;
    const Answer& lhs = a.items[0];
    return lhs.kind == Kind::Scalar && is_label(lhs.text) ? &a.items[1] : nullptr;
}

// Element comparisons left for the current structures_equivalent() call. Lists of lists compare
// pairwise at each level (64 x 64 x 64 x 64 scalar compares for two levels of 64-item lists),
// so the total is capped: past it, the answers are "different".
constexpr long kMaxComparisons = 20000;
thread_local long t_comparisons_left = kMaxComparisons;

bool equiv(const Answer& a, const Answer& b, const GradeOptions& o, int depth) {
    if (depth > kMaxDepth || --t_comparisons_left < 0) return false;
    if (a.kind == Kind::Scalar && b.kind == Kind::Scalar)
        return compare_scalars(a.text, a.percent, b.text, b.percent, o) == Verdict::Equal;
    // A two-item list written "1,22" against a number: maybe a decimal comma.
    if (a.kind == Kind::List && b.kind == Kind::Scalar && !a.text.empty())
        return compare_scalars(a.text, a.percent, b.text, b.percent, o) == Verdict::Equal;
    if (b.kind == Kind::List && a.kind == Kind::Scalar && !b.text.empty())
        return compare_scalars(a.text, a.percent, b.text, b.percent, o) == Verdict::Equal;
    if (a.kind == Kind::Relation && b.kind == Kind::Relation && relations_equal(a, b, o, depth))
        return true;
    if (const Answer* v = labelled_value(a); v && b.kind != Kind::Relation)
        return equiv(*v, b, o, depth + 1);
    if (const Answer* v = labelled_value(b); v && a.kind != Kind::Relation)
        return equiv(a, *v, o, depth + 1);
    if (a.kind == Kind::Relation && b.kind == Kind::Relation) {
        const Answer *va = labelled_value(a), *vb = labelled_value(b);
        if (va && vb && normalize_answer(a.items[0].text) == normalize_answer(b.items[0].text))
            return equiv(*va, *vb, o, depth + 1);
        return false;
    }
    bool a_list = a.kind == Kind::List || a.kind == Kind::Set;
    bool b_list = b.kind == Kind::List || b.kind == Kind::Set;
    if (a.kind == Kind::Tuple && b.kind == Kind::Tuple)
        return a.open == b.open && a.close == b.close && ordered(a.items, b.items, o, depth);
    if ((a.kind == Kind::Tuple && b_list) || (a_list && b.kind == Kind::Tuple))
        return ordered(a.items, b.items, o, depth);  // "{1,3}" vs "(1,3)": same order
    if (a_list && b_list) {
        if (unordered(a.items, b.items, o, depth)) return true;
        std::vector<Answer> fa, fb;
        flatten(a, fa);
        flatten(b, fb);
        return (fa.size() != a.items.size() || fb.size() != b.items.size()) &&
               unordered(fa, fb, o, depth);
    }
    if (a.kind == Kind::Matrix && b.kind == Kind::Matrix)
        return a.rows == b.rows && a.cols == b.cols && ordered(a.items, b.items, o, depth);
    if (a.kind == Kind::Union && b.kind == Kind::Union)
        return unordered(a.items, b.items, o, depth);
    return false;
}

}  // namespace

bool structures_equivalent(const Answer& a, const Answer& b, const GradeOptions& options) {
    t_comparisons_left = kMaxComparisons;
    return equiv(a, b, options, 0);
}

}  // namespace mmupt
