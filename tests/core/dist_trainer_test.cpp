// Data-parallel training equals one process (docs/distributed.md): 2 ranks x B/2 prompts against
// 1 rank x B prompts, same seeds, 3 MM-UPT steps of the tiny fp32 model: every metric per step
// (wall-clock ones aside) and the final weights within 1e-5, samples.jsonl line for line; ranks
// with different configs are refused. Ranks are threads of this process with a DistGroup each
// (Gloo over loopback); every wait is bounded. Resume across world sizes: slow/dist_slow_test.cpp.
#include "tests/core/dist_trainer_util.h"

namespace mmupt {
namespace {

TEST(DistTrainer, TwoRanksEqualOneRank) {
    const std::string root = test::temp_dir("dist-equal");
    const RunFinished one = test::train(test::dist_config(root + "/one", 3));
    ASSERT_EQ(one.state, RunState::finished) << one.message;
    test::run_trainer_ranks(test::dist_config(root + "/two", 3), 2);
    test::expect_same_runs(root + "/one", root + "/two", 3);
}

TEST(DistTrainer, RanksWithDifferentConfigsAreRefused) {
    const std::string root = test::temp_dir("dist-mismatch");
    auto errors = test::run_ranks_on_threads(2, 10, [&](int r, std::shared_ptr<DistGroup> g) {
        RunConfig c = test::dist_config(root + "/run", 1);
        if (r == 1) c.rollout.temperature = 0.7;
        Trainer t(c, load_training_model(c, c.model.path), nullptr, nullptr, std::nullopt, g);
    });
    for (int r = 0; r < 2; ++r)
        EXPECT_NE(errors[size_t(r)].find("rank 1 was started with a different config"),
                  std::string::npos)
            << "rank " << r << ": " << errors[size_t(r)];
}

}  // namespace
}  // namespace mmupt
