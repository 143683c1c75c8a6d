// Checkpoint resolution: a single .safetensors file, or model.safetensors.index.json and its
// shards with the cross-checks of QWEN2-VL.md §2.5 / §8 item 7. Torch-free.
// It deliberately does not check total_size against the shards: writers disagree on it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/json_strict.h"
#include "core/io/safetensors_file.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

namespace {

// Shard names are plain basenames inside the model directory: no separators, no "..".
void check_shard_name(const std::string& file, const std::string& tensor,
                      const std::string& source) {
    const std::string ctx = source + ": weight_map entry for tensor '" + tensor + "'";
    if (file.empty()) throw FormatError(ctx + ": empty file name");
    if (file.find('/') != std::string::npos || file.find('\\') != std::string::npos)
        throw FormatError(ctx + ": file name '" + file +
                          "' contains a path separator (shards must sit beside the index)");
    if (file.find("..") != std::string::npos || file == ".")
        throw FormatError(ctx + ": file name '" + file + "' contains '..' (not allowed)");
    if (file.find('\0') != std::string::npos)
        throw FormatError(ctx + ": file name contains a NUL byte");
}

std::string read_small_file(const std::string& path) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) throw FormatError(path + ": cannot read: " + ec.message());
    if (size > 64u * 1024 * 1024)
        throw FormatError(path + ": " + std::to_string(size) + " bytes is too large for an index");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw FormatError(path + ": cannot open");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Why a model directory has no readable safetensors weights, with the fix: a symlink loop or a
// dangling link is named as such, and a pickle checkpoint is refused for what it is.
std::string missing_weights_message(const std::string& dir, const std::vector<fs::path>& names) {
    std::error_code ec;
    for (const fs::path& p : names) {
        if (!fs::is_symlink(fs::symlink_status(p, ec))) continue;
        std::error_code target_ec, status_ec;
        const std::string target = fs::read_symlink(p, target_ec).string();
        // status() fails with ELOOP for a loop, ENOENT for a dangling link.
        if (!fs::exists(fs::status(p, status_ec)) &&
            status_ec == std::errc::too_many_symbolic_link_levels)
            return p.string() + " is a symlink loop (it points, through '" + target +
                   "', back to itself); point it at the real weights file";
        return p.string() + " is a symlink to '" + target +
               "', which does not exist; point it at the real weights file";
    }
    for (const char* pickle : {"pytorch_model.bin", "pytorch_model.bin.index.json"}) {
        if (!fs::exists(fs::path(dir) / pickle, ec)) continue;
        return dir + ": holds only a PyTorch pickle checkpoint (" + pickle +
               "); mmupt reads safetensors only (pickle files can run code when loaded). "
               "Convert it once with transformers: python -c \"import transformers as t; "
               "m = t.AutoModelForImageTextToText.from_pretrained('" +
               dir + "'); m.save_pretrained('" + dir +
               "', safe_serialization=True)\" (writes model.safetensors)";
    }
    return dir + ": no model.safetensors.index.json or model.safetensors in this directory";
}

SafetensorsCheckpoint open_index(const std::string& index_path, ReadMode mode) {
    SafetensorsCheckpoint ck;
    ck.index_path = index_path;
    SafetensorsIndex idx = parse_safetensors_index(read_small_file(index_path), index_path);
    ck.index_metadata = idx.metadata;
    fs::path dir = fs::path(index_path).parent_path();
    std::map<std::string, size_t> shard_of_file;
    for (const auto& file : idx.files) {
        shard_of_file[file] = ck.shards.size();
        fs::path p = dir / file;
        if (!fs::exists(p))
            throw FormatError(index_path + ": shard '" + file +
                              "' (listed in weight_map) is missing from " +
                              (dir.empty() ? std::string(".") : dir.string()));
        ck.shards.push_back(SafetensorsFile::open(p.string(), mode));
    }
    // Every shard's tensors must be exactly those the index maps to it.
    for (size_t s = 0; s < ck.shards.size(); ++s) {
        for (const auto& t : ck.shards[s].header().tensors) {
            auto mapped = idx.weight_map.find(t.name);
            if (mapped == idx.weight_map.end())
                throw FormatError(ck.shards[s].path() + ": tensor '" + t.name +
                                  "' is not listed in " + index_path);
            auto [it, inserted] = ck.where.emplace(t.name, s);
            if (!inserted)
                throw FormatError(index_path + ": tensor '" + t.name + "' is in two shards, '" +
                                  idx.files[it->second] + "' and '" + idx.files[s] + "'");
        }
    }
    for (const auto& [name, s] : ck.where)
        if (shard_of_file[idx.weight_map[name]] != s)
            throw FormatError(index_path + ": tensor '" + name + "' is in shard '" + idx.files[s] +
                              "' but weight_map maps it to '" + idx.weight_map[name] + "'");
    for (const auto& [name, file] : idx.weight_map)
        if (!ck.where.count(name))
            throw FormatError(index_path + ": tensor '" + name + "' is mapped to '" + file +
                              "' but that shard does not contain it");
    return ck;
}

}  // namespace

SafetensorsIndex parse_safetensors_index(std::string_view text, const std::string& source) {
    nlohmann::json doc = parse_json_strict(text, source, /*max_depth=*/8);
    if (!doc.is_object()) throw FormatError(source + ": index is not a JSON object");
    auto wm = doc.find("weight_map");
    if (wm == doc.end() || !wm->is_object())
        throw FormatError(source + ": missing object 'weight_map' (tensor name -> shard file)");
    SafetensorsIndex idx;
    for (const auto& [name, file] : wm->items()) {
        if (!file.is_string())
            throw FormatError(source + ": weight_map entry for tensor '" + name +
                              "' is not a file name string");
        const auto& f = file.get_ref<const std::string&>();
        check_shard_name(f, name, source);
        idx.weight_map[name] = f;
        if (std::find(idx.files.begin(), idx.files.end(), f) == idx.files.end())
            idx.files.push_back(f);
    }
    if (auto md = doc.find("metadata"); md != doc.end() && md->is_object())
        for (const auto& [k, v] : md->items())
            idx.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
    return idx;
}

SafetensorsCheckpoint open_checkpoint(const std::string& path, ReadMode mode) {
    std::error_code ec;
    SafetensorsCheckpoint ck;
    if (fs::is_directory(path, ec)) {
        fs::path index = fs::path(path) / "model.safetensors.index.json";
        fs::path single = fs::path(path) / "model.safetensors";
        if (fs::exists(index, ec))
            ck = open_index(index.string(), mode);
        else if (fs::exists(single, ec))
            ck.shards.push_back(SafetensorsFile::open(single.string(), mode));
        else
            throw FormatError(missing_weights_message(path, {index, single}));
    } else if (path.size() >= 11 && path.compare(path.size() - 11, 11, ".index.json") == 0) {
        ck = open_index(path, mode);
    } else {
        ck.shards.push_back(SafetensorsFile::open(path, mode));
    }
    if (ck.index_path.empty())
        for (const auto& t : ck.shards[0].header().tensors) ck.where[t.name] = 0;
    ck.source = path;
    return ck;
}

}  // namespace mmupt
