// Prompt rendering and image preprocessing for rollouts, SFT and evaluation (prompt_builder.h).
#include "core/trainer/prompt_builder.h"

#include <ATen/ATen.h>

#include <cstring>

#include "core/tokenizer/chat_template.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

ImageProcessorConfig bounded(ImageProcessorConfig c, const DataConfig& data) {
    c.min_pixels = data.min_pixels;
    c.max_pixels = data.max_pixels;
    return c;
}

}  // namespace

std::string question_with_choices(const Example& example) {
    std::string q = example.question;
    for (size_t i = 0; i < example.choices.size(); ++i) {
        q += "\n";
        q += std::string(1, static_cast<char>('A' + static_cast<int>(i % 26))) + ". " +
             example.choices[i];
    }
    return q;
}

std::string prompt_text(const Example& example, const DataConfig& data) {
    std::string q = question_with_choices(example);
    return data.format_prompt.empty() ? q : q + " " + data.format_prompt;
}

uint64_t example_key(const std::string& id) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
    return h;
}

PromptBuilder::PromptBuilder(Tokenizer tokenizer, const ImageProcessorConfig& images,
                             DataConfig data, int64_t merge_size, at::Device device)
    : tokenizer_(std::move(tokenizer)),
      processor_(bounded(images, data)),
      data_(std::move(data)),
      merge_size_(merge_size),
      device_(device) {}

std::optional<Prompt> PromptBuilder::build(const Example& example, std::string* why) const {
    auto p = build_text(prompt_text(example, data_), example.image_paths, why);
    if (p) {
        p->example = &example;
        p->question = question_with_choices(example);
    }
    return p;
}

std::optional<Prompt> PromptBuilder::build_text(const std::string& text,
                                                const std::vector<std::string>& image_paths,
                                                std::string* why) const {
    Prompt p;
    p.text = p.question = text;
    ChatMessage user{"user", {}};
    std::vector<ProcessedImage> images;
    for (const auto& path : image_paths) {
        try {
            // The limit `mmupt data` checks too (data.max_image_pixels): no image passes one
            // and fails the other.
            DecodeOptions decode;
            decode.max_pixels = data_.max_image_pixels;
            images.push_back(processor_.preprocess_file(path, decode));
        } catch (const DataError& e) {
            if (why) *why = e.what();
            return std::nullopt;
        }
        const auto& g = images.back().grid_thw;
        p.grids.push_back({g[0], g[1], g[2]});
        user.content.push_back(ChatContent::image({g[0], g[1], g[2]}));
    }
    user.content.push_back(ChatContent::make_text(text));
    ChatTemplateOptions options;
    options.merge_size = merge_size_;
    for (int32_t id : encode_chat(tokenizer_, {user}, options)) p.ids.push_back(id);
    if (static_cast<int64_t>(p.ids.size()) > data_.max_prompt_length) {
        if (why)
            *why = "the prompt has " + std::to_string(p.ids.size()) +
                   " tokens, more than data.max_prompt_length = " +
                   std::to_string(data_.max_prompt_length);
        return std::nullopt;
    }
    if (!images.empty()) {
        int64_t rows = 0;
        for (const auto& im : images) rows += im.num_patches;
        const int64_t dim = images.front().patch_dim;
        at::Tensor pixels = at::empty({rows, dim}, at::kFloat);  // (N, 1176) host staging
        int64_t row = 0;
        for (const auto& im : images) {
            std::memcpy(pixels[row].data_ptr<float>(), im.pixel_values.data(),
                        im.pixel_values.size() * sizeof(float));
            row += im.num_patches;
        }
        p.pixel_values = pixels.to(device_);
    }
    return p;
}

}  // namespace mmupt
