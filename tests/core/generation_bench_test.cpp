// The generation benchmark runs end to end on the tiny preset (a few tokens, small rows) and
// reports positive rates, the baseline only up to baseline_max_rows, and a peak RSS.
// Speeds themselves are not asserted here (shared machines); `mmupt bench` reports them.
#include <gtest/gtest.h>

#include "core/sampling/generation_bench.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

TEST(GenerationBench, RunsOnTheTinyPreset) {
    GenerationBenchOptions o;
    o.preset = "tiny";
    o.new_tokens = 3;
    o.rows = {1, 3};
    o.baseline_max_rows = 1;
    o.text_tokens = 6;
    o.image_side = 56;
    GenerationBenchResult r = run_generation_bench(o);
    EXPECT_GT(r.parameters, 151680 * 64);  // Qwen's vocabulary, tied embedding
    EXPECT_EQ(r.image_tokens, 4);
    EXPECT_EQ(r.prompt_tokens, 6 + 2 + 4);
    EXPECT_GT(r.prefill_tokens_per_s, 0);
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_GT(r.rows[0].decode_tokens_per_s, 0);
    EXPECT_GT(r.rows[0].full_forward_tokens_per_s, 0);
    EXPECT_GT(r.rows[0].recompute_tokens_per_s, 0);
    EXPECT_LT(r.rows[1].full_forward_tokens_per_s, 0);  // not measured above baseline_max_rows
    EXPECT_LT(r.rows[1].recompute_tokens_per_s, 0);
    EXPECT_GT(r.peak_rss_kib, 0);
    o.preset = "huge";
    EXPECT_THROW(run_generation_bench(o), ConfigError);
}

}  // namespace
}  // namespace mmupt
