// Weight-name normalisation and checked copying into parameters (QWEN2-VL.md §2).
#include "core/model/weight_names.h"

#include <sstream>

#include <ATen/core/grad_mode.h>

#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {
namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string shape_str(at::IntArrayRef s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

const char* kEmbed = "model.language_model.embed_tokens.weight";
const char* kHead = "lm_head.weight";

WeightMap canonicalise(const WeightMap& weights) {
    WeightMap out;
    std::map<std::string, std::string> source;
    for (const auto& [name, t] : weights) {
        std::string c = canonical_weight_name(name);
        if (out.count(c))
            throw ModelError("checkpoint holds both \"" + source[c] + "\" and \"" + name +
                             "\", which name the same weight " + c + "; keep one prefix layout");
        out[c] = t;
        source[c] = name;
    }
    return out;
}

}  // namespace

std::string canonical_weight_name(const std::string& n) {
    if (n == "visual" || starts_with(n, "visual.")) return "model." + n;
    if (starts_with(n, "model.") && !starts_with(n, "model.language_model.") &&
        !starts_with(n, "model.visual."))
        return "model.language_model." + n.substr(6);
    return n;
}

std::string legacy_weight_name(const std::string& c) {
    if (starts_with(c, "model.visual.")) return c.substr(6);
    if (starts_with(c, "model.language_model.")) return "model." + c.substr(21);
    return c;
}

void load_weight_map(const std::map<std::string, at::Tensor>& params, const WeightMap& weights,
                     bool tied_head, const WeightLoadOptions& options) {
    WeightMap w = canonicalise(weights);
    std::vector<std::string> missing, unexpected;
    for (const auto& [name, p] : params) {
        auto it = w.find(name);
        if (it == w.end()) {
            missing.push_back(name + " " + shape_str(p.sizes()));
            continue;
        }
        const at::Tensor& t = it->second;
        if (t.sizes() != p.sizes())
            throw ModelError("weight " + name + ": the model expects shape " +
                             shape_str(p.sizes()) + ", the checkpoint has " + shape_str(t.sizes()) +
                             " (does config.json match the weights?)");
        if (!at::isFloatingType(t.scalar_type()))
            throw ModelError("weight " + name + ": expected a floating-point tensor, got " +
                             std::string(c10::toString(t.scalar_type())));
        if (options.check_finite && !at::isfinite(t).all().item<bool>())
            throw ModelError("weight " + name + " contains NaN or Inf values; the checkpoint " +
                             "is corrupt or was saved from a diverged run");
    }
    if (!missing.empty()) {
        std::string list;
        for (size_t i = 0; i < missing.size() && i < 8; ++i) list += "\n  " + missing[i];
        if (missing.size() > 8) list += "\n  ... (" + std::to_string(missing.size()) + " in all)";
        throw ModelError("checkpoint is missing " + std::to_string(missing.size()) +
                         " weight(s) the model needs:" + list +
                         (params.count(kHead) ? "\n(an untied model needs lm_head.weight; "
                                                "is tie_word_embeddings right?)"
                                              : ""));
    }
    for (const auto& [name, t] : w) {
        if (params.count(name)) continue;
        if (tied_head && name == kHead) {
            if (w.count(kEmbed) && (t.sizes() != w.at(kEmbed).sizes() ||
                                    !at::equal(t.to(at::kFloat), w.at(kEmbed).to(at::kFloat))))
                log_warning(
                    "checkpoint lm_head.weight differs from embed_tokens.weight but "
                    "tie_word_embeddings is set; using embed_tokens.weight");
            continue;
        }
        unexpected.push_back(name);
    }
    if (!unexpected.empty()) {
        std::string msg = std::to_string(unexpected.size()) + " checkpoint weight(s) the model " +
                          "does not use, first: " + unexpected.front();
        if (!options.allow_unexpected) throw ModelError(msg + " (wrong architecture or config?)");
        log_warning(msg + "; ignored");
    }
    at::NoGradGuard no_grad;
    for (const auto& [name, p] : params) {
        at::Tensor dst = p;
        dst.copy_(w.at(name).to(p.device(), p.scalar_type()));
    }
}

}  // namespace mmupt
