// Turns a dataset Example into what the policy sees: the question (with its choices and
// data.format_prompt) as one user turn of the Qwen2-VL chat template (which adds its default
// system turn, as the reference's processor does), image pads expanded, and the images
// preprocessed with the model's image processor bounded by data.min_pixels / max_pixels.
// Not here: sampling, SFT targets (sft_target), rewards. Shapes: P prompt tokens, N patches.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/data/dataset.h"
#include "core/image/image_processor.h"
#include "core/model/vision_layout.h"
#include "core/tokenizer/tokenizer.h"

namespace mmupt {

struct Prompt {
    const Example* example = nullptr;  // not owned: the dataset outlives every step
    std::string question;              // question + choices, without the format prompt
    std::string text;                  // what the user turn says: question + format prompt
    std::vector<int64_t> ids;          // (P) rendered chat prompt, image pads expanded
    at::Tensor pixel_values;           // (N, 1176) float32 on the model device; undefined = none
    std::vector<GridThw> grids;        // one (t, h, w) per image, in prompt order
};

// The question with its options ("A. 3", "B. 5", ...) on separate lines when it has choices.
std::string question_with_choices(const Example& example);
// question_with_choices + " " + format_prompt (no space when the format prompt is empty).
std::string prompt_text(const Example& example, const DataConfig& data);

// A stable 64-bit key of an example id (FNV-1a), for per-sample sampling seeds.
uint64_t example_key(const std::string& id);

class PromptBuilder {
  public:
    // Copies what it needs; `images` is the model's image processor config, whose pixel bounds
    // are replaced by data.min_pixels / max_pixels.
    PromptBuilder(Tokenizer tokenizer, const ImageProcessorConfig& images, DataConfig data,
                  int64_t merge_size, at::Device device);

    // The prompt, or nullopt with `why` set when it is longer than data.max_prompt_length or an
    // image cannot be decoded (both are expected outcomes in large datasets: skipped, counted).
    std::optional<Prompt> build(const Example& example, std::string* why = nullptr) const;
    // A prompt from free text and already-built images (question synthesis, eval of raw text).
    std::optional<Prompt> build_text(const std::string& text,
                                     const std::vector<std::string>& image_paths,
                                     std::string* why = nullptr) const;

    const Tokenizer& tokenizer() const { return tokenizer_; }
    const DataConfig& data() const { return data_; }

  private:
    Tokenizer tokenizer_;
    ImageProcessor processor_;
    DataConfig data_;
    int64_t merge_size_;
    at::Device device_;
};

}  // namespace mmupt
