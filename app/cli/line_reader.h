// Reads newline-separated lines from a FILE* with a per-line byte limit: a line over the limit is
// skipped to its newline without being stored (memory stays at the limit, however long the line)
// and reported as over-long, so the JSON-lines commands (vote, tokenize) report it and go on.
#pragma once
#include <cstddef>
#include <cstdio>
#include <string>

namespace mmupt::cli {

class LineReader {
  public:
    LineReader(std::FILE* in, size_t max_line_bytes) : in_(in), max_(max_line_bytes) {}

    // The next line without its "\n" (and without a trailing "\r") in `line`; false at the end.
    // When the line is longer than the limit, `line` is empty, too_long() is true and
    // line_bytes() says how long it was.
    bool next(std::string& line);
    bool too_long() const { return too_long_; }
    size_t line_bytes() const { return bytes_; }
    size_t line_number() const { return number_; }  // 1-based number of the last line read

  private:
    bool fill();  // refills buf_ from in_; false at end of input

    std::FILE* in_;
    size_t max_;
    std::string buf_;  // bytes read ahead, from pos_
    size_t pos_ = 0;
    bool too_long_ = false;
    size_t bytes_ = 0;
    size_t number_ = 0;
};

}  // namespace mmupt::cli
