// Text <-> typed value conversions for config fields: strict number / bool parsing, exact
// round-trip formatting of doubles, list syntax "[a, b]" (via yaml-cpp's flow parser), and the
// edit distance behind "did you mean". No range checks here (config_validate.cpp does those).
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/config/config_fields.h"
#include "core/config/yaml_bounds.h"
#include "core/util/errors.h"

namespace mmupt::config_detail {
namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

[[noreturn]] void bad(const std::string& where, const std::string& text, const std::string& what) {
    throw ConfigError(where + " = '" + text + "': " + what);
}

std::int64_t parse_int(const std::string& raw, const std::string& where) {
    std::string t = trim(raw);
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0') bad(where, raw, "expected an integer");
    if (errno == ERANGE) bad(where, raw, "integer out of the 64-bit range");
    return v;
}

double parse_real(const std::string& raw, const std::string& where) {
    std::string t = trim(raw);
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0') bad(where, raw, "expected a number");
    if (!std::isfinite(v) || errno == ERANGE) bad(where, raw, "expected a finite number");
    return v;
}

bool parse_bool(const std::string& raw, const std::string& where) {
    std::string t = lower(trim(raw));
    if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
    if (t == "false" || t == "no" || t == "off" || t == "0") return false;
    bad(where, raw, "expected true or false");
}

std::string parse_choice(const Field& f, const std::string& raw, const std::string& where) {
    std::string t = trim(raw);
    for (const auto& c : f.info.choices)
        if (t == c) return c;
    std::string best, low = lower(t);
    std::size_t best_d = 4;
    for (const auto& c : f.info.choices) {
        auto d = (!low.empty() && c.rfind(low, 0) == 0) ? 0 : edit_distance(low, c);
        if (d < best_d) best_d = d, best = c;
    }
    bad(where, raw,
        "must be " + f.info.range + (best.empty() ? "" : " (did you mean '" + best + "'?)"));
}

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string format_real(double v) {
    char buf[64];
    // Start at enough digits for the integer part, so 10 prints "10" and not "1e+01".
    int first = 1;
    if (std::fabs(v) >= 1 && std::fabs(v) < 1e16)
        first = static_cast<int>(std::floor(std::log10(std::fabs(v)))) + 1;
    for (int precision = first; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    std::string s = buf;
    // "1" would read back as an integer in generic YAML tools; keep floats recognisable.
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

std::string format_value(const FieldValue& v) {
    if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (auto d = std::get_if<double>(&v)) return format_real(*d);
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto l = std::get_if<std::vector<double>>(&v)) {
        std::string out = "[";
        for (std::size_t k = 0; k < l->size(); ++k) out += (k ? ", " : "") + format_real((*l)[k]);
        return out + "]";
    }
    const auto& items = std::get<std::vector<std::string>>(v);
    YAML::Emitter e;
    e << YAML::Flow << YAML::BeginSeq;
    for (const auto& s : items) e << s;
    e << YAML::EndSeq;
    return e.c_str();
}

FieldValue parse_items(const Field& f, const std::vector<std::string>& items,
                       const std::string& where) {
    if (f.info.type == FieldType::string_list) return items;
    if (f.info.type != FieldType::real_list)
        throw ConfigError(where + ": expected a single " + to_string(f.info.type) +
                          " value, got a list");
    std::vector<double> out;
    for (std::size_t k = 0; k < items.size(); ++k)
        out.push_back(parse_real(items[k], where + "[" + std::to_string(k) + "]"));
    return out;
}

FieldValue parse_text(const Field& f, const std::string& text, const std::string& where) {
    switch (f.info.type) {
        case FieldType::boolean:
            return parse_bool(text, where);
        case FieldType::integer:
            return parse_int(text, where);
        case FieldType::real:
            return parse_real(text, where);
        case FieldType::string:
            return text;
        case FieldType::choice:
            return parse_choice(f, text, where);
        case FieldType::string_list:
        case FieldType::real_list:
            break;
    }
    std::string t = trim(text);
    if (t.empty()) return parse_items(f, {}, where);
    if (t.front() != '[') return parse_items(f, {t}, where);
    YAML::Node node;
    try {
        node = YAML::Load(t);
    } catch (const YAML::Exception& e) {
        bad(where, text, "malformed list (" + e.msg + "); write [a, b]");
    }
    check_yaml_expansion(node, where);
    if (!node.IsSequence()) bad(where, text, "malformed list; write [a, b]");
    std::vector<std::string> items;
    for (const auto& item : node) {
        if (!item.IsScalar()) bad(where, text, "list items must be plain values");
        items.push_back(item.Scalar());
    }
    return parse_items(f, items, where);
}

}  // namespace mmupt::config_detail
