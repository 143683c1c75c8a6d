// Checkpoint directories: atomic publish, keep_last pruning, crash leftovers, failures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/trainer/checkpoint_store.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

using namespace mmupt;
namespace fs = std::filesystem;

TEST(CheckpointStore, CommitPublishesAndPrunes) {
    std::string run = test::temp_dir("ckpt");
    CheckpointStore store(run, /*keep_last=*/2);
    EXPECT_FALSE(store.latest().has_value());
    for (int step : {1, 2, 3}) {
        std::string tmp = store.begin(step);
        std::ofstream(tmp + "/model.safetensors") << "weights-" << step;
        // Not visible while being written.
        EXPECT_FALSE(fs::exists(store.checkpoints_dir() + "/step-" + std::to_string(step)));
        CheckpointInfo info =
            store.commit(step, {{"step", step}, {"metrics", {{"reward/mean", 0.1 * step}}}});
        EXPECT_EQ(info.step, step);
        EXPECT_NEAR(info.metrics.at("reward/mean"), 0.1 * step, 1e-12);
        EXPECT_FALSE(fs::exists(tmp));
    }
    EXPECT_FALSE(fs::exists(store.checkpoints_dir() + "/step-1"));  // pruned
    EXPECT_TRUE(fs::exists(store.checkpoints_dir() + "/step-2/model.safetensors"));
    ASSERT_TRUE(store.latest().has_value());
    EXPECT_EQ(store.latest()->step, 3);
}

TEST(CheckpointStore, RecommitSameStepReplacesAndCrashLeftoversAreCleaned) {
    std::string run = test::temp_dir("ckpt2");
    CheckpointStore store(run, 0);
    std::ofstream(store.begin(5) + "/a") << "old";
    store.commit(5, {{"step", 5}});
    std::ofstream(store.begin(5) + "/a") << "new";
    store.commit(5, {{"step", 5}});
    std::ifstream f(store.checkpoints_dir() + "/step-5/a");
    std::string content;
    f >> content;
    EXPECT_EQ(content, "new");
    // A save interrupted by a crash leaves a .tmp directory: not a checkpoint, and cleaned.
    std::ofstream(store.begin(6) + "/partial") << "x";
    EXPECT_EQ(store.latest()->step, 5);
    EXPECT_EQ(store.clean_incomplete(), 1);
    EXPECT_FALSE(fs::exists(store.checkpoints_dir() + "/.tmp-step-6"));
}

TEST(CheckpointStore, UnwritableRunDirectoryGivesCheckpointError) {
    if (::geteuid() == 0) {
        // root ignores permissions; use a path under a regular file instead.
        std::string run = test::temp_dir("ckpt3");
        std::ofstream(run + "/checkpoints") << "not a directory";
        CheckpointStore store(run, 1);
        EXPECT_THROW(store.begin(1), CheckpointError);
        return;
    }
    CheckpointStore store("/proc/mmupt-no-such-dir", 1);
    EXPECT_THROW(store.begin(1), CheckpointError);
}
