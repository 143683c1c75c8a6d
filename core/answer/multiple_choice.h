// Multiple-choice answers: reads the options a question lists ("A. 3", "(B) 5", "C) 7", "D: 9")
// and maps an extracted answer ("B", "(b)", "\text{B}", "option B", or an option's own text) to
// its letter. It also finds the chosen letter in free text for graders. No fuzzy text matching.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mmupt {

struct ChoiceOption {
    char letter = 'A';
    std::string text;  // trimmed, may be empty
};

// Options listed in `question`, in order A, B, C... (at least two, else empty).
std::vector<ChoiceOption> parse_choice_options(const std::string& question);

// The letter `answer` names: a bare/bracketed/\text{} letter, "option B", "B. text", or the text of
// exactly one option. nullopt when it names none of `options`.
std::optional<char> map_to_choice(const std::string& answer,
                                  const std::vector<ChoiceOption>& options);

// The letter chosen in free text ("I think the answer is C", "B. because ...", "(D) Alina"):
// first a standalone capital letter after an "answer" word, else one opening the text, else the
// last standalone one. Only letters in [first, last] count.
std::optional<char> find_choice_letter(const std::string& text, char first = 'A', char last = 'E');

}  // namespace mmupt
