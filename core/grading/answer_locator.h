// Finds the answer inside free text the way Math-Verify does, for grade(): the last \boxed{}
// (with boxes joined by a short connector: "\boxed{1} and \boxed{2}"), then a "final answer is"
// anchor, then the later of the last math segment ($..$, $$..$$, \(..\), \[..\]; inline math may
// not span lines) and the last number in the prose. A short bare answer is returned whole.
// It does not judge correctness or normalise; the parts go to answer_structure.h.
#pragma once
#include <string>
#include <vector>

namespace mmupt {

struct LocatedAnswer {
    std::vector<std::string> parts;  // one answer, or several joined ones ("1", "2"); empty: none
    bool prose = false;              // `text` read as prose (not a bare answer)
};

LocatedAnswer locate_answer(const std::string& text);

// Heuristic: two or more words (two or more ASCII letters, one lower-case, not a LaTeX command
// or function name), or six or more non-ASCII bytes (two CJK characters, accented words).
bool looks_like_prose(const std::string& text);

}  // namespace mmupt
