// Strict JSON parsing: a UTF-8 scan, then nlohmann's parser with a callback that tracks the keys
// of each open object (duplicates) and the depth. Errors become FormatError with the source.
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
    std::vector<std::set<std::string>> open_keys;  // one key set per open object
    std::string duplicate;
    int depth = 0;
    bool too_deep = false;
    json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
        switch (ev) {
            case json::parse_event_t::object_start:
                open_keys.emplace_back();
                [[fallthrough]];
            case json::parse_event_t::array_start:
                if (++depth > max_depth) too_deep = true;
                break;
            case json::parse_event_t::object_end:
                if (!open_keys.empty()) open_keys.pop_back();
                [[fallthrough]];
            case json::parse_event_t::array_end:
                --depth;
                break;
            case json::parse_event_t::key:
                if (!open_keys.empty() && parsed.is_string() &&
                    !open_keys.back().insert(parsed.get<std::string>()).second && duplicate.empty())
                    duplicate = parsed.get<std::string>();
                break;
            case json::parse_event_t::value:
                break;
        }
        return !too_deep;  // drop deep values early instead of building them
    };
    json doc;
    try {
        doc = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true,
                          /*ignore_comments=*/false);
    } catch (const json::exception& e) {
        throw FormatError(source + ": invalid JSON (" + e.what() + ")");
    }
    if (too_deep)
        throw FormatError(source + ": JSON nests deeper than " + std::to_string(max_depth) +
                          " levels");
    if (!duplicate.empty())
        throw FormatError(source + ": duplicate JSON key '" + duplicate +
                          "' (each name may appear once)");
    return doc;
}

}  // namespace mmupt
