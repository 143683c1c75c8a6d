// Debian's OpenBLAS (0.3.21) does not recognise recent Xeons and falls back to SSE3 kernels,
// which makes every matrix product 2.5-3x slower. OpenBLAS reads OPENBLAS_CORETYPE once, when
// the library loads, so the only in-process fix is to re-execute with the variable set.
#pragma once
#include <string>

namespace mmupt {

// The OpenBLAS kernel family in use ("Prescott", "Haswell", ...), or "" when the BLAS linked
// into this process is not OpenBLAS.
std::string openblas_core();

// "SkylakeX" / "Haswell" when OpenBLAS picked a pre-AVX kernel on a CPU with AVX-512 / AVX2,
// else "" (nothing to gain, or not OpenBLAS).
std::string faster_openblas_coretype();

// When faster_openblas_coretype() is non-empty and neither OPENBLAS_CORETYPE nor
// MMUPT_KEEP_BLAS is set, sets OPENBLAS_CORETYPE (and OMP_WAIT_POLICY=passive unless set) and
// re-executes /proc/self/exe with `argv`.
// Returns only when it did not re-execute (including when exec fails).
void reexec_with_faster_blas(char** argv);

}  // namespace mmupt
