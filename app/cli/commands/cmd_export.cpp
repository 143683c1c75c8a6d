// `mmupt export --run DIR [--step N|best] --out DIR [--dtype D] [--force] [--merge]`: a run's
// checkpoint (the newest by default; `best`: the one best.json names) as a Hugging Face model
// directory, in the checkpoint's own dtype unless --dtype says otherwise. Writes only a new or
// empty directory, or an earlier export with
// --force (core/io/export_target.h); prints what it wrote. A LoRA run's checkpoint exports as
// a PEFT adapter directory, or with --merge as the base model with the adapter merged in.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/dtype_name.h"
#include "core/trainer/inspect.h"

namespace mmupt::cli {
namespace {

int run_export(const std::vector<std::string>& args) {
    ArgParser p("export", "Write a run's checkpoint as a Hugging Face model directory.");
    p.option("--run", "DIR", "the run directory (trainer.output_dir)")
        .option("--step", "N|best",
                "checkpoint step, or best (the best validation, best.json); default: the newest")
        .option("--out", "DIR",
                "output model directory: new or empty (an earlier export needs --force)")
        .option("--dtype", "D", "float32, bfloat16 or float16; default: the checkpoint's own")
        .flag("--force", "replace an earlier mmupt export in --out (never other files)")
        .flag("--merge", "LoRA runs: write the merged full model instead of the PEFT adapter");
    p.parse(args);
    if (!p.has("--run") || !p.has("--out")) throw UsageError("--run and --out are required");
    const bool best = p.has("--step") && p.get("--step") == "best";
    int step = -1;
    if (p.has("--step") && !best) {
        try {
            step = static_cast<int>(p.get_int("--step"));
        } catch (const UsageError&) {
            throw UsageError("--step expects a checkpoint step (an integer) or best, got '" +
                             p.get("--step") + "'");
        }
    }
    ExportOptions options;
    options.force = p.has("--force");
    options.merge = p.has("--merge");
    if (p.has("--dtype")) {
        const std::string d = p.get("--dtype");
        options.dtype = parse_dtype_name(d);
        if (!options.dtype)
            throw UsageError("--dtype " + d + ": expected float32, bfloat16 or float16");
    }
    const std::string checkpoint =
        best ? find_best_checkpoint(p.get("--run")) : find_checkpoint(p.get("--run"), step);
    const ExportReport r = export_model(checkpoint, p.get("--out"), options);
    std::printf("exported %s -> %s (%s, %lld tensors, %llu bytes)\n", checkpoint.c_str(),
                r.out_dir.c_str(), r.dtype.c_str(), static_cast<long long>(r.tensors),
                static_cast<unsigned long long>(r.bytes));
    return 0;
}

}  // namespace

MMUPT_COMMAND("export", "write a run's checkpoint as a Hugging Face model directory", &run_export);

}  // namespace mmupt::cli
