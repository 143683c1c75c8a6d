// Weight-name normalisation both ways (QWEN2-VL.md §2); load_weight_map is in weight_loader.cpp.
#include "core/model/weight_names.h"

namespace mmupt {
namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

}  // namespace

std::string canonical_weight_name(const std::string& n) {
    if (n == "visual" || starts_with(n, "visual.")) return "model." + n;
    if (starts_with(n, "model.") && !starts_with(n, "model.language_model.") &&
        !starts_with(n, "model.visual."))
        return "model.language_model." + n.substr(6);
    return n;
}

std::string legacy_weight_name(const std::string& c) {
    if (starts_with(c, "model.visual.")) return c.substr(6);
    if (starts_with(c, "model.language_model.")) return "model." + c.substr(21);
    return c;
}

std::string weight_name_for(const std::string& canonical, WeightLayout layout) {
    return layout == WeightLayout::hub ? legacy_weight_name(canonical) : canonical;
}

}  // namespace mmupt
