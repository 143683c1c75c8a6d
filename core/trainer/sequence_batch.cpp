// Packing prompt + response rows and cutting micro-batches (sequence_batch.h).
#include "core/trainer/sequence_batch.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <numeric>

#include "core/util/errors.h"

namespace mmupt {

int64_t SequenceBatch::response_tokens(int64_t row0, int64_t rows) const {
    return std::accumulate(response_lengths.begin() + row0, response_lengths.begin() + row0 + rows,
                           int64_t{0});
}

SequenceBatch pack_sequences(const std::vector<Prompt>& prompts,
                             const std::vector<std::vector<int64_t>>& responses,
                             int64_t rows_per_prompt, int64_t pad_id) {
    const int64_t K = rows_per_prompt, B = static_cast<int64_t>(prompts.size());
    if (K < 1 || static_cast<int64_t>(responses.size()) != B * K)
        throw ModelError("pack_sequences: " + std::to_string(responses.size()) + " responses for " +
                         std::to_string(B) + " prompts x " + std::to_string(K));
    SequenceBatch out;
    out.rows_per_prompt = K;
    int64_t P = 0, R = 0;
    for (const auto& p : prompts) {
        out.prompts.push_back(&p);
        P = std::max<int64_t>(P, static_cast<int64_t>(p.ids.size()));
    }
    for (const auto& r : responses) {
        if (r.empty()) throw ModelError("pack_sequences: an empty response cannot be scored");
        R = std::max<int64_t>(R, static_cast<int64_t>(r.size()));
    }
    const int64_t N = B * K, T = P + R;
    out.prompt_width = P;
    out.input_ids = at::full({N, T}, pad_id, at::kLong);  // (N, T)
    out.attention_mask = at::zeros({N, T}, at::kLong);    // (N, T)
    out.response_mask = at::zeros({N, T}, at::kFloat);    // (N, T)
    auto ids = out.input_ids.accessor<int64_t, 2>();
    auto att = out.attention_mask.accessor<int64_t, 2>();
    auto resp = out.response_mask.accessor<float, 2>();
    for (int64_t row = 0; row < N; ++row) {
        const auto& prompt = prompts[row / K].ids;
        const auto& response = responses[row];
        const int64_t pl = static_cast<int64_t>(prompt.size());
        for (int64_t i = 0; i < pl; ++i) {
            ids[row][P - pl + i] = prompt[i];
            att[row][P - pl + i] = 1;
        }
        for (size_t i = 0; i < response.size(); ++i) {
            ids[row][P + static_cast<int64_t>(i)] = response[i];
            att[row][P + static_cast<int64_t>(i)] = 1;
            resp[row][P + static_cast<int64_t>(i)] = 1.0f;
        }
        out.prompt_lengths.push_back(pl);
        out.response_lengths.push_back(static_cast<int64_t>(response.size()));
    }
    return out;
}

void cache_image_features(SequenceBatch& batch, VlmModel& model) {
    at::NoGradGuard no_grad;
    batch.image_features.clear();
    const at::Device device = model->parameters().front().device();
    for (const Prompt* p : batch.prompts)
        batch.image_features.push_back(
            p->pixel_values.defined() ? model->encode_images(p->pixel_values.to(device), p->grids)
                                      : at::Tensor());
}

MicroBatch make_micro_batch(const SequenceBatch& batch, int64_t row0, int64_t rows,
                            at::Device device) {
    MicroBatch mb;
    mb.row0 = row0;
    mb.rows = rows;
    int64_t longest_prompt = 0, longest_response = 0;
    for (int64_t r = row0; r < row0 + rows; ++r) {
        longest_prompt = std::max(longest_prompt, batch.prompt_lengths[r]);
        longest_response = std::max(longest_response, batch.response_lengths[r]);
    }
    mb.col0 = batch.prompt_width - longest_prompt;
    mb.cols = longest_prompt + longest_response;
    mb.tokens = batch.response_tokens(row0, rows);
    auto cut = [&](const at::Tensor& t) {  // (N, T) -> (n, t) on the device
        return t.narrow(0, row0, rows).narrow(1, mb.col0, mb.cols).to(device);
    };
    mb.inputs.input_ids = cut(batch.input_ids);
    mb.inputs.attention_mask = cut(batch.attention_mask);
    mb.response_mask = cut(batch.response_mask);

    // Chunks of `share` rows lie inside one prompt when share divides K and row0: those rows
    // reuse one encoding of the prompt's images (gradients from all of them accumulate).
    const int64_t K = batch.rows_per_prompt;
    const int64_t share = std::gcd(K, std::gcd(row0, rows));
    const bool cached = !batch.image_features.empty();
    std::vector<at::Tensor> pixels;  // (patches, 1176) each, or cached features (M_b, D)
    for (int64_t r = row0; r < row0 + rows; r += share) {
        const Prompt& p = *batch.prompts[r / K];
        if (!p.pixel_values.defined()) continue;
        pixels.push_back(cached ? batch.image_features[r / K] : p.pixel_values.to(device));
        mb.inputs.image_grids.insert(mb.inputs.image_grids.end(), p.grids.begin(), p.grids.end());
    }
    if (!pixels.empty())
        (cached ? mb.inputs.image_features : mb.inputs.pixel_values) = at::cat(pixels, 0);
    mb.inputs.rows_per_image_group = share;
    return mb;
}

}  // namespace mmupt
