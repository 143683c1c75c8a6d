// `mmupt eval --model DIR --data FILE [-n G] [--temperature T] [--json] [--out FILE.jsonl]`:
// greedy accuracy, sampled accuracy and maj@G of a model on a labelled dataset (the same
// library function the demo and trainer.val_every use), per-item results as JSONL.
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/progress_bar.h"
#include "core/config/config_io.h"
#include "core/trainer/evaluate.h"

namespace mmupt::cli {
namespace {

int run_eval(const std::vector<std::string>& args) {
    ArgParser p("eval", "Evaluate a model on a labelled dataset: greedy, sampled, maj@G.");
    p.option("--model", "DIR", "Hugging Face model directory")
        .multi_option("--data", "FILE", "dataset file or image folder (repeatable)")
        .option("-n", "G", "samples per question for sampled accuracy and maj@G", "8")
        .option("--temperature", "T", "sampling temperature", "0.7")
        .option("--top-p", "P", "nucleus mass", "1.0")
        .option("--max-new-tokens", "N", "longest response", "512")
        .option("--max-items", "N", "evaluate only the first N items (0 = all)", "0")
        .option("--batch", "B", "prompts per generation call", "8")
        .option("--seed", "S", "sampling seed", "1")
        .option("--device", "D", "auto | cpu | cuda:N", "auto")
        .multi_option("--set", "key=value", "data.* config fields (e.g. data.max_pixels=50176)")
        .option("--out", "FILE.jsonl", "write one JSON object per item")
        .flag("--json", "print the summary as JSON");
    p.parse(args);
    if (!p.has("--model") || p.get_all("--data").empty())
        throw UsageError("--model and --data are required");
    RunConfig config = load_config("", p.get_all("--set"));
    EvalOptions o;
    o.num_samples = static_cast<int>(p.get_int("-n"));
    o.temperature = p.get_double("--temperature");
    o.top_p = p.get_double("--top-p");
    o.max_new_tokens = static_cast<int>(p.get_int("--max-new-tokens"));
    o.max_items = static_cast<int>(p.get_int("--max-items"));
    o.batch_size = static_cast<int>(p.get_int("--batch"));
    o.seed = static_cast<uint64_t>(p.get_int("--seed"));
    std::unique_ptr<ProgressBar> bar;
    EvalResult r = evaluate_model_dir(p.get("--model"), p.get_all("--data"), config.data, o,
                                      p.get("--device"), [&](int done, int total) {
                                          if (!bar)
                                              bar = std::make_unique<ProgressBar>("eval", total);
                                          bar->update(done);
                                      });
    if (bar) bar->finish();
    if (p.has("--out")) {
        std::ofstream out(p.get("--out"));
        for (const auto& item : r.per_item) out << to_json(item).dump() << "\n";
        if (!out) throw std::runtime_error("cannot write '" + p.get("--out") + "'");
    }
    if (p.has("--json")) {
        std::printf("%s\n", summary_json(r).dump(2).c_str());
        return 0;
    }
    std::printf("items %d (labelled %d), G = %d, %.1f s\n", r.items, r.labelled, r.num_samples,
                r.seconds);
    std::printf(
        "greedy accuracy   %.4f\nsampled accuracy  %.4f\nmaj@%d accuracy    %.4f\n"
        "pass@%d           %.4f\nmajority ratio    %.4f\nno-answer rate    %.4f\n",
        r.greedy_accuracy, r.sampled_accuracy, r.num_samples, r.majority_accuracy, r.num_samples,
        r.pass_at_g, r.mean_majority_ratio, r.no_answer_rate);
    return 0;
}

}  // namespace

MMUPT_COMMAND("eval", "accuracy (greedy, sampled, maj@G) of a model on labelled data", &run_eval);

}  // namespace mmupt::cli
