// The answer-format registry: each way of finding an answer in a response (a box, an "answer is"
// phrase, the last number) is one small function in core/answer/formats/, listed here by name.
// Formats only locate text; mapping to multiple-choice letters lives in multiple_choice.h.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mmupt {

// Finds an answer in `response`, or nullopt. Must run in linear time and never throw.
using AnswerFormatFn = std::optional<std::string> (*)(const std::string& response);

struct AnswerFormat {
    const char* name;  // "boxed", "answer_phrase", "last_number"
    AnswerFormatFn extract;
};

// Every format, in the order extract_answer() tries them.
const std::vector<AnswerFormat>& answer_formats();

// One \boxed{...} / \fbox{...} with balanced braces: [begin, end) spans the whole command.
struct BoxSpan {
    size_t begin = 0, end = 0;
    std::string content;
};
// All balanced boxes that are not inside another box, in text order (linear time). A box whose
// braces never close ends the scan: it and everything after it are ignored.
std::vector<BoxSpan> find_boxes(const std::string& text);
// True when the last box command in `text` never closes (an unbalanced final answer).
bool last_box_unbalanced(const std::string& text);

std::optional<std::string> extract_boxed(const std::string& response);
std::optional<std::string> extract_answer_phrase(const std::string& response);
std::optional<std::string> extract_last_number(const std::string& response);

}  // namespace mmupt
