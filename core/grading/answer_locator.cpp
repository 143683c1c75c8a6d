// Answer location in free text (see answer_locator.h). One pass finds the math segments, one the
// numbers; both are linear. Broken inline segments (a `$` or `\(` that only closes on a later
// line) are remembered so that numbers inside them are not read either: "Answer $ \n 9 \n $"
// holds no answer, as in Math-Verify.
#include "core/grading/answer_locator.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/answer/answer_format.h"

namespace mmupt {
namespace {

struct Span {
    size_t begin = 0, end = 0;  // whole segment, delimiters included
    std::string content;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

struct Segments {
    std::vector<Span> math;    // well-formed segments
    std::vector<Span> broken;  // inline segments spanning lines, or never closed
};

Segments find_segments(const std::string& t) {
    Segments out;
    size_t i = 0;
    auto add = [&](size_t begin, size_t open_len, size_t close_pos, size_t close_len,
                   bool inline_) {
        std::string content = t.substr(begin + open_len, close_pos - begin - open_len);
        Span span{begin, close_pos + close_len, content};
        bool spans_lines = content.find('\n') != std::string::npos;
        if (inline_ && spans_lines) {
            out.broken.push_back(span);
        } else if (!(inline_ && looks_like_prose(content) &&
                     content.find('\\') == std::string::npos)) {
            out.math.push_back(span);  // "$? just about 1$" is prose between currency signs
        }
    };
    while (i < t.size()) {
        char c = t[i];
        if (c == '\\' && i + 1 < t.size() && (t[i + 1] == '(' || t[i + 1] == '[')) {
            const char* close = t[i + 1] == '(' ? "\\)" : "\\]";
            size_t k = t.find(close, i + 2);
            if (k == std::string::npos) {
                out.broken.push_back({i, t.size(), ""});
                break;
            }
            add(i, 2, k, 2, t[i + 1] == '(');
            i = k + 2;
        } else if (c == '\\') {
            i += 2;  // \$ and other escapes
        } else if (c == '$' && i + 1 < t.size() && t[i + 1] == '$') {
            size_t k = t.find("$$", i + 2);
            if (k == std::string::npos) {
                out.broken.push_back({i, t.size(), ""});
                break;
            }
            add(i, 2, k, 2, false);
            i = k + 2;
        } else if (c == '$' && !(i > 0 && is_digit(t[i - 1]))) {
            size_t k = i + 1;
            while (k < t.size() && !(t[k] == '$' && t[k - 1] != '\\')) ++k;
            if (k >= t.size()) {  // never closes: a currency sign ("$1,000.99"), not maths
                ++i;
                continue;
            }
            add(i, 1, k, 1, true);
            i = k + 1;
        } else {
            ++i;
        }
    }
    return out;
}

// "Is pos inside one of these spans?" for non-decreasing pos: spans are disjoint and in text
// order, so a cursor that only moves forward keeps find_numbers linear (a rescan of every span
// per number was quadratic on "1 $x$ 1 $x$ ...").
class SpanCursor {
  public:
    explicit SpanCursor(const std::vector<Span>& spans) : spans_(spans) {}
    bool inside(size_t pos) {
        while (next_ < spans_.size() && spans_[next_].end <= pos) ++next_;
        return next_ < spans_.size() && spans_[next_].begin <= pos;
    }

  private:
    const std::vector<Span>& spans_;
    size_t next_ = 0;
};

// A number in prose: sign, thousands groups, decimals, "a/b", "\frac{a}{b}", and a percent sign.
struct NumberHit {
    size_t begin, end;
    std::string text;
};

std::vector<NumberHit> find_numbers(const std::string& t, const Segments& seg) {
    std::vector<NumberHit> hits;
    SpanCursor in_math(seg.math), in_broken(seg.broken);
    size_t i = 0;
    while (i < t.size()) {
        if (t.compare(i, 6, "\\frac{") == 0) {  // a plain numeric fraction in prose
            size_t e = i + 6;
            while (e < t.size() && (is_digit(t[e]) || t[e] == '}' || t[e] == '{') && e < i + 40)
                ++e;
            std::string frac = t.substr(i, e - i);
            if (frac.find("}{") != std::string::npos && frac.back() == '}' && !in_math.inside(i))
                hits.push_back({i, e, frac});
            i = e;
            continue;
        }
        if (!is_digit(t[i]) && !(t[i] == '.' && i + 1 < t.size() && is_digit(t[i + 1]))) {
            ++i;
            continue;
        }
        size_t start = i;
        char before = start > 0 ? t[start - 1] : ' ';
        bool glued =
            is_alpha(before) || before == '_' || before == '^' || before == '\\' || before == '{';
        if (before == '-' && (start < 2 || !is_alpha(t[start - 2]))) --start;
        size_t e = i;
        while (e < t.size()) {
            if (is_digit(t[e])) {
                ++e;
            } else if ((t[e] == '.' || t[e] == ',') && e + 1 < t.size() && is_digit(t[e + 1])) {
                ++e;
            } else if (t[e] == '/' && e + 1 < t.size() && is_digit(t[e + 1])) {
                ++e;
            } else {
                break;
            }
        }
        size_t stop = e;
        size_t p = e;
        while (p < t.size() && t[p] == ' ') ++p;
        if (p < t.size() && t[p] == '%') stop = p + 1;
        if (!glued && !in_math.inside(i) && !in_broken.inside(i))
            hits.push_back({start, stop, t.substr(start, stop - start)});
        i = e;
    }
    return hits;
}

// Text between two candidates that still joins them into one answer ("1, 2 and 3").
bool short_connector(const std::string& gap, int max_words) {
    std::string g;
    for (size_t i = 0; i < gap.size(); ++i) {  // drop \text, \quad, $ and \( \) wrappers
        if (gap[i] == '\\') {
            size_t k = i + 1;
            while (k < gap.size() && is_alpha(gap[k])) ++k;
            i = (k == i + 1) ? i + 1 : k - 1;
            g += ' ';
            continue;
        }
        char c = gap[i];
        g += (c == '$' || c == '{' || c == '}' || c == ',' || c == ';' || c == '.') ? ' ' : c;
    }
    int words = 0;
    bool in_word = false;
    for (char c : g) {
        bool w = !std::isspace(static_cast<unsigned char>(c));
        if (w && !in_word) ++words;
        in_word = w;
    }
    return words <= max_words && g.size() <= 60;
}

std::string percent_suffix(const std::string& t, size_t end) {
    size_t p = end;
    while (p < t.size() && t[p] == ' ') ++p;
    if (t.compare(p, 1, "%") == 0 || t.compare(p, 2, "\\%") == 0) return "%";
    for (const char* w : {"percent", "pct"})
        if (t.compare(p, std::string(w).size(), w) == 0) return "%";
    return "";
}

std::string lower(const std::string& s) {
    std::string o = s;
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

struct Candidate {
    size_t begin, end;
    std::string text;
};

// Index of the first math segment or number starting in [from, from + window), or npos.
size_t first_after(const std::vector<Candidate>& all, size_t from, size_t window) {
    for (size_t k = 0; k < all.size(); ++k)
        if (all[k].begin >= from && all[k].begin < from + window) return k;
    return std::string::npos;
}

// Two math segments separated only by "and" / "or" / "," form one answer. Numbers in prose never
// join: "1, 2, 3, 4, 5, 6" is not one answer.
bool joined(const std::string& text, const Candidate& a, const Candidate& b) {
    if (a.end > b.begin) return false;
    std::string gap = trim(text.substr(a.end, b.begin - a.end));
    bool joins = gap.empty() || gap == "," || gap == "and" || gap == "or" || gap == ", and" ||
                 gap == ", or" || gap == ",and" || gap == ",or";
    auto math = [&](const Candidate& c) { return text[c.begin] == '$' || text[c.begin] == '\\'; };
    return joins && math(a) && math(b);
}

// The candidates after the last anchor phrase that starts at or after `from`: the first one and
// any joined to it ("The final answer is $12$ and $13$").
std::vector<std::string> anchored(const std::string& text, const std::vector<Candidate>& cands,
                                  size_t from, bool final_only = false) {
    std::string low = lower(text);
    for (const char* anchor : {"final answer", "answer", "réponse", "respuesta", "antwort"}) {
        if (final_only && std::string(anchor) != "final answer") break;
        size_t p = low.rfind(anchor);
        if (p == std::string::npos || p < from) continue;
        size_t after = p + std::string(anchor).size();
        size_t k = std::string::npos;
        size_t is = low.find(" is", after);
        if (is != std::string::npos && is < after + 100) k = first_after(cands, is + 3, 50);
        size_t colon = low.find_first_not_of(' ', after);
        if (k == std::string::npos && colon != std::string::npos && low[colon] == ':')
            k = first_after(cands, colon + 1, 60);
        if (k == std::string::npos) continue;
        std::vector<std::string> parts{cands[k].text};
        while (k + 1 < cands.size() && joined(text, cands[k], cands[k + 1]))
            parts.push_back(cands[++k].text);
        return parts;
    }
    return {};
}

std::vector<Candidate> candidates(const std::string& text, const Segments& seg) {
    std::vector<Candidate> cands;
    for (const Span& s : seg.math)
        cands.push_back({s.begin, s.end, s.content + percent_suffix(text, s.end)});
    for (const NumberHit& n : find_numbers(text, seg)) cands.push_back({n.begin, n.end, n.text});
    std::sort(cands.begin(), cands.end(),
              [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
    return cands;
}

}  // namespace

bool looks_like_prose(const std::string& t) {
    int words = 0, non_ascii = 0;
    for (size_t i = 0; i < t.size();) {
        if (static_cast<unsigned char>(t[i]) >= 0x80) {
            ++non_ascii;
            ++i;
            continue;
        }
        if (!is_alpha(t[i])) {
            ++i;
            continue;
        }
        size_t k = i;
        while (k < t.size() && is_alpha(t[k])) ++k;
        bool command = i > 0 && t[i - 1] == '\\';
        bool lower = false;  // "AB", "CD" name points; words have lower-case letters
        for (size_t q = i; q < k; ++q) lower = lower || (t[q] >= 'a' && t[q] <= 'z');
        static const char* const kMath[] = {"sin", "cos", "tan", "log", "ln", "exp", "sqrt"};
        for (const char* m : kMath) lower = lower && t.compare(i, k - i, m) != 0;
        if (!command && lower && k - i >= 2) ++words;
        i = k;
    }
    return words >= 2 || non_ascii >= 6;
}

LocatedAnswer locate_answer(const std::string& text) {
    LocatedAnswer out;
    // 1. Boxes: the last one, joined with earlier ones separated by a short connector.
    std::vector<BoxSpan> boxes = find_boxes(text);
    if (!boxes.empty()) {
        // "... \boxed{200} ... The final answer is $10,455$": the later statement wins.
        Segments seg = find_segments(text);
        out.parts = anchored(text, candidates(text, seg), boxes.back().end, true);
        if (!out.parts.empty()) {
            out.prose = true;
            return out;
        }
        size_t k = boxes.size() - 1;
        while (k > 0 &&
               short_connector(text.substr(boxes[k - 1].end, boxes[k].begin - boxes[k - 1].end), 4))
            --k;
        for (size_t j = k; j < boxes.size(); ++j) out.parts.push_back(boxes[j].content);
        size_t after = boxes.back().end;
        if (after < text.size() && text[after] == '$') ++after;
        std::string pct = percent_suffix(text, after);
        if (!pct.empty()) out.parts.back() += pct;
        out.prose = looks_like_prose(text);
        return out;
    }
    Segments seg = find_segments(text);
    std::vector<Candidate> cands = candidates(text, seg);
    bool prose = looks_like_prose(text);
    out.prose = prose;
    if (!prose && seg.math.empty() && seg.broken.empty()) {  // a bare answer: take it whole
        std::string whole = trim(text);
        if (!whole.empty()) out.parts.push_back(whole);
        return out;
    }
    if (cands.empty()) {  // prose without any number or maths: the text is the answer
        if (seg.broken.empty() && !trim(text).empty()) out.parts.push_back(trim(text));
        return out;
    }
    // 2. Anchors: "final answer ... is X", "final answer: X", "answer is X", "answer: X".
    out.parts = anchored(text, cands, 0);
    if (!out.parts.empty()) return out;
    // 3. The last candidate, joined with earlier ones separated by "and" / "or" / ",".
    size_t k = cands.size() - 1;
    while (k > 0 && joined(text, cands[k - 1], cands[k])) --k;
    for (size_t j = k; j < cands.size(); ++j) out.parts.push_back(cands[j].text);
    return out;
}

}  // namespace mmupt
