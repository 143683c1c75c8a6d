// JSONL / JSON-array records -> Example: configurable keys with the documented fallbacks
// (problem->question, images->image, choices->options, only while the key is at its default),
// image paths resolved against the file's folder, every error naming file:line and the fix.
// Does not open images (load_dataset checks them) and does not apply the format prompt.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/data/dataset_sources.h"
#include "core/util/errors.h"

namespace mmupt::data_detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Source {
    std::string path, name, dir;  // as given, file name, folder for relative images
};

[[noreturn]] void fail(const Source& s, std::int64_t line, const std::string& what) {
    throw DataError(s.path + ":" + std::to_string(line) + ": " + what);
}

std::string type_name(const json& v) { return v.type_name(); }

// The configured key, then the documented fallback when the key is left at its default.
const json* lookup(const json& obj, const std::string& key, const char* def, const char* alt) {
    if (auto it = obj.find(key); it != obj.end()) return &*it;
    if (key == def)
        if (auto it = obj.find(alt); it != obj.end()) return &*it;
    return nullptr;
}

std::string keys_of(const json& obj) {
    std::string out;
    for (auto it = obj.begin(); it != obj.end(); ++it) out += (out.empty() ? "" : ", ") + it.key();
    return out.empty() ? "(none)" : out;
}

std::string scalar_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Example to_example(const json& obj, const Source& s, std::int64_t line, const DataConfig& c) {
    if (!obj.is_object()) fail(s, line, "expected a JSON object, got " + type_name(obj));
    Example ex;
    ex.id = s.name + ":" + std::to_string(line);
    ex.source_file = s.path;
    ex.source_line = line;

    const json* q = lookup(obj, c.prompt_key, "problem", "question");
    if (!q)
        fail(s, line,
             "no question: key '" + c.prompt_key + "'" +
                 (c.prompt_key == "problem" ? " (or 'question')" : "") +
                 " is absent; keys present: " + keys_of(obj) +
                 ". Set data.prompt_key to the question's key.");
    if (!q->is_string() || q->get<std::string>().empty())
        fail(s, line,
             "the question ('" + c.prompt_key + "') must be a non-empty string, got " +
                 (q->is_string() ? "\"\"" : type_name(*q)));
    ex.question = q->get<std::string>();

    if (const json* a = obj.contains(c.answer_key) ? &obj.at(c.answer_key) : nullptr;
        a && !a->is_null()) {
        if (!a->is_string() && !a->is_number())
            fail(s, line,
                 "the answer ('" + c.answer_key + "') must be a string or number, got " +
                     type_name(*a));
        ex.answer = scalar_text(*a);
    }

    if (const json* im = lookup(obj, c.image_key, "images", "image"); im && !im->is_null()) {
        std::vector<json> items = im->is_array() ? im->get<std::vector<json>>() : std::vector{*im};
        for (const auto& p : items) {
            if (!p.is_string() || p.get<std::string>().empty())
                fail(s, line,
                     "images ('" + c.image_key + "') must be a path or a list of paths, got " +
                         (p.is_string() ? "\"\"" : type_name(p)));
            fs::path path = fs::u8path(p.get<std::string>());
            if (path.is_relative()) path = fs::path(s.dir) / path;
            ex.image_paths.push_back(path.lexically_normal().string());
        }
    }

    if (const json* ch = lookup(obj, c.choices_key, "choices", "options"); ch && !ch->is_null()) {
        if (!ch->is_array()) fail(s, line, "choices must be a list, got " + type_name(*ch));
        for (const auto& o : *ch) {
            if (!o.is_string() && !o.is_number())
                fail(s, line, "each choice must be a string or number, got " + type_name(o));
            ex.choices.push_back(scalar_text(o));
        }
    }
    return ex;
}

json parse_or_fail(const std::string& text, const Source& s, std::int64_t line) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        fail(s, line, std::string("malformed JSON: ") + e.what());
    }
}

std::int64_t line_of(const std::string& text, std::size_t byte) {
    return 1 + std::count(text.begin(), text.begin() + std::min(byte, text.size()), '\n');
}

// 1-based line where each top-level element of a JSON array starts.
std::vector<std::int64_t> element_lines(const std::string& text) {
    std::vector<std::int64_t> lines;
    std::int64_t line = 1;
    int depth = 0;
    bool in_string = false, escaped = false, expect = false;
    for (char ch : text) {
        if (ch == '\n') ++line;
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
            continue;
        }
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (depth == 1 && expect && !space && ch != ']') {
            lines.push_back(line);
            expect = false;
        }
        if (ch == '"')
            in_string = true;
        else if (ch == '[' || ch == '{')
            expect = (++depth == 1);
        else if (ch == ']' || ch == '}')
            --depth;
        else if (ch == ',' && depth == 1)
            expect = true;
    }
    return lines;
}

}  // namespace

void read_json_records(const std::string& path, const DataConfig& config, std::vector<Example>& out,
                       DatasetReport& report) {
    Source s{path, fs::path(path).filename().string(), fs::path(path).parent_path().string()};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open the data file (does it exist? readable?)");
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte-order mark
    if (auto bad = find_invalid_utf8(text); bad != std::string::npos)
        fail(s, line_of(text, bad),
             "not valid UTF-8 (byte " + std::to_string(bad) + " of the file); re-encode as UTF-8");

    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return;  // empty file: zero records, reported as such
    if (text[first] == '[') {
        json all = parse_or_fail(text, s, 1);
        if (!all.is_array()) fail(s, 1, "expected a JSON array of objects");
        auto lines = element_lines(text);
        for (std::size_t i = 0; i < all.size(); ++i) {
            ++report.records;
            out.push_back(to_example(all[i], s, i < lines.size() ? lines[i] : 1, config));
        }
        return;
    }
    if (text[first] != '{')
        fail(s, line_of(text, first),
             "expected JSON Lines (one object per line) or a JSON array of objects");
    std::istringstream lines(text);
    std::string line;
    for (std::int64_t n = 1; std::getline(lines, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) {
            ++report.blank_lines;
            continue;
        }
        ++report.records;
        out.push_back(to_example(parse_or_fail(line, s, n), s, n, config));
    }
}

std::size_t find_invalid_utf8(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        unsigned c = p[i];
        std::size_t len = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
        if (len == 0 || i + len > n) return i;
        std::uint32_t cp = len == 1   ? c
                           : len == 2 ? (c & 0x1F)
                           : len == 3 ? (c & 0x0F)
                                      : (c & 0x07);
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        static const std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string::npos;
}

}  // namespace mmupt::data_detail
