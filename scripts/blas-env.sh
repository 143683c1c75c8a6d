# Sourced by the scripts that run models: Debian's OpenBLAS 0.3.21 falls back to SSE3 kernels
# on CPUs it does not know (recent Xeons), 2.5-3x slower. Pick the kernels from the CPU flags,
# as `mmupt` itself does when it re-executes (core/util/blas_env.h), so that test processes and
# the CLI processes they start use the same kernels. An explicit OPENBLAS_CORETYPE wins.
if [[ -z "${OPENBLAS_CORETYPE:-}" && -r /proc/cpuinfo ]]; then
    _flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
    if [[ " $_flags " == *" avx512f "* && " $_flags " == *" avx512bw "* &&
          " $_flags " == *" avx512dq "* && " $_flags " == *" avx512vl "* ]]; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif [[ " $_flags " == *" avx2 "* && " $_flags " == *" fma "* ]]; then
        export OPENBLAS_CORETYPE=Haswell
    fi
    unset _flags
fi
# libtorch's OpenMP threads spin between parallel regions and fight OpenBLAS's threads.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
