// `mmupt demo-tokenizer --out DIR`: a small byte-level BPE tokenizer with the Qwen2-VL special
// tokens, learned from the demo's questions and worked solutions. With `mmupt init-model` and
// `mmupt demo-data` it makes a complete toy setup (tests, benchmarks, scripts/gpu-check.sh)
// without downloading anything.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/demo/demo_tokenizer.h"
#include "core/demo/synthetic_tasks.h"

namespace mmupt::cli {
namespace {

int run_demo_tokenizer(const std::vector<std::string>& args) {
    ArgParser p("demo-tokenizer", "Write the demo's small BPE tokenizer (Hugging Face files).");
    p.option("--out", "DIR", "output directory")
        .option("--merges", "N", "BPE merges to learn", "400")
        .option("--items", "N", "demo items in the training corpus", "400");
    p.parse(args);
    if (!p.has("--out")) throw UsageError("--out DIR is required");
    std::vector<std::string> corpus = {
        "You are a helpful assistant.",
        "Please reason step by step, and put your final answer within \\boxed{}."};
    const auto& families = demo::all_task_families();
    for (long long i = 0; i < p.get_int("--items"); ++i) {
        auto item = demo::make_item(/*seed=*/0, static_cast<uint64_t>(i),
                                    families[static_cast<size_t>(i) % families.size()]);
        corpus.push_back(item.question);
        corpus.push_back(item.solution);
    }
    auto bpe = demo::learn_bpe(corpus, static_cast<int>(p.get_int("--merges")));
    demo::write_demo_tokenizer(p.get("--out"), bpe);
    std::printf("wrote %s: %zu tokens + the Qwen2-VL special tokens\n", p.get("--out").c_str(),
                bpe.vocab.size());
    return 0;
}

}  // namespace

MMUPT_COMMAND("demo-tokenizer", "write the demo's small BPE tokenizer", &run_demo_tokenizer);

}  // namespace mmupt::cli
