// Trainer setup (model, data, optimizer, run directory, resume), the run loop and checkpoints.
// The step itself is in trainer_step.cpp.
#include "core/trainer/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/config/config_diff.h"
#include "core/config/config_io.h"
#include "core/dist/grad_sync.h"
#include "core/dist/process_group.h"
#include "core/model/lora_io.h"
#include "core/session/run_files.h"
#include "core/trainer/ema_teacher.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

at::Device resolve_device(const std::string& spec) {
    if (spec == "auto") return torch::cuda::is_available() ? at::Device("cuda:0") : at::kCPU;
    at::Device device = at::kCPU;
    try {
        device = at::Device(spec);
    } catch (const c10::Error&) {
        throw ConfigError("model.device = '" + spec + "': expected auto, cpu, cuda or cuda:N");
    }
    if (device.is_cuda() && (!torch::cuda::is_available() ||
                             device.index() >= static_cast<int>(torch::cuda::device_count())))
        throw ConfigError("model.device = '" + spec +
                          "': no such CUDA device in this build / on this machine (CUDA "
                          "devices: " +
                          std::to_string(torch::cuda::device_count()) + "); use cpu or auto");
    return device;
}

at::ScalarType to_scalar_type(Dtype dtype) {
    switch (dtype) {
        case Dtype::bfloat16:
            return at::kBFloat16;
        case Dtype::float16:
            return at::kHalf;
        case Dtype::float32:
            return at::kFloat;
    }
    return at::kFloat;
}

void check_dtype_fits_device(at::ScalarType dtype, const at::Device& device,
                             const std::string& device_spec) {
    if (dtype == at::kHalf && !device.is_cuda())
        throw ConfigError(
            "model.dtype = float16 is GPU-only here (libtorch's CPU kernels lack or crawl in half "
            "precision); on CPU set model.dtype: bfloat16 or float32 (model.device is " +
            device_spec + ")");
}

namespace {

// Base weights from model.path, never trained; adapters from the checkpoint being resumed, or
// model.lora.adapter_path, or new (B = 0: the policy starts as the base model).
TrainingModel load_lora_model(const RunConfig& c, const std::string& policy_dir,
                              const ModelOptions& o) {
    LoadedModel base = load_model(c.model.path, o);
    TrainingModel m{std::move(base.dir), base.model, nullptr, nullptr};
    for (auto& p : m.policy->parameters()) p.set_requires_grad(false);
    LoraOptions lo;
    lo.rank = c.model.lora.rank;
    lo.alpha = c.model.lora.alpha;
    lo.dropout = c.model.lora.dropout;
    lo.target_modules = c.model.lora.target_modules;
    lo.seed = static_cast<uint64_t>(c.trainer.seed);
    m.lora = std::make_shared<LoraModel>(m.policy, lo);
    std::string source;
    if (!fs::equivalent(policy_dir, c.model.path)) {
        source = policy_dir;  // resuming
    } else if (!c.model.lora.adapter_path.empty()) {
        source = c.model.lora.adapter_path;
        if (!is_adapter_dir(source))
            throw ConfigError("model.lora.adapter_path = '" + source + "' has no " +
                              kAdapterConfigFile + "; give a PEFT adapter directory (" +
                              kAdapterConfigFile + " + " + kAdapterWeightsFile + ")");
    }
    if (!source.empty()) {
        WeightMap weights = read_adapter_weights(source);
        check_adapter_matches(read_adapter_config(source), weights, *m.lora, source);
        m.lora->load_state_dict(weights);
    }
    for (const auto& [name, p] : m.lora->named_parameters()) p.set_requires_grad(true);
    return m;
}

}  // namespace

TrainingModel load_training_model(const RunConfig& c, const std::string& policy_dir) {
    ModelOptions o;
    o.dtype = to_scalar_type(c.model.dtype);
    o.device = resolve_device(c.model.device);
    check_dtype_fits_device(o.dtype, o.device, c.model.device);
    o.gradient_checkpointing = c.model.gradient_checkpointing;
    if (c.model.lora.enabled) return load_lora_model(c, policy_dir, o);
    LoadedModel loaded = load_model(policy_dir, o);
    TrainingModel m{std::move(loaded.dir), loaded.model, nullptr, nullptr};
    // The frozen reference anchors the KL and, with algorithm.vote_source = reference, votes.
    const bool reference_votes = c.algorithm.vote_source == VoteSource::reference;
    if ((c.algorithm.kl_coef > 0 || reference_votes) && c.algorithm.reward != RewardKind::sft) {
        if (fs::equivalent(policy_dir, c.model.path)) {
            m.reference = m.policy->frozen_copy();
        } else {  // resuming: the KL stays anchored to the initial model, not the checkpoint
            o.gradient_checkpointing = false;
            m.reference = load_model(c.model.path, o).model;
            for (auto& p : m.reference->parameters()) p.set_requires_grad(false);
            m.reference->eval();
        }
    }
    return m;
}

namespace {

bool holds_a_run(const std::string& dir) {
    std::error_code ec;
    const fs::path metrics = fs::path(dir) / run_files::kMetrics;
    return (fs::exists(metrics, ec) && fs::file_size(metrics, ec) > 0) ||
           !list_checkpoints(dir).empty();
}

// Paths made absolute, so that config.yaml (and --resume) work from any working directory.
RunConfig with_absolute_paths(RunConfig c) {
    auto abs = [](std::string& p) {
        if (!p.empty()) p = fs::absolute(p).lexically_normal().string();
    };
    abs(c.model.path);
    abs(c.trainer.output_dir);
    for (auto& f : c.data.train_files) abs(f);
    for (auto& f : c.data.val_files) abs(f);
    return c;
}

}  // namespace

std::unique_ptr<Trainer> Trainer::start(const RunConfig& config_in, SessionObserver* observer,
                                        const TrainerControl* control) {
    RunConfig config = with_absolute_paths(config_in);
    validate(config, /*for_training=*/true);
    std::shared_ptr<DistGroup> dist = connect_from_env(config);
    std::optional<RunLock> lock;  // rank 0 alone writes (and locks) the run directory
    if (!dist || dist->is_root()) lock.emplace(config.trainer.output_dir, "mmupt train");
    if (lock && holds_a_run(config.trainer.output_dir))
        throw ConfigError("trainer.output_dir = '" + config.trainer.output_dir +
                          "' already holds a run; continue it with `mmupt train --resume " +
                          config.trainer.output_dir + "` or choose another directory");
    if (!fs::is_directory(config.model.path))
        throw ConfigError("model.path = '" + config.model.path +
                          "' is not a directory; give a Hugging Face model directory "
                          "(config.json, *.safetensors, tokenizer files)");
    return std::unique_ptr<Trainer>(
        new Trainer(config, load_training_model(config, config.model.path), observer, control,
                    std::nullopt, std::move(lock), std::move(dist)));
}

std::unique_ptr<Trainer> Trainer::resume(const std::string& run_dir, SessionObserver* observer,
                                         const TrainerControl* control,
                                         const ResumeOptions& options) {
    const std::string dir = fs::absolute(run_dir).lexically_normal().string();
    const fs::path config_path = fs::path(dir) / run_files::kConfig;
    if (!fs::exists(config_path))
        throw CheckpointError("'" + dir + "' is not a run directory: it has no " +
                              run_files::kConfig);
    RunConfig config = load_config(config_path.string(), options.overrides, true);
    config.trainer.output_dir = dir;
    std::shared_ptr<DistGroup> dist = connect_from_env(config);
    std::optional<RunLock> lock;  // before any cleanup: the holder may be writing
    if (!dist || dist->is_root()) lock.emplace(dir, "mmupt train --resume");
    CheckpointStore store(dir, static_cast<int>(config.trainer.keep_last));
    std::optional<CheckpointInfo> latest;
    if (lock) {
        store.clean_incomplete();
        latest = store.latest();
    }
    if (dist) latest = agree_on_checkpoint(*dist, latest);  // every rank loads rank 0's choice
    // The config the checkpoint was trained with against the one resumed with.
    std::vector<ConfigChange> changes;
    if (latest) changes = diff_configs(read_checkpoint_config(latest->path), to_json(config));
    std::vector<ConfigChange> altering;
    for (const auto& c : changes)
        if (c.alters_trajectory) altering.push_back(c);
    if (!altering.empty() && !options.allow_config_change)
        throw ConfigError(
            "resuming '" + dir + "' with a config that changes what the run computes (" +
            describe(altering) + "); undo the edit of " + config_path.string() +
            " or the --set, or pass --allow-config-change to continue with it (the change is "
            "recorded in train.log). Changeable on resume: trainer.max_steps, save_every, "
            "keep_last, log_every, val_every, threads, model.device");
    const std::string policy_dir = latest ? latest->path : config.model.path;
    std::unique_ptr<Trainer> t(new Trainer(config, load_training_model(config, policy_dir),
                                           observer, control, latest ? latest->path : std::string(),
                                           std::move(lock), std::move(dist)));
    if (!changes.empty()) {
        t->log(altering.empty() ? LogLevel::info : LogLevel::warning,
               std::string(altering.empty() ? "config changed on resume: "
                                            : "config changed on resume "
                                              "(--allow-config-change): ") +
                   describe(changes));
    }
    if ((!changes.empty() || !options.overrides.empty()) && t->writes_run_dir())
        write_resolved_config(config, dir);
    return t;
}

Trainer::Trainer(const RunConfig& config, TrainingModel model, SessionObserver* observer,
                 const TrainerControl* control, const std::optional<std::string>& resume_from,
                 std::shared_ptr<DistGroup> dist)
    : Trainer(config, std::move(model), observer, control, resume_from,
              dist && !dist->is_root()
                  ? std::nullopt
                  : std::optional<RunLock>(std::in_place, config.trainer.output_dir, "mmupt train"),
              dist) {}

Trainer::~Trainer() = default;

Trainer::Trainer(const RunConfig& config, TrainingModel model, SessionObserver* observer,
                 const TrainerControl* control, const std::optional<std::string>& resume_from,
                 std::optional<RunLock> lock, std::shared_ptr<DistGroup> dist)
    : lock_(std::move(lock)),
      dist_(std::move(dist)),
      config_(config),
      model_(std::move(model)),
      observer_(observer),
      control_(control),
      device_(model_.policy->options().device),
      writer_(config.trainer.output_dir, !dist_ || dist_->is_root()),
      store_(config.trainer.output_dir, static_cast<int>(config.trainer.keep_last)),
      started_(std::chrono::steady_clock::now()) {
    validate(config_);
    const TrainerConfig& t = config_.trainer;
    if (t.threads > 0) at::set_num_threads(static_cast<int>(t.threads));
    if (!resume_from && writes_run_dir()) write_resolved_config(config_, writer_.dir());
    // Every save copies the tokenizer / processor files from the run's own copy, never from a
    // checkpoint that rotation may delete (or from model.path, which may change).
    if (!model_.dir.path.empty() && writes_run_dir()) {
        std::error_code ec;  // a new run never inherits the files of a start that died early
        if (!resume_from) fs::remove_all(fs::path(writer_.dir()) / run_files::kModelFiles, ec);
        model_.dir.path = ensure_run_model_files(writer_.dir(), model_.dir.path);
    }
    log(LogLevel::info, std::string(resume_from ? "resuming" : "starting") + " run in " +
                            writer_.dir() + " on " + device_.str() + " (" +
                            c10::toString(model_.policy->options().dtype) + ", " +
                            std::to_string(at::get_num_threads()) + " threads)");
    if (device_.is_cpu() && model_.policy->options().dtype != at::kFloat)
        log(LogLevel::warning,
            "low-precision training on CPU is slow; model.dtype=float32 is "
            "faster there");

    data_ = load_dataset(config_.data.train_files, config_.data);
    log(LogLevel::info, format_report(data_.report));
    const bool supervised = config_.algorithm.reward != RewardKind::majority_vote;
    if (supervised && data_.report.labelled < data_.report.examples)
        throw DataError("algorithm.reward = " + std::string(to_string(config_.algorithm.reward)) +
                        " needs a label on every example, but " +
                        std::to_string(data_.report.examples - data_.report.labelled) + " of " +
                        std::to_string(data_.report.examples) + " have none (data.answer_key = '" +
                        config_.data.answer_key + "')");
    if (t.val_every > 0) {
        val_data_ = load_dataset(config_.data.val_files, config_.data);
        log(LogLevel::info, "validation data:\n" + format_report(val_data_.report));
    }
    const uint64_t seed = static_cast<uint64_t>(t.seed);
    cursor_ = std::make_unique<DataCursor>(data_.examples.size(), seed, config_.data.shuffle);
    prompts_ = std::make_unique<PromptBuilder>(
        model_.dir.tokenizer, model_.dir.image_processor.config(), config_.data,
        model_.policy->config().vision.spatial_merge_size, device_);
    reward_ = make_reward_setup(config_.algorithm);

    std::vector<std::pair<std::string, at::Tensor>> params;
    std::set<const void*> vision;  // the tower's parameters, whatever their names
    for (const auto& p : model_.policy->visual->parameters())
        vision.insert(p.unsafeGetTensorImpl());
    for (auto& item : model_.policy->named_parameters()) {
        const bool frozen = model_.lora || (config_.model.freeze_vision &&
                                            vision.count(item.value().unsafeGetTensorImpl()));
        item.value().set_requires_grad(!frozen);
        if (item.value().requires_grad()) params.emplace_back(item.key(), item.value());
    }
    if (model_.lora) {  // only the adapters get gradients and optimizer state
        params = model_.lora->named_parameters();
        log(LogLevel::info, "LoRA: " + std::to_string(model_.lora->adapters().size()) +
                                " adapters, " + std::to_string(model_.lora->num_parameters()) +
                                " trainable parameters (rank " +
                                std::to_string(config_.model.lora.rank) + ")");
    }
    AdamWOptions o;
    o.beta1 = config_.optim.betas.at(0);
    o.beta2 = config_.optim.betas.at(1);
    o.eps = config_.optim.eps;
    o.weight_decay = config_.optim.weight_decay;
    o.max_grad_norm = config_.optim.grad_clip;
    std::vector<at::Tensor> trainable;
    for (const auto& named : params) trainable.push_back(named.second);
    // The EMA teacher averages exactly what the optimizer trains (LoRA: the adapters).
    if (config_.algorithm.vote_source == VoteSource::ema)
        teacher_ = std::make_unique<EmaTeacher>(params, config_.algorithm.teacher_ema_decay);
    optimizer_ = std::make_unique<AdamW>(std::move(params), o);
    setup_dist(trainable);  // digests checked with the other ranks, gradient sync
    model_.policy->set_gradient_checkpointing(config_.model.gradient_checkpointing);

    state_.sampling_seed =
        static_cast<uint64_t>(config_.rollout.seed >= 0 ? config_.rollout.seed : t.seed);
    state_.cursor = cursor_->state();
    if (resume_from) {
        if (!resume_from->empty()) {
            state_ = read_trainer_state(*resume_from);
            cursor_->restore(state_.cursor);
            optimizer_->load_state(read_optimizer_state(*resume_from), state_.optimizer_steps);
            restore_teacher(*resume_from);
            last_saved_step_ = state_.step;
        }
        const int dropped = writer_.truncate_after(state_.step);
        log(LogLevel::info, "continuing after step " + std::to_string(state_.step) +
                                (dropped ? " (dropped " + std::to_string(dropped) +
                                               " records written after that checkpoint)"
                                         : ""));
    }
    setup_best();  // after the resumed state: its best record
    const int64_t B = t.rollout_batch_size;
    const int64_t per_epoch = (static_cast<int64_t>(data_.examples.size()) + B - 1) / B;
    total_steps_ = static_cast<int>(t.max_steps > 0 ? t.max_steps : t.epochs * per_epoch);
}

double Trainer::elapsed_s() const {
    return state_.elapsed_s +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Trainer::log(LogLevel level, const std::string& message) {
    LogRecord r{
        level, message,
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()};
    writer_.append_log(r);
    if (observer_) observer_->on_log(r);
}

void Trainer::set_state(RunState state) {
    if (observer_) observer_->on_state(state);
}

bool Trainer::wait_while_paused() {
    if (!control_ || !control_->pause) return true;
    set_state(RunState::paused);
    while (control_->pause && !control_->stop && !control_->cancel)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    set_state(RunState::running);
    return !control_->stop && !control_->cancel;
}

CheckpointInfo Trainer::save_checkpoint() {
    if (!writes_run_dir()) {  // rank 0 saves for every rank (their weights are the same)
        last_saved_step_ = state_.step;
        return CheckpointInfo{state_.step, "", state_.metrics};
    }
    state_.optimizer_steps = optimizer_->steps_taken();
    state_.cursor = cursor_->state();
    TrainerState saved = state_;
    saved.elapsed_s = elapsed_s();  // state_.elapsed_s stays the time before this process
    saved.config_json = to_json(config_).dump();  // what a resume compares its config with
    std::map<std::string, at::Tensor> teacher;
    if (teacher_) teacher = teacher_->state_tensors();
    CheckpointInfo info =
        write_checkpoint(store_, saved, model_.policy, model_.dir, *optimizer_, model_.lora.get(),
                         fs::absolute(config_.model.path).lexically_normal().string(),
                         teacher_ ? &teacher : nullptr);
    last_saved_step_ = state_.step;
    log(LogLevel::info, "checkpoint " + info.path);
    if (observer_) observer_->on_checkpoint(info);
    return info;
}

RunFinished Trainer::run() {
    RunFinished result;
    result.run_dir = writer_.dir();
    started_ = std::chrono::steady_clock::now();
    set_state(RunState::running);
    try {
        writer_.write_status("running", state_.step, total_steps_);
        const int64_t every = config_.trainer.save_every;
        // collapse.alarm = rollback needs a checkpoint before any alarm: the start is one.
        if (config_.collapse.alarm == CollapseAction::rollback && !store_.latest())
            save_checkpoint();
        while (state_.step < total_steps_) {
            if (!sync_control()) break;  // data-parallel: every rank stops at the same step
            if (!wait_while_paused() || (control_ && (control_->stop || control_->cancel))) break;
            std::optional<StepMetrics> m = train_step();
            if (!m) break;                      // cancelled mid-step: nothing of it was written
            const bool go_on = act_on_alarm();  // false: collapse.alarm = stop, checkpoint below
            if (state_.step == m->step) update_best(*m);  // not a step a rollback undid
            if (!go_on) break;
            // A checkpoint of a step whose update was skipped as non-finite would only save a
            // broken state; the previous good one stays the resume point.
            if (every > 0 && state_.step % every == 0 && state_.bad_steps == 0 &&
                last_saved_step_ != state_.step)
                save_checkpoint();
        }
        if (control_ && control_->cancel) {
            log(LogLevel::warning, "cancelled after step " + std::to_string(state_.step) +
                                       "; the last checkpoint is the resume point");
            log_best();
            result.state = RunState::cancelled;
            writer_.write_status("cancelled", state_.step, total_steps_);
        } else {
            if (control_ && control_->stop) set_state(RunState::stopping);
            if (last_saved_step_ != state_.step && state_.bad_steps == 0) save_checkpoint();
            log_best();
            result.state = RunState::finished;
            result.interrupted = state_.step < total_steps_;
            result.message = alarm_stop_;
            if (result.interrupted && alarm_stop_.empty())
                log(LogLevel::info, "interrupted after step " + std::to_string(state_.step) +
                                        "; continue with `mmupt train --resume " + writer_.dir() +
                                        "`");
            writer_.write_status(result.interrupted ? "interrupted" : "finished", state_.step,
                                 total_steps_, alarm_stop_);
        }
    } catch (const std::exception& e) {
        result.state = RunState::failed;
        result.message = e.what();
        try {
            log(LogLevel::error, std::string("run failed: ") + e.what());
            writer_.write_status("failed", state_.step, total_steps_, e.what());
        } catch (...) {  // the run directory itself may be what failed
        }
    }
    result.last_step = state_.step;
    set_state(result.state);
    return result;
}

}  // namespace mmupt
