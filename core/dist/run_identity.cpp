// Config and model digests exchanged at start (run_identity.h).
#include "core/dist/run_identity.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config_io.h"

namespace mmupt {
namespace fs = std::filesystem;
namespace {

struct Fnv {
    uint64_t h = 1469598103934665603ULL;
    void add(const char* p, size_t n) {
        for (size_t i = 0; i < n; ++i) h = (h ^ uint8_t(p[i])) * 1099511628211ULL;
    }
    void add(const std::string& s) { add(s.data(), s.size() + 1); }  // the NUL separates
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

void add_file(Fnv& f, const fs::path& path, uintmax_t size) {
    constexpr uintmax_t kMiB = 1 << 20;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DistError("cannot read '" + path.string() + "' for the model digest");
    std::vector<char> buf;
    auto read_at = [&](uintmax_t offset, uintmax_t n) {
        buf.resize(size_t(n));
        in.seekg(std::streamoff(offset));
        in.read(buf.data(), std::streamsize(n));
        f.add(buf.data(), size_t(in.gcount()));
    };
    if (size < 2 * kMiB) {
        read_at(0, size);
    } else {
        read_at(0, kMiB);
        read_at(size - kMiB, kMiB);
    }
}

}  // namespace

std::string config_digest(const RunConfig& config) {
    nlohmann::json j = to_json(config);
    if (j.contains("model")) j["model"].erase("device");
    Fnv f;
    f.add(j.dump());
    return f.hex();
}

std::string model_files_digest(const std::string& dir) {
    std::vector<std::pair<std::string, fs::path>> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
            files.emplace_back(fs::relative(it->path(), dir).string(), it->path());
    if (ec) throw DistError("cannot list model directory '" + dir + "': " + ec.message());
    std::sort(files.begin(), files.end());
    Fnv f;
    for (const auto& [name, path] : files) {
        const uintmax_t size = fs::file_size(path);
        f.add(name);
        f.add(std::to_string(size));
        add_file(f, path, size);
    }
    return f.hex();
}

void check_same_run(DistGroup& group, const std::string& config_hex, const std::string& model_hex,
                    const std::string& model_dir) {
    const std::vector<std::string> all =
        group.exchange("run-identity", config_hex + " " + model_hex);
    for (int r = 0; r < group.world_size(); ++r) {
        const std::string& theirs = all[size_t(r)];
        if (theirs == all[0]) continue;
        const bool config_differs = theirs.substr(0, 16) != all[0].substr(0, 16);
        throw DistError("rank " + std::to_string(r) + " was started with " +
                        (config_differs
                             ? "a different config than rank 0 (the resolved config, --set "
                               "overrides included, must be the same on every rank)"
                             : "different model files than rank 0 (" + model_dir + " on rank " +
                                   std::to_string(group.rank()) +
                                   "); give every rank the same model.path content") +
                        "; refusing to train");
    }
}

}  // namespace mmupt
