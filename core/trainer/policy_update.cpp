// PPO / SFT updates with gradient accumulation (policy_update.h).
#include "core/trainer/policy_update.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/trainer/prefix_scoring.h"
#include "core/util/test_pause.h"

namespace mmupt {
namespace {

// Running sums of the per-micro-batch metrics, weighted by each micro-batch's share of its
// mini-batch (so one mini-batch contributes weight 1).
struct Accumulator {
    UpdateStats stats;
    double minis = 0, grad_norm_sum = 0;
    void add(const GrpoLossMetrics& m, double w) {
        stats.loss += w * m.loss;
        stats.pg_loss += w * m.pg_loss;
        stats.kl_loss += w * m.kl_loss;
        stats.entropy += w * m.entropy;
        stats.entropy_loss += w * m.entropy_loss;
        stats.ppo_kl += w * m.ppo_kl;
        stats.pg_clipfrac_higher += w * m.pg_clipfrac_higher;
        stats.pg_clipfrac_lower += w * m.pg_clipfrac_lower;
        if (!std::isfinite(m.loss)) ++stats.nonfinite_losses;
    }
    void optimizer_step(AdamW& optimizer, const UpdatePlan& plan) {
        stats.lr = warmup_constant_lr(plan.base_lr, optimizer.steps_taken(), plan.warmup_steps);
        if (plan.before_step) plan.before_step();  // gradients summed over the ranks
        AdamWStepResult r = optimizer.step(stats.lr);
        minis += 1;
        if (r.skipped) {
            ++stats.skipped_updates;
        } else {
            ++stats.updates;
            grad_norm_sum += r.grad_norm;
            if (plan.after_step) plan.after_step();
        }
    }
    UpdateStats finish() {
        UpdateStats s = stats;
        const double k = minis > 0 ? 1.0 / minis : 0.0;
        for (double* v : {&s.loss, &s.pg_loss, &s.kl_loss, &s.entropy, &s.entropy_loss, &s.ppo_kl,
                          &s.pg_clipfrac_higher, &s.pg_clipfrac_lower})
            *v *= k;
        s.grad_norm = s.updates > 0 ? grad_norm_sum / static_cast<double>(s.updates)
                                    : std::numeric_limits<double>::quiet_NaN();
        return s;
    }
};

bool is_cancelled(const UpdatePlan& plan) { return plan.cancelled && plan.cancelled(); }

bool row_kept(const PolicyBatch& b, int64_t row) {
    return b.keep.empty() || b.keep[static_cast<size_t>(row)] != 0;
}

// The loss weight of rows [row0, row0 + rows): kept response tokens, or kept rows (seq-mean).
double kept_weight(const PolicyBatch& b, int64_t row0, int64_t rows, bool seq_mean) {
    double w = 0;
    for (int64_t r = row0; r < row0 + rows; ++r)
        if (row_kept(b, r))
            w += seq_mean ? 1.0 : static_cast<double>(b.sequences->response_lengths[size_t(r)]);
    return w;
}

// (n, 1) 0/1 float mask of the kept rows in [row0, row0 + rows), on the device.
at::Tensor keep_mask(const PolicyBatch& b, int64_t row0, int64_t rows, at::Device device) {
    std::vector<float> keep;
    for (int64_t r = row0; r < row0 + rows; ++r) keep.push_back(row_kept(b, r) ? 1.0f : 0.0f);
    return at::tensor(keep, at::TensorOptions().dtype(at::kFloat)).view({rows, 1}).to(device);
}

}  // namespace

std::vector<std::vector<RowRange>> plan_micro_batches(int64_t num_rows, int64_t mini_rows,
                                                      int64_t micro_rows) {
    std::vector<std::vector<RowRange>> minis;
    for (int64_t m0 = 0; m0 < num_rows; m0 += mini_rows) {
        const int64_t m1 = std::min(num_rows, m0 + mini_rows);
        std::vector<RowRange> micros;
        for (int64_t r0 = m0; r0 < m1; r0 += micro_rows)
            micros.push_back({r0, std::min(micro_rows, m1 - r0)});
        minis.push_back(std::move(micros));
    }
    return minis;
}

std::vector<at::Tensor> score_micro_batches(VlmModel& model, const SequenceBatch& batch,
                                            const UpdatePlan& plan) {
    at::NoGradGuard no_grad;
    const bool was_training = model->is_training();
    model->eval();
    std::vector<at::Tensor> out;
    for (const auto& mini : plan_micro_batches(batch.num_rows(), plan.mini_rows, plan.micro_rows))
        for (const RowRange& r : mini) {
            MicroBatch mb = make_micro_batch(batch, r.row0, r.rows, plan.device);
            // G rows of a prompt share it: prefill it once (prefix_scoring.h).
            out.push_back(
                plan.shared_prefix && shares_prompts(batch, mb)
                    ? score_shared_prefix(model, batch, mb, plan.temperature)
                    : model->score_tokens(mb.inputs, mb.response_mask, plan.temperature).logprobs);
        }
    model->train(was_training);
    return out;
}

UpdateStats ppo_update(VlmModel& policy, AdamW& optimizer, const PolicyBatch& batch,
                       const GrpoLossOptions& loss, const UpdatePlan& plan) {
    const SequenceBatch& seq = *batch.sequences;
    const bool seq_mean = loss.aggregation != LossAggregation::kTokenMean;
    const auto minis = plan_micro_batches(seq.num_rows(), plan.mini_rows, plan.micro_rows);
    policy->train();
    Accumulator acc;
    for (int64_t epoch = 0; epoch < plan.ppo_epochs; ++epoch) {
        size_t micro_index = 0;
        for (const auto& mini : minis) {
            // The loss of each micro-batch is a mean over its own kept tokens (or rows); its
            // weight makes the accumulated gradient the mean over the whole mini-batch.
            double denominator = 0;
            for (const RowRange& r : mini)
                denominator += kept_weight(batch, r.row0, r.rows, seq_mean);
            if (plan.global_sum) denominator = plan.global_sum(denominator);
            // Over ranks, an update happens when any rank has a kept row (others add zeros).
            bool any_gradient =
                plan.global_sum &&
                denominator > 0;  // a mini-batch whose groups were all dropped: no update
            for (const RowRange& r : mini) {
                if (is_cancelled(plan)) {
                    optimizer.zero_grad();
                    acc.stats.cancelled = true;
                    return acc.finish();
                }
                MicroBatch mb = make_micro_batch(seq, r.row0, r.rows, plan.device);
                at::Tensor keep = keep_mask(batch, r.row0, r.rows, plan.device);  // (n, 1)
                TokenScores s =
                    policy->score_tokens(mb.inputs, mb.response_mask, plan.temperature);  // (n, t)
                GrpoLossInputs in;
                in.log_probs = s.logprobs;
                in.old_log_probs = batch.old_log_probs.empty() ? s.logprobs.detach()
                                                               : batch.old_log_probs[micro_index];
                if (!batch.ref_log_probs.empty())
                    in.ref_log_probs = batch.ref_log_probs[micro_index];
                in.advantages = batch.advantages.narrow(0, r.row0, r.rows);  // (n)
                in.response_mask = mb.response_mask * keep;                  // (n, t)
                // The entropy score_tokens already computed: reported, and with an entropy
                // bonus (or penalty) differentiated too (its graph back to the logits is kept).
                in.entropy = loss.entropy_coef != 0 ? s.entropy : s.entropy.detach();
                ++micro_index;
                const double part = kept_weight(batch, r.row0, r.rows, seq_mean);
                if (part <= 0 || denominator <= 0) continue;  // every row here was dropped
                GrpoLossOutput out = grpo_loss(in, loss);
                const double w = part / denominator;
                (out.loss * w).backward();
                any_gradient = true;
                acc.add(out.metrics, w);
                if (epoch == 0) acc.stats.tokens += mb.tokens;
            }
            if (any_gradient) acc.optimizer_step(optimizer, plan);
            test_pause_point("update");  // weights moved, the step not yet reported
        }
    }
    return acc.finish();
}

UpdateStats sft_update(VlmModel& policy, AdamW& optimizer, const SequenceBatch& batch,
                       const UpdatePlan& plan) {
    const auto minis = plan_micro_batches(batch.num_rows(), plan.mini_rows, plan.micro_rows);
    policy->train();
    Accumulator acc;
    for (int64_t epoch = 0; epoch < plan.ppo_epochs; ++epoch)
        for (const auto& mini : minis) {
            int64_t denominator = 0;
            for (const RowRange& r : mini) denominator += batch.response_tokens(r.row0, r.rows);
            if (plan.global_sum)
                denominator = static_cast<int64_t>(plan.global_sum(double(denominator)));
            for (const RowRange& r : mini) {
                if (is_cancelled(plan)) {
                    optimizer.zero_grad();
                    acc.stats.cancelled = true;
                    return acc.finish();
                }
                MicroBatch mb = make_micro_batch(batch, r.row0, r.rows, plan.device);
                TokenScores s = policy->score_tokens(mb.inputs, mb.response_mask);  // (n, t)
                // Sum of the NLL over this micro-batch's tokens / the mini-batch's tokens.
                at::Tensor nll = -(s.logprobs * mb.response_mask).sum() /
                                 static_cast<double>(std::max<int64_t>(denominator, 1));
                nll.backward();
                const double w = static_cast<double>(mb.tokens) /
                                 static_cast<double>(std::max<int64_t>(denominator, 1));
                GrpoLossMetrics m;
                m.loss = m.pg_loss = w > 0 ? nll.item<double>() / w : 0.0;
                at::NoGradGuard no_grad;
                m.entropy = (s.entropy * mb.response_mask).sum().item<double>() /
                            static_cast<double>(std::max<int64_t>(mb.tokens, 1));
                acc.add(m, w);
                if (epoch == 0) acc.stats.tokens += mb.tokens;
            }
            acc.optimizer_step(optimizer, plan);
        }
    return acc.finish();
}

}  // namespace mmupt
