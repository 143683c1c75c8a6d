// A scripted stand-in for the engine's Session: a worker thread that reports synthetic steps,
// rollout groups, logs, checkpoints and progress through the observer, honours pause / stop /
// cancel between steps, and can fail on cue or flood events for the latency benchmark. Lets the
// UI be built and tested before the engine lands; it is not a model of the engine's timing.
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "core/session/session.h"

namespace mmupt::testkit {

struct FakeScript {
    int steps = 3;
    int groupsPerStep = 4;
    int G = 6;
    int stepIntervalMs = 20;
    int checkpointEvery = 0;         // 0 = only at a stop_at_next_step
    int failAtStep = -1;             // report `failed` with failMessage before this step
    bool failBeforeRunning = false;  // fail while "loading" (never `running`), as setup errors do
    std::string failMessage = "CUDA out of memory (fake)";
    int logsPerStep = 1;
    // Flood mode (benchmark): this many extra log events per step, sent as fast as possible.
    int floodLogsPerStep = 0;
    bool ignoreStop = false;  // simulate an engine stuck in a step (close-timeout test)
    int resumeAtStep = 0;     // resume_training's first step (the checkpoint's step + 1)
    int previewImageMs = 0;   // preview_votes: time per image
    int previewTieAt = -1;    // preview_votes: this image's vote is a G/2 : G/2 tie
};

class FakeSession : public Session {
  public:
    explicit FakeSession(FakeScript script = {}) : m_script(std::move(script)) {}
    ~FakeSession() override;

    void set_observer(std::shared_ptr<SessionObserver> observer) override;
    ModelSummary inspect_model(const std::string& model_dir, const ConfigSource& config) override;
    DatasetSummary inspect_dataset(const ConfigSource& config) override;
    void start_training(const ConfigSource& config) override;
    void resume_training(const std::string& run_dir, const ResumeOptions& options = {}) override;
    void preview_votes(const ConfigSource& config, int num_images) override;
    void export_checkpoint(const std::string& checkpoint_dir, const std::string& out_dir,
                           bool replace_earlier_export = false,
                           const std::string& dtype = "") override;
    void pause() override { m_paused = true; }
    void resume() override { m_paused = false; }
    void stop_at_next_step() override { m_stop = true; }
    void cancel() override { m_cancel = true; }
    RunState state() const override { return m_state.load(); }
    void wait() override;

    FakeScript& script() { return m_script; }
    ConfigSource lastConfig() const;
    ConfigSource lastInspected() const;  // the config of the last inspect_dataset
    int stepsRun() const { return m_stepsRun.load(); }
    std::string lastExportOut() const;
    bool lastExportReplaced() const { return m_exportReplace; }
    std::string lastExportDtype() const;
    bool inspectModelFails = false;  // throw ModelError from inspect_model

  private:
    void launch(const std::function<void()>& work);
    void setState(RunState s);
    void runTraining(int firstStep);
    std::shared_ptr<SessionObserver> observer() const;

    FakeScript m_script;
    mutable std::mutex m_mutex;
    std::shared_ptr<SessionObserver> m_observer;
    ConfigSource m_config;
    ConfigSource m_inspected;
    std::string m_exportOut, m_exportDtype;
    std::atomic<bool> m_exportReplace{false};
    std::thread m_worker;
    std::atomic<RunState> m_state{RunState::idle};
    std::atomic<bool> m_paused{false}, m_stop{false}, m_cancel{false};
    std::atomic<int> m_stepsRun{0};
};

}  // namespace mmupt::testkit
