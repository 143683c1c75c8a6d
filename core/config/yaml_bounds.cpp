// Expanded-size walk over a yaml-cpp node graph (see yaml_bounds.h). yaml-cpp shares an aliased
// node instead of copying it, so parsing is cheap; the blow-up comes when the values are copied
// out. The walk uses an explicit stack (an alias cycle "&a [*a]" would recurse forever).
#include "core/config/yaml_bounds.h"

#include <vector>

#include "core/util/errors.h"

namespace mmupt::config_detail {

void check_yaml_expansion(const YAML::Node& root, const std::string& origin, size_t limit) {
    std::vector<YAML::Node> todo{root};
    size_t total = 0;
    while (!todo.empty()) {
        YAML::Node node = todo.back();
        todo.pop_back();
        total += 1;
        if (node.IsScalar()) total += node.Scalar().size();
        if (total > limit)
            throw ConfigError(origin + ": YAML aliases expand this document past " +
                              std::to_string(limit) +
                              " bytes; aliases expanding past that are not accepted (write the "
                              "values out, or reuse fewer of them)");
        if (node.IsSequence()) {
            for (const auto& item : node) todo.push_back(item);
        } else if (node.IsMap()) {
            for (const auto& kv : node) {
                todo.push_back(kv.first);
                todo.push_back(kv.second);
            }
        }
    }
}

}  // namespace mmupt::config_detail
