// `mmupt train CONFIG.yaml [--set key=value ...]` and `mmupt train --resume RUN_DIR`: runs the
// training engine through the same Session the studio uses, with a progress bar and the log on
// stderr. Ctrl-C / SIGTERM: finish the current step, checkpoint, mark the run `interrupted`
// (status.json), exit 0; a second one exits at once with 130 (resume from the last checkpoint).
// `--nproc N` starts N data-parallel ranks (train_launcher.h); a worker started by it, torchrun
// or srun (RANK set) other than rank 0 prints only warnings and errors, prefixed with its rank.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/progress_bar.h"
#include "app/cli/train_launcher.h"
#include "core/config/config_io.h"
#include "core/dist/dist_env.h"
#include "core/session/session.h"

namespace mmupt::cli {
namespace {

class TrainPrinter : public SessionObserver {
  public:
    // rank > 0: a data-parallel worker whose progress rank 0 already shows.
    explicit TrainPrinter(int rank = 0) : rank_(rank) {}
    void on_log(const LogRecord& r) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (rank_ > 0) {
            if (r.level == LogLevel::warning || r.level == LogLevel::error)
                std::fprintf(stderr, "[%s] rank %d: %s\n", log_level_name(r.level), rank_,
                             r.message.c_str());
            return;
        }
        std::fprintf(stderr, "\r\033[K[%s] %s\n", log_level_name(r.level), r.message.c_str());
    }
    void on_step(const StepMetrics& m) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (rank_ > 0) return;
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
    int rank_ = 0;
    std::mutex mutex_;
    std::unique_ptr<ProgressBar> bar_;
    long long first_ = 0;
    RunFinished result_{RunState::failed, "the run ended without a result", 0, ""};
};

// SIGINT / SIGTERM: process-wide sigaction handlers, so it does not matter which thread the
// kernel picks (OpenBLAS / OpenMP start threads before main() that block nothing). The handler
// only does async-signal-safe work: the first signal writes a byte to a pipe that a watcher
// thread turns into Session::stop_at_next_step(); the second _exit()s at once. Every run file
// is replaced atomically (a checkpoint is renamed into place complete), so an exit at any
// moment tears nothing; a .tmp-step-N left behind is removed by the next resume.
std::atomic<int> g_signals{0};
int g_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
    if (g_signals.fetch_add(1) >= 1) {
        static const char msg[] =
            "\n[info] second signal: exiting now (resume continues from "
            "the last checkpoint)\n";
        (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(130);
    }
    const char stop = 1;
    (void)!::write(g_pipe[1], &stop, 1);
}

class SignalWatcher {
  public:
    SignalWatcher() {
        if (::pipe2(g_pipe, O_CLOEXEC) != 0)
            throw std::runtime_error("cannot create the signal pipe");
        struct sigaction sa = {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &sa, &old_int_);
        ::sigaction(SIGTERM, &sa, &old_term_);
    }
    void watch(Session* session) {
        thread_ = std::thread([this, session] {
            for (char c = 0; ::read(g_pipe[0], &c, 1) == 1 && c == 1;) {
                std::fprintf(stderr,
                             "\n[info] stopping after this step and saving a checkpoint (again "
                             "to exit at once)\n");
                session->stop_at_next_step();
            }
        });
    }
    ~SignalWatcher() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        const char quit = 0;
        (void)!::write(g_pipe[1], &quit, 1);
        if (thread_.joinable()) thread_.join();
        ::close(g_pipe[0]);
        ::close(g_pipe[1]);
    }

  private:
    struct sigaction old_int_ = {}, old_term_ = {};
    std::thread thread_;
};

// `--nproc N`: the same arguments without it, in N workers. The grace after a rank fails is the
// run's trainer.dist_timeout_s (the others fail their next collective within it) plus 10 s.
int launch(const ArgParser& p, const std::vector<std::string>& args) {
    const long long n = p.get_int("--nproc");
    if (n < 1 || n > 1024) throw UsageError("--nproc " + p.get("--nproc") + ": give 1 .. 1024");
    if (std::getenv("RANK") && std::getenv("WORLD_SIZE"))
        throw UsageError(
            "--nproc inside a launched rank (RANK / WORLD_SIZE are set): drop "
            "--nproc when torchrun or srun starts the ranks");
    const std::vector<std::string> sets = p.get_all("--set");
    const RunConfig config = p.has("--resume")
                                 ? load_config(p.get("--resume") + "/config.yaml", sets, true)
                                 : load_config(p.get("CONFIG.yaml"), sets, true);
    std::vector<std::string> worker = {"train"};
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i;
            continue;
        }
        if (args[i].rfind("--nproc=", 0) == 0) continue;
        worker.push_back(args[i]);
    }
    return launch_workers(int(n), worker, config.trainer.dist_timeout_s + 10);
}

int run_train(const std::vector<std::string>& args) {
    ArgParser p("train",
                "Train with MM-UPT (or a supervised baseline) and write the run directory "
                "(trainer.output_dir): config.yaml, metrics.jsonl, samples.jsonl, train.log, "
                "checkpoints/. Ctrl-C finishes the step, checkpoints and exits.");
    p.positional("CONFIG.yaml", "YAML config layered over the defaults", /*required=*/false)
        .multi_option("--set", "key=value",
                      "override one field, e.g. --set rollout.n=8 (with --resume: over the "
                      "run's config.yaml)")
        .option("--resume", "RUN_DIR", "continue a run from its newest complete checkpoint")
        .flag("--allow-config-change",
              "with --resume: accept config changes that alter the run (rollout, batch sizes, "
              "algorithm, data, model, seed, optim); recorded in train.log")
        .option("--nproc", "N",
                "data-parallel: start N local ranks (one per GPU, or N CPU workers with "
                "trainer.threads each); see docs/distributed.md");
    p.parse(args);
    const bool resume = p.has("--resume");
    if (resume == p.has("CONFIG.yaml"))
        throw UsageError("give either CONFIG.yaml or --resume RUN_DIR (see mmupt train --help)");
    if (!resume && p.has("--allow-config-change"))
        throw UsageError("--allow-config-change goes with --resume RUN_DIR");
    if (p.has("--nproc")) return launch(p, args);
    const DistEnv env = read_dist_env();

    SignalWatcher signals;
    std::unique_ptr<Session> session = create_session();
    auto printer = std::make_shared<TrainPrinter>(env.rank);
    session->set_observer(printer);
    signals.watch(session.get());
    if (resume)
        session->resume_training(p.get("--resume"),
                                 {p.get_all("--set"), p.has("--allow-config-change")});
    else
        session->start_training({p.get("CONFIG.yaml"), p.get_all("--set")});
    session->wait();
    const RunFinished r = printer->result();
    if (env.rank > 0 && r.state == RunState::failed) {
        std::fprintf(stderr, "mmupt train: rank %d: error: %s\n", env.rank, r.message.c_str());
        return 1;
    }
    if (env.rank > 0) return r.state == RunState::cancelled ? 130 : 0;  // rank 0 reports
    if (r.state == RunState::finished && r.interrupted) {
        std::fprintf(stderr,
                     "interrupted at step %d (checkpoint saved); resume with: mmupt train "
                     "--resume %s\n",
                     r.last_step, r.run_dir.c_str());
        return 0;
    }
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
