// check_export: inspect_export_target with export_model's protected directories, plus the dtype
// of the first floating-point tensor in the checkpoint's safetensors headers.
#include "core/session/export_check.h"

#include <filesystem>
#include <vector>

#include "core/io/export_target.h"
#include "core/io/safetensors_file.h"
#include "core/trainer/inspect.h"

namespace mmupt {

namespace {

std::string stored_dtype_name(const std::string& model_dir) {
    try {
        SafetensorsCheckpoint ckpt = open_checkpoint(model_dir);
        for (const auto& shard : ckpt.shards)
            for (const auto& t : shard.header().tensors) {
                if (t.dtype == StDtype::F32) return "float32";
                if (t.dtype == StDtype::BF16) return "bfloat16";
                if (t.dtype == StDtype::F16) return "float16";
            }
    } catch (const std::exception&) {  // no weights yet, or unreadable: the form says "unknown"
    }
    return {};
}

}  // namespace

ExportCheck check_export(const std::string& checkpoint_dir, const std::string& out_dir) {
    ExportCheck check;
    check.stored_dtype = stored_dtype_name(checkpoint_dir);
    std::vector<std::filesystem::path> protect;
    for (const auto& d : export_protected_dirs(checkpoint_dir)) protect.emplace_back(d);
    try {
        const ExportTarget target = inspect_export_target(out_dir, protect);
        check.reason = target.reason;
        check.kind = target.kind == ExportTargetKind::Fresh ? ExportCheck::Kind::fresh
                     : target.kind == ExportTargetKind::EarlierExport
                         ? ExportCheck::Kind::earlier_export
                         : ExportCheck::Kind::refused;
    } catch (const std::exception& e) {
        check.kind = ExportCheck::Kind::refused;
        check.reason = e.what();
    }
    return check;
}

}  // namespace mmupt
