// JsonFields: typed, error-naming reads of config.json fields, with an optional fallback object
// (the nested `text_config` first, then the top level). Torch-free; no schema, no defaults table:
// callers say which fields are required and what a missing optional field means.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mmupt {

class JsonFields {
  public:
    // `prefix` is how fields are named in errors ("vision_config."); `source` names the file.
    JsonFields(const nlohmann::json* primary, const nlohmann::json* fallback, std::string prefix,
               std::string source);

    bool has(const std::string& key) const;         // present and not null
    int64_t get_int(const std::string& key) const;  // required; throws FormatError
    int64_t get_int(const std::string& key, int64_t fallback_value) const;
    double get_double(const std::string& key) const;
    double get_double(const std::string& key, double fallback_value) const;
    bool get_bool(const std::string& key, bool fallback_value) const;
    std::string get_string(const std::string& key, const std::string& fallback_value) const;
    std::vector<int64_t> get_int_list(const std::string& key) const;
    // The raw value (primary first); throws FormatError when absent.
    const nlohmann::json& at(const std::string& key) const;
    std::string name(const std::string& key) const { return prefix_ + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  private:
    const nlohmann::json* find(const std::string& key) const;
    const nlohmann::json* primary_;
    const nlohmann::json* fallback_;
    std::string prefix_;
    std::string source_;
};

}  // namespace mmupt
