// Version of the mmupt engine and of the libtorch it was built against.
#pragma once
#include <string>

namespace mmupt {

// "0.1.0"
const char* version();
// e.g. "mmupt 0.1.0 (libtorch 1.13.0, CPU)"; torch-free callers may use it.
std::string version_banner();

}  // namespace mmupt
