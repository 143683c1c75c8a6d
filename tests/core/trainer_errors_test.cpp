// Each bad input of a training run fails early with a message naming what to fix, or (for bad
// data) is skipped and counted: a missing model directory, a bad config value, an output
// directory that cannot be created, an existing run without --resume, a corrupt image, and NaN
// weights (every step skipped, then the run fails after trainer.max_bad_steps).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/trainer/inspect.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using test::read_lines;
using test::tiny_run_config;

template <class E>
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an exception";
    return "";
}

TEST(TrainerErrors, MissingModelDirectoryNamesTheField) {
    RunConfig c = tiny_run_config(test::temp_dir("err-model") + "/run", 1);
    c.model.path = "/nonexistent/model";
    std::string msg = error_of<ConfigError>([&] { Trainer::start(c, nullptr, nullptr); });
    EXPECT_NE(msg.find("model.path"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/nonexistent/model"), std::string::npos) << msg;
}

TEST(TrainerErrors, BadConfigValueNamesTheFieldFromTheCli) {
    const std::string tmp = test::temp_dir("err-config");
    std::ofstream(tmp + "/run.yaml") << to_yaml(tiny_run_config(tmp + "/run", 1));
    auto r = test::run_command(test::cli_path() + " train " + tmp +
                               "/run.yaml --set trainer.mini_batch_size=3 2>&1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("trainer.mini_batch_size"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(tmp + "/run/metrics.jsonl"));
    auto usage = test::run_command(test::cli_path() + " train 2>&1");
    EXPECT_EQ(usage.exit_code, 2) << usage.out;
}

TEST(TrainerErrors, UnwritableOutputDirectory) {
    const std::string tmp = test::temp_dir("err-output");
    std::ofstream(tmp + "/a-file") << "x";
    RunConfig c = tiny_run_config(tmp + "/a-file/run", 1);  // below a regular file
    std::string msg = error_of<CheckpointError>([&] { Trainer::start(c, nullptr, nullptr); });
    EXPECT_NE(msg.find("a-file/run"), std::string::npos) << msg;
}

TEST(TrainerErrors, ExistingRunNeedsResume) {
    RunConfig c = tiny_run_config(test::temp_dir("err-existing") + "/run", 1);
    c.algorithm.reward = RewardKind::sft;
    ASSERT_EQ(Trainer::start(c, nullptr, nullptr)->run().state, RunState::finished);
    std::string msg = error_of<ConfigError>([&] { Trainer::start(c, nullptr, nullptr); });
    EXPECT_NE(msg.find("--resume"), std::string::npos) << msg;
}

TEST(TrainerErrors, CorruptImageIsSkippedAndCounted) {
    const std::string tmp = test::temp_dir("err-image");
    const fs::path src = fs::path(test::trainer_fixture().data).parent_path();
    std::ofstream(tmp + "/broken.png") << "\x89PNG\r\n\x1a\n this is not an image";
    std::ofstream data(tmp + "/data.jsonl");
    for (const auto& line : read_lines(test::trainer_fixture().data)) {
        auto j = nlohmann::json::parse(line);
        j["images"][0] = (src / j["images"][0].get<std::string>()).string();
        data << j.dump() << "\n";
    }
    data << R"({"problem": "How many?", "images": [")" << tmp << R"(/broken.png"]})"
         << "\n";
    data.close();
    RunConfig c = tiny_run_config(tmp + "/run", 1);
    c.algorithm.reward = RewardKind::sft;
    c.data.train_files = {tmp + "/data.jsonl"};
    DatasetSummary s = summarize_dataset(c);
    EXPECT_EQ(s.examples, 16);
    EXPECT_EQ(s.images_skipped, 1);
    ASSERT_EQ(Trainer::start(c, nullptr, nullptr)->run().state, RunState::finished);
    std::ifstream log(tmp + "/run/train.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("broken.png"), std::string::npos) << text;
}

TEST(TrainerErrors, NanWeightsSkipStepsThenFailTheRun) {
    RunConfig c = tiny_run_config(test::temp_dir("err-nan") + "/run", 10);
    c.algorithm.reward = RewardKind::sft;
    c.trainer.max_bad_steps = 3;
    c.trainer.save_every = 1;
    TrainingModel model = load_training_model(c, c.model.path);
    {
        at::NoGradGuard no_grad;
        model.policy->language_model->norm->weight.fill_(std::nanf(""));
    }
    Trainer trainer(c, std::move(model), nullptr, nullptr);
    RunFinished r = trainer.run();
    EXPECT_EQ(r.state, RunState::failed);
    EXPECT_NE(r.message.find("3 consecutive steps"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("optim.lr"), std::string::npos) << r.message;
    auto lines = read_lines(c.trainer.output_dir + "/metrics.jsonl");
    ASSERT_EQ(lines.size(), 3u);
    for (const auto& line : lines)
        EXPECT_EQ(step_metrics_from_json(line).values.at("actor/skipped_updates"), 2.0);  // B/mini
    EXPECT_TRUE(list_checkpoints(c.trainer.output_dir).empty());  // NaN states are not saved
    std::ifstream log(c.trainer.output_dir + "/train.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("non-finite"), std::string::npos);
}

}  // namespace
}  // namespace mmupt

namespace mmupt {
namespace {

// model.freeze_vision: the vision tower is left out of the optimizer and keeps its weights.
TEST(TrainerOptions, FrozenVisionTowerKeepsItsWeights) {
    for (bool freeze : {true, false}) {
        RunConfig c = tiny_run_config(test::temp_dir("freeze") + "/run", 2);
        c.algorithm.reward = RewardKind::sft;
        c.model.freeze_vision = freeze;
        c.optim.lr = 1e-2;
        TrainingModel model = load_training_model(c, c.model.path);
        VlmModel policy = model.policy;
        const at::Tensor vision = policy->visual->parameters().front().detach().clone();
        const at::Tensor text = policy->language_model->parameters().front().detach().clone();
        Trainer trainer(c, std::move(model), nullptr, nullptr);
        ASSERT_EQ(trainer.run().state, RunState::finished);
        EXPECT_EQ(at::equal(vision, policy->visual->parameters().front().detach()), freeze);
        EXPECT_FALSE(at::equal(text, policy->language_model->parameters().front().detach()));
    }
}

}  // namespace
}  // namespace mmupt
