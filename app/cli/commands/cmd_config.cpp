// `mmupt config [FILE.yaml] [--set key=value ...] [--docs] [--json] [--check-run]`: resolves the
// layered config (defaults < file < --set), validates it and prints it as YAML (or JSON, or the
// generated docs/config.md). Invalid values exit 1 with the field named. Starts no training.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/config_io.h"

#include <nlohmann/json.hpp>

namespace mmupt::cli {
namespace {

int run_config(const std::vector<std::string>& args) {
    ArgParser p("config",
                "Print the resolved, validated run config: defaults < FILE.yaml < --set.");
    p.positional("FILE.yaml", "YAML config to layer over the defaults", /*required=*/false)
        .multi_option("--set", "key=value", "override one field, e.g. --set rollout.n=8")
        .flag("--docs", "print the config reference (docs/config.md) generated from the schema")
        .flag("--json", "print JSON instead of YAML")
        .flag("--comments", "annotate each YAML field with its unit and allowed range")
        .flag("--check-run", "also require the fields a training run needs (model.path, ...)");
    p.parse(args);
    if (p.has("--docs")) {
        std::fputs(config_docs_markdown().c_str(), stdout);
        return 0;
    }
    RunConfig config = load_config(p.has("FILE.yaml") ? p.get("FILE.yaml") : "", p.get_all("--set"),
                                   p.has("--check-run"));
    if (p.has("--json")) {
        std::printf("%s\n", to_json(config).dump(2).c_str());
    } else {
        std::fputs(to_yaml(config, p.has("--comments")).c_str(), stdout);
    }
    return 0;
}

}  // namespace

MMUPT_COMMAND("config", "print the resolved run config (or its docs)", &run_config);

}  // namespace mmupt::cli
