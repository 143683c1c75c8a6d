// Best-checkpoint selection (issue #15, trainer.best_metric): the rule (strictly better, first
// wins ties), best.json and its place in trainer_state.json, keep_last never pruning the best,
// the config key, and tiny-model runs: best.json names the first argmax of the validation metric
// in metrics.jsonl, survives keep_last = 1 and a resume, and `mmupt export --step best` uses it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/config/config_schema.h"
#include "core/session/best_checkpoint.h"
#include "core/session/run_files.h"
#include "core/trainer/checkpoint_store.h"
#include "core/trainer/inspect.h"
#include "core/trainer/trainer_checkpoint.h"
#include "core/util/errors.h"
#include "tests/core/cli_process_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::vector<int> steps_on_disk(const std::string& run) {
    std::vector<int> steps;
    for (const auto& c : list_checkpoints(run)) steps.push_back(c.step);
    return steps;
}

// The first step with the largest `key` among the metrics.jsonl lines that have it.
std::pair<int, double> first_argmax(const std::string& run, const std::string& key) {
    std::pair<int, double> best{-1, -1.0};
    for (const std::string& line : test::read_lines(run + "/" + run_files::kMetrics)) {
        const json j = json::parse(line);
        if (!j.contains(key) || !j[key].is_number()) continue;
        if (best.first < 0 || j[key].get<double>() > best.second)
            best = {j["step"].get<int>(), j[key].get<double>()};
    }
    return best;
}

TEST(BestCheckpoint, StrictlyBetterWinsAndTheFirstValidationIsBest) {
    std::optional<BestCheckpoint> best;
    const double values[] = {0.5, 0.5, 0.7, 0.6, 0.7, 0.9};
    std::vector<int> bests;
    for (int i = 0; i < 6; ++i) {
        if (!beats_best(best, values[i])) continue;
        best = make_best(i + 1, "val/sampled_accuracy", values[i]);
        bests.push_back(i + 1);
    }
    EXPECT_EQ(bests, (std::vector<int>{1, 3, 6}));  // ties keep the earlier step
    EXPECT_EQ(best->checkpoint, "checkpoints/step-6");
    EXPECT_FALSE(beats_best(std::nullopt, std::nan("")));  // a NaN is never the best
}

TEST(BestCheckpoint, FileRoundTripsAndBadFilesAreNamed) {
    const std::string run = test::temp_dir("best-file");
    EXPECT_FALSE(read_best_checkpoint(run).has_value());
    write_best_checkpoint(run, make_best(40, "val/sampled_accuracy", 0.83));
    const json j = json::parse(std::ifstream(run + "/best.json"));
    EXPECT_EQ(j, (json{{"step", 40},
                       {"metric", "val/sampled_accuracy"},
                       {"value", 0.83},
                       {"checkpoint", "checkpoints/step-40"}}));
    auto back = read_best_checkpoint(run);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->step, 40);
    EXPECT_EQ(format_best_value(back->value), "0.83");
    std::ofstream(run + "/best.json") << "{\"step\": 4";
    try {
        read_best_checkpoint(run);
        FAIL() << "a torn best.json was read";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("best.json"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(remove_best_checkpoint(run));
    EXPECT_FALSE(read_best_checkpoint(run).has_value());
}

TEST(BestCheckpoint, TrainerStateKeepsItAndOldStatesLoad) {
    TrainerState s;
    s.step = 7;
    s.best = make_best(5, "val/maj_accuracy", 0.25);
    const TrainerState back = trainer_state_from_json(to_json(s), "state");
    ASSERT_TRUE(back.best.has_value());
    EXPECT_EQ(back.best->step, 5);
    EXPECT_EQ(back.best->metric, "val/maj_accuracy");
    json old = to_json(TrainerState{});  // written before best-checkpoint selection existed
    old.erase("best");
    EXPECT_FALSE(trainer_state_from_json(old, "old").best.has_value());
}

TEST(BestCheckpoint, PruningNeverDeletesTheKeptStep) {
    const std::string run = test::temp_dir("best-prune");
    CheckpointStore store(run, /*keep_last=*/1);
    store.keep_step(2);
    for (int step : {1, 2, 3, 4}) {
        store.begin(step);
        store.commit(step, {{"step", step}});
    }
    EXPECT_EQ(steps_on_disk(run), (std::vector<int>{2, 4}));
}

TEST(BestCheckpoint, ConfigAcceptsTheValidationMetricsAndNone) {
    for (const char* v :
         {"val/sampled_accuracy", "val/greedy_accuracy", "val/maj_accuracy", "none"}) {
        RunConfig c;
        set_field(c, "trainer.best_metric", v);
        EXPECT_TRUE(check_config(c).empty()) << v;
    }
    EXPECT_EQ(RunConfig{}.trainer.best_metric, "val/sampled_accuracy");
    RunConfig c;
    set_field(c, "trainer.best_metric", "val/accuracy");
    auto issues = check_config(c);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].message,
              "trainer.best_metric = val/accuracy: allowed: val/sampled_accuracy | "
              "val/greedy_accuracy | val/maj_accuracy | none");
    EXPECT_THROW(validate(c), ConfigError);
}

// A learning run validated every step with sampled validation: best.json names the first argmax
// of val/sampled_accuracy, that checkpoint survives keep_last = 1, the log says how to export it
// and `mmupt export --step best` writes it.
TEST(BestCheckpoint, RunKeepsTheArgmaxOfTheValidationMetric) {
    const std::string tmp = test::temp_dir("best-run");
    const std::string run = tmp + "/run";
    RunConfig c = test::tiny_run_config(run, 4);
    c.model.path = test::sft_model();  // answers in \boxed{}: accuracies that move
    c.data.val_files = c.data.train_files;
    c.trainer.val_every = 1;
    c.trainer.keep_last = 1;
    c.rollout.val_temperature = 1.0;
    const RunFinished r = test::train(c);
    ASSERT_EQ(r.state, RunState::finished) << r.message;

    const auto [step, value] = first_argmax(run, "val/sampled_accuracy");
    ASSERT_GE(step, 1);
    const auto best = read_best_checkpoint(run);
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(best->step, step);
    EXPECT_EQ(best->metric, "val/sampled_accuracy");
    EXPECT_DOUBLE_EQ(best->value, value);
    EXPECT_EQ(best->checkpoint, "checkpoints/step-" + std::to_string(step));
    std::vector<int> expected = {step};
    if (step != 4) expected.push_back(4);  // keep_last = 1: the newest, and the best
    EXPECT_EQ(steps_on_disk(run), expected);
    EXPECT_EQ(read_trainer_state(run + "/checkpoints/step-4").best->step, step);

    bool logged = false;
    for (const std::string& line : test::read_lines(run + "/" + run_files::kLog))
        logged |= line.find("best checkpoint: " + run + "/checkpoints/step-" +
                            std::to_string(step)) != std::string::npos &&
                  line.find("--step best") != std::string::npos;
    EXPECT_TRUE(logged) << "train.log does not name the best checkpoint";

    EXPECT_EQ(find_best_checkpoint(run), run + "/checkpoints/step-" + std::to_string(step));
    auto e = test::run_cli({"export", "--run", run, "--step", "best", "--out", tmp + "/hf"},
                           tmp + "/export.log");
    ASSERT_EQ(e.exit_code, 0) << e.out;
    EXPECT_NE(e.out.find("step-" + std::to_string(step) + " -> "), std::string::npos) << e.out;
    auto bad = test::run_cli({"export", "--run", run, "--step", "bestest", "--out", tmp + "/x"},
                             tmp + "/bad.log");
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.out.find("an integer) or best"), std::string::npos) << bad.out;
}

// Weights that do not move (lr 1e-12 rounds away in float32) validate to the same value every
// step, so the first validation stays the best: keep_last = 1 must keep step-1 next to the
// newest, through a resume that would otherwise take its first validation as the best.
// Greedy validation (rollout.val_temperature = 0): the default metric falls back to greedy.
TEST(BestCheckpoint, ResumeKeepsTheBestAndPruningSparesIt) {
    const std::string tmp = test::temp_dir("best-resume");
    const std::string run = tmp + "/run";
    RunConfig c = test::tiny_run_config(run, 2);
    c.data.val_files = c.data.train_files;
    c.trainer.val_every = 1;
    c.trainer.keep_last = 1;
    c.trainer.save_every = 1;
    c.optim.lr = 1e-12;
    ASSERT_EQ(test::train(c).state, RunState::finished);
    auto best = read_best_checkpoint(run);
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(best->step, 1);
    EXPECT_EQ(best->metric, "val/greedy_accuracy");
    EXPECT_EQ(steps_on_disk(run), (std::vector<int>{1, 2}));

    ResumeOptions more;
    more.overrides = {"trainer.max_steps=4"};
    ASSERT_EQ(Trainer::resume(run, nullptr, nullptr, more)->run().state, RunState::finished);
    best = read_best_checkpoint(run);
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(best->step, 1);
    EXPECT_EQ(first_argmax(run, "val/greedy_accuracy").first, 1);
    EXPECT_EQ(steps_on_disk(run), (std::vector<int>{1, 4}));

    // A run without validation has no best.json: export --step best says what enables it.
    const std::string plain = tmp + "/plain";
    ASSERT_EQ(test::train(test::tiny_run_config(plain, 1)).state, RunState::finished);
    try {
        find_best_checkpoint(plain);
        FAIL() << "a run without validation had a best checkpoint";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("data.val_files"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("trainer.val_every"), std::string::npos) << e.what();
    }
}

// A collapse-alarm rollback (fires at step 2, back to step 1; fires again: stop) keeps best.json
// consistent: it names the first argmax of what metrics.jsonl keeps (the rolled-back step 2 was
// dropped and is no candidate), with its checkpoint on disk.
TEST(BestCheckpoint, RollbackKeepsBestJsonConsistent) {
    const std::string run = test::temp_dir("best-rollback") + "/run";
    RunConfig c = test::tiny_run_config(run, 3);
    c.model.path = test::sft_model();
    c.collapse.alarm = CollapseAction::rollback;
    c.collapse.baseline_steps = c.collapse.window = c.collapse.patience = 1;
    c.collapse.threshold = 0.0;  // fires at the first step after the baseline
    c.collapse.max_rollbacks = 1;
    c.data.val_files = c.data.train_files;
    c.trainer.val_every = 1;
    c.trainer.keep_last = 1;
    const RunFinished r = test::train(c);
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    ASSERT_EQ(test::read_lines(run + "/" + run_files::kAlarms).size(), 2u);
    const auto [step, value] = first_argmax(run, "val/greedy_accuracy");
    const auto best = read_best_checkpoint(run);
    ASSERT_TRUE(best.has_value());
    EXPECT_EQ(best->step, step);
    EXPECT_DOUBLE_EQ(best->value, value);
    EXPECT_TRUE(fs::exists(run + "/" + best->checkpoint + "/trainer_state.json"));
}

}  // namespace
}  // namespace mmupt
