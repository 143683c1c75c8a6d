// The demo pipeline, top to bottom in run_demo: data, tokenizer, random `demo` model, stage 1
// SFT (cached by config hash in DIR/base/demo_base.json), then per seed: evaluate the base,
// supervised GRPO and MM-UPT on the same upt.jsonl questions (labels for the first only),
// evaluate both, write summary.json.
// Every stage goes through the normal Trainer and evaluate(), as a user's run would.
#include "core/demo/demo_pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>

#include "core/config/config_io.h"
#include "core/demo/demo_scale.h"
#include "core/demo/demo_tokenizer.h"
#include "core/demo/synthetic_dataset.h"
#include "core/demo/synthetic_tasks.h"
#include "core/model/model_dir.h"
#include "core/model/model_presets.h"
#include "core/trainer/evaluate.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"

namespace mmupt::demo {
namespace fs = std::filesystem;
namespace {

// Forwards warnings and every few steps' key metrics; keeps the metric curves.
class StageObserver : public SessionObserver {
  public:
    StageObserver(std::string name, int every, const DemoProgress& progress)
        : name_(std::move(name)), every_(every), progress_(progress) {}
    void on_log(const LogRecord& r) override {
        if (r.level >= LogLevel::warning) say("[" + name_ + "] " + r.message);
    }
    void on_step(const StepMetrics& m) override {
        steps.push_back(m);
        if (m.step % every_ != 0) return;
        char line[256];
        std::snprintf(
            line, sizeof line,
            "[%s] step %d/%d  loss %.3f  reward %.3f  majority %.3f  label acc %.3f  %.1f s/step",
            name_.c_str(), m.step, static_cast<int>(value(m, "progress/total_steps")),
            value(m, "actor/loss"), value(m, "reward/mean"), value(m, "vote/majority_ratio"),
            value(m, "label/accuracy"), value(m, "timing_s/step"));
        say(line);
    }
    static double value(const StepMetrics& m, const char* key) {
        auto it = m.values.find(key);
        return it == m.values.end() ? std::nan("") : it->second;
    }
    std::vector<StepMetrics> steps;

  private:
    void say(const std::string& s) {
        if (progress_) progress_(s);
    }
    std::string name_;
    int every_;
    const DemoProgress& progress_;
};

// Runs one stage in a fresh run directory; returns the final model (its last checkpoint).
std::string run_stage(const RunConfig& config, StageObserver& observer) {
    fs::remove_all(config.trainer.output_dir);
    TrainerControl control;
    RunFinished r = Trainer::start(config, &observer, &control)->run();
    if (r.state != RunState::finished)
        throw Error("demo stage in '" + config.trainer.output_dir + "' " + run_state_name(r.state) +
                    ": " + r.message);
    const std::string model = r.run_dir + "/checkpoints/step-" + std::to_string(r.last_step);
    if (!fs::exists(model + "/trainer_state.json"))
        throw CheckpointError("demo stage ended without its final checkpoint '" + model + "'");
    return model;
}

// Mean of `key` over the first (or last) `n` steps that have it.
double mean_of(const std::vector<StepMetrics>& steps, const char* key, bool last, size_t n) {
    double sum = 0;
    size_t count = 0;
    for (size_t i = 0; i < steps.size() && count < n; ++i) {
        const double v = StageObserver::value(steps[last ? steps.size() - 1 - i : i], key);
        if (std::isfinite(v)) sum += v, ++count;
    }
    return count ? sum / count : std::nan("");
}

StageEval eval_stage(const std::string& model_dir, const std::string& test_file,
                     const RunConfig& config, const DemoScale& scale, int seed,
                     const std::string& name, const DemoProgress& progress) {
    EvalOptions o;
    o.num_samples = config.rollout.n;
    o.temperature = config.rollout.temperature;  // the training temperature
    o.top_p = config.rollout.top_p;
    o.max_new_tokens = config.rollout.max_new_tokens;
    o.seed = static_cast<uint64_t>(seed);
    o.batch_size = scale.eval_batch;
    EvalResult r = evaluate_model_dir(model_dir, {test_file}, config.data, o, "cpu");
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s on test (%d items): greedy %.3f  sampled %.3f  maj@%d %.3f  (%.0f s)",
                  name.c_str(), r.items, r.greedy_accuracy, r.sampled_accuracy, r.num_samples,
                  r.majority_accuracy, r.seconds);
    if (progress) progress(line);
    return {r.greedy_accuracy, r.sampled_accuracy, r.majority_accuracy};
}

void write_random_model(const std::string& tokenizer_dir, const std::string& out_dir) {
    Tokenizer tokenizer = Tokenizer::load(tokenizer_dir);
    const ModelPreset preset = find_model_preset("demo");  // a copy: g++ 14 warns of a dangling ref
    ModelConfig config = preset_model_config(preset, ModelArch::qwen2_vl, preset_vocab(tokenizer));
    GenerationConfig generation;
    generation.eos_token_ids = {config.eos_token_id, config.bos_token_id};
    generation.pad_token_id = config.bos_token_id;
    ImageProcessorConfig images = preset_image_processor_config(preset);
    images.min_pixels = images.max_pixels = kImagePixels * kImagePixels;  // 16 image tokens
    const ModelDir source{tokenizer_dir, config, generation, tokenizer, ImageProcessor(images)};
    at::NoGradGuard no_grad;
    VlmModel model(config);
    model->randomize_weights(/*seed=*/0, /*std=*/0.02);
    SaveModelOptions save;
    save.dtype = at::kFloat;
    save_model_dir(out_dir, model, source, save);
}

std::string fnv1a_hex(const std::string& text) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

// DIR/base/demo_base.json names the finished SFT model and the hash of what made it.
std::string cached_base(const std::string& base_dir, const std::string& hash) {
    std::ifstream in(base_dir + "/demo_base.json");
    if (!in) return "";
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || j.value("config_hash", "") != hash) return "";
    const std::string model = base_dir + "/" + j.value("model", "");
    const bool complete = fs::exists(model + "/trainer_state.json") &&
                          fs::exists(model + "/config.json") &&
                          fs::exists(model + "/model.safetensors");
    return complete ? model : "";
}

// DIR/curves.csv: reward, agreement and hidden-label accuracy per step of every GRPO stage
// (`mmupt-plot DIR`, run by `mmupt demo` when present, turns it into PNGs).
struct Curve {
    std::string stage;
    int seed;
    std::vector<StepMetrics> steps;
};
void write_curves(const std::string& path, const std::vector<Curve>& curves) {
    std::ofstream out(path);
    out << "stage,seed,step,reward_mean,majority_ratio,label_accuracy,collapse_score,alarm\n";
    for (const Curve& c : curves)
        for (const StepMetrics& m : c.steps)
            out << c.stage << "," << c.seed << "," << m.step << ","
                << StageObserver::value(m, "reward/mean") << ","
                << StageObserver::value(m, "vote/majority_ratio") << ","
                << StageObserver::value(m, "label/accuracy") << ","
                << StageObserver::value(m, "collapse/score") << ","
                << StageObserver::value(m, "collapse/alarm") << "\n";
    if (!out) throw DataError("cannot write '" + path + "'");
}

// The hidden-label trace of a UPT run: mean of the first and last quarter of its steps.
UptTrace trace_of(const std::vector<StepMetrics>& steps) {
    const size_t k = std::max<size_t>(1, steps.size() / 4);
    return {mean_of(steps, "label/accuracy", false, k), mean_of(steps, "label/accuracy", true, k),
            mean_of(steps, "vote/majority_ratio", false, k),
            mean_of(steps, "vote/majority_ratio", true, k)};
}

int first_alarm(const std::vector<StepMetrics>& steps) {
    for (const StepMetrics& m : steps)
        if (StageObserver::value(m, "collapse/alarm") == 1.0) return m.step;
    return 0;
}

nlohmann::json safeguard_json(const SafeguardRun& r) {
    return {{"greedy_accuracy", r.eval.greedy_accuracy},
            {"sampled_accuracy", r.eval.sampled_accuracy},
            {"maj_accuracy", r.eval.maj_accuracy},
            {"alarm_step", r.alarm_step ? nlohmann::json(r.alarm_step) : nlohmann::json(nullptr)},
            {"label_accuracy_first", r.trace.label_accuracy_first},
            {"label_accuracy_last", r.trace.label_accuracy_last}};
}

nlohmann::json stage_json(const std::vector<DemoSeedResult>& seeds,
                          StageEval DemoSeedResult::*stage, bool with_trace) {
    nlohmann::json per_seed = nlohmann::json::array();
    double g = 0, s = 0, m = 0;
    for (const DemoSeedResult& r : seeds) {
        const StageEval& e = r.*stage;
        g += e.greedy_accuracy, s += e.sampled_accuracy, m += e.maj_accuracy;
        nlohmann::json one = {{"seed", r.seed},
                              {"greedy_accuracy", e.greedy_accuracy},
                              {"sampled_accuracy", e.sampled_accuracy},
                              {"maj_accuracy", e.maj_accuracy}};
        if (with_trace) {
            const UptTrace& t = r.upt_trace;
            one["label_accuracy_first"] = t.label_accuracy_first;
            one["label_accuracy_last"] = t.label_accuracy_last;
            one["majority_ratio_first"] = t.majority_ratio_first;
            one["majority_ratio_last"] = t.majority_ratio_last;
        }
        per_seed.push_back(one);
    }
    const double n = seeds.empty() ? 1.0 : static_cast<double>(seeds.size());
    return {{"greedy_accuracy", g / n},
            {"sampled_accuracy", s / n},
            {"maj_accuracy", m / n},
            {"per_seed", per_seed}};
}

}  // namespace

DemoResult run_demo(const DemoOptions& options, const DemoProgress& progress) {
    const auto started = std::chrono::steady_clock::now();
    auto say = [&](const std::string& s) {
        if (progress) progress(s);
    };
    if (options.seeds < 1) throw ConfigError("demo: --seeds must be >= 1");
    if (options.threads > 0) at::set_num_threads(options.threads);
    const DemoScale scale = options.quick ? quick_scale() : full_scale();
    const std::string dir = fs::absolute(options.out_dir).lexically_normal().string();
    fs::create_directories(dir);

    // 1. Data: labelled sft.jsonl, unlabelled upt.jsonl (hidden labels), held-out test.jsonl.
    DemoDataResult data = write_demo_data(dir + "/data", /*seed=*/0, scale.data);
    say("data: sft " + std::to_string(data.sft) + ", upt " + std::to_string(data.upt) + ", test " +
        std::to_string(data.test) + " in " + data.dir);
    const std::string test_file = dir + "/data/test.jsonl";

    // 2. Tokenizer learned from training questions and solutions (never the test split).
    std::vector<std::string> corpus = {
        "You are a helpful assistant.",
        "Please reason step by step, and put your final answer within \\boxed{}."};
    for (int i = 0; i < scale.tokenizer_items; ++i) {
        SyntheticItem item = make_item(/*seed=*/0, static_cast<uint64_t>(i),
                                       all_task_families()[i % all_task_families().size()]);
        corpus.push_back(item.question);
        corpus.push_back(item.solution);
    }
    write_demo_tokenizer(dir + "/tokenizer", learn_bpe(corpus, scale.tokenizer_merges));

    // 3. The randomly initialised `demo` model, in Hugging Face layout.
    write_random_model(dir + "/tokenizer", dir + "/init");

    // 4. Stage 1: SFT on the labelled split's worked solutions (skipped when cached).
    DemoResult result;
    RunConfig sft = sft_config(scale, dir, options.threads);
    // The data is regenerated on every run, so what made it is part of the key: split sizes,
    // families and the drawing version (bump the version when the rendering changes).
    std::string data_key = "|data v2 grey|" + std::to_string(scale.data.sft) + "," +
                           std::to_string(scale.data.upt) + "," + std::to_string(scale.data.test);
    for (TaskFamily f : scale.data.families.empty() ? all_task_families() : scale.data.families)
        data_key += std::string(",") + task_family_name(f);
    const std::string hash = fnv1a_hex(to_yaml(sft) + "|demo preset|" + scale.name + data_key);
    std::string base_model = cached_base(dir + "/base", hash);
    result.base_cached = !base_model.empty();
    if (result.base_cached) {
        say("stage 1 (SFT): cached base model " + base_model);
    } else {
        say("stage 1 (SFT): " + std::to_string(sft.trainer.max_steps) + " steps");
        StageObserver sft_obs("sft", 5 * scale.log_every, progress);
        base_model = run_stage(sft, sft_obs);
        const std::string rel = fs::relative(base_model, dir + "/base").string();
        std::ofstream(dir + "/base/demo_base.json")
            << nlohmann::json{{"config_hash", hash}, {"model", rel}}.dump(2) << "\n";
    }

    std::vector<Curve> curves;
    // 5. Per seed, from the same base: supervised GRPO (labels) and MM-UPT (majority vote).
    for (int seed = 1; seed <= options.seeds; ++seed) {
        const std::string seed_dir = dir + "/seed-" + std::to_string(seed);
        DemoSeedResult r;
        r.seed = seed;
        RunConfig grpo = grpo_config(scale, dir, base_model, seed_dir + "/supervised_grpo",
                                     RewardKind::accuracy, seed, options.threads);
        RunConfig upt = grpo_config(scale, dir, base_model, seed_dir + "/upt",
                                    RewardKind::majority_vote, seed, options.threads);
        say("seed " + std::to_string(seed) + ": evaluating the base model");
        const std::string tag = " seed " + std::to_string(seed);
        r.base = eval_stage(base_model, test_file, upt, scale, seed, "base" + tag, progress);

        say("seed " + std::to_string(seed) + ": stage 2 (supervised GRPO, labels)");
        StageObserver grpo_obs("grpo s" + std::to_string(seed), scale.log_every, progress);
        r.supervised_grpo = eval_stage(run_stage(grpo, grpo_obs), test_file, grpo, scale, seed,
                                       "supervised GRPO" + tag, progress);

        say("seed " + std::to_string(seed) + ": stage 3 (MM-UPT, majority vote, no labels)");
        StageObserver upt_obs("upt s" + std::to_string(seed), scale.log_every, progress);
        r.upt =
            eval_stage(run_stage(upt, upt_obs), test_file, upt, scale, seed, "UPT" + tag, progress);
        r.upt_trace = trace_of(upt_obs.steps);
        result.per_seed.push_back(r);
        curves.push_back({"supervised_grpo", seed, grpo_obs.steps});
        curves.push_back({"upt", seed, upt_obs.steps});
    }

    // 6. Seed 1 at an unsafe learning rate: MM-UPT without, then with the safeguards.
    SafeguardComparison& sg = result.safeguards;
    sg.ran = true;
    sg.lr = scale.unsafe_lr;
    char lr_text[32];
    std::snprintf(lr_text, sizeof lr_text, "%g", scale.unsafe_lr);
    for (bool guarded : {false, true}) {
        const std::string name = guarded ? "with" : "without";
        RunConfig c = grpo_config(scale, dir, base_model, dir + "/safeguards/" + name,
                                  RewardKind::majority_vote, /*seed=*/1, options.threads);
        c.optim.lr = scale.unsafe_lr;
        if (guarded) apply_safeguards(c);
        say("safeguards: MM-UPT at lr " + std::string(lr_text) + ", seed 1, " + name +
            " safeguards");
        StageObserver obs("upt unsafe " + name, scale.log_every, progress);
        SafeguardRun& run = guarded ? sg.with : sg.without;
        run.eval =
            eval_stage(run_stage(c, obs), test_file, c, scale, 1,
                       "UPT lr " + std::string(lr_text) + " " + name + " safeguards", progress);
        run.alarm_step = first_alarm(obs.steps);
        run.trace = trace_of(obs.steps);
        curves.push_back({guarded ? "upt_unsafe_safeguards" : "upt_unsafe", 1, obs.steps});
    }

    write_curves(dir + "/curves.csv", curves);

    // 6. summary.json: {"stages": {"base", "upt", "supervised_grpo"}, "seconds"}.
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    nlohmann::json summary = {
        {"stages",
         {{"base", stage_json(result.per_seed, &DemoSeedResult::base, false)},
          {"upt", stage_json(result.per_seed, &DemoSeedResult::upt, true)},
          {"supervised_grpo",
           stage_json(result.per_seed, &DemoSeedResult::supervised_grpo, false)}}},
        {"safeguards",
         {{"seed", 1},
          {"lr", sg.lr},
          {"without", safeguard_json(sg.without)},
          {"with", safeguard_json(sg.with)}}},
        {"seconds", result.seconds}};
    result.summary_path = dir + "/summary.json";
    std::ofstream out(result.summary_path);
    out << summary.dump(2) << "\n";
    if (!out) throw DataError("cannot write '" + result.summary_path + "'");
    return result;
}

std::string format_demo_table(const DemoResult& result) {
    auto mean = [&](auto get) {
        double s = 0;
        for (const DemoSeedResult& r : result.per_seed) s += get(r);
        return result.per_seed.empty() ? 0.0 : s / result.per_seed.size();
    };
    std::string out = "held-out test split, mean of " + std::to_string(result.per_seed.size()) +
                      " seed(s); sampled and maj@G at the training temperature\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-18s %8s %8s %8s\n", "model", "greedy", "sampled", "maj@G");
    out += line;
    const std::pair<const char*, StageEval DemoSeedResult::*> rows[] = {
        {"base (SFT)", &DemoSeedResult::base},
        {"+UPT", &DemoSeedResult::upt},
        {"+supervised GRPO", &DemoSeedResult::supervised_grpo}};
    for (const auto& [name, stage] : rows) {
        std::snprintf(line, sizeof line, "%-18s %8.3f %8.3f %8.3f\n", name,
                      mean([&](const DemoSeedResult& r) { return (r.*stage).greedy_accuracy; }),
                      mean([&](const DemoSeedResult& r) { return (r.*stage).sampled_accuracy; }),
                      mean([&](const DemoSeedResult& r) { return (r.*stage).maj_accuracy; }));
        out += line;
    }
    std::snprintf(
        line, sizeof line,
        "UPT training (first -> last quarter of steps): label accuracy %.3f -> %.3f, majority "
        "ratio %.3f -> %.3f\n",
        mean([](const DemoSeedResult& r) { return r.upt_trace.label_accuracy_first; }),
        mean([](const DemoSeedResult& r) { return r.upt_trace.label_accuracy_last; }),
        mean([](const DemoSeedResult& r) { return r.upt_trace.majority_ratio_first; }),
        mean([](const DemoSeedResult& r) { return r.upt_trace.majority_ratio_last; }));
    out += line;
    if (result.safeguards.ran) {
        const SafeguardComparison& sg = result.safeguards;
        auto alarm = [](int step) {
            return step ? "collapse alarm at step " + std::to_string(step)
                        : std::string("no alarm");
        };
        const double base =
            result.per_seed.empty() ? 0.0 : result.per_seed[0].base.sampled_accuracy;
        std::snprintf(line, sizeof line,
                      "unsafe setting (lr %g, seed 1; base sampled %.3f): MM-UPT sampled %.3f "
                      "(%s); with safeguards %.3f (%s)\n",
                      sg.lr, base, sg.without.eval.sampled_accuracy,
                      alarm(sg.without.alarm_step).c_str(), sg.with.eval.sampled_accuracy,
                      alarm(sg.with.alarm_step).c_str());
        out += line;
    }
    std::snprintf(line, sizeof line, "total %.0f s%s\n", result.seconds,
                  result.base_cached ? " (stage 1 cached)" : "");
    return out + line;
}

}  // namespace mmupt::demo
