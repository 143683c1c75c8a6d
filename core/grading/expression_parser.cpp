// Recursive-descent parser for the LaTeX expression subset in expression.h. Precedence, low to
// high: + -, then * / : and implicit multiplication ("2x", "x(y+1)", "2\sqrt{3}"), unary minus,
// ^ (right-assoc), postfix !. TeX single-token arguments work ("\frac12", "\sqrt3"). Letter runs
// of four or more are one word symbol ("Evelyn"); shorter runs are products ("ab" = a*b).
// Relations, commas and sets are not expressions: answer_structure.cpp splits those first.
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "core/grading/expression.h"

namespace mmupt {
namespace {

constexpr int kMaxDepth = 150;  // recursion bound: deeper input is rejected, never overflows

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

const std::unordered_set<std::string>& functions() {
    static const std::unordered_set<std::string> f = {
        "sin",    "cos",  "tan",  "sec",  "csc", "cot", "arcsin", "arccos",
        "arctan", "sinh", "cosh", "tanh", "ln",  "log", "exp",    "lg"};
    return f;
}

const std::unordered_set<std::string>& greek() {
    static const std::unordered_set<std::string> g = {
        "alpha",  "beta",  "gamma",    "delta", "epsilon", "varepsilon", "zeta",
        "eta",    "theta", "vartheta", "iota",  "kappa",   "lambda",     "mu",
        "nu",     "xi",    "rho",      "sigma", "tau",     "upsilon",    "phi",
        "varphi", "chi",   "psi",      "omega", "Gamma",   "Delta",      "Theta",
        "Lambda", "Xi",    "Sigma",    "Phi",   "Psi",     "Omega",      "ell"};
    return g;
}

class Parser {
  public:
    Parser(const std::string& s, int max_nodes) : s_(s), max_nodes_(max_nodes) {}

    std::optional<ParsedExpr> run() {
        int root = sum();
        skip();
        if (failed_ || root < 0 || i_ != s_.size()) return std::nullopt;
        out_.root = root;
        return std::move(out_);
    }

  private:
    using Kind = ExprNode::Kind;

    int node(Kind k, int a = -1, int b = -1, double v = 0, std::string name = "") {
        if (failed_ || static_cast<int>(out_.nodes.size()) >= max_nodes_) return fail();
        if ((a < 0 && (k == Kind::Add || k == Kind::Neg || k == Kind::Func)) ||
            (b < 0 && (k == Kind::Add || k == Kind::Sub || k == Kind::Mul || k == Kind::Div ||
                       k == Kind::Pow || k == Kind::Root)))
            return fail();
        out_.nodes.push_back({k, v, std::move(name), a, b});
        return static_cast<int>(out_.nodes.size()) - 1;
    }
    int fail() {
        failed_ = true;
        return -1;
    }
    void skip() {
        while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    }
    char peek() {
        skip();
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    bool eat(char c) {
        if (peek() != c) return false;
        ++i_;
        return true;
    }
    std::string command_at(size_t k) {  // "\name" at k -> "name"
        if (k >= s_.size() || s_[k] != '\\') return "";
        size_t e = k + 1;
        while (e < s_.size() && is_alpha(s_[e])) ++e;
        return s_.substr(k + 1, e - k - 1);
    }

    struct Guard {
        explicit Guard(Parser* p) : p(p) {
            if (++p->depth_ > kMaxDepth) p->failed_ = true;
        }
        ~Guard() { --p->depth_; }
        Parser* p;
    };

    int sum() {
        Guard g(this);
        if (failed_) return -1;
        int left = product();
        while (!failed_) {
            if (eat('+')) {
                left = node(Kind::Add, left, product());
            } else if (peek() == '-') {
                ++i_;
                left = node(Kind::Sub, left, product());
            } else {
                break;
            }
        }
        return left;
    }

    bool starts_atom() {
        char c = peek();
        if (is_digit(c) || is_alpha(c) || c == '(' || c == '{' || c == '.') return true;
        if (c != '\\') return false;
        std::string name = command_at(i_);
        return !name.empty() && name != "le" && name != "ge" && name != "ne" && name != "in" &&
               name != "cup" && name != "cap" && name != "pm" && name != "mp" && name != "approx" &&
               name != "end";
    }

    int product() {
        Guard g(this);
        if (failed_) return -1;
        int left = unary();
        while (!failed_) {
            char c = peek();
            if (c == '*' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') break;  // "**" is power
            if (c == '*') {
                ++i_;
                left = node(Kind::Mul, left, unary());
            } else if (c == '/' || c == ':') {
                ++i_;
                left = node(Kind::Div, left, unary());
            } else if (starts_atom()) {
                left = node(Kind::Mul, left, power());
            } else {
                break;
            }
        }
        return left;
    }

    int unary() {
        Guard g(this);
        if (failed_) return -1;
        if (eat('-')) return node(Kind::Neg, unary());
        if (eat('+')) return unary();
        return power();
    }

    int power() {
        Guard g(this);
        if (failed_) return -1;
        int base = postfix();
        skip();
        bool caret = i_ < s_.size() && s_[i_] == '^';
        bool stars = s_.compare(i_, 2, "**") == 0;
        if (!caret && !stars) return base;
        i_ += caret ? 1 : 2;
        return node(Kind::Pow, base, exponent());
    }

    // "^2", "^{n+1}", "^10" (plain text), "^-1", "^(x+1)", "^x".
    int exponent() {
        char c = peek();
        if (c == '{' || c == '(') return atom();
        if (c == '-') {
            ++i_;
            return node(Kind::Neg, exponent());
        }
        if (is_digit(c)) return number(false);
        return arg();
    }

    int postfix() {
        int a = atom();
        while (!failed_ && i_ < s_.size() && s_[i_] == '!') {
            ++i_;
            a = node(Kind::Func, a, -1, 0, "fact");
        }
        return a;
    }

    int number(bool single_digit) {
        size_t start = i_;
        if (single_digit) {
            ++i_;
        } else {
            while (i_ < s_.size() && (is_digit(s_[i_]) || s_[i_] == '.')) ++i_;
        }
        std::string text = s_.substr(start, i_ - start);
        if (text == "." || text.find('.') != text.rfind('.')) return fail();
        return node(Kind::Number, -1, -1, std::strtod(text.c_str(), nullptr));
    }

    // One TeX argument: {group}, a single digit, a single letter or one command.
    int arg() {
        Guard g(this);
        char c = peek();
        if (c == '{') return atom();
        if (is_digit(c)) return number(true);
        if (is_alpha(c)) return symbol(true);
        if (c == '\\') return atom();
        return fail();
    }

    std::string subscript() {  // "_1", "_{37}" -> appended to symbol names
        if (i_ >= s_.size() || s_[i_] != '_') return "";
        size_t start = i_++;
        if (i_ < s_.size() && s_[i_] == '{') {
            size_t close = s_.find('}', i_);
            if (close == std::string::npos) return fail(), "";
            i_ = close + 1;
        } else if (i_ < s_.size()) {
            ++i_;
        }
        return s_.substr(start, i_ - start);
    }

    int symbol(bool single) {
        size_t start = i_;
        while (i_ < s_.size() && is_alpha(s_[i_])) ++i_;
        std::string word = s_.substr(start, i_ - start);
        if (!single && functions().count(word) && peek() == '(') return function(word);
        if (!single && word == "sqrt" && peek() == '(')
            return node(Kind::Func, atom(), -1, 0, "sqrt");
        if (single || word.size() < 4) {
            i_ = start + 1;
            word = word.substr(0, 1);
        }
        word += subscript();
        while (i_ < s_.size() && s_[i_] == '\'') word += s_[i_++];
        if (word == "e") return node(Kind::Euler);
        out_.symbols.insert(word);
        return node(Kind::Symbol, -1, -1, 0, word);
    }

    int function(const std::string& name) {
        int exp = -1;
        if (peek() == '^') {  // \sin^2 x
            ++i_;
            exp = exponent();
        }
        int base = -1;
        if (name == "log" && peek() == '_') {
            ++i_;
            base = arg();
        }
        int x;
        if (peek() == '(') {
            x = atom();
        } else {  // \sin 2x, \cos a: implicit product of simple atoms up to the next command
            x = power_or_fail();
            while (!failed_ && (is_digit(peek()) || is_alpha(peek())))
                x = node(Kind::Mul, x, power());
        }
        int f = node(Kind::Func, x, -1, 0, name == "lg" ? "log10" : name);
        if (base >= 0) f = node(Kind::Div, f, node(Kind::Func, base, -1, 0, "ln"));
        if (name == "log" && base < 0) f = node(Kind::Func, x, -1, 0, "ln");
        if (exp >= 0) f = node(Kind::Pow, f, exp);
        return f;
    }
    int power_or_fail() { return starts_atom() ? power() : fail(); }

    int command() {
        std::string name = command_at(i_);
        if (name.empty()) return fail();
        i_ += name.size() + 1;
        if (name == "frac") {
            int n = arg();
            return node(Kind::Div, n, arg());
        }
        if (name == "sqrt") {
            int index = -1;
            if (peek() == '[') {
                ++i_;
                index = sum();
                if (!eat(']')) return fail();
            }
            int x = arg();
            if (index < 0) return node(Kind::Func, x, -1, 0, "sqrt");
            return node(Kind::Root, x, index);
        }
        if (name == "pi") return node(Kind::Pi);
        if (name == "infty" || name == "infin") return node(Kind::Infinity);
        if (functions().count(name)) return function(name);
        if (greek().count(name)) {
            std::string sym = "\\" + name + subscript();
            out_.symbols.insert(sym);
            return node(Kind::Symbol, -1, -1, 0, sym);
        }
        static const std::unordered_set<std::string> decorations = {
            "overline", "vec", "hat", "bar", "tilde", "overrightarrow", "widehat", "dot"};
        if (decorations.count(name)) {  // \overline{AB}: a named quantity
            size_t start = i_;
            int inner = arg();
            if (inner < 0) return -1;
            std::string sym = name + s_.substr(start, i_ - start);
            out_.symbols.insert(sym);
            return node(Kind::Symbol, -1, -1, 0, sym);
        }
        return fail();
    }

    int atom() {
        Guard g(this);
        if (failed_) return -1;
        char c = peek();
        if (is_digit(c) || c == '.') return number(false);
        if (is_alpha(c)) return symbol(false);
        if (c == '\\') {
            if (s_.compare(i_, 2, "\\{") == 0 || s_.compare(i_, 2, "\\|") == 0) return fail();
            return command();
        }
        static const std::unordered_map<char, char> close = {{'(', ')'}, {'{', '}'}, {'[', ']'}};
        if (auto it = close.find(c); it != close.end()) {
            ++i_;
            int inner = sum();
            if (!eat(it->second)) return fail();
            return inner;
        }
        if (c == '|') {
            ++i_;
            int inner = sum();
            if (!eat('|')) return fail();
            return node(Kind::Func, inner, -1, 0, "abs");
        }
        return fail();
    }

    const std::string& s_;
    size_t i_ = 0;
    int max_nodes_;
    int depth_ = 0;
    bool failed_ = false;
    ParsedExpr out_;
};

}  // namespace

std::optional<ParsedExpr> parse_expression(const std::string& text, int max_nodes) {
    if (text.empty() || text.size() > static_cast<size_t>(max_nodes) * 8) return std::nullopt;
    return Parser(text, max_nodes).run();
}

}  // namespace mmupt
