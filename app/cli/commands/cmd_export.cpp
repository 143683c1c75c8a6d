// `mmupt export --run DIR [--step N] --out DIR`: a run's checkpoint (the newest by default) as a
// Hugging Face model directory in bfloat16, loadable by this project and by transformers.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/trainer/inspect.h"

namespace mmupt::cli {
namespace {

int run_export(const std::vector<std::string>& args) {
    ArgParser p("export", "Write a run's checkpoint as a Hugging Face model directory.");
    p.option("--run", "DIR", "the run directory (trainer.output_dir)")
        .option("--step", "N", "checkpoint step; default: the newest")
        .option("--out", "DIR", "output model directory");
    p.parse(args);
    if (!p.has("--run") || !p.has("--out")) throw UsageError("--run and --out are required");
    const int step = p.has("--step") ? static_cast<int>(p.get_int("--step")) : -1;
    const std::string checkpoint = find_checkpoint(p.get("--run"), step);
    export_model(checkpoint, p.get("--out"));
    std::printf("exported %s -> %s\n", checkpoint.c_str(), p.get("--out").c_str());
    return 0;
}

}  // namespace

MMUPT_COMMAND("export", "write a run's checkpoint as a Hugging Face model directory", &run_export);

}  // namespace mmupt::cli
