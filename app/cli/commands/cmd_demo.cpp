// `mmupt demo [--out DIR] [--seeds K] [--quick] [--threads N]`: the built-in default job (SFT
// base model, supervised GRPO, MM-UPT on synthetic visual tasks; core/demo/demo_pipeline.h).
// Progress goes to stderr, the results table to stdout, the numbers to DIR/summary.json; then
// `mmupt-plot` (Qt, next to this binary when the GUI is built) draws DIR/curves.csv to PNGs.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/demo/demo_pipeline.h"

extern char** environ;

namespace mmupt::cli {
namespace {

// Runs `mmupt-plot DIR` from this binary's directory (core has no Qt, so the PNGs are drawn by
// a separate program). Best effort: the numbers are the product, so a missing or failing
// plotter is a one-line note, never a failed demo.
void plot_curves(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path plotter = fs::read_symlink("/proc/self/exe", ec).parent_path() / "mmupt-plot";
    const std::string how = "draw them with `mmupt-plot " + dir + "` (built with the GUI)";
    if (ec || access(plotter.c_str(), X_OK) != 0) {
        std::printf("plots: no mmupt-plot next to mmupt; %s\n", how.c_str());
        return;
    }
    std::fflush(stdout);
    // Its own stdout (the PNG paths) is dropped: one line below says where they went.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args = {plotter.string(), dir};
    std::vector<char*> argv = {args[0].data(), args[1].data(), nullptr};
    pid_t pid = 0;
    int status = 0;
    const bool spawned =
        posix_spawn(&pid, plotter.c_str(), &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    if (spawned && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        std::printf("plots: %s/plots/*.png\n", dir.c_str());
    else
        std::printf("plots: mmupt-plot failed (see above); %s\n", how.c_str());
}

int run_demo(const std::vector<std::string>& args) {
    ArgParser p("demo",
                "Run the built-in demo: SFT a small model to a base (cached), then compare\n"
                "MM-UPT (majority-vote rewards, no labels) with supervised GRPO on held-out\n"
                "synthetic visual tasks. Writes each stage's run directory and summary.json.");
    p.option("--out", "DIR", "output directory", "runs/demo")
        .option("--seeds", "K", "seeds for GRPO / UPT / evaluation (one shared base)", "3")
        .option("--threads", "N", "CPU threads (0 = all cores)", "1")
        .flag("--quick", "toy sizes: checks the pipeline in under 2 minutes, not the gain");
    p.parse(args);
    demo::DemoOptions o;
    o.out_dir = p.get("--out");
    const long long seeds = p.get_int("--seeds"), threads = p.get_int("--threads");
    if (seeds < 1 || seeds > 100) throw UsageError("--seeds must be between 1 and 100");
    if (threads < 0 || threads > 1024) throw UsageError("--threads must be between 0 and 1024");
    o.seeds = static_cast<int>(seeds);
    o.threads = static_cast<int>(threads);
    o.quick = p.has("--quick");
    demo::DemoResult r = demo::run_demo(
        o, [](const std::string& line) { std::fprintf(stderr, "[demo] %s\n", line.c_str()); });
    std::printf("%s", demo::format_demo_table(r).c_str());
    std::printf("summary: %s\n", r.summary_path.c_str());
    plot_curves(o.out_dir);
    return 0;
}

}  // namespace

MMUPT_COMMAND("demo", "run the built-in demo (SFT base, MM-UPT vs supervised GRPO)", &run_demo);

}  // namespace mmupt::cli
