// The memory a training run could use now on the configured device, for the setup form's
// "Will it fit?" (next to plan_training_memory's peak): CPU = MemAvailable of /proc/meminfo,
// CUDA = the driver's free bytes (cudaMemGetInfo, which creates this process's CUDA context on
// first use). Torch-free header; never throws: an unknown amount comes back as 0 with the reason.
#pragma once
#include <cstdint>
#include <string>

namespace mmupt {

struct DeviceFreeMemory {
    std::string device;       // as resolved: "cpu", "cuda:0", ...
    int64_t free_bytes = 0;   // 0 = unknown (see error)
    int64_t total_bytes = 0;  // 0 = unknown
    std::string source;       // where the number comes from, for a tooltip
    std::string error;        // why it is unknown; "" when known
};

// `device_spec`: model.device ("auto", "cpu", "cuda", "cuda:N").
DeviceFreeMemory device_free_memory(const std::string& device_spec);

// The "MemAvailable:" (else "MemFree:") line of /proc/meminfo text, in bytes; 0 when absent.
int64_t meminfo_available_bytes(const std::string& meminfo_text);

}  // namespace mmupt
