// RUN/best.json: encoding, atomic write, read (best_checkpoint.h).
#include "core/session/best_checkpoint.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "core/session/run_files.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

bool beats_best(const std::optional<BestCheckpoint>& best, double value) {
    if (!std::isfinite(value)) return false;
    return !best || value > best->value;
}

BestCheckpoint make_best(int step, const std::string& metric, double value) {
    return {step, metric, value,
            std::string(run_files::kCheckpoints) + "/step-" + std::to_string(step)};
}

json to_json(const BestCheckpoint& b) {
    return {
        {"step", b.step}, {"metric", b.metric}, {"value", b.value}, {"checkpoint", b.checkpoint}};
}

BestCheckpoint best_checkpoint_from_json(const json& j, const std::string& source) {
    auto need = [&](const char* key) -> const json& {
        if (!j.is_object() || !j.contains(key))
            throw CheckpointError(source + ": missing field '" + key +
                                  "' (expected {\"step\", \"metric\", \"value\", \"checkpoint\"})");
        return j.at(key);
    };
    try {
        BestCheckpoint b;
        b.step = need("step").get<int>();
        b.metric = need("metric").get<std::string>();
        b.value = need("value").get<double>();
        b.checkpoint = need("checkpoint").get<std::string>();
        return b;
    } catch (const json::exception& e) {
        throw CheckpointError(source + ": malformed best-checkpoint record (" + e.what() + ")");
    }
}

std::optional<BestCheckpoint> read_best_checkpoint(const std::string& run_dir) {
    const fs::path path = fs::path(run_dir) / run_files::kBest;
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    std::ifstream in(path);
    json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!in.is_open() || j.is_discarded())
        throw CheckpointError(path.string() +
                              ": not valid JSON; delete it (the trainer rewrites it at the next "
                              "better validation or on resume)");
    return best_checkpoint_from_json(j, path.string());
}

void write_best_checkpoint(const std::string& run_dir, const BestCheckpoint& best) {
    const std::string text = to_json(best).dump(2) + "\n";
    AtomicFile out((fs::path(run_dir) / run_files::kBest).string());
    out.write(text.data(), text.size());
    out.commit();
}

bool remove_best_checkpoint(const std::string& run_dir) {
    std::error_code ec;
    return fs::remove(fs::path(run_dir) / run_files::kBest, ec);
}

std::string format_best_value(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

}  // namespace mmupt
