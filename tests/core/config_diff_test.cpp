// diff_configs / alters_trajectory (resume's config check, issue 11).
#include "core/config/config_diff.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/config/config_io.h"

namespace mmupt {
namespace {

TEST(ConfigDiff, ListsChangedKeysInSchemaOrderAndClassifiesThem) {
    RunConfig a, b;
    b.trainer.max_steps = a.trainer.max_steps + 5;
    b.rollout.n = a.rollout.n + 2;
    b.optim.betas = {0.8, 0.9};
    const auto changes = diff_configs(to_json(a), to_json(b));
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].key, "rollout.n");
    EXPECT_TRUE(changes[0].alters_trajectory);
    EXPECT_EQ(changes[1].key, "optim.betas");
    EXPECT_EQ(changes[1].after, "[0.8,0.9]");
    EXPECT_EQ(changes[2].key, "trainer.max_steps");
    EXPECT_FALSE(changes[2].alters_trajectory);
    EXPECT_NE(describe(changes).find("rollout.n: 10 -> 12"), std::string::npos)
        << describe(changes);
    EXPECT_TRUE(diff_configs(to_json(a), to_json(a)).empty());
}

TEST(ConfigDiff, KeysMissingFromAnOlderSavedConfigAreNotCompared) {
    RunConfig a, b;
    b.rollout.top_k = 7;
    nlohmann::json old = to_json(a);
    old["rollout"].erase("top_k");
    EXPECT_TRUE(diff_configs(old, to_json(b)).empty());
    EXPECT_TRUE(diff_configs(nullptr, to_json(b)).empty());
    for (const char* key : {"data.train_files", "trainer.rollout_batch_size", "algorithm.reward",
                            "trainer.seed", "optim.lr", "model.path"})
        EXPECT_TRUE(alters_trajectory(key)) << key;
    for (const char* key : {"trainer.keep_last", "trainer.save_every", "trainer.log_every"})
        EXPECT_FALSE(alters_trajectory(key)) << key;
}

}  // namespace
}  // namespace mmupt
