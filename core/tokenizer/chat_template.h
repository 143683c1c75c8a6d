// The Qwen2-VL / Qwen2.5-VL Instruct chat format (QWEN2-VL.md §6), rendered by hand exactly as
// the model's Jinja chat_template does: a default system turn when the first message is not a
// system one, `<|im_start|>{role}\n{content}<|im_end|>\n` per message, images and videos as
// `<|vision_start|><|image_pad|><|vision_end|>` (optionally "Picture k: "), and the assistant
// generation prompt; then each pad expanded to grid_t*grid_h*grid_w / merge^2 copies.
// Deliberately no general Jinja engine: other templates only get a warning (check_chat_template).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace mmupt {

// The image processor's patch grid of one image or video (temporal, height, width in patches).
struct VisionGrid {
    std::int64_t t = 1, h = 0, w = 0;
};

struct ChatContent {
    enum class Kind { text, image, video };
    Kind kind = Kind::text;
    std::string text;  // Kind::text only: rendered verbatim
    VisionGrid grid;   // Kind::image / video only: decides the number of pad tokens

    static ChatContent make_text(std::string s) { return {Kind::text, std::move(s), {}}; }
    static ChatContent image(VisionGrid g) { return {Kind::image, {}, g}; }
    static ChatContent video(VisionGrid g) { return {Kind::video, {}, g}; }
};

// A string content in the HF message format is one text item here (it renders identically).
struct ChatMessage {
    std::string role;  // "system", "user", "assistant" (rendered verbatim)
    std::vector<ChatContent> content;
};

struct ChatTemplateOptions {
    bool add_generation_prompt = true;  // append "<|im_start|>assistant\n"
    bool add_vision_id = false;         // "Picture k: " / "Video k: " before each image / video
    std::int64_t merge_size = 2;        // vision spatial_merge_size (pads = t*h*w / merge^2)
};

// The exact template string of Qwen2-VL / Qwen2.5-VL Instruct's chat_template.json.
extern const char* const kQwen2VlChatTemplate;
extern const char* const kDefaultSystemPrompt;  // "You are a helpful assistant."

// Pad tokens for one image / video; throws DataError when the grid is empty or not a multiple
// of merge^2 (it then did not come from the Qwen2-VL image processor).
std::int64_t vision_token_count(const VisionGrid& grid, std::int64_t merge_size);

// What the Jinja template renders: one <|image_pad|> / <|video_pad|> per image / video.
std::string render_chat(const std::vector<ChatMessage>& messages,
                        const ChatTemplateOptions& options = {});
// The same with the pads expanded (the processor's text, fed to the tokenizer). Throws DataError.
std::string render_chat_expanded(const std::vector<ChatMessage>& messages,
                                 const ChatTemplateOptions& options = {});
// Token ids of the expanded prompt: encode(render_chat(...)) with the k-th pad id repeated for the
// k-th image / video. Throws DataError when a text item itself spells a pad token (the counts
// would no longer match the images) or when the tokenizer lacks the Qwen2-VL special tokens.
std::vector<std::int32_t> encode_chat(const Tokenizer& tokenizer,
                                      const std::vector<ChatMessage>& messages,
                                      const ChatTemplateOptions& options = {});

enum class ChatTemplateCheck { known, differs, absent };
// Compares a model directory's template (chat_template.json, else tokenizer_config.json's
// "chat_template") with kQwen2VlChatTemplate; logs a warning when it differs. Throws FormatError
// on malformed JSON.
ChatTemplateCheck check_chat_template(const std::string& model_dir);

}  // namespace mmupt
