// Safetensors writer: layout from safetensors_layout.cpp, bytes from contiguous CPU copies made
// one tensor at a time, atomic replacement; sharding by a byte budget with an HF-style index.
#include "core/io/safetensors_writer.h"

#include <ATen/core/Tensor.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/io/atomic_file.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

namespace {

TensorSpec spec_of(const std::string& name, const at::Tensor& t) {
    if (!t.defined()) throw FormatError("safetensors writer: tensor '" + name + "' is undefined");
    if (t.layout() != at::kStrided)
        throw FormatError("safetensors writer: tensor '" + name +
                          "' is sparse; call to_dense() first");
    TensorSpec s;
    s.name = name;
    try {
        s.dtype = from_scalar_type(t.scalar_type());
    } catch (const FormatError& e) {
        throw FormatError("tensor '" + name + "': " + e.what());
    }
    for (int64_t d : t.sizes()) s.shape.push_back(static_cast<uint64_t>(d));
    return s;
}

// Contiguous little-endian CPU bytes with conjugate / negative views resolved.
at::Tensor cpu_bytes(const at::Tensor& t) {
    return t.detach().resolve_conj().resolve_neg().to(at::kCPU).contiguous();
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
    std::vector<TensorSpec> specs;
    std::map<std::string, const at::Tensor*> by_name;
    for (const auto& [name, t] : tensors) {
        specs.push_back(spec_of(name, t));
        by_name[name] = &t;
    }
    SafetensorsLayout layout = plan_safetensors(std::move(specs), metadata);
    AtomicFile file(path);
    file.write(layout.prefix.data(), layout.prefix.size());
    for (const auto& r : layout.records) {
        at::Tensor c = cpu_bytes(*by_name.at(r.name));
        if (static_cast<uint64_t>(c.nbytes()) != r.nbytes())
            throw CheckpointError(path + ": tensor '" + r.name + "' has " +
                                  std::to_string(c.nbytes()) + " bytes, expected " +
                                  std::to_string(r.nbytes()));
        if (r.nbytes() > 0) file.write(c.data_ptr(), static_cast<size_t>(r.nbytes()));
    }
    file.commit();
}

void save_safetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata) {
    save_safetensors(path, NamedTensors(tensors.begin(), tensors.end()), metadata);
}

std::vector<std::string> save_checkpoint(const std::string& dir, const NamedTensors& tensors,
                                         const CheckpointWriteOptions& options) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw CheckpointError(dir + ": cannot create directory: " + ec.message());

    // Greedy split in input order (as transformers' shard splitter).
    std::vector<NamedTensors> shards(1);
    uint64_t in_shard = 0, total = 0;
    for (const auto& nt : tensors) {
        TensorSpec spec = spec_of(nt.first, nt.second);
        uint64_t n = checked_nbytes(spec.dtype, spec.shape, "tensor '" + nt.first + "'");
        if (options.max_shard_bytes > 0 && !shards.back().empty() &&
            in_shard + n > options.max_shard_bytes) {
            shards.emplace_back();
            in_shard = 0;
        }
        shards.back().push_back(nt);
        in_shard += n;
        total += n;
    }

    const fs::path root(dir);
    std::vector<std::string> written;
    if (shards.size() == 1) {
        written.push_back((root / "model.safetensors").string());
        save_safetensors(written.back(), shards[0], options.metadata);
    } else {
        nlohmann::json weight_map = nlohmann::json::object();
        for (size_t k = 0; k < shards.size(); ++k) {
            char name[64];
            std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", k + 1,
                          shards.size());
            written.push_back((root / name).string());
            save_safetensors(written.back(), shards[k], options.metadata);
            for (const auto& nt : shards[k]) weight_map[nt.first] = name;
        }
        nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
        std::string text = index.dump(2) + "\n";
        written.push_back((root / "model.safetensors.index.json").string());
        AtomicFile f(written.back());
        f.write(text.data(), text.size());
        f.commit();
    }

    // Remove what an older save left that would shadow or confuse this one.
    const std::set<std::string> keep(written.begin(), written.end());
    const std::regex shard_name(R"(model-\d{5}-of-\d{5}\.safetensors)");
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const std::string base = e.path().filename().string();
        bool ours = base == "model.safetensors" || base == "model.safetensors.index.json" ||
                    std::regex_match(base, shard_name);
        if (ours && !keep.count(e.path().string())) fs::remove(e.path(), ec);
    }
    return written;
}

}  // namespace mmupt
