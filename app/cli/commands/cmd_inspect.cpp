// `mmupt inspect PATH`: lists the tensors of a .safetensors file, an index, or a model directory
// (name, dtype, shape, bytes, shard) with totals; `--json` for machines. Reads headers only
// (full validation, no tensor data is touched), so it is instant on multi-GB checkpoints.
// Malformed input: exit 1 with the reader's message.
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/io/safetensors_file.h"

namespace mmupt::cli {
namespace {

std::string shape_text(const std::vector<uint64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string human_bytes(uint64_t n) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.2f %s" : "%.0f %s", v, units[u]);
    return buf;
}

std::string base_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

void print_text(const SafetensorsCheckpoint& ck) {
    std::printf("%s: %zu file%s%s\n", ck.source.c_str(), ck.shards.size(),
                ck.shards.size() == 1 ? "" : "s",
                ck.index_path.empty() ? "" : (" (index " + base_name(ck.index_path) + ")").c_str());
    for (const auto& f : ck.shards) {
        std::string md;
        for (const auto& [k, v] : f.metadata()) md += (md.empty() ? "" : ", ") + k + "=" + v;
        std::printf("  %s: %zu tensors, header %" PRIu64 " bytes%s%s\n",
                    base_name(f.path()).c_str(), f.header().tensors.size(), f.header().header_size,
                    md.empty() ? "" : ", metadata ", md.c_str());
    }
    size_t width = 4;
    for (const auto& [name, s] : ck.where) width = std::max(width, name.size());
    std::printf("\n%-*s  %-7s %-22s %14s%s\n", static_cast<int>(width), "name", "dtype", "shape",
                "bytes", ck.shards.size() > 1 ? "  file" : "");
    uint64_t params = 0, bytes = 0;
    for (const auto& [name, s] : ck.where) {
        const TensorRecord& r = ck.shards[s].info(name);
        std::printf("%-*s  %-7s %-22s %14" PRIu64 "%s%s\n", static_cast<int>(width), name.c_str(),
                    dtype_name(r.dtype), shape_text(r.shape).c_str(), r.nbytes(),
                    ck.shards.size() > 1 ? "  " : "",
                    ck.shards.size() > 1 ? base_name(ck.shards[s].path()).c_str() : "");
        params += r.numel();
        bytes += r.nbytes();
    }
    std::printf("\ntotal: %zu tensors, %" PRIu64 " parameters, %" PRIu64 " bytes (%s)\n",
                ck.where.size(), params, bytes, human_bytes(bytes).c_str());
}

void print_json(const SafetensorsCheckpoint& ck) {
    nlohmann::json files = nlohmann::json::array(), tensors = nlohmann::json::array();
    for (const auto& f : ck.shards)
        files.push_back({{"path", f.path()},
                         {"header_bytes", f.header().header_size},
                         {"tensors", f.header().tensors.size()},
                         {"metadata", f.metadata()}});
    uint64_t params = 0, bytes = 0;
    for (const auto& [name, s] : ck.where) {
        const TensorRecord& r = ck.shards[s].info(name);
        tensors.push_back({{"name", name},
                           {"dtype", dtype_name(r.dtype)},
                           {"shape", r.shape},
                           {"bytes", r.nbytes()},
                           {"file", base_name(ck.shards[s].path())}});
        params += r.numel();
        bytes += r.nbytes();
    }
    nlohmann::json out = {
        {"path", ck.source},  {"index", ck.index_path},     {"files", files},
        {"tensors", tensors}, {"total_parameters", params}, {"total_bytes", bytes}};
    std::printf("%s\n", out.dump(2).c_str());
}

int run_inspect(const std::vector<std::string>& args) {
    ArgParser p("inspect", "List the tensors of a safetensors file or model directory.");
    p.positional("path", "a .safetensors file, a .index.json, or a model directory")
        .flag("--json", "print one JSON object instead of a table");
    p.parse(args);
    // Headers only: stream mode maps nothing and reads no tensor bytes.
    SafetensorsCheckpoint ck = open_checkpoint(p.get("path"), ReadMode::kStream);
    if (p.has("--json"))
        print_json(ck);
    else
        print_text(ck);
    return 0;
}

}  // namespace

MMUPT_COMMAND("inspect", "list tensors (name, dtype, shape, bytes) of safetensors checkpoints",
              &run_inspect);

}  // namespace mmupt::cli
