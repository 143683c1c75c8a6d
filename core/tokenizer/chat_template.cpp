// Hand rendering of the Qwen2-VL chat template (chat_template.h) and pad expansion. Mirrors the
// Jinja source branch by branch; the parity test renders the real template with
// @huggingface/jinja and compares. Deliberately no tools / function-calling turns: the VL
// template has none.
#include "core/tokenizer/chat_template.h"

#include <filesystem>

#include "core/tokenizer/json_file.h"
#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {

const char* const kQwen2VlChatTemplate =
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for "
    "message in messages %}{% if loop.first and message['role'] != 'system' "
    "%}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif "
    "%}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ "
    "message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if "
    "content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set "
    "image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ "
    "image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif "
    "content['type'] == 'video' or 'video' in content %}{% set video_count.value = "
    "video_count.value + 1 %}{% if add_vision_id %}Video {{ video_count.value }}: {% endif "
    "%}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}{{ "
    "content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if "
    "add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
const char* const kDefaultSystemPrompt = "You are a helpful assistant.";

namespace {

constexpr const char* kImagePad = "<|image_pad|>";
constexpr const char* kVideoPad = "<|video_pad|>";

// Renders with `pads(item)` copies of each item's pad token.
template <class PadCount>
std::string render(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options,
                   PadCount pads) {
    std::string out;
    int images = 0, videos = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        if (i == 0 && m.role != "system")
            out += std::string("<|im_start|>system\n") + kDefaultSystemPrompt + "<|im_end|>\n";
        out += "<|im_start|>" + m.role + "\n";
        for (const ChatContent& c : m.content) {
            if (c.kind == ChatContent::Kind::text) {
                out += c.text;
                continue;
            }
            const bool image = c.kind == ChatContent::Kind::image;
            if (options.add_vision_id)
                out += (image ? "Picture " + std::to_string(++images)
                              : "Video " + std::to_string(++videos)) +
                       ": ";
            out += "<|vision_start|>";
            for (std::int64_t k = pads(c); k > 0; --k) out += image ? kImagePad : kVideoPad;
            out += "<|vision_end|>";
        }
        out += "<|im_end|>\n";
    }
    if (options.add_generation_prompt) out += "<|im_start|>assistant\n";
    return out;
}

}  // namespace

std::int64_t vision_token_count(const VisionGrid& grid, std::int64_t merge_size) {
    const std::int64_t unit = merge_size * merge_size;
    const std::int64_t patches = grid.t * grid.h * grid.w;
    if (merge_size <= 0 || grid.t <= 0 || grid.h <= 0 || grid.w <= 0 || patches % unit != 0)
        throw DataError("vision grid (t=" + std::to_string(grid.t) +
                        ", h=" + std::to_string(grid.h) + ", w=" + std::to_string(grid.w) +
                        ") is empty or not a multiple of merge_size^2 = " + std::to_string(unit) +
                        "; take the grid from the Qwen2-VL image processor");
    return patches / unit;
}

std::string render_chat(const std::vector<ChatMessage>& messages,
                        const ChatTemplateOptions& options) {
    return render(messages, options, [](const ChatContent&) { return std::int64_t{1}; });
}

std::string render_chat_expanded(const std::vector<ChatMessage>& messages,
                                 const ChatTemplateOptions& options) {
    return render(messages, options, [&](const ChatContent& c) {
        return vision_token_count(c.grid, options.merge_size);
    });
}

std::vector<std::int32_t> encode_chat(const Tokenizer& tokenizer,
                                      const std::vector<ChatMessage>& messages,
                                      const ChatTemplateOptions& options) {
    const SpecialTokenIds& sp = tokenizer.special_ids();
    if (sp.image_pad < 0 || sp.video_pad < 0 || sp.im_start < 0 || sp.im_end < 0)
        throw DataError(
            "the tokenizer lacks the Qwen2-VL special tokens (<|im_start|>, "
            "<|image_pad|>...); load a Qwen2-VL / Qwen2.5-VL tokenizer");
    std::vector<std::int64_t> image_counts, video_counts;  // pads per image / video, in order
    for (const ChatMessage& m : messages)
        for (const ChatContent& c : m.content) {
            if (c.kind == ChatContent::Kind::image)
                image_counts.push_back(vision_token_count(c.grid, options.merge_size));
            if (c.kind == ChatContent::Kind::video)
                video_counts.push_back(vision_token_count(c.grid, options.merge_size));
        }
    const std::vector<std::int32_t> ids = tokenizer.encode(render_chat(messages, options));
    std::vector<std::int32_t> out;
    out.reserve(ids.size());
    std::size_t next_image = 0, next_video = 0;
    for (std::int32_t id : ids) {
        const bool image = id == sp.image_pad, video = id == sp.video_pad;
        if (!image && !video) {
            out.push_back(id);
            continue;
        }
        auto& counts = image ? image_counts : video_counts;
        std::size_t& next = image ? next_image : next_video;
        if (next >= counts.size())
            throw DataError(std::string("a text item of the conversation contains ") +
                            (image ? kImagePad : kVideoPad) +
                            ", which would be taken for an extra image / video; remove it");
        out.insert(out.end(), static_cast<std::size_t>(counts[next++]), id);
    }
    return out;
}

ChatTemplateCheck check_chat_template(const std::string& model_dir) {
    namespace fs = std::filesystem;
    std::string path = (fs::path(model_dir) / "chat_template.json").string();
    std::string found;
    if (fs::is_regular_file(path)) {
        const auto j = read_json_file(path);
        if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string())
            found = j["chat_template"].get<std::string>();
    } else if (path = (fs::path(model_dir) / "tokenizer_config.json").string();
               fs::is_regular_file(path)) {
        const auto j = read_json_file(path);
        if (j.is_object() && j.contains("chat_template") && j["chat_template"].is_string())
            found = j["chat_template"].get<std::string>();
    }
    if (found.empty()) return ChatTemplateCheck::absent;
    if (found == kQwen2VlChatTemplate) return ChatTemplateCheck::known;
    log_warning(path +
                ": the chat template differs from the Qwen2-VL / Qwen2.5-VL one that mmupt "
                "renders; prompts are built with the Qwen2-VL format regardless, which "
                "may not be what this model was trained on");
    return ChatTemplateCheck::differs;
}

}  // namespace mmupt
