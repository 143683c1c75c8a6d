// `mmupt demo-data`: writes the built-in demo's synthetic splits (sft / upt / test JSONL +
// images) so they can be inspected, or trained on with `mmupt train` like any dataset.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/demo/synthetic_dataset.h"

namespace mmupt::cli {
namespace {

int run_demo_data(const std::vector<std::string>& args) {
    ArgParser p("demo-data",
                "Write the demo's synthetic visual-reasoning splits: sft.jsonl (labelled, with\n"
                "worked solutions), upt.jsonl (unlabelled training; answers kept only as hidden\n"
                "diagnostic labels), test.jsonl (held out), and images/.");
    p.option("--out", "DIR", "output directory")
        .option("--seed", "S", "data seed", "0")
        .option("--sft", "N", "labelled SFT items", "600")
        .option("--upt", "N", "unlabelled UPT items", "400")
        .option("--test", "N", "held-out test items", "200")
        .option("--families", "LIST",
                "comma-separated task families (default: the demo's mix); any of count_color,\n"
                "count_shape, total_two_colors, compare_colors, count_all, most_color",
                "");
    p.parse(args);
    if (!p.has("--out")) throw UsageError("--out DIR is required");
    demo::DemoDataSizes sizes;
    sizes.sft = static_cast<int>(p.get_int("--sft"));
    sizes.upt = static_cast<int>(p.get_int("--upt"));
    sizes.test = static_cast<int>(p.get_int("--test"));
    if (sizes.sft < 0 || sizes.upt < 0 || sizes.test < 0 ||
        sizes.sft + sizes.upt + sizes.test > 1000000)
        throw UsageError("split sizes must be between 0 and 1,000,000 in total");
    for (const std::string& name : p.get_list("--families")) {
        auto family = demo::parse_task_family(name);
        if (!family) throw UsageError("--families: unknown task family '" + name + "'");
        sizes.families.push_back(*family);
    }
    long long seed = p.get_int("--seed");
    if (seed < 0) throw UsageError("--seed must be non-negative");
    auto r = demo::write_demo_data(p.get("--out"), static_cast<std::uint64_t>(seed), sizes);
    std::printf("wrote %s: sft %d, upt %d, test %d (%d test candidates skipped as repeats)\n",
                r.dir.c_str(), r.sft, r.upt, r.test, r.test_duplicates_skipped);
    return 0;
}

}  // namespace

MMUPT_COMMAND("demo-data", "write the built-in demo's synthetic dataset splits", &run_demo_data);

}  // namespace mmupt::cli
