// The OpenBLAS kernel probe behind mmupt's re-exec (core/util/blas_env.h).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/util/blas_env.h"

TEST(BlasEnv, SuggestsAKernelOnlyForOpenBlasOnAnOldFallback) {
    (void)at::ones({2, 2}).mm(at::ones({2, 2}));  // BLAS loaded and initialised
    const std::string core = mmupt::openblas_core();
    const std::string faster = mmupt::faster_openblas_coretype();
    if (core.empty()) {
        EXPECT_EQ(faster, "") << "no OpenBLAS in this process, nothing to suggest";
        GTEST_SKIP() << "libtorch does not use OpenBLAS here";
    }
    EXPECT_TRUE(faster.empty() || faster == "SkylakeX" || faster == "Haswell") << faster;
    // A suggestion is made only when OpenBLAS runs a pre-AVX kernel family.
    if (core == "SkylakeX" || core == "Haswell" || core == "Zen" || core == "Cooperlake" ||
        core == "SapphireRapids")
        EXPECT_EQ(faster, "") << core;
}
