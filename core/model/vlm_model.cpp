// VlmModel construction, weights, and the shared input preparation: id checks, image encoding
// (shared across a prompt's G sample rows), M-RoPE positions, image scatter into <|image_pad|>
// slots. The forward / cache / scoring entry points live in vlm_model_run.cpp.
#include "core/model/vlm_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/model/rope_index.h"
#include "core/util/errors.h"

namespace mmupt {

VlmModelImpl::VlmModelImpl(const ModelConfig& config, const ModelOptions& options)
    : torch::nn::Module("VlmModel"), config_(config), options_(options) {
    config_.validate();
    TORCH_CHECK(
        options.dtype == at::kFloat || options.dtype == at::kBFloat16 || options.dtype == at::kHalf,
        "VlmModel: dtype must be float32, bfloat16 or float16, got ", options.dtype);
    auto model = register_module("model", std::make_shared<torch::nn::Module>("model"));
    const auto place = at::TensorOptions().dtype(options.dtype).device(options.device);
    visual = model->register_module("visual", VisionTower(config_, place));
    language_model = model->register_module("language_model", LanguageModel(config_.text, place));
    if (!config_.text.tie_word_embeddings)
        lm_head = register_module(
            "lm_head", torch::nn::Linear(torch::nn::LinearOptions(config_.text.hidden_size,
                                                                  config_.text.vocab_size)
                                             .bias(false)));
    to(options.device, options.dtype);
    set_gradient_checkpointing(options.gradient_checkpointing);
}

void VlmModelImpl::set_gradient_checkpointing(bool on) {
    options_.gradient_checkpointing = on;
    visual->gradient_checkpointing = on;
    language_model->gradient_checkpointing = on;
}

std::map<std::string, at::Tensor> VlmModelImpl::param_map() const {
    std::map<std::string, at::Tensor> out;
    for (const auto& item : named_parameters(/*recurse=*/true)) out[item.key()] = item.value();
    return out;
}

void VlmModelImpl::load_weights(const WeightMap& weights, const WeightLoadOptions& load_options) {
    load_weight_map(param_map(), weights, config_.text.tie_word_embeddings, load_options);
}

WeightLoadStats VlmModelImpl::load_weights(const SafetensorsCheckpoint& checkpoint,
                                           const WeightLoadOptions& load_options) {
    return load_checkpoint_weights(param_map(), checkpoint, config_.text.tie_word_embeddings,
                                   load_options);
}

WeightMap VlmModelImpl::state_dict() const {
    WeightMap out;
    for (const auto& [name, p] : param_map()) out[name] = p.detach();
    return out;
}

void VlmModelImpl::randomize_weights(uint64_t seed, double std) {
    at::NoGradGuard no_grad;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto& [name, p] : param_map()) {
        at::Tensor init;
        const bool is_norm =
            name.find("norm") != std::string::npos || name.find("ln_q") != std::string::npos;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)
            init = at::zeros(p.sizes(), at::kFloat);
        else if (is_norm)
            init = at::ones(p.sizes(), at::kFloat);
        else
            init = at::empty(p.sizes(), at::kFloat).normal_(0.0, std, gen);
        p.copy_(init.to(p.device(), p.scalar_type()));
    }
}

VlmModel VlmModelImpl::frozen_copy() const {
    ModelOptions o = options_;
    o.gradient_checkpointing = false;
    VlmModel copy(config_, o);
    {
        at::NoGradGuard no_grad;
        auto src = param_map();
        for (auto& [name, p] : copy->param_map()) p.copy_(src.at(name));
    }
    for (auto& p : copy->parameters()) p.set_requires_grad(false);
    copy->eval();
    return copy;
}

at::Tensor VlmModelImpl::encode_images(const at::Tensor& pixel_values,
                                       const std::vector<GridThw>& grids) {
    return visual->forward(pixel_values, grids).features;  // (M, D)
}

at::Tensor VlmModelImpl::check_ids(const at::Tensor& ids) const {
    TORCH_CHECK(ids.dim() == 2, "VlmModel: expected input_ids (B, S), got ", ids.sizes());
    at::Tensor out = ids.to(options_.device, at::kLong);
    if (out.numel() > 0) {
        const int64_t lo = out.min().item<int64_t>(), hi = out.max().item<int64_t>();
        if (lo < 0 || hi >= config_.text.vocab_size)
            throw ModelError("input_ids hold token id " + std::to_string(lo < 0 ? lo : hi) +
                             " outside [0, vocab_size=" + std::to_string(config_.text.vocab_size) +
                             ")");
    }
    return out;
}

// Image features in the batch's row-major placeholder order, and the grid list in the same
// order (for get_rope_index). With G > 1, prompt g's images are repeated for its G rows.
at::Tensor VlmModelImpl::image_rows(const VlmInputs& in, const at::Tensor& ids,
                                    std::vector<GridThw>& row_grids) {
    const bool has_pixels = in.pixel_values.defined() && in.pixel_values.numel() > 0;
    if (in.image_grids.empty()) {
        if (has_pixels || in.image_features.defined())
            throw ModelError("pixel_values / image_features given without image_grid_thw");
        return at::Tensor();
    }
    if (!has_pixels && !in.image_features.defined())
        throw ModelError(std::to_string(in.image_grids.size()) +
                         " image grid(s) given without pixel_values or image_features");
    at::Tensor feats = in.image_features.defined() ? in.image_features.to(options_.device)
                                                   : encode_images(in.pixel_values, in.image_grids);
    const int64_t G = in.rows_per_image_group, B = ids.size(0);
    if (G == 1) {
        row_grids = in.image_grids;
        return feats;  // (M, D)
    }
    TORCH_CHECK(G > 0 && B % G == 0, "VlmModel: ", B, " rows are not groups of ",
                "rows_per_image_group = ", G);
    const int64_t merge2 = config_.vision.spatial_merge_size * config_.vision.spatial_merge_size;
    at::Tensor pads = (ids == config_.image_token_id).sum(1).cpu();  // (B) placeholders per row
    std::vector<int64_t> index;
    size_t grid = 0;
    int64_t offset = 0;
    for (int64_t g = 0; g < B / G; ++g) {
        const int64_t need = pads[g * G].item<int64_t>();
        size_t first = grid;
        int64_t have = 0;
        while (have < need && grid < in.image_grids.size()) {
            const GridThw& t = in.image_grids[grid++];
            have += t[0] * t[1] * t[2] / merge2;
        }
        if (have != need)
            throw ModelError("prompt group " + std::to_string(g) + " has " + std::to_string(need) +
                             " <|image_pad|> tokens, which do not match its images' grids");
        for (int64_t r = 0; r < G; ++r) {
            if (pads[g * G + r].item<int64_t>() != need)
                throw ModelError("row " + std::to_string(g * G + r) + " of prompt group " +
                                 std::to_string(g) +
                                 " has a different number of <|image_pad|> "
                                 "tokens than the group's first row");
            row_grids.insert(row_grids.end(), in.image_grids.begin() + first,
                             in.image_grids.begin() + grid);
            for (int64_t i = 0; i < need; ++i) index.push_back(offset + i);
        }
        offset += need;
    }
    if (offset != feats.size(0))
        throw ModelError(std::to_string(in.image_grids.size() - grid) +
                         " image(s) are not referenced by any row's <|image_pad|> tokens");
    at::Tensor idx = at::tensor(index, at::TensorOptions().dtype(at::kLong)).to(feats.device());
    return feats.index_select(0, idx);  // (sum over rows of placeholders, D)
}

VlmModelImpl::Prepared VlmModelImpl::prepare(const VlmInputs& in) {
    Prepared p;
    at::Tensor ids = check_ids(in.input_ids);  // (B, S)
    const int64_t B = ids.size(0), S = ids.size(1);
    p.mask = in.attention_mask.defined() ? in.attention_mask.to(options_.device, at::kLong)
                                         : at::ones({B, S}, ids.options());
    TORCH_CHECK(p.mask.sizes() == ids.sizes(), "VlmModel: attention_mask must be ", ids.sizes(),
                ", got ", p.mask.sizes());
    const int64_t longest = B ? p.mask.sum(1).max().item<int64_t>() : 0;
    if (longest > config_.text.max_position_embeddings)
        throw ModelError("a prompt has " + std::to_string(longest) +
                         " tokens, more than max_position_embeddings = " +
                         std::to_string(config_.text.max_position_embeddings) +
                         "; shorten the prompt or use smaller images");
    std::vector<GridThw> row_grids;
    at::Tensor feats = image_rows(in, ids, row_grids);  // (Mrows, D) or undefined
    RopeIndex rope = get_rope_index(config_, {ids, p.mask, row_grids, {}, {}});
    p.positions = rope.position_ids;  // (3, B, S)
    p.deltas = rope.rope_deltas;      // (B, 1)
    p.next_position = S + (B ? p.deltas.max().item<int64_t>() : 0);
    at::Tensor embeds = language_model->embed_tokens->forward(ids);  // (B, S, D)
    at::Tensor is_image = ids == config_.image_token_id;             // (B, S)
    const int64_t slots = is_image.sum().item<int64_t>();
    const int64_t rows = feats.defined() ? feats.size(0) : 0;
    if (slots != rows)
        throw ModelError(
            "input_ids hold " + std::to_string(slots) + " <|image_pad|> tokens (id " +
            std::to_string(config_.image_token_id) + ") but the images give " +
            std::to_string(rows) + " merged features; expand each image " +
            "placeholder to t*h*w/" +
            std::to_string(config_.vision.spatial_merge_size * config_.vision.spatial_merge_size) +
            " tokens");
    if (rows > 0)
        embeds = embeds.masked_scatter(is_image.unsqueeze(-1).expand_as(embeds),
                                       feats.to(embeds.scalar_type()));
    p.embeds = embeds;
    return p;
}

}  // namespace mmupt
