// LoRA adapters (lora.h): attaching them to the decoder, the side path, merge / unmerge, state.
#include "core/model/lora.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/modules/linear.h>

#include <cmath>
#include <regex>

#include "core/model/half_matmul.h"
#include "core/model/vlm_model.h"
#include "core/util/errors.h"

namespace mmupt {

LoraAdapterImpl::LoraAdapterImpl(int64_t in, int64_t out, int64_t rank, double scaling_,
                                 double dropout_)
    : scaling(scaling_), dropout(dropout_) {
    lora_A = register_module("lora_A",
                             torch::nn::Linear(torch::nn::LinearOptions(in, rank).bias(false)));
    lora_B = register_module("lora_B",
                             torch::nn::Linear(torch::nn::LinearOptions(rank, out).bias(false)));
}

at::Tensor LoraAdapterImpl::delta(const at::Tensor& x, bool training) const {
    at::Tensor h = (training && dropout > 0) ? at::dropout(x, dropout, /*train=*/true) : x;
    h = linear_any(h, lora_A->weight);               // (..., r)
    return linear_any(h, lora_B->weight) * scaling;  // (..., out)
}

at::Tensor LoraAdapterImpl::delta_weight() const {
    return at::matmul(lora_B->weight, lora_A->weight) * scaling;  // (out, r) x (r, in)
}

namespace {

// The decoder projection a module name points at, or nullptr (then it is not a LoRA target we
// support: the vision tower, the LM head, ...).
LoraAdapterImpl** slot_for(VlmModelImpl& model, const std::string& name, torch::nn::Linear* out) {
    static const std::regex layer_re(R"(model\.language_model\.layers\.(\d+)\.(\w+)\.(\w+))");
    std::smatch m;
    if (!std::regex_match(name, m, layer_re)) return nullptr;
    const int64_t i = std::stoll(m[1].str());
    auto* layer = model.language_model->layers[static_cast<size_t>(i)]->as<DecoderLayerImpl>();
    const std::string block = m[2].str(), proj = m[3].str();
    DecoderLoraSlots& s = layer->lora;
    struct Entry {
        const char* block;
        const char* proj;
        LoraAdapterImpl** slot;
        torch::nn::Linear* linear;
    };
    const Entry entries[] = {{"self_attn", "q_proj", &s.q_proj, &layer->q_proj},
                             {"self_attn", "k_proj", &s.k_proj, &layer->k_proj},
                             {"self_attn", "v_proj", &s.v_proj, &layer->v_proj},
                             {"self_attn", "o_proj", &s.o_proj, &layer->o_proj},
                             {"mlp", "gate_proj", &s.gate_proj, &layer->gate_proj},
                             {"mlp", "up_proj", &s.up_proj, &layer->up_proj},
                             {"mlp", "down_proj", &s.down_proj, &layer->down_proj}};
    for (const Entry& e : entries)
        if (block == e.block && proj == e.proj) {
            *out = *e.linear;
            return e.slot;
        }
    return nullptr;
}

}  // namespace

LoraModel::LoraModel(const VlmModel& model, const LoraOptions& o) : model_(model), options_(o) {
    if (o.rank < 1)
        throw ConfigError("model.lora.rank = " + std::to_string(o.rank) + ": must be >= 1");
    std::regex target;
    try {
        if (o.target_names.empty()) target = std::regex(o.target_modules, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw ConfigError("model.lora.target_modules = '" + o.target_modules +
                          "' is not a valid regular expression (" + e.what() + ")");
    }
    const ModelOptions options = model->options();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
    for (const auto& item : model_->named_modules("", /*include_self=*/false)) {
        const std::string& name = item.key();
        const bool wanted = o.target_names.empty() ? std::regex_match(name, target)
                                                   : o.target_names.count(name) > 0;
        if (!item.value()->as<torch::nn::LinearImpl>() || !wanted) continue;
        torch::nn::Linear linear{nullptr};
        LoraAdapterImpl** slot = slot_for(*model_, name, &linear);
        if (!slot)
            throw ConfigError("model.lora.target_modules = '" + o.target_modules + "' matches '" +
                              name +
                              "', which LoRA does not support here: only the language model's "
                              "q/k/v/o and gate/up/down projections can carry adapters");
        const int64_t in = linear->options.in_features(), out = linear->options.out_features();
        LoraAdapter a(in, out, o.rank, o.alpha / static_cast<double>(o.rank), o.dropout);
        {  // PEFT: kaiming_uniform_(A, a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)); B = 0
            at::NoGradGuard no_grad;
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            a->lora_A->weight.copy_(
                at::empty({o.rank, in}, at::kFloat).uniform_(-bound, bound, gen));
            a->lora_B->weight.zero_();
        }
        a->to(options.device, options.dtype);
        *slot = a.get();
        adapters_.emplace(name, a);
    }
    if (adapters_.empty())
        throw ConfigError("model.lora.target_modules = '" + o.target_modules +
                          "' matches no Linear module; the default is " + kDefaultLoraTargets);
}

LoraModel::~LoraModel() {
    // Detach the side paths so the model never points at freed adapters.
    for (auto& item : model_->language_model->layers->children())
        item->as<DecoderLayerImpl>()->lora = DecoderLoraSlots{};
}

std::vector<std::pair<std::string, at::Tensor>> LoraModel::named_parameters() const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto& [name, a] : adapters_) {
        out.emplace_back(name + ".lora_A.weight", a->lora_A->weight);
        out.emplace_back(name + ".lora_B.weight", a->lora_B->weight);
    }
    return out;
}

int64_t LoraModel::num_parameters() const {
    int64_t n = 0;
    for (const auto& [name, p] : named_parameters()) n += p.numel();
    return n;
}

void LoraModel::set_enabled(bool on) {
    for (auto& [name, a] : adapters_) a->enabled = on;
}

void LoraModel::fold(double sign) {
    at::NoGradGuard no_grad;
    for (auto& [name, a] : adapters_) {
        torch::nn::Linear linear{nullptr};
        slot_for(*model_, name, &linear);
        at::Tensor w = linear->weight;  // (out, in)
        w.add_(a->delta_weight().to(w.scalar_type()), sign);
    }
}

void LoraModel::merge() {
    if (merged_) return;
    fold(+1.0);
    merged_ = true;
    set_enabled(false);
}

void LoraModel::unmerge() {
    if (!merged_) return;
    fold(-1.0);
    merged_ = false;
    set_enabled(true);
}

WeightMap LoraModel::state_dict() const {
    WeightMap out;
    for (const auto& [name, p] : named_parameters()) out[name] = p.detach();
    return out;
}

void LoraModel::load_state_dict(const WeightMap& weights) {
    at::NoGradGuard no_grad;
    auto params = named_parameters();
    for (auto& [name, p] : params) {
        auto it = weights.find(name);
        if (it == weights.end())
            throw ModelError("the adapter lacks '" + name +
                             "' (trained with other target_modules?)");
        if (it->second.sizes() != p.sizes())
            throw ModelError("adapter tensor '" + name + "' has shape " +
                             c10::str(it->second.sizes()) + ", expected " + c10::str(p.sizes()) +
                             " (another rank or base model?)");
        p.copy_(it->second.to(p.device(), p.scalar_type()));
    }
    if (weights.size() != params.size())
        for (const auto& [name, t] : weights) {
            bool known = false;
            for (const auto& [n, p] : params) known = known || n == name;
            if (!known)
                throw ModelError("adapter tensor '" + name +
                                 "' has no module here (target_modules differ?)");
        }
}

AdaptersDisabled::AdaptersDisabled(LoraModel* lora) : lora_(lora) {
    if (!lora_) return;
    if (lora_->merged())
        throw ModelError("LoRA: cannot disable merged adapters; unmerge them first");
    lora_->set_enabled(false);
}

AdaptersDisabled::~AdaptersDisabled() {
    if (lora_) lora_->set_enabled(true);
}

}  // namespace mmupt
