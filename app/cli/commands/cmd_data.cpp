// `mmupt data FILE|DIR ... [FILE.yaml via --config] [--set key=value ...]`: loads the sources
// with the resolved data.* settings and prints the validation summary (counts of examples,
// labels, good / missing / corrupt / oversized images, warnings). Exit 1 on a hard data error.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/config_io.h"
#include "core/data/dataset.h"
#include "core/util/log.h"

namespace mmupt::cli {
namespace {

int run_data(const std::vector<std::string>& args) {
    ArgParser p("data", "Load and validate a dataset; print counts and warnings.");
    p.positional("PATH", "a .jsonl / .json file or a folder of images")
        .option("--config", "FILE.yaml", "run config whose data.* keys apply")
        .multi_option("--set", "key=value", "override a config field, e.g. data.image_key=image")
        .option("--show", "N", "also print the first N examples", "0");
    p.parse(args);
    RunConfig config = load_config(p.has("--config") ? p.get("--config") : "", p.get_all("--set"));
    set_log_level(LogLevel::error);  // the report below lists the warnings; do not print twice
    Dataset ds = load_dataset({p.get("PATH")}, config.data);
    std::fputs(format_report(ds.report).c_str(), stdout);
    const long long show = p.get_int("--show");
    for (long long i = 0; i < show && i < static_cast<long long>(ds.examples.size()); ++i) {
        const Example& ex = ds.examples[static_cast<std::size_t>(i)];
        std::printf("\n[%s] %s\n", ex.id.c_str(), ex.question.c_str());
        for (const auto& img : ex.image_paths) std::printf("  image:  %s\n", img.c_str());
        for (const auto& c : ex.choices) std::printf("  choice: %s\n", c.c_str());
        std::printf("  answer (hidden label): %s\n", ex.answer ? ex.answer->c_str() : "(none)");
    }
    return 0;
}

}  // namespace

MMUPT_COMMAND("data", "validate a dataset and print its summary", &run_data);

}  // namespace mmupt::cli
