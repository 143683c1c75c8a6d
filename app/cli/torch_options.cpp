// --device / --dtype / --threads for the model-running commands.
#include "app/cli/torch_options.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "app/cli/args.h"
#include "core/util/blas_env.h"

namespace mmupt::cli {

c10::Device parse_device(const std::string& name) {
    if (name == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::kCPU;
    if (name != "cpu" && name.rfind("cuda", 0) != 0)
        throw UsageError("--device must be cpu, cuda, cuda:N or auto, got '" + name + "'");
    if (name != "cpu" && !torch::cuda::is_available())
        throw UsageError("--device " + name + ": this libtorch build sees no CUDA device");
    try {
        return c10::Device(name);
    } catch (const std::exception&) {
        throw UsageError("--device: cannot parse '" + name + "'");
    }
}

c10::ScalarType parse_dtype(const std::string& name, const c10::Device& device) {
    if (name == "auto") return device.is_cuda() ? c10::kBFloat16 : c10::kFloat;
    if (name == "float32") return c10::kFloat;
    if (name == "bfloat16") return c10::kBFloat16;
    if (name == "float16") {
        if (!device.is_cuda())
            throw UsageError(
                "--dtype float16 is GPU-only here (libtorch's CPU kernels lack or crawl in "
                "half precision); on CPU use --dtype bfloat16 or float32");
        return c10::kHalf;
    }
    throw UsageError("--dtype must be float32, bfloat16, float16 or auto, got '" + name + "'");
}

const char* dtype_name(c10::ScalarType t) {
    switch (t) {
        case c10::kFloat:
            return "float32";
        case c10::kBFloat16:
            return "bfloat16";
        case c10::kHalf:
            return "float16";
        default:
            return "?";
    }
}

int set_threads(long long n) {
    if (n < 0 || n > 1024)
        throw UsageError("--threads must be in [0, 1024], got " + std::to_string(n));
    if (n > 0) at::set_num_threads(static_cast<int>(n));
    return at::get_num_threads();
}

std::string blas_note() {
    const std::string core = openblas_core();
    if (core.empty()) return "";
    std::string note = "BLAS: OpenBLAS with " + core + " kernels";
    const std::string faster = faster_openblas_coretype();
    if (!faster.empty())
        note += " (OpenBLAS did not recognise this CPU); OPENBLAS_CORETYPE=" + faster +
                " in the environment selects faster ones";
    return note;
}

}  // namespace mmupt::cli
