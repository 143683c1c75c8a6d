// The vote preview (preview.h).
#include "core/trainer/preview.h"

#include <ATen/ATen.h>

#include <chrono>

#include "core/data/dataset.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"

namespace mmupt {

std::vector<RolloutGroup> preview_vote_groups(const RunConfig& config, int num_examples,
                                              SessionObserver* observer,
                                              const std::atomic<bool>* cancel) {
    if (config.model.path.empty()) throw ConfigError("model.path is empty: pick a model first");
    // Same thread budget as training: a preview in the studio must not take every core.
    if (config.trainer.threads > 0) at::set_num_threads(static_cast<int>(config.trainer.threads));
    ModelOptions o;
    o.dtype = to_scalar_type(config.model.dtype);
    o.device = resolve_device(config.model.device);
    check_dtype_fits_device(o.dtype, o.device, config.model.device);
    LoadedModel m = load_model(config.model.path, o);
    Dataset data = load_dataset(config.data.train_files, config.data);
    PromptBuilder builder(m.dir.tokenizer, m.dir.image_processor.config(), config.data,
                          m.model->config().vision.spatial_merge_size, o.device);
    std::vector<Prompt> prompts;
    for (const auto& ex : data.examples) {
        if (static_cast<int>(prompts.size()) >= num_examples) break;
        std::string why;
        if (auto p = builder.build(ex, &why))
            prompts.push_back(std::move(*p));
        else if (observer)
            observer->on_log(
                {LogLevel::warning, "skipping " + ex.id + ": " + why,
                 std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                     .count()});
    }
    GenerationParams params;
    params.sampling = {config.rollout.temperature, config.rollout.top_p,
                       static_cast<int>(config.rollout.top_k)};
    params.num_samples = static_cast<int>(config.rollout.n);
    params.max_new_tokens = static_cast<int>(config.rollout.max_new_tokens);
    params.stop_ids = m.dir.generation.eos_token_ids;
    if (params.stop_ids.empty()) params.stop_ids = {m.dir.tokenizer.special_ids().im_end};
    params.seed =
        static_cast<uint64_t>(config.rollout.seed >= 0 ? config.rollout.seed : config.trainer.seed);
    AlgorithmConfig algorithm = config.algorithm;
    algorithm.reward = RewardKind::majority_vote;  // the preview shows the self-reward
    const RewardSetup reward = make_reward_setup(algorithm);
    // One image at a time (B = 1): slower than one batch on a GPU, but the user sees each vote
    // as it lands, the progress is real and Cancel takes effect between images.
    std::vector<RolloutGroup> groups;
    if (observer) observer->on_progress("preview", 0.0);
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (cancel && cancel->load()) break;
        const std::vector<Prompt> one = {prompts[i]};
        Rollout rollout = sample_rollout(m.model, one, params, m.dir.tokenizer);
        std::vector<RolloutGroup> voted = score_rollout(rollout, one, reward, 0).groups;
        if (observer) {
            observer->on_groups(voted);
            observer->on_progress("preview", double(i + 1) / double(prompts.size()));
        }
        groups.insert(groups.end(), voted.begin(), voted.end());
    }
    return groups;
}

}  // namespace mmupt
