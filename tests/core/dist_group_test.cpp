// DistGroup (core/dist/process_group.h) with two ranks on two threads of this process, Gloo over
// loopback: the collectives the trainer uses, and bad rendezvous (a missing rank, disagreeing
// world sizes, a taken port) failing with a clear error within the timeout instead of hanging.
// Also the pure parts: the environment parser and the prompt sharding.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <chrono>
#include <map>

#include "core/dist/dist_env.h"
#include "core/dist/prompt_shard.h"
#include "tests/core/dist_util.h"

namespace mmupt {
namespace {

using test::run_ranks_on_threads;

TEST(DistGroup, CollectivesOverTwoRanks) {
    std::vector<std::vector<double>> gathered(2), maxima(2);
    std::vector<std::string> exchanged(2), rooted(2);
    std::vector<at::Tensor> sums(2), broadcasts(2);
    auto errors = run_ranks_on_threads(2, 20, [&](int r, std::shared_ptr<DistGroup> g) {
        EXPECT_EQ(g->rank(), r);
        EXPECT_EQ(g->world_size(), 2);
        at::Tensor t = at::full({3}, double(r + 1), at::kFloat);  // (3) 1s on rank 0, 2s on 1
        g->all_reduce_sum(t, "test sum");
        sums[size_t(r)] = t;
        at::Tensor b = at::full({2}, double(10 * r + 7), at::kFloat);
        g->broadcast(b, /*root=*/1, "test broadcast");
        broadcasts[size_t(r)] = b;
        maxima[size_t(r)] = g->all_reduce_max({double(r), double(-r)}, "test max");
        auto all = g->all_gather({double(r), 0.5}, "test gather");
        for (const auto& v : all)
            gathered[size_t(r)].insert(gathered[size_t(r)].end(), v.begin(), v.end());
        exchanged[size_t(r)] = g->exchange("k", "v" + std::to_string(r))[1 - r];
        auto root = g->gather_to_root("s/1", "line" + std::to_string(r));
        rooted[size_t(r)] = root.empty() ? "" : root[0] + "," + root[1];
        EXPECT_GT(g->stats().bytes, 0);
    });
    ASSERT_EQ(errors, std::vector<std::string>(2)) << errors[0] << " | " << errors[1];
    for (int r = 0; r < 2; ++r) {
        EXPECT_TRUE(at::equal(sums[size_t(r)], at::full({3}, 3.0, at::kFloat)));
        EXPECT_TRUE(at::equal(broadcasts[size_t(r)], at::full({2}, 17.0, at::kFloat)));
        EXPECT_EQ(maxima[size_t(r)], (std::vector<double>{1, 0}));
        EXPECT_EQ(gathered[size_t(r)], (std::vector<double>{0, 0.5, 1, 0.5}));
        EXPECT_EQ(exchanged[size_t(r)], "v" + std::to_string(1 - r));
    }
    EXPECT_EQ(rooted[0], "line0,line1");
    EXPECT_EQ(rooted[1], "");
}

TEST(DistGroup, MissingRankFailsWithinTheTimeoutNamingIt) {
    const auto t0 = std::chrono::steady_clock::now();
    // WORLD_SIZE=2 but only rank 0 starts.
    auto errors = run_ranks_on_threads(1, 2, [](int, std::shared_ptr<DistGroup>) {}, 0, {2});
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_NE(errors[0].find("rank(s) 1 did not join"), std::string::npos) << errors[0];
    EXPECT_LT(took, 15.0);
}

TEST(DistGroup, DisagreeingWorldSizesAreRefused) {
    auto errors = run_ranks_on_threads(2, 3, [](int, std::shared_ptr<DistGroup>) {}, 0, {2, 3});
    for (const auto& e : errors) EXPECT_NE(e.find("world size"), std::string::npos) << e;
    EXPECT_NE(errors[0].find("WORLD_SIZE=3"), std::string::npos) << errors[0];
}

TEST(DistGroup, TakenPortIsNamed) {
    const int port = test::free_port();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    auto errors = run_ranks_on_threads(1, 2, [](int, std::shared_ptr<DistGroup>) {}, port, {2});
    ::close(fd);
    EXPECT_NE(errors[0].find("MASTER_PORT"), std::string::npos) << errors[0];
}

TEST(DistEnv, ReadsTorchrunAndSlurmVariables) {
    auto env_of = [](std::map<std::string, std::string> vars) {
        return read_dist_env([vars](const char* n) -> const char* {
            auto it = vars.find(n);
            return it == vars.end() ? nullptr : it->second.c_str();
        });
    };
    EXPECT_FALSE(env_of({}).enabled);
    EXPECT_FALSE(env_of({{"SLURM_NTASKS", "1"}, {"SLURM_PROCID", "0"}}).enabled);
    DistEnv t = env_of({{"WORLD_SIZE", "4"},
                        {"RANK", "3"},
                        {"LOCAL_RANK", "1"},
                        {"MASTER_ADDR", "node7"},
                        {"MASTER_PORT", "1234"}});
    EXPECT_TRUE(t.enabled);
    EXPECT_EQ(t.world_size, 4);
    EXPECT_EQ(t.rank, 3);
    EXPECT_EQ(t.local_rank, 1);
    EXPECT_EQ(t.master_addr, "node7");
    EXPECT_EQ(t.master_port, 1234);
    DistEnv s = env_of({{"SLURM_NTASKS", "8"},
                        {"SLURM_PROCID", "5"},
                        {"SLURM_LOCALID", "1"},
                        {"MASTER_ADDR", "n1"}});
    EXPECT_EQ(s.source, "slurm");
    EXPECT_EQ(s.rank, 5);
    EXPECT_EQ(s.local_rank, 1);
    EXPECT_EQ(s.master_port, 29500);
    EXPECT_TRUE(env_of({{"WORLD_SIZE", "1"}}).enabled);  // world size 1 still uses the group
    auto error_of = [&](std::map<std::string, std::string> vars) -> std::string {
        try {
            env_of(vars);
        } catch (const DistError& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(error_of({{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "a"}}).find("RANK"),
              std::string::npos);
    EXPECT_NE(error_of({{"WORLD_SIZE", "2"}, {"RANK", "1"}}).find("MASTER_ADDR"),
              std::string::npos);
    EXPECT_NE(error_of({{"WORLD_SIZE", "two"}}).find("WORLD_SIZE"), std::string::npos);
    EXPECT_NE(error_of({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}).find("RANK"),
              std::string::npos);
}

TEST(PromptShard, SlicesEveryMiniBatch) {
    // B = 8 prompts, M = 4 per update, W = 2: rank 0 {0,1,4,5}, rank 1 {2,3,6,7}.
    EXPECT_EQ(shard_prompts(8, 4, 2, 0), (std::vector<int64_t>{0, 1, 4, 5}));
    EXPECT_EQ(shard_prompts(8, 4, 2, 1), (std::vector<int64_t>{2, 3, 6, 7}));
    EXPECT_EQ(shard_prompts(4, 4, 1, 0), (std::vector<int64_t>{0, 1, 2, 3}));
    EXPECT_THROW(shard_prompts(6, 3, 2, 0), ConfigError);
}

}  // namespace
}  // namespace mmupt
