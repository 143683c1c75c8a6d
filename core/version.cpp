#include "core/version.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace mmupt {

const char* version() { return MMUPT_VERSION; }

std::string version_banner() {
    std::string s = std::string("mmupt ") + MMUPT_VERSION + " (libtorch " + TORCH_VERSION;
    s += torch::cuda::is_available() ? ", CUDA available)" : ", CPU)";
    return s;
}

}  // namespace mmupt
