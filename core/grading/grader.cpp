// The grader: answers_equivalent() compares two extracted answers through their structure
// (answer_structure.h) and symbolic_compare.h; grade() first locates the answers in free text
// (answer_locator.h) and handles multiple-choice letters. Exceptions never escape (a failed
// allocation on absurd input grades as "different"); answers over max_answer_bytes only match
// identical text, so the work per comparison is bounded whatever the nesting.
#include "core/grading/grader.h"

#include "core/answer/answer_format.h"
#include "core/answer/multiple_choice.h"
#include "core/grading/answer_locator.h"
#include "core/grading/answer_structure.h"
#include "core/grading/latex_normalizer.h"
#include "core/grading/structured_compare.h"

namespace mmupt {
namespace {

Answer combine(const std::vector<std::string>& parts) {
    if (parts.size() == 1) return parse_answer(parts[0]);
    Answer list;
    list.kind = Answer::Kind::List;
    for (const auto& p : parts) list.items.push_back(parse_answer(p));
    return list;
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
}

// "C", "(C)", "\text{C}": a bare choice letter A-E.
std::optional<char> bare_letter(const std::string& s) {
    std::string t = clean_latex(s).text;
    if (t.size() == 3 && t[0] == '(' && t[2] == ')') t = t.substr(1, 1);
    if (t.size() == 1 && t[0] >= 'A' && t[0] <= 'E') return t[0];
    return std::nullopt;
}

// The gold letter of a multiple-choice item: a bare letter, "(D) Alina" / "C Cecile" (a short
// option line), or prose that names it after an "answer" word.
std::optional<char> gold_choice(const std::string& gold) {
    if (auto c = bare_letter(gold)) return c;
    size_t a = gold.find_first_not_of(" \n\t");
    if (a == std::string::npos) return std::nullopt;
    std::string g = gold.substr(a);
    size_t i = g[0] == '(' ? 1 : 0;
    bool marker =
        i + 1 < g.size() && g[i] >= 'A' && g[i] <= 'E' && (i == 0 ? g[1] == ' ' : g[i + 1] == ')');
    if (marker && g.size() <= 60) return g[i];
    std::string low = g;
    for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (looks_like_prose(g) && low.find("answer") != std::string::npos && find_boxes(g).empty() &&
        g.find('$') == std::string::npos)
        return find_choice_letter(g);
    return std::nullopt;
}

std::optional<char> pred_choice(const std::string& pred) {
    if (auto c = bare_letter(pred)) return c;
    if (looks_like_prose(pred) && find_boxes(pred).empty()) return find_choice_letter(pred);
    return std::nullopt;
}

bool over_limit(const std::string& s, const GradeOptions& options) {
    return s.size() > options.max_answer_bytes;
}

}  // namespace

std::string grading_limit_note(const std::string& answer, const GradeOptions& options) {
    if (!over_limit(answer, options)) return "";
    return "the answer is " + std::to_string(answer.size()) +
           " bytes, over the grader's limit of " + std::to_string(options.max_answer_bytes) +
           ": compared as exact text only";
}

bool answers_equivalent(const std::string& a, const std::string& b, const GradeOptions& options) {
    try {
        if (a == b) return !a.empty();
        if (over_limit(a, options) || over_limit(b, options)) return false;
        if (structures_equivalent(parse_answer(a), parse_answer(b), options)) return true;
        std::string na = normalize_answer(a);
        return !na.empty() && na == normalize_answer(b);
    } catch (...) {
        return false;
    }
}

bool grade(const std::string& pred, const std::string& gold, const GradeOptions& options) {
    try {
        if (auto g = gold_choice(gold)) {
            if (auto p = pred_choice(pred)) return *p == *g;
        }
        LocatedAnswer lp = locate_answer(pred), lg = locate_answer(gold);
        if (lp.parts.empty() || lg.parts.empty()) return false;
        const std::string jp = joined(lp.parts), jg = joined(lg.parts);
        if (over_limit(jp, options) || over_limit(jg, options)) return jp == jg;
        if (structures_equivalent(combine(lp.parts), combine(lg.parts), options)) return true;
        std::string np = normalize_answer(jp);
        return !np.empty() && np == normalize_answer(jg);
    } catch (...) {
        return false;
    }
}

}  // namespace mmupt
