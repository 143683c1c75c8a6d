// The export-target rule (export_target.h). Order matters: protected directories and run
// directories are refused even when empty or marked, so --force can never reach them.
#include "core/io/export_target.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/io/atomic_file.h"
#include "core/session/run_files.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path resolved(const fs::path& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec) abs = p;
    fs::path c = fs::weakly_canonical(abs, ec);
    c = ec ? abs.lexically_normal() : c;
    if (!c.has_filename() && c.has_parent_path() && c != c.root_path()) c = c.parent_path();
    return c;
}

// `inner` is `outer` or lies below it (both resolved).
bool within(const fs::path& inner, const fs::path& outer) {
    auto i = inner.begin(), o = outer.begin();
    for (; o != outer.end(); ++o, ++i)
        if (i == inner.end() || *i != *o) return false;
    return true;
}

// What mmupt train writes: config.yaml beside metrics / checkpoints / the log / the lock.
bool is_run_directory(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / run_files::kConfig, ec)) return false;
    for (const char* f : {run_files::kMetrics, run_files::kCheckpoints, run_files::kLog,
                          run_files::kLock, run_files::kModelFiles})
        if (fs::exists(dir / f, ec)) return true;
    return false;
}

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

std::string some(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size() && i < 4; ++i) s += (i ? ", " : "") + names[i];
    if (names.size() > 4) s += ", ... (" + std::to_string(names.size()) + " entries)";
    return s;
}

ExportTarget refused(std::string why) { return {ExportTargetKind::Refused, std::move(why)}; }

// The files an earlier export listed in its marker; nullopt when there is no readable marker.
std::optional<std::set<std::string>> marked_files(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / kExportMarker, ec)) return std::nullopt;
    std::ifstream in(dir / kExportMarker);
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_array())
        return std::nullopt;
    std::set<std::string> files{kExportMarker};
    for (const auto& f : j["files"])
        if (f.is_string()) files.insert(f.get<std::string>());
    return files;
}

}  // namespace

ExportTarget inspect_export_target(const fs::path& out_in,
                                   const std::vector<fs::path>& protected_dirs) {
    const fs::path out = resolved(out_in);
    const std::string where = "'" + out.string() + "'";
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        return refused(where + " exists and is not a directory; choose a new directory");
    for (const auto& p_in : protected_dirs) {
        if (p_in.empty()) continue;
        const fs::path p = resolved(p_in);
        if (out == p)
            return refused(where +
                           " is the run's own directory or its model.path (the model it "
                           "trains from); export into a new directory");
        if (within(out, p))
            return refused(where + " is inside '" + p.string() +
                           "' (the run directory or its model.path); export into a new "
                           "directory outside it");
        if (within(p, out))
            return refused(where + " holds '" + p.string() +
                           "' (the run directory or its model.path); export into a new "
                           "directory");
    }
    for (fs::path d = out;; d = d.parent_path()) {
        if (is_run_directory(d))
            return refused(d == out ? where +
                                          " is a run directory (mmupt train writes it); "
                                          "export into a new directory"
                                    : where + " is inside the run directory '" + d.string() +
                                          "'; export into a new directory outside it");
        if (d == d.root_path() || !d.has_parent_path()) break;
    }
    if (!fs::exists(out, ec) || fs::is_empty(out, ec)) return {ExportTargetKind::Fresh, ""};
    const std::vector<std::string> names = entries(out);
    const auto marked = marked_files(out);
    if (!marked)
        return refused(where + " is not empty (" + some(names) +
                       ") and holds no earlier mmupt export (no " + kExportMarker +
                       "); export into a new or empty directory");
    std::vector<std::string> foreign;
    for (const auto& n : names)
        if (!marked->count(n)) foreign.push_back(n);
    if (!foreign.empty())
        return refused(where + " holds an earlier mmupt export plus files it did not write (" +
                       some(foreign) + "); move them away or export into a new directory");
    return {ExportTargetKind::EarlierExport,
            where + " holds an earlier mmupt export; --force replaces it (" + some(names) + ")"};
}

void write_export_marker(const fs::path& out, const std::string& source, const std::string& dtype) {
    json j = {{"written_by", "mmupt export"},
              {"source", source},
              {"dtype", dtype},
              {"files", entries(out)}};
    const std::string text = j.dump(2) + "\n";
    AtomicFile f((out / kExportMarker).string());
    f.write(text.data(), text.size());
    f.commit();
}

}  // namespace mmupt
