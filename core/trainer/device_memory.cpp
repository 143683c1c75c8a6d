// Device memory statistics through c10's CUDA caching allocator (device_memory.h).
#include "core/trainer/device_memory.h"

#include <limits>

#ifdef MMUPT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace mmupt {

double peak_device_memory_gb(const c10::Device& device) {
#ifdef MMUPT_WITH_CUDA
    if (device.is_cuda()) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(
            device.index() < 0 ? 0 : device.index());
        // Index 0 is StatType::AGGREGATE in every release (the enum moved namespaces in 2.x).
        return static_cast<double>(stats.reserved_bytes[0].peak) / 1e9;
    }
#endif
    (void)device;
    return std::numeric_limits<double>::quiet_NaN();
}

void reset_peak_device_memory(const c10::Device& device) {
#ifdef MMUPT_WITH_CUDA
    if (device.is_cuda())
        c10::cuda::CUDACachingAllocator::resetPeakStats(device.index() < 0 ? 0 : device.index());
#endif
    (void)device;
}

}  // namespace mmupt
