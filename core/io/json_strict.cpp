// Strict JSON parsing: a UTF-8 scan, a SAX pass that tracks the keys of each open object
// (duplicates) and the depth, then nlohmann's plain parser for the document. Errors become
// FormatError with the source.
#include "core/io/json_strict.h"

#include <set>
#include <vector>

#include "core/util/errors.h"

namespace mmupt {

size_t find_invalid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;  // overlong
            if (c == 0xED) hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;  // overlong
            if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
        } else {
            return i;
        }
        if (n - i < len) return i;
        if (p[i + 1] < lo || p[i + 1] > hi) return i;
        for (size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
        i += len;
    }
    return std::string_view::npos;
}

namespace {

// SAX handler of pass 1: no values are kept, only one key set per open object and the depth.
struct StrictScan : nlohmann::json_sax<nlohmann::json> {
    explicit StrictScan(int max_depth) : max_depth(max_depth) {}
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        open_keys.emplace_back();
        return open();
    }
    bool key(string_t& k) override {
        if (!open_keys.empty() && !open_keys.back().insert(k).second && duplicate.empty())
            duplicate = k;
        return true;
    }
    bool end_object() override {
        if (!open_keys.empty()) open_keys.pop_back();
        --depth;
        return true;
    }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override {
        --depth;
        return true;
    }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        error = ex.what();
        return false;
    }
    bool open() {
        if (++depth > max_depth) too_deep = true;
        return true;
    }

    int max_depth, depth = 0;
    bool too_deep = false;
    std::string duplicate, error;
    std::vector<std::set<std::string>> open_keys;
};

}  // namespace

nlohmann::json parse_json_strict(std::string_view text, const std::string& source, int max_depth) {
    using json = nlohmann::json;
    if (size_t bad = find_invalid_utf8(text); bad != std::string_view::npos)
        throw FormatError(source + ": JSON is not valid UTF-8 (bad byte at offset " +
                          std::to_string(bad) + ")");

    // nlohmann stops at a raw NUL as if the input ended there, which would accept trailing
    // garbage after it; valid JSON never contains one (strings must escape it as \u0000).
    if (size_t nul = text.find('\0'); nul != std::string_view::npos)
        throw FormatError(source + ": invalid JSON (raw NUL byte at offset " + std::to_string(nul) +
                          ")");
    // Pass 1, SAX (no document): duplicate keys and depth. nlohmann's callback parser would do
    // both while building the document, but it rescans the parent object for a discarded value
    // after every nested object ends: quadratic in the keys (a 1M-tensor safetensors header took
    // hours). Pass 2 builds the document only once pass 1 found nothing.
    StrictScan scan(max_depth);
    json::sax_parse(text.begin(), text.end(), &scan, json::input_format_t::json,
                    /*strict=*/true, /*ignore_comments=*/false);
    if (!scan.error.empty()) throw FormatError(source + ": invalid JSON (" + scan.error + ")");
    const bool too_deep = scan.too_deep;
    const std::string& duplicate = scan.duplicate;
    if (too_deep)
        throw FormatError(source + ": JSON nests deeper than " + std::to_string(max_depth) +
                          " levels");
    if (!duplicate.empty())
        throw FormatError(source + ": duplicate JSON key '" + duplicate +
                          "' (each name may appear once)");
    try {
        return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    } catch (const json::exception& e) {  // pass 1 accepted it: only bad_alloc-like failures
        throw FormatError(source + ": invalid JSON (" + e.what() + ")");
    }
}

}  // namespace mmupt
