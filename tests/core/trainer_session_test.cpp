// The Session facade over the real engine: a run started from a YAML config reports states,
// steps, groups and checkpoints on its worker thread; stop_at_next_step checkpoints and ends
// `finished`; a second start while busy throws; a setup error becomes on_finished(failed);
// preview_votes, export_checkpoint and the inspect calls work without a run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/session/session.h"
#include "core/util/errors.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

struct Recorder : SessionObserver {
    std::mutex mutex;
    std::vector<RunState> states;
    std::vector<StepMetrics> steps;
    std::vector<RolloutGroup> groups;
    std::vector<CheckpointInfo> checkpoints;
    std::vector<RunFinished> finished;
    std::vector<double> progress;
    Session* stop_after_first = nullptr;
    Session* cancel_after_first_group = nullptr;
    void on_state(RunState s) override {
        std::lock_guard<std::mutex> l(mutex);
        states.push_back(s);
    }
    void on_step(const StepMetrics& m) override {
        {
            std::lock_guard<std::mutex> l(mutex);
            steps.push_back(m);
        }
        if (stop_after_first) stop_after_first->stop_at_next_step();
    }
    void on_groups(const std::vector<RolloutGroup>& g) override {
        {
            std::lock_guard<std::mutex> l(mutex);
            groups.insert(groups.end(), g.begin(), g.end());
        }
        if (cancel_after_first_group) cancel_after_first_group->cancel();
    }
    void on_progress(const std::string& task, double f) override {
        std::lock_guard<std::mutex> l(mutex);
        if (task == "preview") progress.push_back(f);
    }
    void on_checkpoint(const CheckpointInfo& c) override {
        std::lock_guard<std::mutex> l(mutex);
        checkpoints.push_back(c);
    }
    void on_finished(const RunFinished& r) override {
        std::lock_guard<std::mutex> l(mutex);
        finished.push_back(r);
    }
};

ConfigSource write_config(const RunConfig& c, const std::string& dir) {
    std::ofstream(dir + "/run.yaml") << to_yaml(c);
    return {dir + "/run.yaml", {}};
}

TEST(TrainerSession, TrainsStopsAtNextStepAndReportsOnTheObserver) {
    const std::string tmp = test::temp_dir("session");
    ConfigSource source = write_config(test::tiny_run_config(tmp + "/run", 5), tmp);
    source.overrides = {"algorithm.reward=sft"};
    auto session = create_session();
    auto rec = std::make_shared<Recorder>();
    rec->stop_after_first = session.get();
    session->set_observer(rec);
    session->start_training(source);
    EXPECT_THROW(session->start_training(source), Error);  // busy
    session->wait();
    ASSERT_EQ(rec->finished.size(), 1u);
    EXPECT_EQ(rec->finished[0].state, RunState::finished) << rec->finished[0].message;
    EXPECT_EQ(rec->finished[0].last_step, 1);
    ASSERT_EQ(rec->steps.size(), 1u);
    ASSERT_EQ(rec->checkpoints.size(), 1u);
    EXPECT_EQ(rec->checkpoints[0].step, 1);
    EXPECT_EQ(session->state(), RunState::finished);
    EXPECT_NE(std::find(rec->states.begin(), rec->states.end(), RunState::running),
              rec->states.end());

    // Resume the stopped run to its end, then export its last checkpoint.
    rec->stop_after_first = nullptr;
    session->resume_training(tmp + "/run");
    session->wait();
    ASSERT_EQ(rec->finished.size(), 2u);
    EXPECT_EQ(rec->finished[1].state, RunState::finished) << rec->finished[1].message;
    EXPECT_EQ(rec->finished[1].last_step, 5);
    EXPECT_EQ(read_run_directory(tmp + "/run").metrics.size(), 5u);
    session->export_checkpoint(list_checkpoints(tmp + "/run").back().path, tmp + "/export");
    session->wait();
    EXPECT_EQ(rec->finished.back().state, RunState::finished) << rec->finished.back().message;
    EXPECT_NO_THROW(read_model_dir(tmp + "/export"));
    EXPECT_FALSE(fs::exists(tmp + "/export/optimizer.safetensors"));
}

TEST(TrainerSession, SetupErrorBecomesFailed) {
    const std::string tmp = test::temp_dir("session-fail");
    RunConfig c = test::tiny_run_config(tmp + "/run", 1);
    c.model.path = tmp + "/no-model";
    auto session = create_session();
    auto rec = std::make_shared<Recorder>();
    session->set_observer(rec);
    session->start_training(write_config(c, tmp));
    session->wait();
    ASSERT_EQ(rec->finished.size(), 1u);
    EXPECT_EQ(rec->finished[0].state, RunState::failed);
    EXPECT_NE(rec->finished[0].message.find("model.path"), std::string::npos);
    EXPECT_EQ(session->state(), RunState::failed);
}

TEST(TrainerSession, PreviewVotesCancelStopsBeforeTheNextImage) {
    const std::string tmp = test::temp_dir("session-preview-cancel");
    ConfigSource source = write_config(test::tiny_run_config(tmp + "/run", 1), tmp);
    auto session = create_session();
    auto rec = std::make_shared<Recorder>();
    rec->cancel_after_first_group = session.get();
    session->set_observer(rec);
    session->preview_votes(source, 3);
    session->wait();
    EXPECT_EQ(rec->groups.size(), 1u);
    ASSERT_EQ(rec->finished.size(), 1u);
    EXPECT_EQ(rec->finished[0].state, RunState::cancelled);
}

TEST(TrainerSession, PreviewVotesAndInspect) {
    const std::string tmp = test::temp_dir("session-preview");
    ConfigSource source = write_config(test::tiny_run_config(tmp + "/run", 1), tmp);
    auto session = create_session();
    auto rec = std::make_shared<Recorder>();
    session->set_observer(rec);
    session->preview_votes(source, 3);
    session->wait();
    ASSERT_EQ(rec->groups.size(), 3u);
    EXPECT_EQ(rec->groups[0].responses.size(), 8u);
    EXPECT_EQ(rec->groups[0].step, 0);
    EXPECT_FALSE(fs::exists(tmp + "/run"));  // a preview writes no run directory
    // Image by image: 0, 1/3, 2/3, 1.
    ASSERT_EQ(rec->progress.size(), 4u);
    EXPECT_DOUBLE_EQ(rec->progress.front(), 0.0);
    EXPECT_DOUBLE_EQ(rec->progress.back(), 1.0);
    ASSERT_EQ(rec->finished.size(), 1u);
    EXPECT_EQ(rec->finished[0].state, RunState::finished);

    ModelSummary m = session->inspect_model(test::trainer_fixture().model_dir, source);
    EXPECT_EQ(m.model_type, "qwen2_5_vl");
    EXPECT_GT(m.num_parameters, 0);
    EXPECT_GT(m.estimated_memory_gb, 0.0);
    DatasetSummary d = session->inspect_dataset(source);
    EXPECT_EQ(d.examples, 16);
    EXPECT_EQ(d.labelled, 16);
    EXPECT_THROW(session->inspect_model(tmp + "/nothing", source), Error);
}

}  // namespace
}  // namespace mmupt
