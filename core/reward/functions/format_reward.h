// The format score: 1 when a response holds a final answer in a balanced, non-empty \boxed{}
// (extract_answer with no fallbacks), else 0. Only ever mixed into another reward with a weight.
#pragma once
#include <string>
#include <vector>

namespace mmupt {

double format_score(const std::string& response);

// (G) scores for the first g responses.
std::vector<double> format_scores(const std::vector<std::string>& responses, int g);

}  // namespace mmupt
