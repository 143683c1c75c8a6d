// Config layers and persistence: defaults < YAML file < `--set key=value` < programmatic edits
// (set_field), YAML / JSON dumps, the resolved config written into the run directory, and the
// generated docs/config.md. Not here: the schema itself (config_schema.h). Throws ConfigError
// (YAML errors name the file and line); yaml-cpp stays private to core.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/config/config_schema.h"

namespace mmupt {

// Applies a YAML document on top of `config`. Accepts nested sections (`rollout: {n: 8}`) and
// dotted top-level keys (`rollout.n: 8`). Unknown keys, wrong types and malformed YAML throw
// ConfigError naming `origin` (a file name) and the 1-based line. With `base_dir`, relative
// paths (model.path, data.train_files, data.val_files, trainer.output_dir) are resolved
// against it, `..` included.
void apply_yaml_text(RunConfig& config, const std::string& yaml, const std::string& origin,
                     const std::string& base_dir = "");
// A file: relative paths in it are relative to its own directory. Also throws for a missing,
// unreadable file or a directory (naming what to pass instead).
void apply_yaml_file(RunConfig& config, const std::string& path);

// The layered load: defaults, then `yaml_path` (skipped when empty), then each "key=value"
// override in order, then validate(config, for_training). Throws ConfigError.
RunConfig load_config(const std::string& yaml_path, const std::vector<std::string>& overrides,
                      bool for_training = false);

// Every field, nested by section in schema order, with the unit/range as a trailing comment
// when `comments`. apply_yaml_text(to_yaml(c)) on defaults gives back exactly `c`.
std::string to_yaml(const RunConfig& config, bool comments = false);
// {"model": {"path": ..., ...}, ...}: bools, numbers and lists as JSON types, enums as names.
nlohmann::json to_json(const RunConfig& config);
// Writes `<run_dir>/config.yaml` (creating run_dir) and returns its path; CheckpointError on
// an I/O failure.
std::string write_resolved_config(const RunConfig& config, const std::string& run_dir);

// docs/config.md, generated from the schema (`mmupt config --docs`; a test keeps it in sync).
std::string config_docs_markdown();

}  // namespace mmupt
