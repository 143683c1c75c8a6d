// Group advantages computed in double on the CPU (N is a few thousand at most), then returned
// on the rewards' device and dtype. Zero variance is detected exactly (max == min), not from a
// rounded std, so a group of equal soft rewards is flagged reliably.
#include "core/grpo/group_advantage.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <vector>

#include "core/util/errors.h"

namespace mmupt {

namespace {

void check_inputs(const at::Tensor& rewards, const at::Tensor& group_ids,
                  const AdvantageOptions& options, const at::Tensor& agreement) {
    if (!rewards.defined() || rewards.dim() != 1 || !rewards.is_floating_point())
        throw ModelError("group advantages: rewards must be a (N) floating tensor");
    if (!group_ids.defined() || group_ids.dim() != 1 || group_ids.is_floating_point() ||
        group_ids.size(0) != rewards.size(0))
        throw ModelError(
            "group advantages: group_ids must be a (N) integer tensor matching "
            "rewards (N = " +
            std::to_string(rewards.size(0)) + ")");
    if (!(options.eps > 0.0))
        throw ConfigError("advantage eps must be > 0, got " + std::to_string(options.eps));
    if (options.min_agreement > 0.0 &&
        (!agreement.defined() || agreement.dim() != 1 || agreement.size(0) != rewards.size(0)))
        throw ModelError("advantage min_agreement > 0 needs a (N) agreement tensor");
}

}  // namespace

GroupAdvantages compute_group_advantages(const at::Tensor& rewards, const at::Tensor& group_ids,
                                         const AdvantageOptions& options,
                                         const at::Tensor& agreement) {
    check_inputs(rewards, group_ids, options, agreement);
    const int64_t n = rewards.size(0);
    at::Tensor r_cpu = rewards.detach().to(at::kCPU, at::kDouble).contiguous();  // (N)
    at::Tensor id_cpu = group_ids.to(at::kCPU, at::kLong).contiguous();          // (N)
    const double* r = r_cpu.data_ptr<double>();
    const int64_t* id = id_cpu.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(r[i]))
            throw ModelError("group advantages: reward of response " + std::to_string(i) +
                             " (group " + std::to_string(id[i]) + ") is not finite");
    std::vector<double> agree(n, 1.0);
    if (options.min_agreement > 0.0) {
        at::Tensor a = agreement.detach().to(at::kCPU, at::kDouble).contiguous();  // (N)
        std::copy(a.data_ptr<double>(), a.data_ptr<double>() + n, agree.begin());
    }

    std::map<int64_t, std::vector<int64_t>> members;  // group id -> response indices
    for (int64_t i = 0; i < n; ++i) members[id[i]].push_back(i);

    std::vector<double> adv(n, 0.0);
    std::vector<uint8_t> zero_var(n, 0), keep(n, 1);
    GroupAdvantages out;
    out.num_groups = static_cast<int64_t>(members.size());
    for (const auto& [gid, idx] : members) {
        (void)gid;
        double lo = r[idx[0]], hi = r[idx[0]], sum = 0.0;
        for (int64_t i : idx) {
            lo = std::min(lo, r[i]);
            hi = std::max(hi, r[i]);
            sum += r[i];
        }
        const bool flat = idx.size() < 2 || lo == hi;
        const bool drop = (flat && options.drop_zero_variance) ||
                          (options.min_agreement > 0.0 && agree[idx[0]] < options.min_agreement);
        out.num_zero_variance_groups += flat ? 1 : 0;
        out.num_dropped_groups += drop ? 1 : 0;
        const double mean = sum / static_cast<double>(idx.size());
        double sq = 0.0;
        for (int64_t i : idx) sq += (r[i] - mean) * (r[i] - mean);
        const double std_unbiased =
            flat ? 0.0 : std::sqrt(sq / static_cast<double>(idx.size() - 1));
        for (int64_t i : idx) {
            zero_var[i] = flat ? 1 : 0;
            keep[i] = drop ? 0 : 1;
            if (flat || drop) continue;
            adv[i] = options.normalize_by_std ? (r[i] - mean) / (std_unbiased + options.eps)
                                              : r[i] - mean;
        }
    }
    const auto dev = rewards.device();
    out.advantages = at::tensor(adv, at::kDouble).to(dev, rewards.scalar_type());  // (N)
    out.zero_variance = at::tensor(std::vector<int64_t>(zero_var.begin(), zero_var.end()))
                            .to(dev, at::kBool);  // (N)
    out.keep =
        at::tensor(std::vector<int64_t>(keep.begin(), keep.end())).to(dev, at::kBool);  // (N)
    return out;
}

}  // namespace mmupt
