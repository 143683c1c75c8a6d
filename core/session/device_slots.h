// How many data-parallel ranks (`mmupt train --nproc N`) the configured device offers, for the
// studio's Processes field: the visible CUDA devices for "cuda" / "cuda:N" / "auto" with CUDA,
// else the CPU cores (each rank then runs trainer.threads threads). Torch-free header.
#pragma once
#include <string>

namespace mmupt {

struct DeviceSlots {
    int count = 1;     // >= 1
    std::string what;  // "GPU" or "CPU core", for the field's tooltip
};

// `device_spec`: model.device ("auto", "cpu", "cuda", "cuda:N").
DeviceSlots device_slots(const std::string& device_spec);

}  // namespace mmupt
