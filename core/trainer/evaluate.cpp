// Greedy / sampled / majority-vote evaluation (evaluate.h).
#include "core/trainer/evaluate.h"

#include <ATen/ATen.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/answer/answer_extractor.h"
#include "core/reward/majority_vote.h"
#include "core/sampling/generator.h"
#include "core/trainer/prompt_builder.h"
#include "core/trainer/trainer.h"

namespace mmupt {
namespace {

std::vector<int64_t> stop_ids(const ModelDir& dir) {
    std::vector<int64_t> ids = dir.generation.eos_token_ids;
    if (ids.empty())
        for (int32_t id :
             {dir.tokenizer.special_ids().im_end, dir.tokenizer.special_ids().endoftext})
            if (id >= 0) ids.push_back(id);
    return ids;
}

std::string decode(const Tokenizer& tok, const std::vector<int64_t>& ids) {
    return tok.decode(std::vector<int32_t>(ids.begin(), ids.end()), /*skip_special=*/true);
}

}  // namespace

EvalResult evaluate(VlmModel& model, const ModelDir& dir, const std::vector<Example>& examples,
                    const DataConfig& data, const EvalOptions& o, const EvalProgress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    PromptBuilder builder(dir.tokenizer, dir.image_processor.config(), data,
                          model->config().vision.spatial_merge_size, model->options().device);
    const EquivalenceFn eq = default_equivalence();
    EvalResult r;
    r.num_samples = o.num_samples;
    const size_t total =
        o.max_items > 0 ? std::min<size_t>(size_t(o.max_items), examples.size()) : examples.size();
    double sampled_share = 0, ratio_sum = 0, no_answer = 0, sampled_votes = 0;
    for (size_t begin = 0; begin < total; begin += size_t(std::max(o.batch_size, 1))) {
        const size_t end = std::min(total, begin + size_t(std::max(o.batch_size, 1)));
        std::vector<Prompt> prompts;
        std::vector<GenerationRequest> requests;
        for (size_t i = begin; i < end; ++i) {
            auto p = builder.build(examples[i]);
            if (!p) continue;  // too long / unreadable: not counted
            requests.push_back({p->ids, p->pixel_values, p->grids, example_key(examples[i].id)});
            prompts.push_back(std::move(*p));
        }
        GenerationParams greedy;
        greedy.sampling.temperature = 0.0;
        greedy.max_new_tokens = o.max_new_tokens;
        greedy.stop_ids = stop_ids(dir);
        GenerationStats stats;
        auto greedy_out = generate(model, requests, greedy, &stats);
        r.generated_tokens += stats.generated_tokens;
        std::vector<std::vector<GeneratedSample>> sampled_out;
        if (o.num_samples > 0) {
            GenerationParams sp = greedy;
            sp.sampling = {o.temperature, o.top_p, 0};
            sp.num_samples = o.num_samples;
            sp.seed = o.seed;
            sampled_out = generate(model, requests, sp, &stats);
            r.generated_tokens += stats.generated_tokens;
        }
        for (size_t b = 0; b < prompts.size(); ++b) {
            const Example& ex = *prompts[b].example;
            ExtractOptions extract;
            extract.question = prompts[b].question;
            EvalItem item;
            item.id = ex.id;
            item.question = prompts[b].question;
            item.label = ex.answer;
            item.greedy_response = decode(dir.tokenizer, greedy_out[b][0].ids);
            item.greedy_answer = extract_answer(item.greedy_response, extract);
            const bool labelled = ex.answer.has_value();
            item.greedy_correct =
                labelled && item.greedy_answer && eq(*item.greedy_answer, *ex.answer);
            if (o.num_samples > 0) {
                for (const auto& s : sampled_out[b]) {
                    auto a = extract_answer(decode(dir.tokenizer, s.ids), extract);
                    if (labelled && a && eq(*a, *ex.answer)) ++item.sampled_correct;
                    if (!a) no_answer += 1;
                    item.sampled_answers.push_back(a);
                }
                VoteResult vote = majority_vote(0, item.sampled_answers);
                item.majority_answer = vote.majority_answer();
                item.majority_ratio = vote.majority_ratio;
                item.majority_correct =
                    labelled && item.majority_answer && eq(*item.majority_answer, *ex.answer);
                ratio_sum += vote.majority_ratio;
                sampled_votes += o.num_samples;
            }
            ++r.items;
            if (labelled) {
                ++r.labelled;
                r.greedy_accuracy += item.greedy_correct;
                r.majority_accuracy += item.majority_correct;
                r.pass_at_g += item.sampled_correct > 0;
                if (o.num_samples > 0)
                    sampled_share += double(item.sampled_correct) / o.num_samples;
            }
            r.per_item.push_back(std::move(item));
        }
        if (progress) progress(static_cast<int>(end), static_cast<int>(total));
    }
    if (r.labelled > 0) {
        const double n = r.labelled;
        r.greedy_accuracy /= n;
        r.majority_accuracy /= n;
        r.pass_at_g /= n;
        r.sampled_accuracy = sampled_share / n;
    }
    if (r.items > 0 && o.num_samples > 0) {
        r.mean_majority_ratio = ratio_sum / r.items;
        r.no_answer_rate = no_answer / sampled_votes;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

EvalResult evaluate_model_dir(const std::string& model_dir, const std::vector<std::string>& files,
                              const DataConfig& data, const EvalOptions& options,
                              const std::string& device, const EvalProgress& progress) {
    ModelOptions mo;
    mo.device = resolve_device(device);
    mo.dtype = mo.device.is_cuda() ? at::kBFloat16 : at::kFloat;
    LoadedModel m = load_model(model_dir, mo);
    Dataset ds = load_dataset(files, data);
    return evaluate(m.model, m.dir, ds.examples, data, options, progress);
}

nlohmann::json to_json(const EvalItem& i) {
    auto opt = [](const std::optional<std::string>& s) {
        return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
    };
    nlohmann::json sampled = nlohmann::json::array();
    for (const auto& a : i.sampled_answers) sampled.push_back(opt(a));
    return {{"id", i.id},
            {"question", i.question},
            {"label", opt(i.label)},
            {"greedy_response", i.greedy_response},
            {"greedy_answer", opt(i.greedy_answer)},
            {"greedy_correct", i.greedy_correct},
            {"sampled_answers", sampled},
            {"sampled_correct", i.sampled_correct},
            {"majority_answer", opt(i.majority_answer)},
            {"majority_ratio", i.majority_ratio},
            {"majority_correct", i.majority_correct}};
}

nlohmann::json summary_json(const EvalResult& r) {
    return {{"items", r.items},
            {"labelled", r.labelled},
            {"num_samples", r.num_samples},
            {"greedy_accuracy", r.greedy_accuracy},
            {"sampled_accuracy", r.sampled_accuracy},
            {"maj_at_g_accuracy", r.majority_accuracy},
            {"pass_at_g", r.pass_at_g},
            {"mean_majority_ratio", r.mean_majority_ratio},
            {"no_answer_rate", r.no_answer_rate},
            {"generated_tokens", r.generated_tokens},
            {"seconds", r.seconds}};
}

}  // namespace mmupt
