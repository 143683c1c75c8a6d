// Plain number literals (see number_parser.h). Hand-written scanners instead of std::regex: the
// inputs are tiny, but regex backtracking has no linear bound and this must never hang.
#include "core/grading/number_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mmupt {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

// Integer part with optional thousands separator `sep` (groups of 3 after a 1-3 digit head).
bool read_integer(const std::string& s, size_t& i, std::string& digits) {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    size_t head = i - start;
    if (head == 0) return false;
    digits = s.substr(start, head);
    // A leading 0 never starts a thousands group: "0,111" is a decimal comma or a list.
    if (head > 3 || digits[0] == '0' || i >= s.size() || (s[i] != ',' && s[i] != ' ')) return true;
    char sep = s[i];
    size_t k = i;
    std::string grouped = digits;
    while (k < s.size() && s[k] == sep) {
        size_t g = k + 1;
        size_t e = g;
        while (e < s.size() && is_digit(s[e])) ++e;
        if (e - g != 3) break;
        grouped += s.substr(g, 3);
        k = e;
    }
    if (k != i) {
        digits = grouped;
        i = k;
    }
    return true;
}

double to_double(const std::string& text) {
    errno = 0;
    return std::strtod(text.c_str(), nullptr);
}

}  // namespace

std::optional<std::string> canonical_number(const std::string& raw) {
    std::string s = trim(raw);
    size_t i = 0;
    bool neg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    std::string integer = "0", fraction;
    if (i < s.size() && s[i] == '.') {
        integer = "0";
    } else if (!read_integer(s, i, integer)) {
        return std::nullopt;
    }
    if (i < s.size() && s[i] == '.') {
        size_t start = ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == start) return std::nullopt;
        fraction = s.substr(start, i - start);
    }
    if (i != s.size()) return std::nullopt;
    size_t nz = integer.find_first_not_of('0');
    integer = nz == std::string::npos ? "0" : integer.substr(nz);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    std::string out = integer + (fraction.empty() ? "" : "." + fraction);
    if (neg && out != "0") out = "-" + out;
    return out;
}

int decimal_places(const std::string& s) {
    std::string t = trim(s);
    size_t i = 0;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    std::string integer;
    if (!(i < t.size() && t[i] == '.') && !read_integer(t, i, integer)) return -1;
    if (i == t.size()) return 0;
    if (t[i] != '.') return -1;
    size_t start = ++i;
    while (i < t.size() && is_digit(t[i])) ++i;
    return i == t.size() && i > start ? static_cast<int>(i - start) : -1;
}

std::optional<double> parse_number(const std::string& raw, bool decimal_comma) {
    std::string s = trim(raw);
    if (s.empty() || s.size() > 200) return std::nullopt;
    if (auto c = canonical_number(s)) return to_double(*c);
    // Exponent: 1.5e-3, 2E+5.
    size_t e = s.find_first_of("eE");
    if (e != std::string::npos && e > 0 && e + 1 < s.size()) {
        auto mant = canonical_number(s.substr(0, e));
        std::string ex = s.substr(e + 1);
        size_t k = (ex[0] == '-' || ex[0] == '+') ? 1 : 0;
        bool digits = k < ex.size();
        for (size_t q = k; q < ex.size(); ++q) digits = digits && is_digit(ex[q]);
        if (mant && digits && ex.size() < 6) return to_double(*mant + "e" + ex);
    }
    // Integer fraction a/b and mixed numbers "7 3/4", "918\frac{1}{2}".
    auto fraction = [](const std::string& num, const std::string& den) -> std::optional<double> {
        auto n = canonical_number(num), d = canonical_number(den);
        if (!n || !d || to_double(*d) == 0.0) return std::nullopt;
        return to_double(*n) / to_double(*d);
    };
    size_t slash = s.find('/');
    if (slash != std::string::npos && s.find('/', slash + 1) == std::string::npos) {
        std::string left = s.substr(0, slash), right = s.substr(slash + 1);
        size_t sp = trim(left).rfind(' ');
        if (sp == std::string::npos) return fraction(left, right);
        std::string whole = trim(left).substr(0, sp), num = trim(left).substr(sp + 1);
        auto w = canonical_number(whole);
        auto f = fraction(num, right);
        if (w && f && *f < 1.0 && *f >= 0.0 && w->find('.') == std::string::npos)
            return to_double(*w) + (to_double(*w) < 0 ? -*f : *f);
    }
    size_t fr = s.find("\\frac{");
    if (fr != std::string::npos && fr > 0 && s.back() == '}') {
        auto w = canonical_number(s.substr(0, fr));
        size_t mid = s.find("}{", fr);
        if (w && mid != std::string::npos && w->find('.') == std::string::npos) {
            auto f =
                fraction(s.substr(fr + 6, mid - fr - 6), s.substr(mid + 2, s.size() - mid - 3));
            if (f && *f < 1.0 && *f >= 0.0) return to_double(*w) + (to_double(*w) < 0 ? -*f : *f);
        }
    }
    if (decimal_comma) {
        size_t comma = s.find(',');
        if (comma != std::string::npos && s.find(',', comma + 1) == std::string::npos) {
            std::string dotted = s;
            dotted[comma] = '.';
            bool plain = true;
            for (size_t q = 0; q < s.size(); ++q)
                plain = plain && (is_digit(s[q]) || q == comma || (q == 0 && s[q] == '-'));
            if (plain && comma + 1 < s.size()) return to_double(dotted);
        }
    }
    return std::nullopt;
}

}  // namespace mmupt
