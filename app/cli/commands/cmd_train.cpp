// `mmupt train CONFIG.yaml [--set key=value ...]` and `mmupt train --resume RUN_DIR`: runs the
// training engine through the same Session the studio uses, with a progress bar and the log on
// stderr. Ctrl-C / SIGTERM: finish the current step, checkpoint, exit 0; a second one abandons
// the step (no checkpoint; resume from the last one) and exits 130.
#include <pthread.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/progress_bar.h"
#include "core/session/session.h"

namespace mmupt::cli {
namespace {

class TrainPrinter : public SessionObserver {
  public:
    void on_log(const LogRecord& r) override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::fprintf(stderr, "\r\033[K[%s] %s\n", log_level_name(r.level), r.message.c_str());
    }
    void on_step(const StepMetrics& m) override {
        std::lock_guard<std::mutex> lock(mutex_);
        auto v = [&](const char* k) {
            auto it = m.values.find(k);
            return it == m.values.end() ? std::nan("") : it->second;
        };
        const long long total = static_cast<long long>(v("progress/total_steps"));
        if (!bar_) {
            first_ = m.step - 1;
            bar_ = std::make_unique<ProgressBar>(
                first_ > 0 ? "train (from step " + std::to_string(first_) + ")" : "train",
                total - first_, stderr, /*plain_every=*/1);
        }
        bar_->update(m.step - first_, {{"step", m.step},
                                       {"reward", v("reward/mean")},
                                       {"majority", v("vote/majority_ratio")},
                                       {"kl", v("actor/kl_loss")},
                                       {"s/step", v("timing_s/step")}});
    }
    void on_finished(const RunFinished& r) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (bar_) bar_->finish();
        result_ = r;
    }
    RunFinished result() {
        std::lock_guard<std::mutex> lock(mutex_);
        return result_;
    }

  private:
    std::mutex mutex_;
    std::unique_ptr<ProgressBar> bar_;
    long long first_ = 0;
    RunFinished result_{RunState::failed, "the run ended without a result", 0, ""};
};

// SIGINT / SIGTERM are blocked in every thread and taken by one waiting thread, which asks the
// session to stop (first signal) or cancel (second). SIGUSR2 ends the waiter.
class SignalWaiter {
  public:
    SignalWaiter() {
        sigemptyset(&set_);
        for (int s : {SIGINT, SIGTERM, SIGUSR2}) sigaddset(&set_, s);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);  // before any other thread exists
    }
    void watch(Session* session) {
        thread_ = std::thread([this, session] {
            for (int count = 0;;) {
                int sig = 0;
                if (sigwait(&set_, &sig) != 0 || sig == SIGUSR2) return;
                if (++count == 1) {
                    std::fprintf(stderr,
                                 "\n[info] stopping after this step (again to abandon it)\n");
                    session->stop_at_next_step();
                } else {
                    std::fprintf(stderr, "\n[info] abandoning the step\n");
                    session->cancel();
                }
            }
        });
    }
    ~SignalWaiter() {
        if (thread_.joinable()) {
            pthread_kill(thread_.native_handle(), SIGUSR2);
            thread_.join();
        }
        pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
    }

  private:
    sigset_t set_;
    std::thread thread_;
};

int run_train(const std::vector<std::string>& args) {
    ArgParser p("train",
                "Train with MM-UPT (or a supervised baseline) and write the run directory "
                "(trainer.output_dir): config.yaml, metrics.jsonl, samples.jsonl, train.log, "
                "checkpoints/. Ctrl-C finishes the step, checkpoints and exits.");
    p.positional("CONFIG.yaml", "YAML config layered over the defaults", /*required=*/false)
        .multi_option("--set", "key=value", "override one field, e.g. --set rollout.n=8")
        .option("--resume", "RUN_DIR", "continue a run from its newest complete checkpoint");
    p.parse(args);
    const bool resume = p.has("--resume");
    if (resume == p.has("CONFIG.yaml"))
        throw UsageError("give either CONFIG.yaml or --resume RUN_DIR (see mmupt train --help)");
    if (resume && !p.get_all("--set").empty())
        throw UsageError("--set cannot change a resumed run (its config.yaml is the config)");

    SignalWaiter signals;
    std::unique_ptr<Session> session = create_session();
    auto printer = std::make_shared<TrainPrinter>();
    session->set_observer(printer);
    signals.watch(session.get());
    if (resume)
        session->resume_training(p.get("--resume"));
    else
        session->start_training({p.get("CONFIG.yaml"), p.get_all("--set")});
    session->wait();
    const RunFinished r = printer->result();
    if (r.state == RunState::finished) {
        std::fprintf(stderr, "finished at step %d: %s\n", r.last_step, r.run_dir.c_str());
        return 0;
    }
    if (r.state == RunState::cancelled) {
        std::fprintf(stderr, "cancelled at step %d; resume with: mmupt train --resume %s\n",
                     r.last_step, r.run_dir.c_str());
        return 130;
    }
    std::fprintf(stderr, "mmupt train: error: %s\n", r.message.c_str());
    return 1;
}

}  // namespace

MMUPT_COMMAND("train", "train a model with MM-UPT (or resume a run)", &run_train);

}  // namespace mmupt::cli
