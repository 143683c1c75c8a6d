// The real Session (session.h): one worker thread that owns every tensor and runs one job at a
// time (training, resume, vote preview, export); commands return at once, results come back
// through the observer on the worker thread. The CLI's `train` drives this same class, so the
// GUI and the CLI share one code path. Run control is a set of atomics the Trainer reads
// between steps. Not here: the training step (core/trainer/trainer.h).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "core/config/config_io.h"
#include "core/config/dtype_name.h"
#include "core/session/session.h"
#include "core/trainer/inspect.h"
#include "core/trainer/preview.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Forwards to the client's observer (which may be swapped at any time) and tracks the state.
class Relay : public SessionObserver {
  public:
    void set(std::shared_ptr<SessionObserver> o) {
        std::lock_guard<std::mutex> lock(mutex_);
        target_ = std::move(o);
    }
    std::shared_ptr<SessionObserver> get() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return target_;
    }
    std::atomic<RunState> state{RunState::idle};

    void on_state(RunState s) override {
        state = s;
        if (auto t = get()) t->on_state(s);
    }
    void on_step(const StepMetrics& m) override {
        if (auto t = get()) t->on_step(m);
    }
    void on_groups(const std::vector<RolloutGroup>& g) override {
        if (auto t = get()) t->on_groups(g);
    }
    void on_log(const LogRecord& r) override {
        if (auto t = get()) t->on_log(r);
    }
    void on_checkpoint(const CheckpointInfo& c) override {
        if (auto t = get()) t->on_checkpoint(c);
    }
    void on_progress(const std::string& task, double f) override {
        if (auto t = get()) t->on_progress(task, f);
    }
    void on_finished(const RunFinished& r) override {
        if (auto t = get()) t->on_finished(r);
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<SessionObserver> target_;
};

class EngineSession : public Session {
  public:
    EngineSession() : worker_([this] { loop(); }) {}
    ~EngineSession() override {
        control_.cancel = true;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            quit_ = true;
        }
        cv_.notify_all();
        worker_.join();
    }

    void set_observer(std::shared_ptr<SessionObserver> observer) override {
        relay_.set(std::move(observer));
    }

    ModelSummary inspect_model(const std::string& model_dir, const ConfigSource& c) override {
        return summarize_model(model_dir, load_config(c.yaml_path, c.overrides));
    }
    DatasetSummary inspect_dataset(const ConfigSource& c) override {
        return summarize_dataset(load_config(c.yaml_path, c.overrides));
    }

    void start_training(const ConfigSource& c) override {
        RunConfig config = load_config(c.yaml_path, c.overrides, /*for_training=*/true);
        submit([this, config] { return Trainer::start(config, &relay_, &control_)->run(); });
    }
    void resume_training(const std::string& run_dir, const ResumeOptions& options = {}) override {
        submit([this, run_dir, options] {
            return Trainer::resume(run_dir, &relay_, &control_, options)->run();
        });
    }
    void preview_votes(const ConfigSource& c, int num_images) override {
        RunConfig config = load_config(c.yaml_path, c.overrides);
        submit([this, config, num_images] {
            // Groups and progress reach the observer image by image.
            auto groups = preview_vote_groups(config, num_images, &relay_, &control_.cancel);
            const RunState end = control_.cancel ? RunState::cancelled : RunState::finished;
            return RunFinished{end, "", static_cast<int>(groups.size()), ""};
        });
    }
    void export_checkpoint(const std::string& checkpoint_dir, const std::string& out_dir,
                           bool replace_earlier_export, const std::string& dtype) override {
        ExportOptions options;
        options.force = replace_earlier_export;
        if (!dtype.empty()) options.dtype = parse_dtype_name(dtype);
        if (!dtype.empty() && !options.dtype)
            throw ConfigError("export dtype '" + dtype +
                              "': expected float32, bfloat16 or float16");
        submit([this, checkpoint_dir, out_dir, options] {
            relay_.on_progress("export", 0.0);
            const ExportReport r = export_model(checkpoint_dir, out_dir, options);
            relay_.on_log({LogLevel::info,
                           "exported " + checkpoint_dir + " -> " + r.out_dir + " (" + r.dtype +
                               ", " + std::to_string(r.tensors) + " tensors, " +
                               std::to_string(r.bytes) + " bytes)",
                           now_s()});
            relay_.on_progress("export", 1.0);
            return RunFinished{RunState::finished, "", 0, out_dir};
        });
    }

    void pause() override { control_.pause = true; }
    void resume() override { control_.pause = false; }
    void stop_at_next_step() override { control_.stop = true; }  // the worker reports stopping
    void cancel() override { control_.cancel = true; }

    RunState state() const override { return relay_.state; }
    void wait() override {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return !busy_ && jobs_.empty(); });
    }

  private:
    using Job = std::function<RunFinished()>;

    void submit(Job job) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (busy_ || !jobs_.empty())
            throw Error("the session is busy (" + std::string(run_state_name(relay_.state)) +
                        "); stop or wait for the current job first");
        control_.stop = control_.cancel = control_.pause = false;
        busy_ = true;
        relay_.state = RunState::starting;
        jobs_.push_back(std::move(job));
        cv_.notify_all();
    }

    void loop() {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                cv_.wait(lock, [this] { return quit_ || !jobs_.empty(); });
                if (quit_ && jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            relay_.on_state(RunState::starting);
            RunFinished result;
            try {
                result = job();  // the Trainer catches its own failures; setup errors land here
            } catch (const std::exception& e) {
                result.state = RunState::failed;
                result.message = e.what();
                relay_.on_log({LogLevel::error, e.what(), now_s()});
            }
            relay_.on_state(result.state);
            relay_.on_finished(result);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                busy_ = false;
            }
            cv_.notify_all();
        }
    }

    Relay relay_;
    TrainerControl control_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Job> jobs_;
    std::atomic<bool> busy_{false};
    bool quit_ = false;
    std::thread worker_;  // last: starts after every other member exists
};

}  // namespace

std::unique_ptr<Session> create_session() { return std::make_unique<EngineSession>(); }

}  // namespace mmupt
