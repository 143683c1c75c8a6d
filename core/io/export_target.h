// Where an export may write (issue 11): a new or empty directory, or one that holds an earlier
// mmupt export (its `.mmupt-export` marker lists what it wrote) only with --force; never a
// protected directory (the run's model.path, the run directory), never inside or around one,
// never inside any run directory, never a non-empty folder of other files. The CLI's `export`
// and the studio's export dialog both decide with inspect_export_target. Torch-free.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace mmupt {

inline constexpr const char* kExportMarker = ".mmupt-export";

enum class ExportTargetKind {
    Fresh,          // absent or an empty directory: write it
    EarlierExport,  // an earlier mmupt export and nothing else: replace it only with --force
    Refused,        // never write here; `reason` says why and what to choose instead
};

struct ExportTarget {
    ExportTargetKind kind = ExportTargetKind::Refused;
    std::string reason;  // plain words: why it is refused, or what --force will replace
};

// Reads the file system only (never writes). `protected_dirs`: directories an export must not
// replace, enter or enclose (e.g. the run directory and its model.path); absent ones are
// ignored. Symlinks are resolved before comparing.
ExportTarget inspect_export_target(const std::filesystem::path& out,
                                   const std::vector<std::filesystem::path>& protected_dirs);

// Writes `out/.mmupt-export` (JSON: source, dtype, the files now in `out`), the marker that lets
// a later export with --force replace `out`. Throws CheckpointError.
void write_export_marker(const std::filesystem::path& out, const std::string& source,
                         const std::string& dtype);

}  // namespace mmupt
