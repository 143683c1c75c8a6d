// Parsing of the CLI's --device / --dtype / --threads values into libtorch settings, shared by
// the commands that run a model (generate, bench). Usage errors throw UsageError.
#pragma once
#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace mmupt::cli {

// "cpu", "cuda", "cuda:N" or "auto" (cuda when available, else cpu).
c10::Device parse_device(const std::string& name);
// "float32", "bfloat16", "float16" or "auto" (bfloat16 on cuda, float32 on cpu).
c10::ScalarType parse_dtype(const std::string& name, const c10::Device& device);
const char* dtype_name(c10::ScalarType t);
// Sets libtorch's intra-op threads when n > 0; returns the number in use.
int set_threads(long long n);
// One line on the BLAS kernels OpenBLAS chose (empty when libtorch does not use OpenBLAS),
// with a hint when it fell back to old-CPU kernels on a CPU with AVX2 / AVX-512.
std::string blas_note();

}  // namespace mmupt::cli
