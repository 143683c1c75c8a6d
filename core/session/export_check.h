// The export rule as the studio sees it, torch-free: may a checkpoint be exported into a folder
// (core/io/export_target.h decides, with the directories export_model protects), and in which
// dtype are its weights stored. Reads the file system only.
#pragma once
#include <string>

namespace mmupt {

struct ExportCheck {
    enum class Kind { fresh, earlier_export, refused };
    Kind kind = Kind::refused;
    std::string reason;        // why refused, or what a replace would overwrite
    std::string stored_dtype;  // "float32" | "bfloat16" | "float16"; "" when unreadable
};

// Never throws: an unreadable checkpoint gives stored_dtype "".
ExportCheck check_export(const std::string& checkpoint_dir, const std::string& out_dir);

}  // namespace mmupt
