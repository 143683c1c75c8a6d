// Peak memory the caching allocator has held on a CUDA device since the last reset, for the
// `perf/peak_memory_gb` metric. CPU devices, and builds without CUDA, report NaN.
#pragma once
#include <c10/core/Device.h>

namespace mmupt {

double peak_device_memory_gb(const c10::Device& device);
void reset_peak_device_memory(const c10::Device& device);

}  // namespace mmupt
