// The GRPO loss: shape checks, the clipped surrogate, the KL term, aggregation and metrics.
#include "core/grpo/grpo_loss.h"

#include <ATen/ATen.h>

#include <cmath>
#include <sstream>

#include "core/util/errors.h"

namespace mmupt {

namespace {

std::string shape_of(const at::Tensor& t) {
    if (!t.defined()) return "undefined";
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

void check_same_shape(const at::Tensor& t, const char* name, const at::Tensor& like) {
    if (!t.defined() || t.sizes() != like.sizes())
        throw ModelError(std::string("grpo_loss: ") + name + " must be (N, T) = " + shape_of(like) +
                         ", got " + shape_of(t));
}

void check(const GrpoLossInputs& in, const GrpoLossOptions& o) {
    if (!(o.clip_ratio_low > 0.0 && o.clip_ratio_low < 1.0))
        throw ConfigError("grpo clip_ratio_low must be in (0, 1), got " +
                          std::to_string(o.clip_ratio_low));
    if (!(o.clip_ratio_high > 0.0))
        throw ConfigError("grpo clip_ratio_high must be > 0, got " +
                          std::to_string(o.clip_ratio_high));
    if (o.clip_ratio_dual > 0.0 && !(o.clip_ratio_dual > 1.0))
        throw ConfigError("grpo clip_ratio_dual must be > 1 (or <= 0 to disable), got " +
                          std::to_string(o.clip_ratio_dual));
    if (!(o.kl_coef >= 0.0))
        throw ConfigError("grpo kl_coef must be >= 0, got " + std::to_string(o.kl_coef));
    if (!std::isfinite(o.entropy_coef))
        throw ConfigError("grpo entropy_coef must be finite, got " +
                          std::to_string(o.entropy_coef));
    if (!in.log_probs.defined() || in.log_probs.dim() != 2)
        throw ModelError("grpo_loss: log_probs must be (N, T), got " + shape_of(in.log_probs));
    check_same_shape(in.old_log_probs, "old_log_probs", in.log_probs);
    check_same_shape(in.response_mask, "response_mask", in.log_probs);
    if (o.kl_coef > 0.0) check_same_shape(in.ref_log_probs, "ref_log_probs", in.log_probs);
    if (in.entropy.defined() || o.entropy_coef != 0.0)
        check_same_shape(in.entropy, "entropy", in.log_probs);
    const at::Tensor& a = in.advantages;
    const bool per_response = a.defined() && a.dim() == 1 && a.size(0) == in.log_probs.size(0);
    const bool per_token = a.defined() && a.sizes() == in.log_probs.sizes();
    if (!per_response && !per_token)
        throw ModelError("grpo_loss: advantages must be (N) or (N, T) with (N, T) = " +
                         shape_of(in.log_probs) + ", got " + shape_of(a));
}

at::Tensor token_advantages(const at::Tensor& a, const at::Tensor& like) {
    return a.dim() == 1 ? a.unsqueeze(1).expand_as(like) : a;  // (N, T)
}

double item(const at::Tensor& t) { return t.item<double>(); }

}  // namespace

at::Tensor clipped_policy_loss(const at::Tensor& log_probs, const at::Tensor& old_log_probs,
                               const at::Tensor& advantages, const GrpoLossOptions& o) {
    at::Tensor adv = token_advantages(advantages, log_probs).detach();                  // (N, T)
    at::Tensor log_ratio = at::clamp(log_probs - old_log_probs.detach(), -20.0, 20.0);  // (N, T)
    at::Tensor ratio = at::exp(log_ratio);                                              // (N, T)
    at::Tensor unclipped = -adv * ratio;                                                // (N, T)
    at::Tensor clipped =
        -adv * at::clamp(ratio, 1.0 - o.clip_ratio_low, 1.0 + o.clip_ratio_high);  // (N, T)
    at::Tensor loss = at::max(unclipped, clipped);                                 // (N, T)
    if (o.clip_ratio_dual > 0.0) {
        // For A < 0 the pessimistic max above is unbounded in the ratio; cap it at -A * c.
        at::Tensor dual = at::min(loss, -adv * o.clip_ratio_dual);  // (N, T)
        loss = at::where(adv < 0, dual, loss);
    }
    return loss;
}

GrpoLossOutput grpo_loss(const GrpoLossInputs& in, const GrpoLossOptions& o) {
    check(in, o);
    const at::Tensor& logp = in.log_probs;                      // (N, T)
    at::Tensor mask = in.response_mask.to(logp.scalar_type());  // (N, T)

    GrpoLossOutput out;
    at::Tensor per_token = clipped_policy_loss(logp, in.old_log_probs, in.advantages, o);  // (N, T)
    out.pg_loss = aggregate_loss(per_token, mask, o.aggregation, o.norm_length);
    if (o.kl_coef > 0.0) {
        at::Tensor kl = kl_penalty(logp, in.ref_log_probs.detach(), o.kl_estimator);  // (N, T)
        out.kl_loss = aggregate_loss(kl, mask, o.aggregation, o.norm_length);
        out.loss = out.pg_loss + o.kl_coef * out.kl_loss;
    } else {
        out.kl_loss = at::zeros({}, logp.options());
        out.loss = out.pg_loss;
    }
    if (o.entropy_coef != 0.0) {  // the same aggregation, hence the same token weights
        at::Tensor entropy = in.entropy.to(logp.scalar_type());  // (N, T), with its graph
        out.entropy_loss = aggregate_loss(entropy, mask, o.aggregation, o.norm_length);
        out.loss = out.loss - o.entropy_coef * out.entropy_loss;
    } else {
        out.entropy_loss = at::zeros({}, logp.options());
    }

    // Metrics: no graph, one read-back each.
    at::NoGradGuard no_grad;
    GrpoLossMetrics& m = out.metrics;
    at::Tensor adv = token_advantages(in.advantages, logp).detach();                  // (N, T)
    at::Tensor log_ratio = at::clamp(logp.detach() - in.old_log_probs, -20.0, 20.0);  // (N, T)
    at::Tensor ratio = at::exp(log_ratio);                                            // (N, T)
    at::Tensor on = mask > 0;                                                         // (N, T)
    const double hi = 1.0 + o.clip_ratio_high, lo = 1.0 - o.clip_ratio_low;
    at::Tensor upper = (adv > 0) & (ratio > hi);  // (N, T)
    at::Tensor lower = (adv < 0) & (ratio < lo);  // (N, T)
    at::Tensor dual = o.clip_ratio_dual > 0.0 ? (adv < 0) & (ratio > o.clip_ratio_dual)
                                              : at::zeros_like(on);  // (N, T)
    m.loss = item(out.loss);
    m.pg_loss = item(out.pg_loss);
    m.kl_loss = item(out.kl_loss);
    m.entropy_loss = item(out.entropy_loss);
    m.ppo_kl = item(masked_mean(-log_ratio, mask));
    m.clipfrac_upper_bound = item(masked_mean(upper.to(mask.scalar_type()), mask));
    m.clipfrac_lower_bound = item(masked_mean(lower.to(mask.scalar_type()), mask));
    m.pg_clipfrac_higher = m.clipfrac_upper_bound + m.clipfrac_lower_bound;
    m.pg_clipfrac_lower = item(masked_mean(dual.to(mask.scalar_type()), mask));
    m.ratio_mean = item(masked_mean(ratio, mask));
    m.num_tokens = item(mask.sum());
    m.ratio_max = m.num_tokens > 0 ? item(ratio.masked_select(on).max()) : 0.0;
    if (in.entropy.defined())
        m.entropy = item(masked_mean(in.entropy.to(mask.scalar_type()), mask));
    return out;
}

}  // namespace mmupt
