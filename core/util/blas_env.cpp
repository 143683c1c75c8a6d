// OpenBLAS kernel detection and the re-exec that selects faster kernels (blas_env.h).
#include "core/util/blas_env.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

namespace mmupt {

std::string openblas_core() {
    // Looked up at run time: libtorch may link OpenBLAS, MKL or another BLAS.
    using CoreName = char* (*)();
    auto corename = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* name = corename ? corename() : nullptr;
    return name ? name : "";
}

std::string faster_openblas_coretype() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const std::string core = openblas_core();
    const bool old = core == "Prescott" || core == "Core2" || core == "Nehalem" || core == "Atom" ||
                     core == "Penryn" || core == "Dunnington";
    if (!old) return "";
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return "";
}

void reexec_with_faster_blas(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("MMUPT_KEEP_BLAS")) return;
    const std::string coretype = faster_openblas_coretype();
    if (coretype.empty()) return;
    // MMUPT_KEEP_BLAS guards against a loop should the variable not take effect.
    setenv("OPENBLAS_CORETYPE", coretype.c_str(), 1);
    // libtorch's OpenMP threads spin-wait between parallel regions by default and then fight
    // OpenBLAS's own threads for the cores: 1.5-5x slower decode measured on 2 cores.
    setenv("OMP_WAIT_POLICY", "passive", 0);
    setenv("MMUPT_KEEP_BLAS", "1", 1);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");  // exec failed: carry on with the slow kernels
}

}  // namespace mmupt
