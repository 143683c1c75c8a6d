// MathRuler-style answer normalisation (see latex_normalizer.h). Each pass is one left-to-right
// scan, so the cost is linear in the input; a nesting guard bounds the recursion into \text{}.
// It never parses maths: "x=5" is only shortened for a single-letter variable here.
#include "core/grading/latex_normalizer.h"

#include "core/grading/number_parser.h"

#include <cctype>
#include <cstring>
#include <unordered_set>
#include <vector>

namespace mmupt {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Commands that "\\name" (a doubly escaped backslash) may stand for.
const std::unordered_set<std::string>& known_commands() {
    static const std::unordered_set<std::string> k = {"frac",
                                                      "dfrac",
                                                      "tfrac",
                                                      "cfrac",
                                                      "sqrt",
                                                      "left",
                                                      "right",
                                                      "le",
                                                      "leq",
                                                      "ge",
                                                      "geq",
                                                      "lt",
                                                      "gt",
                                                      "ne",
                                                      "neq",
                                                      "pi",
                                                      "cdot",
                                                      "times",
                                                      "text",
                                                      "mathrm",
                                                      "mathbf",
                                                      "boxed",
                                                      "in",
                                                      "cup",
                                                      "cap",
                                                      "infty",
                                                      "pm",
                                                      "sin",
                                                      "cos",
                                                      "tan",
                                                      "sec",
                                                      "csc",
                                                      "cot",
                                                      "ln",
                                                      "log",
                                                      "approx",
                                                      "quad",
                                                      "qquad",
                                                      "textbf",
                                                      "dfrac",
                                                      "overrightarrow",
                                                      "mathbf",
                                                      "operatorname",
                                                      "begin",
                                                      "end",
                                                      "alpha",
                                                      "beta",
                                                      "gamma",
                                                      "theta",
                                                      "circ",
                                                      "div",
                                                      "exp",
                                                      "neq"};
    return k;
}

// Where each unescaped '{' of a string closes (npos: never), from one stack pass, so that
// reading many groups ("\text{\text{..." never closed, or 100k nested braces) stays linear
// instead of rescanning the tail once per group. A backslash escapes the next character.
class BraceMatch {
  public:
    explicit BraceMatch(const std::string& s) : close_(s.size(), std::string::npos) {
        std::vector<size_t> open;
        for (size_t k = 0; k < s.size(); ++k) {
            if (s[k] == '\\') {
                ++k;
                continue;
            }
            if (s[k] == '{') open.push_back(k);
            if (s[k] == '}' && !open.empty()) {
                close_[open.back()] = k;
                open.pop_back();
            }
        }
    }
    size_t close_of(size_t i) const { return i < close_.size() ? close_[i] : std::string::npos; }

  private:
    std::vector<size_t> close_;
};

// Reads the balanced {...} group starting at s[i] == '{'; returns the content, sets `end`.
bool read_group(const std::string& s, const BraceMatch& m, size_t i, std::string& content,
                size_t& end) {
    if (i >= s.size() || s[i] != '{') return false;
    const size_t k = m.close_of(i);
    if (k == std::string::npos) return false;
    content = s.substr(i + 1, k - i - 1);
    end = k + 1;
    return true;
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

// Appends c, but never a second space in a row: clean_latex collapses runs of spaces at the end
// anyway, and ends_operand() below scans back over trailing spaces, which would make "1" and
// 100k dropped units ("1 cm cm cm ...") quadratic.
void put(std::string& out, char c) {
    if (c == ' ' && !out.empty() && out.back() == ' ') return;
    out += c;
}

bool ends_operand(const std::string& out) {
    size_t k = out.find_last_not_of(' ');
    return k != std::string::npos && (is_digit(out[k]) || out[k] == '}' || out[k] == ')');
}

// UTF-8 symbols that have a LaTeX / ASCII spelling.
struct Utf8Map {
    const char* from;
    const char* to;
};
const Utf8Map kUtf8[] = {
    {"\xC2\xB0", ""},           {"\xE2\x88\x92", "-"},     {"\xC3\x97", "*"},
    {"\xC3\xB7", "/"},          {"\xE2\x89\xA4", "\\le "}, {"\xE2\x89\xA5", "\\ge "},
    {"\xE2\x89\xA0", "\\ne "},  {"\xCF\x80", "\\pi "},     {"\xE2\x88\x9E", "\\infty "},
    {"\xE2\x88\x9A", "\\sqrt"}, {"\xC2\xB7", "*"}};

void clean_into(const std::string& s, CleanLatex& r, std::string& out, int nesting);

// Handles "\name..." at s[i]; returns the index after what it consumed.
size_t clean_command(const std::string& s, const BraceMatch& match, size_t i, CleanLatex& r,
                     std::string& out, int nesting) {
    size_t j = i + 1;
    if (j < s.size() && s[j] == '\\' && j + 1 < s.size() && is_alpha(s[j + 1])) {
        size_t k = j + 1;
        while (k < s.size() && is_alpha(s[k])) ++k;
        if (!known_commands().count(s.substr(j + 1, k - j - 1))) {
            out += "\\\\";
            return j + 1;
        }
        ++j;  // "\\frac" -> "\frac"
    }
    if (j >= s.size()) return j;  // a lone trailing backslash ("185\") is dropped
    if (!is_alpha(s[j])) {
        char c = s[j];
        if (c == '%') r.percent = true;
        if (c == ' ') put(out, ' ');
        if (c == '!') {  // "12,\! 000": a negative space glues what follows
            ++j;
            while (j < s.size() && s[j] == ' ') ++j;
            return j;
        }
        if (c == '{' || c == '}' || c == '\\' || c == '|') out += std::string("\\") + c;
        if (c == '#' || c == '&' || c == '_') out += c;
        return j + 1;  // \! \, \; \: \$ \% dropped
    }
    size_t k = j;
    while (k < s.size() && is_alpha(s[k])) ++k;
    std::string name = s.substr(j, k - j);
    static const std::unordered_set<std::string> drop = {
        "left",         "right",     "bigl",   "bigr", "Bigl",   "Bigr",    "big",   "Big",
        "displaystyle", "textstyle", "limits", "circ", "degree", "mathrel", "hfill", "middle"};
    static const std::unordered_set<std::string> wrappers = {
        "text",   "textbf", "textit", "textrm",       "textnormal", "textup", "mathrm", "mathbf",
        "mathit", "mathsf", "mbox",   "operatorname", "boldsymbol", "mathbb", "bm",     "hbox"};
    if (drop.count(name)) {
        if ((name == "left" || name == "right") && k < s.size() && s[k] == '.') ++k;
        return k;
    }
    if (name == "quad" || name == "qquad") return put(out, ' '), k;
    if (name == "dfrac" || name == "tfrac" || name == "cfrac") return out += "\\frac", k;
    if (name == "lt") return out += '<', k;
    if (name == "gt") return out += '>', k;
    if (name == "leq" || name == "le" || name == "leqslant") return out += "\\le ", k;
    if (name == "geq" || name == "ge" || name == "geqslant") return out += "\\ge ", k;
    if (name == "neq" || name == "ne") return out += "\\ne ", k;
    if (name == "cdot" || name == "times" || name == "ast") return out += '*', k;
    if (name == "div") return out += '/', k;
    if (wrappers.count(name)) {
        size_t g = k;
        while (g < s.size() && s[g] == ' ') ++g;
        std::string content;
        size_t end = 0;
        if (!read_group(s, match, g, content, end)) return k;
        std::string t = trim(content);
        if (t == "and" || t == "or" || t == ",") {
            out += ", ";
        } else if (!content.empty() && content[0] == ' ' && name.rfind("text", 0) == 0 &&
                   ends_operand(out)) {
            // "10\text{ cm}^2": a unit after a number; drop it with its exponent.
            if (end + 1 < s.size() && s[end] == '^') {
                size_t close = s[end + 1] == '{' ? s.find('}', end) : end + 1;
                end = close == std::string::npos ? s.size() : close + 1;
            }
        } else if (nesting < 16) {
            clean_into(content, r, out, nesting + 1);
        }
        return std::min(end, s.size());
    }
    out += '\\';
    out += name;
    return k;
}

void clean_into(const std::string& s, CleanLatex& r, std::string& out, int nesting) {
    const BraceMatch match(s);
    size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == '\\') {
            i = clean_command(s, match, i, r, out, nesting);
            continue;
        }
        if (c == '$') {
            ++i;
            continue;
        }
        if (c == '%') {
            r.percent = true;
            ++i;
            continue;
        }
        if (c == '^' &&
            (s.compare(i + 1, 5, "\\circ") == 0 || s.compare(i + 1, 7, "{\\circ}") == 0)) {
            i += s[i + 1] == '{' ? 8 : 6;
            continue;
        }
        if (c == '{') {  // "14{,}916", "14 {, }916": a thousands comma in braces, glued
            size_t k = i + 1;
            while (k < s.size() && s[k] == ' ') ++k;
            if (k < s.size() && s[k] == ',') {
                ++k;
                while (k < s.size() && s[k] == ' ') ++k;
                if (k < s.size() && s[k] == '}') {
                    while (!out.empty() && out.back() == ' ') out.pop_back();
                    out += ',';
                    i = k + 1;
                    while (i < s.size() && s[i] == ' ') ++i;
                    continue;
                }
            }
        }
        if ((c == '<' || c == '>' || c == '!') && i + 1 < s.size() && s[i + 1] == '=') {
            out += c == '<' ? "\\le " : c == '>' ? "\\ge " : "\\ne ";
            i += 2;
            continue;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            bool mapped = false;
            for (const auto& m : kUtf8) {
                size_t n = std::strlen(m.from);
                if (s.compare(i, n, m.from) == 0) {
                    out += m.to;
                    i += n;
                    mapped = true;
                    break;
                }
            }
            if (mapped) continue;
        }
        if (c == '\t' || c == '\n' || c == '\r' || c == '~') c = ' ';
        put(out, c);
        ++i;
    }
}

const std::unordered_set<std::string>& unit_words() {
    static const std::unordered_set<std::string> k = {
        "cm",         "mm",          "km",     "meter",   "meters",  "metre",  "metres",
        "centimeter", "centimeters", "inch",   "inches",  "ft",      "feet",   "foot",
        "mile",       "miles",       "yard",   "yards",   "kg",      "gram",   "grams",
        "kilogram",   "kilograms",   "lb",     "lbs",     "pound",   "pounds", "second",
        "seconds",    "sec",         "minute", "minutes", "min",     "hour",   "hours",
        "hr",         "hrs",         "day",    "days",    "week",    "weeks",  "month",
        "months",     "year",        "years",  "unit",    "units",   "dollar", "dollars",
        "cent",       "cents",       "yuan",   "degree",  "degrees", "liter",  "liters",
        "litre",      "litres",      "mph",    "sq",      "square",  "cubic",  "people",
        "students",   "times",       "ways"};
    return k;
}

// Second pass: "and"/"or" between items -> ",", unit and percent words after numbers dropped.
std::string drop_words(const std::string& s, bool& percent) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        if (!is_alpha(s[i]) || (i > 0 && (is_alpha(s[i - 1]) || s[i - 1] == '\\'))) {
            put(out, s[i++]);
            continue;
        }
        size_t k = i;
        while (k < s.size() && is_alpha(s[k])) ++k;
        std::string word = s.substr(i, k - i);
        std::string lower = word;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        // "(1,2)or(3,4)": a connector glued between brackets also separates.
        bool spaced_before =
            i == 0 || s[i - 1] == ' ' || s[i - 1] == ',' || s[i - 1] == ')' || s[i - 1] == ']';
        bool spaced_after = k >= s.size() || s[k] == ' ' || s[k] == '(' || s[k] == '[';
        if ((word == "and" || word == "or") && spaced_before && spaced_after && i > 0) {
            while (!out.empty() && (out.back() == ' ' || out.back() == ',')) out.pop_back();
            out += ", ";
        } else if ((lower == "percent" || lower == "percentage" || lower == "pct") &&
                   ends_operand(out)) {
            percent = true;
        } else if (unit_words().count(lower) && ends_operand(out) &&
                   (k >= s.size() || !is_alpha(s[k]))) {
            if (k < s.size() && s[k] == '^' && k + 1 < s.size() && is_digit(s[k + 1])) k += 2;
        } else {
            out += word;
        }
        i = k;
    }
    return out;
}

}  // namespace

CleanLatex clean_latex(const std::string& s) {
    CleanLatex r;
    std::string first;
    first.reserve(s.size());
    clean_into(s, r, first, 0);
    std::string text = drop_words(first, r.percent);
    // Collapse runs of spaces, trim, drop trailing punctuation ("5." / "x = 2,").
    std::string out;
    for (char c : text) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    out = trim(out);
    while (!out.empty() &&
           (out.back() == '.' || out.back() == ',' || out.back() == ';' || out.back() == ' '))
        out.pop_back();
    r.text = out;
    return r;
}

std::string normalize_answer(const std::string& s) {
    std::string c = clean_latex(s).text;
    // Thousands separators, "5.0" -> "5", leading zeros and signs ("+033" -> "33"); read before
    // spaces go, so that "32, 349" stays a list.
    if (auto number = canonical_number(c)) return *number;
    std::string t;
    for (char ch : c)
        if (ch != ' ') t += ch;
    // \frac12 -> \frac{1}{2}, \sqrt3 -> \sqrt{3}: brace single-character arguments.
    std::string u;
    const BraceMatch t_match(t);
    for (size_t i = 0; i < t.size();) {
        bool frac = t.compare(i, 5, "\\frac") == 0, sqrt = t.compare(i, 5, "\\sqrt") == 0;
        if (!frac && !sqrt) {
            u += t[i++];
            continue;
        }
        u += t.substr(i, 5);
        i += 5;
        for (int arg = 0; arg < (frac ? 2 : 1) && i < t.size(); ++arg) {
            if (t[i] == '{') {
                size_t end = 0;
                std::string content;
                if (!read_group(t, t_match, i, content, end)) break;
                u += t.substr(i, end - i);
                i = end;
            } else if (is_alpha(t[i]) || is_digit(t[i])) {
                u += std::string("{") + t[i++] + "}";
            }
        }
    }
    // ".5" -> "0.5"
    std::string v;
    for (size_t i = 0; i < u.size(); ++i) {
        if (u[i] == '.' && i + 1 < u.size() && is_digit(u[i + 1]) &&
            (i == 0 || !is_digit(u[i - 1])))
            v += '0';
        v += u[i];
    }
    // Enclosing braces ("{{5}}" -> "5"; one pass, so 100k nested pairs stay linear), then a
    // single-letter "x=" prefix.
    const BraceMatch v_match(v);
    size_t strip = 0;
    while (2 * strip + 2 <= v.size() && v[strip] == '{' &&
           v_match.close_of(strip) == v.size() - 1 - strip)
        ++strip;
    if (strip > 0) v = v.substr(strip, v.size() - 2 * strip);
    if (v.size() > 2 && is_alpha(v[0]) && v[1] == '=' && v.find('=', 2) == std::string::npos)
        v = v.substr(2);
    for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return v;
}

}  // namespace mmupt
