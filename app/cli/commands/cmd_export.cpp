// `mmupt export --run DIR [--step N] --out DIR [--merge]`: a run's checkpoint (the newest by
// default) as a Hugging Face model directory in bfloat16, loadable by this project and by
// transformers. A LoRA run's checkpoint exports as a PEFT adapter directory, or with --merge as
// the base model with the adapter merged in.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/model/lora_io.h"
#include "core/trainer/inspect.h"
#include "core/trainer/lora_export.h"

namespace mmupt::cli {
namespace {

// A LoRA checkpoint (PEFT adapter directory) or a full model directory.
void export_checkpoint(const std::string& checkpoint, const std::string& out, bool merge) {
    if (is_adapter_dir(checkpoint)) return export_lora_checkpoint(checkpoint, out, merge);
    if (merge)
        throw UsageError("--merge applies to LoRA runs; " + checkpoint +
                         " holds the full model (drop --merge)");
    export_model(checkpoint, out);
}

int run_export(const std::vector<std::string>& args) {
    ArgParser p("export", "Write a run's checkpoint as a Hugging Face model directory.");
    p.option("--run", "DIR", "the run directory (trainer.output_dir)")
        .option("--step", "N", "checkpoint step; default: the newest")
        .option("--out", "DIR", "output model directory")
        .flag("--merge", "LoRA runs: write the merged full model instead of the PEFT adapter");
    p.parse(args);
    if (!p.has("--run") || !p.has("--out")) throw UsageError("--run and --out are required");
    const int step = p.has("--step") ? static_cast<int>(p.get_int("--step")) : -1;
    const std::string checkpoint = find_checkpoint(p.get("--run"), step);
    export_checkpoint(checkpoint, p.get("--out"), p.has("--merge"));
    std::printf("exported %s -> %s\n", checkpoint.c_str(), p.get("--out").c_str());
    return 0;
}

}  // namespace

MMUPT_COMMAND("export", "write a run's checkpoint as a Hugging Face model directory", &run_export);

}  // namespace mmupt::cli
