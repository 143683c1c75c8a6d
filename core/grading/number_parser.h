// Plain number literals as answers: signs, thousands separators ("7,425,000", "1 000"; groups of
// three, no space after a comma: "32, 349" is a list), decimals (".5"), leading zeros ("033"),
// exponents ("1.5e-3"), integer fractions ("10/9"), mixed numbers ("7 3/4", "918\frac{1}{2}") and
// optionally a decimal comma ("2,74"). Anything else (expressions, LaTeX) is not a plain number.
#pragma once
#include <optional>
#include <string>

namespace mmupt {

// Canonical decimal text of a plain decimal literal ("+033" -> "33", "1,000.50" -> "1000.5",
// "-0" -> "0", ".4" -> "0.4"); nullopt when `s` is not one. No fractions or exponents.
std::optional<std::string> canonical_number(const std::string& s);

// Value of a plain number in any of the forms above. `decimal_comma` also reads "d+,d+" (one
// comma) as a decimal comma when it is not a thousands separator ("1,22", "0,111", "1000,99").
std::optional<double> parse_number(const std::string& s, bool decimal_comma = false);

// Digits after the decimal point of a plain decimal literal ("7.78" -> 2, "5" -> 0), or -1.
int decimal_places(const std::string& s);

}  // namespace mmupt
