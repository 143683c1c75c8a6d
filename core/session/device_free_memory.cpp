// device_free_memory: /proc/meminfo for the CPU, the CUDA runtime (through c10) for a GPU.
#include "core/session/device_free_memory.h"

#include <exception>
#include <fstream>
#include <sstream>

#include "core/trainer/trainer.h"

#ifdef MMUPT_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

namespace mmupt {

int64_t meminfo_available_bytes(const std::string& text) {
    int64_t available = 0, free = 0;
    std::istringstream lines(text);
    std::string key;
    int64_t kib = 0;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        if (!(fields >> key >> kib)) continue;
        if (key == "MemAvailable:") available = kib * 1024;  // the kernel writes kB = KiB
        if (key == "MemFree:") free = kib * 1024;
    }
    return available > 0 ? available : free;
}

DeviceFreeMemory device_free_memory(const std::string& device_spec) {
    DeviceFreeMemory out;
    at::Device device = at::kCPU;
    try {
        device = resolve_device(device_spec);
    } catch (const std::exception& e) {
        out.device = device_spec;
        out.error = e.what();
        return out;
    }
    out.device = device.str();
    if (device.is_cpu()) {
        std::ifstream f("/proc/meminfo");
        std::stringstream text;
        text << f.rdbuf();
        out.free_bytes = meminfo_available_bytes(text.str());
        out.total_bytes = 0;
        out.source = "MemAvailable in /proc/meminfo";
        if (out.free_bytes == 0) out.error = "/proc/meminfo is not readable on this system";
        return out;
    }
#ifdef MMUPT_WITH_CUDA
    try {
        c10::cuda::set_device(device.index() < 0 ? 0 : device.index());
        size_t free = 0, total = 0;
        if (cudaMemGetInfo(&free, &total) == cudaSuccess) {
            out.free_bytes = static_cast<int64_t>(free);
            out.total_bytes = static_cast<int64_t>(total);
            out.source = "cudaMemGetInfo on " + out.device;
            return out;
        }
        out.error = "cudaMemGetInfo failed on " + out.device;
    } catch (const std::exception& e) {
        out.error = e.what();
    }
#else
    out.error = "this build has no CUDA support";
#endif
    return out;
}

}  // namespace mmupt
