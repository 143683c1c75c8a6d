// device_slots (device_slots.h): CUDA devices through libtorch, CPU cores from the OS.
#include "core/session/device_slots.h"

#include <thread>

#include <torch/cuda.h>

namespace mmupt {

DeviceSlots device_slots(const std::string& device_spec) {
    const bool cpu = device_spec == "cpu";
    const int gpus = cpu ? 0 : static_cast<int>(torch::cuda::device_count());
    if (gpus > 0) return {gpus, "GPU"};
    const unsigned cores = std::thread::hardware_concurrency();
    return {cores > 0 ? static_cast<int>(cores) : 1, "CPU core"};
}

}  // namespace mmupt
