// `mmupt demo [--out DIR] [--seeds K] [--quick] [--threads N]`: the built-in default job (SFT
// base model, supervised GRPO, MM-UPT on synthetic visual tasks; core/demo/demo_pipeline.h).
// Progress goes to stderr, the results table to stdout, the numbers to DIR/summary.json.
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/demo/demo_pipeline.h"

namespace mmupt::cli {
namespace {

int run_demo(const std::vector<std::string>& args) {
    ArgParser p("demo",
                "Run the built-in demo: SFT a small model to a base (cached), then compare\n"
                "MM-UPT (majority-vote rewards, no labels) with supervised GRPO on held-out\n"
                "synthetic visual tasks. Writes each stage's run directory and summary.json.");
    p.option("--out", "DIR", "output directory", "runs/demo")
        .option("--seeds", "K", "seeds for GRPO / UPT / evaluation (one shared base)", "1")
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
    return 0;
}

}  // namespace

MMUPT_COMMAND("demo", "run the built-in demo (SFT base, MM-UPT vs supervised GRPO)", &run_demo);

}  // namespace mmupt::cli
