// The family registry: lookup by architecture enum, model_type or architectures entry.
#include "core/model/families/model_family.h"

namespace mmupt {

const ModelFamily& model_family(ModelArch arch) {
    return arch == ModelArch::qwen2_vl ? qwen2_vl_family() : qwen2_5_vl_family();
}

const ModelFamily* find_model_family(const std::string& name) {
    for (const ModelFamily* f : {&qwen2_vl_family(), &qwen2_5_vl_family()}) {
        if (name == f->model_type || name == f->architecture) return f;
    }
    return nullptr;
}

std::string supported_model_families() {
    std::string out;
    for (const ModelFamily* f : {&qwen2_vl_family(), &qwen2_5_vl_family()}) {
        if (!out.empty()) out += ", ";
        out += std::string(f->model_type) + " (" + f->architecture + ")";
    }
    return out;
}

}  // namespace mmupt
