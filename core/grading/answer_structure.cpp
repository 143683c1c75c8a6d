// Structure of an answer (see answer_structure.h): top-level splitting on ";", ",", "\cup",
// relations, "\pm", bracket pairs and matrix environments. Depth counts () [] {} \{ \} and
// \begin/\end together, so "[0,1)" is one interval and "(1,2),(3,4)" a list of two tuples.
#include "core/grading/answer_structure.h"

#include "core/grading/latex_normalizer.h"
#include "core/grading/number_parser.h"

namespace mmupt {
namespace {

constexpr int kMaxDepth = 24;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

struct Piece {
    std::string text;
    std::string op;  // separator that ended the previous piece ("" for the first)
};

// Splits at depth-0 separators: single characters in `chars`, commands in `commands`.
std::vector<Piece> split_top(const std::string& s, const std::string& chars,
                             const std::vector<std::string>& commands) {
    std::vector<Piece> out(1);
    int depth = 0;
    for (size_t i = 0; i < s.size();) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) {
                depth += s[i + 1] == '{' ? 1 : -1;
                out.back().text += s.substr(i, 2);
                i += 2;
                continue;
            }
            size_t k = i + 1;
            while (k < s.size() && is_alpha(s[k])) ++k;
            std::string name = s.substr(i + 1, k - i - 1);
            if (k == i + 1 && k < s.size()) ++k;  // "\\" or "\," : two characters
            if (name == "begin") ++depth;
            if (name == "end") --depth;
            bool sep = false;
            if (depth == 0)
                for (const auto& cmd : commands) sep = sep || cmd == name;
            if (sep) {
                out.push_back({"", "\\" + name});
            } else {
                out.back().text += s.substr(i, k - i);
            }
            i = k;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (depth == 0 && chars.find(c) != std::string::npos) {
            out.push_back({"", std::string(1, c)});
        } else {
            out.back().text += c;
        }
        ++i;
    }
    return out;
}

// True when s[0] opens a bracket that closes exactly at the last character.
bool wrapped(const std::string& s) {
    if (s.size() < 2) return false;
    int depth = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\\') {
            ++i;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (depth == 0 && i + 1 < s.size()) return false;
    }
    return depth == 0;
}

constexpr int kMaxPlusMinus = 3;

int count_signs(const std::string& s) {
    int n = 0;
    for (size_t p = s.find('\\'); p != std::string::npos; p = s.find('\\', p + 1))
        n += s.compare(p, 3, "\\pm") == 0 || s.compare(p, 3, "\\mp") == 0;
    return n;
}

Answer scalar(const std::string& text, bool percent) {
    Answer a;
    a.text = text;
    a.percent = percent;
    return a;
}

Answer parse_clean(const std::string& raw, bool percent, int depth);

Answer list_of(const std::vector<Piece>& pieces, Answer::Kind kind, bool percent, int depth) {
    Answer a;
    a.kind = kind;
    for (const auto& p : pieces) {
        std::string t = trim(p.text);
        if (!t.empty()) a.items.push_back(parse_clean(t, percent, depth + 1));
    }
    if (a.items.size() == 1 && kind == Answer::Kind::List) return a.items[0];
    return a;
}

// \begin{pmatrix} a & b \\ c & d \end{pmatrix} (also bmatrix, matrix, vmatrix, array{cc}).
bool parse_matrix(const std::string& s, int depth, Answer& out) {
    if (s.rfind("\\begin{", 0) != 0) return false;
    size_t name_end = s.find('}');
    if (name_end == std::string::npos) return false;
    std::string env = s.substr(7, name_end - 7);
    std::string tail = "\\end{" + env + "}";
    if (s.size() < tail.size() || s.compare(s.size() - tail.size(), tail.size(), tail) != 0)
        return false;
    size_t body = name_end + 1;
    if (env == "array" && body < s.size() && s[body] == '{') body = s.find('}', body) + 1;
    std::string inner = s.substr(body, s.size() - tail.size() - body);
    std::vector<std::vector<std::string>> rows;
    size_t start = 0;
    for (size_t i = 0; i <= inner.size(); ++i) {
        bool end = i == inner.size() || inner.compare(i, 2, "\\\\") == 0;
        if (!end) continue;
        std::string row = trim(inner.substr(start, i - start));
        if (!row.empty()) {
            std::vector<std::string> cells;
            for (const auto& p : split_top(row, "&", {})) cells.push_back(trim(p.text));
            rows.push_back(cells);
        }
        start = i + 2;
        ++i;
    }
    if (rows.empty()) return false;
    out = Answer{};
    out.kind = Answer::Kind::Matrix;
    out.rows = rows.size();
    out.cols = rows[0].size();
    for (const auto& r : rows) {
        if (r.size() != out.cols) return false;
        for (const auto& cell : r) out.items.push_back(parse_clean(cell, false, depth + 1));
    }
    return true;
}

bool parse_relation(const std::string& s, bool percent, int depth, Answer& out) {
    auto parts = split_top(s, "=<>", {"le", "ge", "ne", "approx", "in"});
    if (parts.size() < 2) return false;
    // "x \in S": the set is the answer.
    if (parts.size() == 2 && parts[1].op == "\\in") {
        out = parse_clean(trim(parts[1].text), percent, depth + 1);
        return true;
    }
    // "\approx": an annotation, except "x \approx 11" which names a value.
    for (size_t k = 1; k < parts.size(); ++k) {
        if (parts[k].op != "\\approx") continue;
        std::string kept;
        for (size_t j = 0; j < k; ++j) kept += parts[j].op + parts[j].text;
        if (k == 1 && is_label(trim(parts[0].text))) kept += "=" + parts[1].text;
        out = parse_clean(trim(kept), percent, depth + 1);
        return true;
    }
    bool all_eq = true;
    for (size_t k = 1; k < parts.size(); ++k) all_eq = all_eq && parts[k].op == "=";
    if (all_eq && parts.size() > 2) {  // "x = 5+5+1 = 11": the last value
        out = parse_clean(trim(parts.back().text), percent, depth + 1);
        return true;
    }
    if (parts.size() == 3 && is_label(trim(parts[1].text))) {  // "a < x \le b": an interval
        std::string o1 = parts[1].op, o2 = parts[2].op;
        bool up = (o1 == "<" || o1 == "\\le") && (o2 == "<" || o2 == "\\le");
        bool down = (o1 == ">" || o1 == "\\ge") && (o2 == ">" || o2 == "\\ge");
        if (up || down) {
            std::string lo = parts[up ? 0 : 2].text, hi = parts[up ? 2 : 0].text;
            std::string lo_op = up ? o1 : o2, hi_op = up ? o2 : o1;
            out = Answer{};
            out.kind = Answer::Kind::Tuple;
            out.open = (lo_op == "<" || lo_op == ">") ? '(' : '[';
            out.close = (hi_op == "<" || hi_op == ">") ? ')' : ']';
            out.items = {parse_clean(trim(lo), false, depth + 1),
                         parse_clean(trim(hi), false, depth + 1)};
            return true;
        }
    }
    if (parts.size() != 2) return false;
    out = Answer{};
    out.kind = Answer::Kind::Relation;
    out.text = parts[1].op;
    // A naming left side ("(p,q)", "f(x)") stays a plain label, not a tuple or product.
    std::string lhs = trim(parts[0].text);
    out.items = {is_label(lhs) ? scalar(lhs, false) : parse_clean(lhs, percent, depth + 1),
                 parse_clean(trim(parts[1].text), percent, depth + 1)};
    return true;
}

Answer parse_clean(const std::string& raw, bool percent, int depth) {
    std::string s = trim(raw);
    if (depth > kMaxDepth || s.empty()) return scalar(s, percent);
    if (canonical_number(s)) return scalar(s, percent);  // "7,425,000" is one number
    Answer out;
    if (parse_matrix(s, depth, out)) return out;
    if (wrapped(s) && s[0] != '{' && parse_matrix(trim(s.substr(1, s.size() - 2)), depth, out))
        return out;  // "[\begin{array}...\end{array}]", "(\begin{pmatrix}...\end{pmatrix})"
    auto groups = split_top(s, ";", {});
    if (groups.size() > 1) return list_of(groups, Answer::Kind::List, percent, depth);
    auto items = split_top(s, ",", {});
    if (items.size() > 1) {
        Answer list = list_of(items, Answer::Kind::List, percent, depth);
        // "1,22" may also be a decimal comma: keep the text for a scalar comparison.
        if (items.size() == 2 && s.find(' ') == std::string::npos) list.text = s;
        return list;
    }
    auto unions = split_top(s, "", {"cup"});
    if (unions.size() > 1) return list_of(unions, Answer::Kind::Union, percent, depth);
    if (parse_relation(s, percent, depth, out)) return out;
    if (s.rfind("\\{", 0) == 0 && s.size() >= 4 && s.compare(s.size() - 2, 2, "\\}") == 0) {
        std::string inner = s.substr(2, s.size() - 4);
        return list_of(split_top(inner, ",;", {}), Answer::Kind::Set, percent, depth);
    }
    if (wrapped(s)) {
        std::string inner = s.substr(1, s.size() - 2);
        auto parts = split_top(inner, ",;", {});
        if (s[0] == '{') {  // braces only group: "{1,3}" is the list 1, 3
            return parse_clean(inner, percent, depth + 1);
        }
        if (parts.size() > 1) {
            Answer t;
            t.kind = Answer::Kind::Tuple;
            t.open = s[0];
            t.close = s.back();
            for (const auto& p : parts)
                t.items.push_back(parse_clean(trim(p.text), false, depth + 1));
            return t;
        }
        if (s[0] == '(' && s.back() == ')') {
            Answer inside = parse_clean(inner, percent, depth + 1);
            if (inside.kind == Answer::Kind::Matrix) return inside;
        }
    }
    if (s.rfind("\\langle", 0) == 0 && s.size() > 13 &&
        s.compare(s.size() - 6, 6, "\\rangle") == 0) {
        Answer t = list_of(split_top(s.substr(7, s.size() - 13), ",", {}), Answer::Kind::Tuple,
                           false, depth);
        t.open = '<';
        t.close = '>';
        return t;
    }
    size_t pm = s.find("\\pm");
    if (pm == std::string::npos) pm = s.find("\\mp");
    // Each sign doubles the work (both values are parsed again): expand at most a few, so that
    // "1 \pm 1 \pm 1 ..." costs 2^3 parses, not 2^24.
    if (pm != std::string::npos && count_signs(s) <= kMaxPlusMinus) {  // "1 \pm \sqrt{19}"
        Answer both;
        both.kind = Answer::Kind::List;
        both.items = {parse_clean(s.substr(0, pm) + "+" + s.substr(pm + 3), percent, depth + 1),
                      parse_clean(s.substr(0, pm) + "-" + s.substr(pm + 3), percent, depth + 1)};
        return both;
    }
    return scalar(s, percent);
}

}  // namespace

bool is_label(const std::string& s) {
    if (s.empty() || s.size() > 40) return false;
    bool letter = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '_') {  // subscripts may hold anything short: a_{37}, V_1
            if (i + 1 < s.size() && s[i + 1] == '{') {
                size_t close = s.find('}', i);
                if (close == std::string::npos) return false;
                i = close;
            } else {
                ++i;
            }
            continue;
        }
        if (is_alpha(c)) {
            letter = true;
            continue;
        }
        if (is_digit(c) || c == '+' || c == '-' || c == '*' || c == '/' || c == '^' || c == '=' ||
            c == '<' || c == '>' || c == '.')
            return false;
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) return false;
    }
    return letter;
}

Answer parse_answer(const std::string& raw) {
    CleanLatex c = clean_latex(raw);
    return parse_clean(c.text, c.percent, 0);
}

}  // namespace mmupt
