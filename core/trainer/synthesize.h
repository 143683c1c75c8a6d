// The paper's two question-synthesis strategies (MM-UPT.md): `direct` shows the model only an
// image and asks for a new question about it; `in-context` also shows an existing question
// (and its answer when known) and asks for a new, different one. The output records load as
// training data ({"problem", "images", "source"}); they carry no labels.
// Not here: filtering for quality beyond dropping empty or truncated questions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/data/dataset.h"
#include "core/model/model_dir.h"

namespace mmupt {

enum class SynthesisMode { direct, in_context };
SynthesisMode parse_synthesis_mode(const std::string& name);  // "direct" | "in-context"

struct SynthesisOptions {
    SynthesisMode mode = SynthesisMode::direct;
    int per_source = 1;  // questions per source example / image
    double temperature = 1.0;
    double top_p = 0.95;
    int max_new_tokens = 256;
    uint64_t seed = 1;
    int batch_size = 8;
};

struct SynthesizedQuestion {
    std::string source_id;
    std::vector<std::string> image_paths;  // absolute
    std::string question;
};

// The instruction given to the model for one source.
std::string synthesis_instruction(const Example& source, SynthesisMode mode);
// Cleans a model response into a question: drops "Question:" / "New question:" prefixes and
// quotes, keeps the first paragraph; empty when nothing usable remains.
std::string clean_synthesized_question(const std::string& response);

std::vector<SynthesizedQuestion> synthesize_questions(VlmModel& model, const ModelDir& dir,
                                                      const std::vector<Example>& sources,
                                                      const DataConfig& data,
                                                      const SynthesisOptions& options);
// One JSON object per line: {"problem": ..., "images": [...], "source": ...}.
std::string to_jsonl(const std::vector<SynthesizedQuestion>& questions);

}  // namespace mmupt
