// Extracts the final answer from a model response. The default (used for voting) is the content
// of the last \boxed{...} / \fbox{...} with balanced braces; other formats are opt-in fallbacks.
// Each answer format lives in its own file under core/answer/ and is listed in a small registry.
#pragma once
#include <optional>
#include <string>

namespace mmupt {

struct ExtractOptions {
    bool answer_phrase_fallback = false;  // "the answer is X" when no box is found
    bool last_number_fallback = false;    // the last number in the text, as a last resort
    // The question the response answers. When it lists options ("A. 3  B. 5" / "(A) ..."),
    // answers such as "B", "(B)", "B.", "\text{B}", "option B" or an option's text map to "B".
    std::string question;
};

// Returns the extracted answer, or nullopt when the response holds none (unbalanced or empty
// box, no box and no enabled fallback). Never throws on any input, including invalid UTF-8.
std::optional<std::string> extract_answer(const std::string& response,
                                          const ExtractOptions& options = {});

}  // namespace mmupt
