// The Qwen2-VL chat format: hand-checked renderings, pad expansion and its errors, the template
// check of a model directory, the known ids of QWEN2-VL.md §6.3 and the three full prompts of the
// reference file, the huggingface.js e2e case, and parity with @huggingface/jinja rendering the
// real chat_template.json on 24 generated conversations (plus the peer tokenizer on their ids).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/tokenizer/chat_template.h"
#include "core/util/errors.h"
#include "core/util/log.h"
#include "tests/core/node_reference.h"
#include "tests/core/tokenizer_corpus.h"
#include "tests/core/tokenizer_fixture.h"

namespace mmupt {
namespace {

using Ids = std::vector<std::int32_t>;
using Kind = ChatContent::Kind;

const std::string kSys = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n";

TEST(ChatTemplate, DefaultSystemPromptAndGenerationPrompt) {
    const std::vector<ChatMessage> msgs = {
        {"user", {ChatContent::image({1, 4, 4}), ChatContent::make_text("What is this?")}}};
    EXPECT_EQ(render_chat(msgs), kSys +
                                     "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>"
                                     "What is this?<|im_end|>\n<|im_start|>assistant\n");
    ChatTemplateOptions no_prompt;
    no_prompt.add_generation_prompt = false;
    EXPECT_EQ(render_chat({{"system", {ChatContent::make_text("Be brief.")}},
                           {"user", {ChatContent::make_text("Hi")}},
                           {"assistant", {ChatContent::make_text("Hello!")}}},
                          no_prompt),
              "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
              "<|im_start|>assistant\nHello!<|im_end|>\n");
    EXPECT_EQ(render_chat({}), "<|im_start|>assistant\n");  // no messages: no system turn either
    // Only the first message decides the default system turn.
    EXPECT_EQ(render_chat({{"user", {}}, {"system", {}}}, no_prompt),
              kSys + "<|im_start|>user\n<|im_end|>\n<|im_start|>system\n<|im_end|>\n");
}

TEST(ChatTemplate, VisionIdsAndExpansion) {
    ChatTemplateOptions opt;
    opt.add_vision_id = true;
    opt.add_generation_prompt = false;
    const std::vector<ChatMessage> msgs = {
        {"user",
         {ChatContent::image({1, 2, 4}), ChatContent::video({2, 2, 2}),
          ChatContent::image({1, 2, 2}), ChatContent::make_text("Compare.")}}};
    EXPECT_EQ(render_chat(msgs, opt),
              kSys +
                  "<|im_start|>user\nPicture 1: <|vision_start|><|image_pad|><|vision_end|>"
                  "Video 1: <|vision_start|><|video_pad|><|vision_end|>"
                  "Picture 2: <|vision_start|><|image_pad|><|vision_end|>Compare.<|im_end|>\n");
    const std::string expanded = render_chat_expanded(msgs, opt);
    EXPECT_NE(expanded.find("<|vision_start|><|image_pad|><|image_pad|><|vision_end|>Video"),
              std::string::npos);
    EXPECT_NE(expanded.find("<|vision_start|><|video_pad|><|video_pad|><|vision_end|>"),
              std::string::npos);
    EXPECT_EQ(vision_token_count({1, 32, 32}, 2), 256);
    EXPECT_EQ(vision_token_count({2, 6, 10}, 2), 30);
    EXPECT_THROW(vision_token_count({1, 3, 3}, 2), DataError);
    EXPECT_THROW(vision_token_count({1, 0, 4}, 2), DataError);
    EXPECT_THROW(render_chat_expanded({{"user", {ChatContent::image({1, 1, 2})}}}), DataError);
}

TEST(ChatTemplate, CheckModelDirectory) {
    const std::string dir = test::temp_dir("chat-template");
    EXPECT_EQ(check_chat_template(dir), ChatTemplateCheck::absent);
    std::vector<std::string> warnings;
    set_log_sink([&](const LogRecord& r) {
        if (r.level == LogLevel::warning) warnings.push_back(r.message);
    });
    std::ofstream(dir + "/chat_template.json")
        << nlohmann::json{{"chat_template", kQwen2VlChatTemplate}};
    EXPECT_EQ(check_chat_template(dir), ChatTemplateCheck::known);
    EXPECT_TRUE(warnings.empty());
    std::ofstream(dir + "/chat_template.json")
        << nlohmann::json{{"chat_template", "{{ messages[0]['content'] }}"}};
    EXPECT_EQ(check_chat_template(dir), ChatTemplateCheck::differs);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("chat_template.json"), std::string::npos);
    std::ofstream(dir + "/chat_template.json") << "{not json";
    EXPECT_THROW(check_chat_template(dir), FormatError);
    set_log_sink(nullptr);
}

TEST(ChatTemplate, RealTemplateIsTheKnownOne) {
    MMUPT_REQUIRE_SHARED_DATA();
    EXPECT_EQ(check_chat_template(test::qwen_model_dir()), ChatTemplateCheck::known);
    std::ifstream in(test::shared_data_dir() +
                     "/tokenization-refs/hfjs_jinja_qwen_chat_template_cases.json");
    const auto cases = nlohmann::json::parse(in);
    const auto& vl = cases.at("Qwen/Qwen2.5-VL-7B-Instruct");
    EXPECT_EQ(vl.at("chat_template").get<std::string>(), kQwen2VlChatTemplate);
    // Its e2e case: one image (given by URL) and a text, with the generation prompt.
    std::vector<ChatMessage> msgs;
    for (const auto& m : vl.at("data").at("messages")) {
        ChatMessage cm{m.at("role").get<std::string>(), {}};
        for (const auto& c : m.at("content"))
            cm.content.push_back(c.at("type") == "image"
                                     ? ChatContent::image({1, 2, 2})
                                     : ChatContent::make_text(c.at("text").get<std::string>()));
        msgs.push_back(cm);
    }
    ChatTemplateOptions opt;
    opt.add_generation_prompt = vl.at("data").at("add_generation_prompt").get<bool>();
    EXPECT_EQ(render_chat(msgs, opt), vl.at("target").get<std::string>());
}

TEST(ChatTemplate, KnownIds) {
    MMUPT_REQUIRE_SHARED_DATA();
    const Tokenizer& tok = test::qwen_tokenizer_json();
    const Ids ids =
        encode_chat(tok, {{"user", {ChatContent::image({1, 4, 6}), ChatContent::make_text("Hi")}}});
    Ids expected = {151644, 8948,   198, 2610,   525, 264, 10950, 17847,
                    13,     151645, 198, 151644, 872, 198, 151652};
    expected.insert(expected.end(), 6, 151655);  // 1*4*6 / 2^2
    expected.push_back(151653);
    const Ids hi = tok.encode("Hi");
    expected.insert(expected.end(), hi.begin(), hi.end());
    expected.insert(expected.end(), {151645, 198, 151644, 77091, 198});
    EXPECT_EQ(ids, expected);
    // A text item that spells a pad token would desynchronise the image count.
    EXPECT_THROW(encode_chat(tok, {{"user", {ChatContent::make_text("<|image_pad|>")}}}),
                 DataError);
}

TEST(ChatTemplate, ReferencePromptsFromTheProcessor) {
    MMUPT_REQUIRE_SHARED_DATA();
    std::ifstream in(test::shared_data_dir() +
                     "/tokenization-refs/qwen2_reference_tokenizations.jsonl");
    int checked = 0;
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["source"].get<std::string>().find("radxa") == std::string::npos) continue;
        const std::string text = j["text"].get<std::string>();
        const Ids ref = j["ids"].get<Ids>();
        // Rebuild the conversation: one user turn, maybe one image / video, then its text.
        const std::size_t user = text.find("<|im_start|>user\n") + 17;
        const std::size_t vend = text.find("<|vision_end|>");
        const std::size_t body = vend == std::string::npos ? user : vend + 14;
        ChatMessage m{"user", {}};
        const auto pads = static_cast<std::int64_t>(std::count(ref.begin(), ref.end(), 151655) +
                                                    std::count(ref.begin(), ref.end(), 151656));
        if (text.find("<|image_pad|>") != std::string::npos)
            m.content.push_back(ChatContent::image({1, 2, 2 * pads}));
        if (text.find("<|video_pad|>") != std::string::npos)
            m.content.push_back(ChatContent::video({2, 2, 2 * pads / 2}));
        m.content.push_back(
            ChatContent::make_text(text.substr(body, text.find("<|im_end|>", body) - body)));
        EXPECT_EQ(render_chat_expanded({m}), text);
        EXPECT_EQ(encode_chat(test::qwen_tokenizer_json(), {m}), ref);
        ++checked;
    }
    EXPECT_EQ(checked, 3);
}

// ---- Parity with @huggingface/jinja on generated conversations ----

struct Conversation {
    std::vector<ChatMessage> messages;
    ChatTemplateOptions options;
    nlohmann::json hf;  // the same, in the HF messages format
};

std::vector<Conversation> conversations(std::size_t n) {
    test::CorpusRng rng(7);
    const std::vector<std::string> texts = {"Describe this image.",
                                            "What is $\\frac{3}{4}$ of 12?",
                                            "Line one\nline two\r\n",
                                            "中文问题：这是什么？",
                                            "  leading and trailing  ",
                                            "",
                                            "<tool_call>{\"a\": 1}</tool_call>",
                                            "Emoji 👩‍👩‍👧‍👦 and café",
                                            "\\boxed{42}",
                                            "Think step by step."};
    const std::vector<std::string> roles = {"user", "assistant", "system"};
    std::vector<Conversation> out;
    for (std::size_t i = 0; i < n; ++i) {
        Conversation c;
        c.options.add_generation_prompt = rng.below(3) != 0;
        c.options.add_vision_id = rng.below(3) == 0;
        c.hf = nlohmann::json::array();
        const std::size_t turns = rng.below(5) + (i == 0 ? 0 : 1);
        for (std::size_t t = 0; t < turns; ++t) {
            ChatMessage m{t == 0 && rng.below(2) ? "system" : roles[t % 2], {}};
            nlohmann::json items = nlohmann::json::array();
            const std::size_t n_items = rng.below(4);
            for (std::size_t k = 0; k < n_items; ++k) {
                switch (rng.below(4)) {
                    case 0:
                        m.content.push_back(ChatContent::image({1, 2, 2}));
                        items.push_back({{"type", "image"}, {"image", "file:///a.jpg"}});
                        break;
                    case 1:
                        m.content.push_back(ChatContent::video({2, 2, 2}));
                        items.push_back({{"type", "video"}, {"video", "file:///v.mp4"}});
                        break;
                    default:
                        m.content.push_back(ChatContent::make_text(rng.pick(texts)));
                        items.push_back({{"type", "text"}, {"text", m.content.back().text}});
                }
            }
            nlohmann::json hm = {{"role", m.role}, {"content", items}};
            if (n_items == 1 && m.content[0].kind == Kind::text && rng.below(2))
                hm["content"] = m.content[0].text;  // the string form renders the same
            c.messages.push_back(m);
            c.hf.push_back(hm);
        }
        out.push_back(c);
    }
    return out;
}

TEST(ChatTemplateParity, MatchesHfJinjaAndHfTokenizers) {
    MMUPT_REQUIRE_SHARED_DATA();
    MMUPT_REQUIRE_NODE_REFERENCE();
    const auto convs = conversations(24);
    std::string input, tok_input;
    for (const auto& c : convs) {
        input += nlohmann::json{{"messages", c.hf},
                                {"add_generation_prompt", c.options.add_generation_prompt},
                                {"add_vision_id", c.options.add_vision_id}}
                     .dump() +
                 "\n";
        tok_input +=
            nlohmann::json{{"text", render_chat_expanded(c.messages, c.options)}}.dump() + "\n";
    }
    const auto rendered = test::run_node_reference("chat", test::qwen_model_dir(), input);
    const auto peer_ids = test::run_node_reference("tokenize", test::qwen_model_dir(), tok_input);
    ASSERT_EQ(rendered.size(), convs.size()) << "the Node reference script failed";
    ASSERT_EQ(peer_ids.size(), convs.size());
    int same_text = 0, same_ids = 0;
    for (std::size_t i = 0; i < convs.size(); ++i) {
        const std::string ours = render_chat(convs[i].messages, convs[i].options);
        const std::string theirs = nlohmann::json::parse(rendered[i])["text"].get<std::string>();
        EXPECT_EQ(ours, theirs) << "conversation " << i << ": " << convs[i].hf.dump();
        const Ids ids =
            encode_chat(test::qwen_tokenizer_json(), convs[i].messages, convs[i].options);
        EXPECT_EQ(ids, nlohmann::json::parse(peer_ids[i])["ids"].get<Ids>())
            << "conversation " << i;
        same_text += ours == theirs;
        same_ids += ids == nlohmann::json::parse(peer_ids[i])["ids"].get<Ids>();
    }
    std::cout << "[parity] chat template: " << same_text << "/" << convs.size()
              << " renderings identical to @huggingface/jinja, " << same_ids
              << " id lists identical to @huggingface/tokenizers\n";
}

}  // namespace
}  // namespace mmupt
