// `mmupt synthesize --model DIR (--data FILE | --images DIR) --mode direct|in-context
// --out FILE.jsonl`: the paper's two question-synthesis strategies; the output is unlabelled
// training data ({"problem", "images", "source"}) for `mmupt train`.
#include <cstdio>
#include <fstream>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/config_io.h"
#include "core/trainer/synthesize.h"
#include "core/trainer/trainer.h"

namespace mmupt::cli {
namespace {

int run_synthesize(const std::vector<std::string>& args) {
    ArgParser p("synthesize", "Write new questions about images with the model itself.");
    p.option("--model", "DIR", "Hugging Face model directory")
        .option("--data", "FILE", "source questions with images (in-context or direct)")
        .option("--images", "DIR", "a folder of images (direct only)")
        .option("--mode", "MODE", "direct | in-context", "direct")
        .option("--out", "FILE.jsonl", "output training data")
        .option("-n", "K", "questions per source", "1")
        .option("--temperature", "T", "sampling temperature", "1.0")
        .option("--max-new-tokens", "N", "longest question", "256")
        .option("--seed", "S", "sampling seed", "1")
        .option("--device", "D", "auto | cpu | cuda:N", "auto")
        .multi_option("--set", "key=value", "data.* config fields (e.g. data.max_pixels=50176)");
    p.parse(args);
    if (!p.has("--model") || !p.has("--out") || p.has("--data") == p.has("--images"))
        throw UsageError("--model, --out and one of --data / --images are required");
    SynthesisOptions o;
    o.mode = parse_synthesis_mode(p.get("--mode"));
    if (o.mode == SynthesisMode::in_context && p.has("--images"))
        throw UsageError("--mode in-context needs --data with existing questions");
    o.per_source = static_cast<int>(p.get_int("-n"));
    o.temperature = p.get_double("--temperature");
    o.max_new_tokens = static_cast<int>(p.get_int("--max-new-tokens"));
    o.seed = static_cast<uint64_t>(p.get_int("--seed"));
    RunConfig config = load_config("", p.get_all("--set"));
    Dataset sources =
        load_dataset({p.has("--data") ? p.get("--data") : p.get("--images")}, config.data);
    ModelOptions mo;
    mo.device = resolve_device(p.get("--device"));
    mo.dtype = mo.device.is_cuda() ? at::kBFloat16 : at::kFloat;
    LoadedModel m = load_model(p.get("--model"), mo);
    auto questions = synthesize_questions(m.model, m.dir, sources.examples, config.data, o);
    std::ofstream out(p.get("--out"), std::ios::binary | std::ios::trunc);
    out << to_jsonl(questions);
    if (!out) throw std::runtime_error("cannot write '" + p.get("--out") + "'");
    std::printf("%zu questions from %zu sources -> %s\n", questions.size(), sources.examples.size(),
                p.get("--out").c_str());
    return 0;
}

}  // namespace

MMUPT_COMMAND("synthesize", "write new training questions about images (direct / in-context)",
              &run_synthesize);

}  // namespace mmupt::cli
