// LineReader (line_reader.h): fread into a 64 KiB buffer and memchr for the newline, so raw NUL
// bytes and arbitrarily long lines are handled alike; an over-long line is counted, not kept.
#include "app/cli/line_reader.h"

#include <cstring>

namespace mmupt::cli {

bool LineReader::fill() {
    buf_.resize(1 << 16);
    const size_t got = std::fread(buf_.data(), 1, buf_.size(), in_);
    buf_.resize(got);
    pos_ = 0;
    return got > 0;
}

bool LineReader::next(std::string& line) {
    line.clear();
    too_long_ = false;
    bytes_ = 0;
    bool any = false;
    while (pos_ < buf_.size() || fill()) {
        any = true;
        const char* start = buf_.data() + pos_;
        const size_t avail = buf_.size() - pos_;
        const void* nl = std::memchr(start, '\n', avail);
        const size_t n = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
        bytes_ += n;
        if (!too_long_ && bytes_ > max_) {
            too_long_ = true;
            std::string().swap(line);  // release what the line held so far
        }
        if (!too_long_) line.append(start, n);
        pos_ += n + (nl ? 1 : 0);
        if (nl) break;
    }
    if (!any) return false;
    ++number_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

}  // namespace mmupt::cli
