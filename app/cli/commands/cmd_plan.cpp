// `mmupt plan --model DIR [--config CFG] [--set k=v] [--device-memory 24GiB] [--lora-rank R]`:
// "will it fit?" before a run: the predicted peak memory of one training step split into its
// terms, for full fine-tuning and LoRA (the config's model.lora.rank / target_modules; --lora-rank
// overrides the rank), and the largest rollout.n x rollout_batch_size that fits the given device
// memory (core/trainer/memory_plan.h). Reads config.json only: instant for 7B.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/config_io.h"
#include "core/trainer/memory_plan.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

double gib(int64_t bytes) { return static_cast<double>(bytes) / (1LL << 30); }

nlohmann::json terms_json(const MemoryTerms& t) {
    return {{"weights", t.weights},
            {"reference", t.reference},
            {"teacher", t.teacher},
            {"gradients", t.gradients},
            {"optimizer", t.optimizer},
            {"activations", t.activations},
            {"activations_full", t.activations_full},
            {"activations_checkpointed", t.activations_checkpointed},
            {"kv_cache", t.kv_cache},
            {"logits", t.logits},
            {"upcast", t.upcast},
            {"runtime", t.runtime},
            {"peak", t.peak},
            {"peak_phase", t.peak_phase},
            {"trainable_parameters", t.trainable_parameters},
            {"max_rollout_rows", t.max_rollout_rows}};
}

void print_table(const MemoryPlan& p, const RunConfig& c) {
    const MemoryTerms &f = p.full, &l = p.lora;
    std::printf(
        "%.2fB parameters; rollout %lld x %lld rows, prompt <= %lld tokens (%lld image), "
        "<= %lld new; micro-batch %lld; %s; gradient checkpointing %s\n\n",
        p.parameters / 1e9, (long long)c.trainer.rollout_batch_size, (long long)c.rollout.n,
        (long long)p.prompt_tokens, (long long)p.image_tokens, (long long)p.response_tokens,
        (long long)c.trainer.micro_batch_size, to_string(c.model.dtype),
        c.model.gradient_checkpointing ? "on" : "off");
    // The column model.lora.enabled selects is the one this run would use.
    std::printf("| GiB | full%s | LoRA r=%lld%s |\n|---|---:|---:|\n",
                p.lora_enabled ? "" : " (this config)", (long long)p.lora_rank,
                p.lora_enabled ? " (this config)" : "");
    auto row = [](const char* name, int64_t a, int64_t b) {
        std::printf("| %s | %.2f | %.2f |\n", name, gib(a), gib(b));
    };
    row("weights", f.weights, l.weights);
    row("reference weights (KL / voter)", f.reference, l.reference);
    row("EMA teacher (fp32)", f.teacher, l.teacher);
    row("gradients", f.gradients, l.gradients);
    row("optimizer (AdamW)", f.optimizer, l.optimizer);
    row("activations, no checkpointing", f.activations_full, l.activations_full);
    row("activations, checkpointing", f.activations_checkpointed, l.activations_checkpointed);
    row("KV cache (rollout)", f.kv_cache, l.kv_cache);
    row("logits", f.logits, l.logits);
    row("fp32 upcast (CPU, half precision)", f.upcast, l.upcast);
    row("runtime", f.runtime, l.runtime);
    row("**predicted peak**", f.peak, l.peak);
    std::printf("| peak phase | %s | %s |\n", f.peak_phase.c_str(), l.peak_phase.c_str());
    std::printf("| trainable parameters | %.1fM | %.1fM |\n", f.trainable_parameters / 1e6,
                l.trainable_parameters / 1e6);
    if (p.device_memory <= 0) {
        std::printf(
            "\n(--device-memory SIZE also prints the largest rollout.n x "
            "rollout_batch_size that fits)\n");
        return;
    }
    std::printf("\ndevice memory %.2f GiB: ", gib(p.device_memory));
    auto verdict = [&](const char* name, const MemoryTerms& t) {
        std::printf("%s %s (largest rollout.n x rollout_batch_size: %lld)", name,
                    t.peak <= p.device_memory ? "fits" : "does NOT fit",
                    (long long)t.max_rollout_rows);
    };
    verdict("full", f);
    std::printf("; ");
    verdict("LoRA", l);
    std::printf("\n");
}

int run_plan(const std::vector<std::string>& args) {
    ArgParser p("plan",
                "Predict the peak memory of a training step (full and LoRA) from config.json "
                "and the run config, and the largest rollout.n x batch that fits.");
    p.option("--model", "DIR", "model directory (config.json); default: the config's model.path")
        .option("--config", "FILE.yaml", "run config layered over the defaults")
        .multi_option("--set", "key=value", "override one field, e.g. --set rollout.n=8")
        .option("--device-memory", "SIZE", "memory to fit in, e.g. 24GiB, 80GB")
        .option("--lora-rank", "R",
                "rank of the LoRA column; default the config's model.lora.rank (targets: "
                "model.lora.target_modules)")
        .option("--prompt-tokens", "N",
                "tokens per prompt incl. image; default "
                "data.max_prompt_length")
        .option("--image-tokens", "N",
                "merged image tokens per prompt; default from "
                "data.max_pixels")
        .flag("--cuda", "plan for a CUDA device (its context instead of a CPU process)")
        .flag("--json", "print the plan as JSON (bytes)");
    p.parse(args);
    RunConfig c = load_config(p.has("--config") ? p.get("--config") : "", p.get_all("--set"),
                              /*for_training=*/false);
    const std::string dir = p.has("--model") ? p.get("--model") : c.model.path;
    if (dir.empty()) throw UsageError("--model DIR is required (or model.path in the config)");
    const ModelConfig model = ModelConfig::from_file(dir + "/config.json");
    MemoryPlanOptions o;
    if (p.has("--lora-rank")) {
        o.lora_rank = p.get_int("--lora-rank");
        if (o.lora_rank < 1) throw UsageError("--lora-rank must be >= 1");
    }
    if (p.has("--prompt-tokens")) o.prompt_tokens = p.get_int("--prompt-tokens");
    if (p.has("--image-tokens")) o.image_tokens = p.get_int("--image-tokens");
    if (p.has("--device-memory")) {
        try {
            o.device_memory = parse_byte_size(p.get("--device-memory"));
        } catch (const ConfigError& e) {
            throw UsageError(std::string("--device-memory: ") + e.what());
        }
    }
    o.cuda = p.has("--cuda") || c.model.device.rfind("cuda", 0) == 0;
    const MemoryPlan plan = plan_memory(model, c, o);
    if (p.has("--json")) {
        nlohmann::json j = {
            {"parameters", plan.parameters},     {"prompt_tokens", plan.prompt_tokens},
            {"image_tokens", plan.image_tokens}, {"response_tokens", plan.response_tokens},
            {"rollout_rows", plan.rollout_rows}, {"device_memory", plan.device_memory},
            {"lora_enabled", plan.lora_enabled}, {"lora_rank", plan.lora_rank},
            {"full", terms_json(plan.full)},     {"lora", terms_json(plan.lora)}};
        std::printf("%s\n", j.dump(2).c_str());
    } else {
        print_table(plan, c);
    }
    return 0;
}

}  // namespace

MMUPT_COMMAND("plan", "predict a training step's peak memory (full / LoRA) and what fits",
              &run_plan);

}  // namespace mmupt::cli
