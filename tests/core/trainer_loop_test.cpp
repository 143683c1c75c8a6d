// The training loop end to end on a tiny random model (CPU, seconds): "First SFT" teaches the
// \boxed{k} answer format, then majority-vote GRPO must concentrate the vote (reward and
// majority ratio rise) without ever seeing a label; the run directory follows the contract
// (every metrics key, samples.jsonl round-trips); labels never reach the unsupervised reward.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/data/dataset.h"
#include "core/session/run_files.h"
#include "core/trainer/trainer.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using test::read_lines;
using test::tiny_run_config;

std::vector<StepMetrics> metrics_of(const std::string& run_dir) {
    std::vector<StepMetrics> out;
    for (const auto& line : read_lines(run_dir + "/metrics.jsonl"))
        out.push_back(step_metrics_from_json(line));
    return out;
}

double mean_of(const std::vector<StepMetrics>& m, const char* key, size_t begin, size_t end) {
    double s = 0;
    for (size_t i = begin; i < end; ++i) s += m[i].values.at(key);
    return s / double(end - begin);
}

using test::sft_model;
using test::sft_run;
using test::train;

TEST(TrainerLoop, SftLossFalls) {
    auto m = metrics_of(sft_run());
    ASSERT_EQ(m.size(), 30u);
    std::printf("sft loss %.3f -> %.3f\n", m.front().values.at("actor/pg_loss"),
                m.back().values.at("actor/pg_loss"));
    EXPECT_LT(mean_of(m, "actor/pg_loss", 25, 30), 0.5 * mean_of(m, "actor/pg_loss", 0, 5));
    EXPECT_TRUE(std::isnan(m.back().values.at("reward/mean")));  // null: SFT has no reward
}

TEST(TrainerLoop, MajorityVoteConcentratesTheVoteAfterSft) {
    RunConfig c = tiny_run_config(test::temp_dir("trainer-upt") + "/run", 10);
    c.model.path = sft_model();
    c.optim.lr = 5e-3;
    RunFinished r = train(c);
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    auto m = metrics_of(c.trainer.output_dir);
    ASSERT_EQ(m.size(), 10u);
    for (const auto& s : m)  // the trajectory, for the log
        std::printf("step %d reward %.3f majority %.3f no-answer %.3f kl %.4f %.2f s\n", s.step,
                    s.values.at("reward/mean"), s.values.at("vote/majority_ratio"),
                    s.values.at("vote/no_answer_rate"), s.values.at("actor/kl_loss"),
                    s.values.at("timing_s/step"));
    const double ratio0 = mean_of(m, "vote/majority_ratio", 0, 3);
    const double ratio1 = mean_of(m, "vote/majority_ratio", 7, 10);
    const double reward0 = mean_of(m, "reward/mean", 0, 3);
    const double reward1 = mean_of(m, "reward/mean", 7, 10);
    EXPECT_LT(mean_of(m, "vote/no_answer_rate", 0, 3), 0.5) << "SFT did not teach \\boxed{}";
    EXPECT_GT(ratio1, ratio0 + 0.1) << "majority ratio " << ratio0 << " -> " << ratio1;
    EXPECT_GT(reward1, reward0 + 0.1) << "reward " << reward0 << " -> " << reward1;
}

TEST(TrainerLoop, RunDirectoryFollowsTheContract) {
    RunConfig c = tiny_run_config(test::temp_dir("trainer-contract") + "/run", 2);
    c.model.path = sft_model();
    c.trainer.save_every = 1;
    c.trainer.keep_last = 1;
    ASSERT_EQ(train(c).state, RunState::finished);
    const std::string dir = c.trainer.output_dir;
    for (const char* f : {"config.yaml", "metrics.jsonl", "samples.jsonl", "train.log"})
        EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
    auto m = metrics_of(dir);
    ASSERT_EQ(m.size(), 2u);
    for (const char* key : {"reward/mean",
                            "vote/majority_ratio",
                            "vote/no_answer_rate",
                            "vote/zero_variance_groups",
                            "actor/pg_loss",
                            "actor/kl_loss",
                            "actor/entropy",
                            "actor/pg_clipfrac_higher",
                            "actor/pg_clipfrac_lower",
                            "actor/grad_norm",
                            "actor/lr",
                            "response_length/mean",
                            "response_length/clip_ratio",
                            "perf/tokens_per_s",
                            "timing_s/rollout",
                            "timing_s/update",
                            "timing_s/step",
                            "label/accuracy",
                            "label/reward_accuracy",
                            "label/pass_at_n"})
        EXPECT_EQ(m[1].values.count(key), 1u) << key;
    EXPECT_EQ(m[1].step, 2);
    EXPECT_GT(m[1].values.at("actor/kl_loss"), 0.0);  // the policy moved away from the reference
    // samples.jsonl: B groups per step, each G responses, round-tripping through the codec.
    auto lines = read_lines(dir + "/samples.jsonl");
    ASSERT_EQ(lines.size(), 8u);
    for (const auto& line : lines) {
        RolloutGroup g = rollout_group_from_json(line);
        EXPECT_EQ(to_json_line(g), line);
        EXPECT_EQ(g.responses.size(), 8u);
        EXPECT_TRUE(g.label.has_value());
        EXPECT_FALSE(g.image_path.empty());
    }
    // keep_last = 1: only the newest checkpoint remains, and it is a loadable model directory.
    auto ckpts = list_checkpoints(dir);
    ASSERT_EQ(ckpts.size(), 1u);
    EXPECT_EQ(ckpts[0].step, 2);
    EXPECT_NO_THROW(read_model_dir(ckpts[0].path));
    EXPECT_TRUE(fs::exists(ckpts[0].path + "/optimizer.safetensors"));
}

// The same run with correct labels and with every label replaced by a wrong one: everything the
// trainer computes is identical; only the hidden-label diagnostics differ.
TEST(TrainerLoop, LabelsNeverReachTheUnsupervisedReward) {
    // Same file name, so example ids (and with them the sampling keys) are the same.
    const std::string tmp = test::temp_dir("trainer-labels");
    std::ofstream wrong(tmp + "/short.jsonl");
    for (const auto& line : read_lines(test::trainer_fixture().data)) {
        auto j = nlohmann::json::parse(line);
        j["answer"] = "12345";
        j["images"][0] = (fs::path(test::trainer_fixture().data).parent_path() /
                          j["images"][0].get<std::string>())
                             .string();
        wrong << j.dump() << "\n";
    }
    wrong.close();
    RunConfig a = tiny_run_config(tmp + "/a", 2);
    a.model.path = sft_model();
    RunConfig b = a;
    b.trainer.output_dir = tmp + "/b";
    b.data.train_files = {tmp + "/short.jsonl"};
    ASSERT_EQ(train(a).state, RunState::finished);
    ASSERT_EQ(train(b).state, RunState::finished);
    auto ma = metrics_of(a.trainer.output_dir), mb = metrics_of(b.trainer.output_dir);
    ASSERT_EQ(ma.size(), 2u);
    ASSERT_EQ(mb.size(), 2u);
    for (size_t s = 0; s < 2; ++s)
        for (const auto& [key, value] : ma[s].values) {
            if (key.rfind("label/", 0) == 0 || key.rfind("timing_s/", 0) == 0 ||
                key.rfind("perf/", 0) == 0)
                continue;
            const double other = mb[s].values.at(key);
            if (std::isnan(value) && std::isnan(other)) continue;  // null in both
            EXPECT_EQ(value, other) << key << " at step " << s + 1;
        }
    EXPECT_EQ(mb[1].values.at("label/accuracy"), 0.0);  // "12345" is never the majority
}

// The training side recomputes the sampler's log-probs: prompts left-padded, responses
// right-padded, micro-batches trimmed and sharing each prompt's image encoding, at the rollout
// temperature. Any misalignment of tokens, positions or images would show here.
TEST(TrainerLoop, ScorerReproducesTheSamplerLogProbs) {
    RunConfig c = tiny_run_config("", 1);
    c.rollout.temperature = 0.8;
    TrainingModel model = load_training_model(c, sft_model());
    Dataset data = load_dataset(c.data.train_files, c.data);
    PromptBuilder builder(model.dir.tokenizer, model.dir.image_processor.config(), c.data,
                          model.policy->config().vision.spatial_merge_size, at::kCPU);
    std::vector<Prompt> prompts;
    for (int i = 0; i < 3; ++i) prompts.push_back(*builder.build(data.examples[size_t(i)]));
    GenerationParams params;
    params.sampling.temperature = 0.8;
    params.num_samples = 4;
    params.max_new_tokens = 6;
    params.seed = 9;
    Rollout r = sample_rollout(model.policy, prompts, params, model.dir.tokenizer);
    SequenceBatch seq = pack_sequences(prompts, r.response_ids, 4, 0);
    UpdatePlan plan;
    plan.mini_rows = 12;
    plan.micro_rows = 6;  // micro-batches of 6 rows share images in chunks of 2
    plan.temperature = 0.8;
    auto scored = score_micro_batches(model.policy, seq, plan);
    ASSERT_EQ(scored.size(), 2u);
    double worst = 0;
    int compared = 0;
    for (int64_t row = 0; row < 12; ++row) {
        MicroBatch mb = make_micro_batch(seq, row / 6 * 6, 6, at::kCPU);
        at::Tensor lp = scored[size_t(row / 6)][row % 6];  // (t)
        const auto& want = r.logprobs[size_t(row)];
        const int64_t start = seq.prompt_width - mb.col0;  // first response column
        for (size_t t = 0; t < want.size(); ++t, ++compared)
            worst = std::max(worst, std::abs(lp[start + int64_t(t)].item<double>() - want[t]));
    }
    EXPECT_GT(compared, 12);
    EXPECT_LT(worst, 1e-4);
}

}  // namespace
}  // namespace mmupt
