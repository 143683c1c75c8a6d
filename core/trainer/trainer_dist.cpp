// The data-parallel side of the Trainer (trainer.h, docs/distributed.md): connecting from the
// environment, sharding each step's prompts, the update plan's global loss denominators and
// gradient all-reduce, the step's metrics reduced and its samples gathered to rank 0, the
// collapse signals' inputs exchanged (so the alarm's verdict is global and the same on every
// rank), and the stop / cancel flags agreed between steps. Every function is a no-op without a
// group.
// Departures from one process, on purpose: LoRA dropout masks are drawn per rank (the same
// seed, other rows), so only runs without adapter dropout reproduce the single-process ones
// exactly; validation (trainer.val_every) runs on rank 0 alone.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/config/config_io.h"
#include "core/dist/dist_env.h"
#include "core/dist/grad_sync.h"
#include "core/dist/process_group.h"
#include "core/dist/prompt_shard.h"
#include "core/dist/run_identity.h"
#include "core/session/run_files.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

// How each metric combines over ranks. Every rank holds B/W prompts and B*G/W samples, so a
// mean over the rank's prompts or samples averages to the global mean; loss terms arrive
// already weighted by the global token count (partial sums); counts add up; wall-clock times
// are the slowest rank's (the step waits for it); throughputs add up.
enum class Combine { mean, sum, max };
Combine combine_of(const std::string& key) {
    static const std::set<std::string> sums = {"actor/loss",
                                               "actor/pg_loss",
                                               "actor/kl_loss",
                                               "actor/entropy",
                                               "actor/entropy_loss",
                                               "actor/ppo_kl",
                                               "actor/pg_clipfrac_higher",
                                               "actor/pg_clipfrac_lower",
                                               "vote/dropped_groups",
                                               "response_length/vision_token_cuts",
                                               "perf/step_tokens",
                                               "perf/rollout_tokens_per_s",
                                               "perf/train_tokens_per_s"};
    if (sums.count(key)) return Combine::sum;
    if (key.rfind("timing_s/", 0) == 0 || key == "perf/peak_memory_gb" ||
        key == "perf/collective_s")
        return Combine::max;
    return Combine::mean;
}

// Hidden-label diagnostics exist only for groups whose example has a label: weighted by them.
const char* const kLabelKeys[] = {"label/accuracy", "label/reward_accuracy", "label/pass_at_n"};
bool is_label_key(const std::string& key) {
    for (const char* k : kLabelKeys)
        if (key == k) return true;
    return false;
}

}  // namespace

std::shared_ptr<DistGroup> connect_from_env(RunConfig& config) {
    const DistEnv env = read_dist_env();
    if (!env.enabled) return nullptr;
    at::Device device = resolve_device(config.model.device);
    if (device.is_cuda()) {  // one GPU per rank on its node
        config.model.device = "cuda:" + std::to_string(env.local_rank);
        device = resolve_device(config.model.device);
    }
    return DistGroup::connect(env, device, config.trainer.dist_timeout_s);
}

std::optional<CheckpointInfo> agree_on_checkpoint(DistGroup& group,
                                                  const std::optional<CheckpointInfo>& mine) {
    const std::string path = group.exchange("resume-checkpoint", mine ? mine->path : "")[0];
    if (path.empty()) return std::nullopt;
    if (!std::filesystem::exists(std::filesystem::path(path) / "trainer_state.json"))
        throw CheckpointError("rank " + std::to_string(group.rank()) +
                              " cannot read rank 0's "
                              "checkpoint '" +
                              path +
                              "': resuming a multi-node run needs the "
                              "run directory on a file system every node mounts at the same path");
    CheckpointInfo info;
    info.path = path;
    return info;
}

bool Trainer::writes_run_dir() const { return !dist_ || dist_->is_root(); }

void Trainer::setup_dist(const std::vector<at::Tensor>& trainable) {
    if (!dist_) return;
    user_control_ = control_;
    control_ = &agreed_control_;
    check_shardable(config_.trainer.rollout_batch_size, config_.trainer.mini_batch_size,
                    dist_->world_size());
    check_same_run(*dist_, config_digest(config_), model_files_digest(config_.model.path),
                   config_.model.path);
    grad_sync_ = std::make_unique<GradSync>(*dist_, trainable);
    log(LogLevel::info, "data-parallel: rank " + std::to_string(dist_->rank()) + " of " +
                            std::to_string(dist_->world_size()) + " on " + device_.str() + " (" +
                            (device_.is_cuda() ? "NCCL" : "Gloo") + "), timeout " +
                            std::to_string(int(dist_->timeout_s())) + " s");
}

std::vector<Prompt> Trainer::local_prompts(int step, std::vector<Prompt> all) {
    if (!dist_) return all;
    dist_->set_step(step);
    std::vector<Prompt> mine;
    for (int64_t i : shard_prompts(int64_t(all.size()), config_.trainer.mini_batch_size,
                                   dist_->world_size(), dist_->rank()))
        mine.push_back(std::move(all[size_t(i)]));
    return mine;
}

void Trainer::distribute_plan(UpdatePlan& plan) const {
    if (!dist_) return;
    // Local mini-batches are this rank's slice of each global one (prompt_shard.h).
    const int64_t rows_per_prompt = plan.mini_rows / config_.trainer.mini_batch_size;
    plan.mini_rows = config_.trainer.mini_batch_size / dist_->world_size() * rows_per_prompt;
    plan.micro_rows = std::min(config_.trainer.micro_batch_size, plan.mini_rows);
    DistGroup* group = dist_.get();
    GradSync* sync = grad_sync_.get();
    plan.global_sum = [group](double v) {
        return group->all_reduce_sum(std::vector<double>{v}, "the loss denominator")[0];
    };
    plan.before_step = [sync] { sync->all_reduce(); };
}

void Trainer::reduce_step(StepMetrics& m, int step) {
    if (!dist_) return;
    const double world = dist_->world_size();
    // This rank's collectives since the last report (the benchmark's numbers): payload bytes,
    // and seconds inside them, waiting for slower ranks included.
    const DistStats& st = dist_->stats();
    m.values["perf/collective_bytes"] = double(st.bytes) - collective_bytes_seen_;
    m.values["perf/collective_s"] = st.seconds - collective_s_seen_;
    collective_bytes_seen_ = double(st.bytes);
    collective_s_seen_ = st.seconds;
    // Every rank must report the same keys (label keys aside): sorted, packed, reduced.
    std::vector<std::string> keys;
    for (const auto& [key, value] : m.values)
        if (!is_label_key(key)) keys.push_back(key);
    std::vector<double> sums, maxes;
    for (const auto& k : keys)
        (combine_of(k) == Combine::max ? maxes : sums).push_back(m.values[k]);
    double labelled = 0;
    for (const RolloutGroup& g : step_groups_) labelled += g.label ? 1 : 0;
    for (const char* k : kLabelKeys) {
        auto it = m.values.find(k);
        sums.push_back(it != m.values.end() && labelled > 0 ? it->second * labelled : 0.0);
    }
    sums.push_back(labelled);
    sums.push_back(double(keys.size()));  // a cheap check that the key sets agree
    sums = dist_->all_reduce_sum(sums, "the step's metrics");
    if (!maxes.empty()) maxes = dist_->all_reduce_max(maxes, "the step's timings");
    if (sums.back() != world * double(keys.size()))
        throw ModelError("step " + std::to_string(step) +
                         ": the ranks report different metric "
                         "keys (a bug: every rank must compute the same metrics)");
    size_t si = 0, mi = 0;
    for (const auto& k : keys) {
        const Combine c = combine_of(k);
        if (c == Combine::max)
            m.values[k] = maxes[mi++];
        else
            m.values[k] = c == Combine::sum ? sums[si++] : sums[si++] / world;
    }
    const double all_labelled = sums[si + 3];
    for (const char* k : kLabelKeys) {
        const double v = sums[si++];
        if (all_labelled > 0) m.values[k] = v / all_labelled;
    }
    gather_groups(step);
}

void Trainer::gather_groups(int step) {
    // samples.jsonl in the single-process order: rank 0 places each rank's groups at their
    // global prompt index.
    std::string mine;
    for (const RolloutGroup& g : step_groups_) mine += to_json_line(g) + "\n";
    std::vector<std::string> all = dist_->gather_to_root("samples/" + std::to_string(step), mine);
    if (!dist_->is_root()) return;
    const int64_t B = config_.trainer.rollout_batch_size;
    std::vector<std::optional<RolloutGroup>> placed(static_cast<size_t>(B));
    for (int r = 0; r < dist_->world_size(); ++r) {
        const std::vector<int64_t> where =
            shard_prompts(B, config_.trainer.mini_batch_size, dist_->world_size(), r);
        std::istringstream in(all[size_t(r)]);
        size_t i = 0;
        for (std::string line; std::getline(in, line);)
            if (!line.empty() && i < where.size())
                placed[size_t(where[i++])] = rollout_group_from_json(line);
    }
    step_groups_.clear();
    for (auto& g : placed)
        if (g) step_groups_.push_back(std::move(*g));
}

namespace {

nlohmann::json answers_json(const std::vector<std::optional<std::string>>& answers) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : answers) a.push_back(x ? nlohmann::json(*x) : nlohmann::json(nullptr));
    return a;
}

std::vector<std::optional<std::string>> answers_from(const nlohmann::json& a) {
    std::vector<std::optional<std::string>> out;
    for (const auto& x : a)
        out.push_back(x.is_string() ? std::optional<std::string>(x.get<std::string>())
                                    : std::nullopt);
    return out;
}

}  // namespace

void Trainer::gather_collapse_inputs(std::vector<CollapsePrompt>& prompts, double& token_entropy,
                                     double& majority_ratio) {
    if (!dist_ || dist_->world_size() == 1) return;
    using nlohmann::json;
    json mine = json::object();
    // NaN does not survive JSON: null stands for it.
    auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    mine["entropy"] = number(token_entropy);
    mine["majority_ratio"] = number(majority_ratio);
    json list = json::array();
    for (const CollapsePrompt& p : prompts) {
        json contradicts = json::array();
        for (const auto& c : p.contradicts) contradicts.push_back(c ? json(*c) : json(nullptr));
        list.push_back({{"image", p.image_key},
                        {"majority", p.majority ? json(*p.majority) : json(nullptr)},
                        {"answers", answers_json(p.answers)},
                        {"reference", answers_json(p.reference)},
                        {"contradicts", contradicts}});
    }
    mine["prompts"] = std::move(list);
    const std::vector<std::string> all = dist_->exchange("collapse", mine.dump());

    // The two scalars combine as reduce_step combines them (combine_of), so the alarm reads the
    // values metrics.jsonl will show.
    const int64_t B = config_.trainer.rollout_batch_size;
    std::vector<std::optional<CollapsePrompt>> placed(static_cast<size_t>(B));
    double entropy_sum = 0, ratio_sum = 0;
    for (int r = 0; r < dist_->world_size(); ++r) {
        const json j = json::parse(all[size_t(r)]);
        auto read = [](const json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
        entropy_sum += read(j.at("entropy"));
        ratio_sum += read(j.at("majority_ratio"));
        const std::vector<int64_t> where =
            shard_prompts(B, config_.trainer.mini_batch_size, dist_->world_size(), r);
        const json& list_r = j.at("prompts");
        if (list_r.size() != where.size())
            throw ModelError("collapse signals: rank " + std::to_string(r) + " sent " +
                             std::to_string(list_r.size()) + " prompts, expected " +
                             std::to_string(where.size()) + " (a bug: the shards disagree)");
        for (size_t i = 0; i < where.size(); ++i) {
            const json& p = list_r[i];
            CollapsePrompt c;
            c.image_key = p.at("image").get<std::string>();
            if (p.at("majority").is_string()) c.majority = p.at("majority").get<std::string>();
            c.answers = answers_from(p.at("answers"));
            c.reference = answers_from(p.at("reference"));
            for (const auto& x : p.at("contradicts"))
                c.contradicts.push_back(x.is_boolean() ? std::optional<bool>(x.get<bool>())
                                                       : std::nullopt);
            placed[size_t(where[i])] = std::move(c);
        }
    }
    prompts.clear();
    for (auto& p : placed)
        if (p) prompts.push_back(std::move(*p));
    auto combined = [&](const char* key, double sum) {
        return combine_of(key) == Combine::sum ? sum : sum / dist_->world_size();
    };
    token_entropy = combined("actor/entropy", entropy_sum);
    majority_ratio = combined("vote/majority_ratio", ratio_sum);
}

bool Trainer::sync_control() {
    if (!dist_) return true;
    const TrainerControl* u = user_control_;
    const std::vector<double> flags = dist_->all_reduce_max(
        {u && u->stop ? 1.0 : 0.0, u && u->cancel ? 1.0 : 0.0}, "the stop / cancel flags");
    agreed_control_.stop = flags[0] > 0;
    agreed_control_.cancel = flags[1] > 0;
    return !agreed_control_.stop && !agreed_control_.cancel;
}

}  // namespace mmupt
