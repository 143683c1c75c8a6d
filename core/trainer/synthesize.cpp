// Question synthesis, direct and in-context (synthesize.h).
#include "core/trainer/synthesize.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/sampling/generator.h"
#include "core/trainer/prompt_builder.h"
#include "core/util/errors.h"

namespace mmupt {

SynthesisMode parse_synthesis_mode(const std::string& name) {
    if (name == "direct") return SynthesisMode::direct;
    if (name == "in-context" || name == "in_context") return SynthesisMode::in_context;
    throw ConfigError("--mode '" + name + "': expected direct or in-context");
}

std::string synthesis_instruction(const Example& source, SynthesisMode mode) {
    if (mode == SynthesisMode::direct)
        return "Look carefully at the image and write one new, challenging question about it "
               "that requires reasoning and has a single short answer (a number, a word or an "
               "option letter). Write only the question.";
    std::string s = "Here is a question about the image:\n" + source.question + "\n";
    if (source.answer) s += "Its answer is " + *source.answer + ".\n";
    return s +
           "Write one new question about the same image that is different from this one, "
           "requires reasoning and has a single short answer. Write only the new question.";
}

std::string clean_synthesized_question(const std::string& response) {
    std::string s = response;
    auto trim = [](std::string& t) {
        const char* ws = " \t\r\n\"'";
        t.erase(0, t.find_first_not_of(ws));
        const auto last = t.find_last_not_of(ws);
        t.erase(last == std::string::npos ? 0 : last + 1);
    };
    trim(s);
    if (auto para = s.find("\n\n"); para != std::string::npos) s.erase(para);
    for (const char* prefix : {"New question:", "new question:", "Question:", "question:", "Q:"})
        if (s.rfind(prefix, 0) == 0) s.erase(0, std::string(prefix).size());
    trim(s);
    return s;
}

std::vector<SynthesizedQuestion> synthesize_questions(VlmModel& model, const ModelDir& dir,
                                                      const std::vector<Example>& sources,
                                                      const DataConfig& data,
                                                      const SynthesisOptions& o) {
    DataConfig plain = data;
    plain.format_prompt.clear();  // the instruction is the whole user turn
    PromptBuilder builder(dir.tokenizer, dir.image_processor.config(), plain,
                          model->config().vision.spatial_merge_size, model->options().device);
    std::vector<int64_t> stops = dir.generation.eos_token_ids;
    if (stops.empty()) stops = {dir.tokenizer.special_ids().im_end};
    std::vector<SynthesizedQuestion> out;
    const size_t step = size_t(std::max(o.batch_size, 1));
    for (size_t begin = 0; begin < sources.size(); begin += step) {
        std::vector<GenerationRequest> requests;
        std::vector<const Example*> used;
        for (size_t i = begin; i < std::min(sources.size(), begin + step); ++i) {
            const Example& ex = sources[i];
            if (ex.image_paths.empty()) continue;  // both strategies are about an image
            auto p = builder.build_text(synthesis_instruction(ex, o.mode), ex.image_paths);
            if (!p) continue;
            requests.push_back({p->ids, p->pixel_values, p->grids, example_key(ex.id)});
            used.push_back(&ex);
        }
        if (requests.empty()) continue;
        GenerationParams params;
        params.sampling = {o.temperature, o.top_p, 0};
        params.num_samples = o.per_source;
        params.max_new_tokens = o.max_new_tokens;
        params.stop_ids = stops;
        params.seed = o.seed;
        auto samples = generate(model, requests, params);
        for (size_t b = 0; b < used.size(); ++b)
            for (const auto& s : samples[b]) {
                if (!s.stopped) continue;  // truncated: not a finished question
                std::string q = clean_synthesized_question(dir.tokenizer.decode(
                    std::vector<int32_t>(s.ids.begin(), s.ids.end()), /*skip_special=*/true));
                if (q.empty()) continue;
                SynthesizedQuestion sq;
                sq.source_id = used[b]->id;
                for (const auto& path : used[b]->image_paths)
                    sq.image_paths.push_back(std::filesystem::absolute(path).string());
                sq.question = std::move(q);
                out.push_back(std::move(sq));
            }
    }
    return out;
}

std::string to_jsonl(const std::vector<SynthesizedQuestion>& questions) {
    std::string text;
    for (const auto& q : questions)
        text +=
            nlohmann::json{
                {"problem", q.question}, {"images", q.image_paths}, {"source", q.source_id}}
                .dump() +
            "\n";
    return text;
}

}  // namespace mmupt
