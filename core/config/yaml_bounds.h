// Bounds on YAML before its values are read: a document whose aliases expand past a byte budget
// (one 1 MB string reused 4,000 times is 4 GB once copied into a config) is refused with a
// ConfigError naming the source. Core-internal: yaml-cpp stays private to core.
#pragma once
#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace mmupt::config_detail {

// Bytes a config may expand to: every scalar, counted once per use (aliases included).
inline constexpr size_t kMaxYamlExpandedBytes = 16u << 20;
// Values (scalars, lists, mappings) a config may expand to; real configs hold a few hundred.
inline constexpr size_t kMaxYamlNodes = 1u << 20;

// Throws ConfigError "<origin>: YAML aliases expand this document past N bytes ..." when the
// expanded size of `root` (every scalar counted once per use) exceeds
// `limit`, or it holds more than kMaxYamlNodes values. Stops counting at either limit, so alias
// cycles and "billion laughs" cost O(limit).
void check_yaml_expansion(const YAML::Node& root, const std::string& origin,
                          size_t limit = kMaxYamlExpandedBytes);

}  // namespace mmupt::config_detail
