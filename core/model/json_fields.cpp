// Typed config.json field reads; every error names the file and the field path.
#include "core/model/json_fields.h"

#include <cmath>

#include "core/util/errors.h"

namespace mmupt {

JsonFields::JsonFields(const nlohmann::json* primary, const nlohmann::json* fallback,
                       std::string prefix, std::string source)
    : primary_(primary),
      fallback_(fallback),
      prefix_(std::move(prefix)),
      source_(std::move(source)) {}

const nlohmann::json* JsonFields::find(const std::string& key) const {
    for (const nlohmann::json* obj : {primary_, fallback_}) {
        if (obj && obj->is_object()) {
            auto it = obj->find(key);
            if (it != obj->end() && !it->is_null()) return &*it;
        }
    }
    return nullptr;
}

void JsonFields::fail(const std::string& key, const std::string& what) const {
    throw FormatError(source_ + ": field `" + name(key) + "` " + what);
}

bool JsonFields::has(const std::string& key) const { return find(key) != nullptr; }

const nlohmann::json& JsonFields::at(const std::string& key) const {
    const nlohmann::json* v = find(key);
    if (!v) fail(key, "is missing (required)");
    return *v;
}

int64_t JsonFields::get_int(const std::string& key) const {
    const nlohmann::json& v = at(key);
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
        double d = v.get<double>();
        // 1e12 is an integer; 1e30 would overflow the cast (undefined), so it is refused.
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18)
            return static_cast<int64_t>(d);
    }
    fail(key, "must be an integer, got " + v.dump());
}

int64_t JsonFields::get_int(const std::string& key, int64_t fallback_value) const {
    return has(key) ? get_int(key) : fallback_value;
}

double JsonFields::get_double(const std::string& key) const {
    const nlohmann::json& v = at(key);
    if (!v.is_number()) fail(key, "must be a number, got " + v.dump());
    return v.get<double>();
}

double JsonFields::get_double(const std::string& key, double fallback_value) const {
    return has(key) ? get_double(key) : fallback_value;
}

bool JsonFields::get_bool(const std::string& key, bool fallback_value) const {
    if (!has(key)) return fallback_value;
    const nlohmann::json& v = at(key);
    if (!v.is_boolean()) fail(key, "must be true or false, got " + v.dump());
    return v.get<bool>();
}

std::string JsonFields::get_string(const std::string& key,
                                   const std::string& fallback_value) const {
    if (!has(key)) return fallback_value;
    const nlohmann::json& v = at(key);
    if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
    return v.get<std::string>();
}

std::vector<int64_t> JsonFields::get_int_list(const std::string& key) const {
    const nlohmann::json& v = at(key);
    if (!v.is_array()) fail(key, "must be a list of integers, got " + v.dump());
    std::vector<int64_t> out;
    for (const auto& e : v) {
        if (!e.is_number_integer()) fail(key, "must be a list of integers, got " + v.dump());
        out.push_back(e.get<int64_t>());
    }
    return out;
}

}  // namespace mmupt
