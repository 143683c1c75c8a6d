// Expanded-size walk over a yaml-cpp node graph (see yaml_bounds.h). yaml-cpp shares an aliased
// node instead of copying it, so parsing is cheap; the blow-up comes when the values are copied
// out. The walk uses an explicit stack (an alias cycle "&a [*a]" would recurse forever).
#include "core/config/yaml_bounds.h"

#include <vector>

#include "core/util/errors.h"

namespace mmupt::config_detail {

void check_yaml_expansion(const YAML::Node& root, const std::string& origin, size_t limit) {
    // Each node is charged when it is pushed, so the stack never holds more than the node budget
    // (an alias cycle "&a [*a, *a]" grew it by one node per visit: 2 GB before the byte limit).
    std::vector<YAML::Node> todo{root};
    size_t bytes = 0, nodes = 1;
    auto refuse = [&](const std::string& what) {
        throw ConfigError(origin + ": YAML aliases expand this document past " + what +
                          "; aliases expanding past " + std::to_string(limit) +
                          " bytes are not accepted (write the values out, or reuse fewer of "
                          "them)");
    };
    while (!todo.empty()) {
        YAML::Node node = todo.back();
        todo.pop_back();
        if (node.IsScalar()) bytes += node.Scalar().size();
        if (bytes > limit) refuse(std::to_string(limit) + " bytes");
        auto push = [&](const YAML::Node& child) {
            if (++nodes > kMaxYamlNodes) refuse(std::to_string(kMaxYamlNodes) + " values");
            todo.push_back(child);
        };
        if (node.IsSequence()) {
            for (const auto& item : node) push(item);
        } else if (node.IsMap()) {
            for (const auto& kv : node) {
                push(kv.first);
                push(kv.second);
            }
        }
    }
}

}  // namespace mmupt::config_detail
