// YAML in (layered on a RunConfig, errors with file:line), YAML / JSON out, the resolved config in
// the run directory. Values go through the same text parsing as `--set`, so a YAML file and the
// command line can never disagree on what "1e-6" or "yes" means. Docs are in config_docs.cpp.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/config/config_fields.h"
#include "core/config/config_io.h"
#include "core/config/yaml_bounds.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using config_detail::Field;
using config_detail::FieldValue;

std::string at(const std::string& origin, const YAML::Node& node) {
    return origin + ":" + std::to_string(node.Mark().line + 1);
}

bool is_section(const std::string& name) {
    for (const auto& f : config_detail::fields())
        if (f.info.section == name) return true;
    return false;
}

[[noreturn]] void unknown_key(const std::string& where, const std::string& key) {
    std::string hint = suggest_key(key);
    throw ConfigError(where + ": unknown config key '" + key + "'" +
                      (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                      "; see docs/config.md");
}

// Keys that hold file-system paths: relative ones in a YAML file mean "beside this file".
bool is_path_key(const std::string& key) {
    return key == "model.path" || key == "data.train_files" || key == "data.val_files" ||
           key == "trainer.output_dir";
}

std::string resolve_against(const std::string& base_dir, const std::string& p) {
    if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

void apply_node(RunConfig& c, const std::string& key, const YAML::Node& value,
                const std::string& line, const std::string& base_dir) {
    const Field* f = config_detail::find(key);
    if (!f && value.IsMap()) {  // a nested mapping such as model: {lora: {rank: 8}}
        bool any = false;
        for (const auto& field : config_detail::fields())
            any = any || field.info.key.rfind(key + ".", 0) == 0;
        if (!any) unknown_key(line, key);
        for (const auto& kv : value)
            apply_node(c, key + "." + kv.first.Scalar(), kv.second, line, base_dir);
        return;
    }
    if (!f) unknown_key(line, key);
    const std::string where = line + ": " + key;
    const bool list =
        f->info.type == FieldType::string_list || f->info.type == FieldType::real_list;
    FieldValue v;
    if (value.IsSequence()) {
        std::vector<std::string> items;
        for (const auto& item : value) {
            if (!item.IsScalar())
                throw ConfigError(where +
                                  ": list items must be plain values, not nested lists "
                                  "or mappings");
            items.push_back(item.Scalar());
        }
        v = config_detail::parse_items(*f, items, where);
    } else if (value.IsMap()) {
        throw ConfigError(where + ": expected a " + std::string(to_string(f->info.type)) +
                          " value, got a mapping");
    } else if (value.IsNull() && (list || f->info.type == FieldType::string)) {
        v = list ? config_detail::parse_items(*f, {}, where) : FieldValue(std::string());
    } else {
        v = config_detail::parse_text(*f, value.IsNull() ? "" : value.Scalar(), where);
    }
    if (!base_dir.empty() && is_path_key(key)) {
        if (auto* one = std::get_if<std::string>(&v)) *one = resolve_against(base_dir, *one);
        if (auto* many = std::get_if<std::vector<std::string>>(&v))
            for (auto& p : *many) p = resolve_against(base_dir, p);
    }
    f->set(c, v);
}

}  // namespace

void apply_yaml_text(RunConfig& config, const std::string& yaml, const std::string& origin,
                     const std::string& base_dir) {
    if (yaml.size() > config_detail::kMaxYamlExpandedBytes)
        throw ConfigError(origin + ": " + std::to_string(yaml.size()) +
                          " bytes is too large for a config file (the limit is " +
                          std::to_string(config_detail::kMaxYamlExpandedBytes) + " bytes)");
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw ConfigError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                          std::to_string(e.mark.column + 1) + ": malformed YAML: " + e.msg);
    }
    config_detail::check_yaml_expansion(root, origin);  // before any value is copied out
    if (root.IsNull()) return;                          // an empty file changes nothing
    if (!root.IsMap())
        throw ConfigError(at(origin, root) +
                          ": expected a mapping of sections (model:, data:, rollout:, ...)");
    std::set<std::string> seen;
    auto once = [&](const std::string& key, const YAML::Node& node) {
        if (!seen.insert(key).second)
            throw ConfigError(at(origin, node) + ": '" + key + "' is set twice in this file");
    };
    for (const auto& entry : root) {
        const std::string name = entry.first.Scalar();
        const std::string line = at(origin, entry.first);
        if (name.find('.') != std::string::npos) {
            once(name, entry.first);
            apply_node(config, name, entry.second, line, base_dir);
            continue;
        }
        if (!is_section(name)) unknown_key(line, name);
        once(name, entry.first);
        if (entry.second.IsNull()) continue;  // "rollout:" with nothing under it
        if (!entry.second.IsMap())
            throw ConfigError(line + ": section '" + name + "' must be a mapping of keys");
        for (const auto& kv : entry.second) {
            const std::string key = name + "." + kv.first.Scalar();
            once(key, kv.first);
            apply_node(config, key, kv.second, at(origin, kv.first), base_dir);
        }
    }
}

void apply_yaml_file(RunConfig& config, const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(fs::path(path) / "config.yaml", ec))
            throw ConfigError(path +
                              ": is a run directory, not a config file; continue that run "
                              "with `mmupt train --resume " +
                              path + "`, or pass its " + path + "/config.yaml");
        throw ConfigError(path +
                          ": is a directory, not a config file; pass a YAML file (write "
                          "one with `mmupt config > run.yaml`)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot open the config file (does it exist?)");
    std::ostringstream text;
    text << in.rdbuf();
    apply_yaml_text(config, text.str(), path,
                    fs::absolute(fs::path(path), ec).lexically_normal().parent_path().string());
}

RunConfig load_config(const std::string& yaml_path, const std::vector<std::string>& overrides,
                      bool for_training) {
    RunConfig c;
    if (!yaml_path.empty()) apply_yaml_file(c, yaml_path);
    for (const auto& o : overrides) apply_override(c, o);
    validate(c, for_training);
    return c;
}

std::string to_yaml(const RunConfig& config, bool comments) {
    YAML::Emitter e;
    e << YAML::BeginMap;
    std::string section;
    for (const auto& f : config_detail::fields()) {
        if (f.info.section != section) {
            if (!section.empty()) e << YAML::EndMap;
            section = f.info.section;
            e << YAML::Key << section << YAML::Value << YAML::BeginMap;
        }
        e << YAML::Key << f.info.key.substr(section.size() + 1) << YAML::Value;
        FieldValue v = f.get(config);
        if (auto l = std::get_if<std::vector<std::string>>(&v)) {
            e << YAML::Flow << YAML::BeginSeq;
            for (const auto& s : *l) e << s;
            e << YAML::EndSeq;
        } else if (auto d = std::get_if<std::vector<double>>(&v)) {
            e << YAML::Flow << YAML::BeginSeq;
            for (double x : *d) e << config_detail::format_real(x);
            e << YAML::EndSeq;
        } else if (f.info.type == FieldType::string) {  // quoted: "", "~", "a: b" stay strings
            e << YAML::DoubleQuoted << std::get<std::string>(v);
        } else {
            e << config_detail::format_value(v);
        }
        if (comments) {
            std::string note = f.info.unit.empty() ? "" : f.info.unit + "; ";
            e << YAML::Comment(note + f.info.range);
        }
    }
    if (!section.empty()) e << YAML::EndMap;
    e << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
}

nlohmann::json to_json(const RunConfig& config) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& f : config_detail::fields()) {
        const std::string name = f.info.key.substr(f.info.section.size() + 1);
        std::visit([&](const auto& v) { out[f.info.section][name] = v; }, f.get(config));
    }
    return out;
}

std::string write_resolved_config(const RunConfig& config, const std::string& run_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec) throw CheckpointError(run_dir + ": cannot create the run directory: " + ec.message());
    const std::string path = (fs::path(run_dir) / "config.yaml").string();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << "# Resolved mmupt run config (defaults < file < --set < edits); load it with\n"
               "# `mmupt config "
            << path << "` to reproduce this run's settings.\n"
            << to_yaml(config, /*comments=*/true);
        if (!out) throw CheckpointError(tmp + ": write failed (disk full or read-only?)");
    }
    fs::rename(tmp, path, ec);
    if (ec)
        throw CheckpointError(path + ": cannot move the written config in place: " + ec.message());
    return path;
}

}  // namespace mmupt
