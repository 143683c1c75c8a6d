// `mmupt collapse-replay RUN_DIR [--set collapse.key=value ...] [--json]`: the collapse alarm
// replayed over a finished (or running) run's metrics.jsonl with the run's own `collapse.*`
// settings or others (core/trainer/collapse_replay.h): per step the score, the drift from the
// reference and its rise, and where the alarm would fire, with its reasons. Trains nothing.
// A missing run directory or a malformed line: exit 1 naming the file and line.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/trainer/collapse_replay.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

std::vector<StepMetrics> read_metrics(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw DataError(path + ": cannot read it; is this a run directory (it holds " +
                        run_files::kMetrics + ")?");
    std::vector<StepMetrics> steps;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.empty()) continue;
        try {
            steps.push_back(step_metrics_from_json(line));
        } catch (const DataError& e) {
            throw DataError(path + " line " + std::to_string(n) + ": " + e.what());
        }
    }
    return steps;
}

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

int run_collapse_replay(const std::vector<std::string>& args) {
    ArgParser p("collapse-replay",
                "Replay the collapse alarm over a run's metrics.jsonl, with its own or other "
                "collapse.* settings.");
    p.positional("RUN_DIR", "a run directory (config.yaml, metrics.jsonl)")
        .multi_option("--set", "key=value",
                      "override a setting, e.g. --set collapse.drift_threshold=0.1")
        .flag("--json", "one JSON object per step instead of a table");
    p.parse(args);
    const std::string dir = p.get("RUN_DIR");
    if (!std::filesystem::is_directory(dir)) throw DataError(dir + ": no such run directory");
    const RunConfig config = load_config(dir + "/" + run_files::kConfig, p.get_all("--set"));
    const std::vector<ReplayedStep> steps = replay_collapse(
        read_metrics(dir + "/" + run_files::kMetrics), effective_collapse_config(config));
    const bool json = p.has("--json");
    if (!json) std::printf("%6s %7s %7s %7s %6s\n", "step", "score", "drift", "rise", "alarm");
    int first = 0;
    for (const ReplayedStep& s : steps) {
        const auto& m = s.verdict.metrics;
        if (json) {
            std::printf("%s\n",
                        nlohmann::json{{"step", s.step},
                                       {"score", num(s.verdict.score)},
                                       {"reference_drift", num(m.at("collapse/reference_drift"))},
                                       {"drift_rise", num(m.at("collapse/drift_rise"))},
                                       {"alarm", s.verdict.fired},
                                       {"reasons", s.verdict.reasons}}
                            .dump()
                            .c_str());
        } else {
            std::printf("%6d %7.3f %7.3f %7.3f %6s\n", s.step, s.verdict.score,
                        m.at("collapse/reference_drift"), m.at("collapse/drift_rise"),
                        s.verdict.fired ? "FIRES" : "");
        }
        if (s.verdict.fired && !first) first = s.step;
        if (s.verdict.fired && !json)
            for (const std::string& r : s.verdict.reasons) std::printf("         %s\n", r.c_str());
    }
    if (!json) {
        if (steps.empty())
            std::printf("no GRPO step with collapse signals in %s/%s\n", dir.c_str(),
                        run_files::kMetrics);
        else if (first)
            std::printf("the alarm fires first at step %d\n", first);
        else
            std::printf("the alarm never fires in %zu steps\n", steps.size());
    }
    return 0;
}

}  // namespace

MMUPT_COMMAND("collapse-replay",
              "replay the collapse alarm over a run's metrics with other collapse.* settings",
              &run_collapse_replay);

}  // namespace mmupt::cli
