// inspect_export_target (issue 11): where `mmupt export` and the studio may write. The CLI side
// (a user's folder left byte for byte, dtype kept, the report) is in cli_export_test.cpp.
#include "core/io/export_target.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/core/test_paths.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;

void touch(const fs::path& p, const std::string& text = "x") {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

TEST(ExportTarget, NewOrEmptyDirectoryIsFresh) {
    const fs::path tmp = test::temp_dir("export-target");
    EXPECT_EQ(inspect_export_target(tmp / "new", {}).kind, ExportTargetKind::Fresh);
    EXPECT_EQ(inspect_export_target(tmp / "new/deeper/", {}).kind, ExportTargetKind::Fresh);
    fs::create_directories(tmp / "empty");
    EXPECT_EQ(inspect_export_target(tmp / "empty", {}).kind, ExportTargetKind::Fresh);
}

TEST(ExportTarget, FolderOfUserFilesIsRefusedNamingThem) {
    const fs::path tmp = test::temp_dir("export-target");
    const fs::path user = tmp / "project";
    touch(user / "config.json", "{}");
    touch(user / "src/main.c");
    touch(user / ".git/HEAD");
    ExportTarget t = inspect_export_target(user, {});
    EXPECT_EQ(t.kind, ExportTargetKind::Refused);
    EXPECT_NE(t.reason.find("not empty"), std::string::npos) << t.reason;
    EXPECT_NE(t.reason.find("config.json"), std::string::npos) << t.reason;
    touch(tmp / "file.txt");
    EXPECT_EQ(inspect_export_target(tmp / "file.txt", {}).kind, ExportTargetKind::Refused);
}

TEST(ExportTarget, EarlierExportNeedsForceAndNothingForeign) {
    const fs::path tmp = test::temp_dir("export-target");
    const fs::path out = tmp / "hf";
    touch(out / "config.json", "{}");
    touch(out / "model.safetensors");
    write_export_marker(out, "/runs/r/checkpoints/step-2", "float32");
    ExportTarget t = inspect_export_target(out, {});
    EXPECT_EQ(t.kind, ExportTargetKind::EarlierExport) << t.reason;
    EXPECT_NE(t.reason.find("--force"), std::string::npos) << t.reason;
    touch(out / "notes.md");  // the user added a file after the export: not ours to delete
    t = inspect_export_target(out, {});
    EXPECT_EQ(t.kind, ExportTargetKind::Refused);
    EXPECT_NE(t.reason.find("notes.md"), std::string::npos) << t.reason;
}

TEST(ExportTarget, ProtectedAndRunDirectoriesAreRefusedEvenWithAMarker) {
    const fs::path tmp = test::temp_dir("export-target");
    const fs::path model = tmp / "models/base", run = tmp / "runs/r";
    touch(model / "config.json", "{}");
    touch(run / "config.yaml");
    touch(run / "metrics.jsonl");
    fs::create_directories(run / "checkpoints/step-1");
    const std::vector<fs::path> prot = {run, model};
    for (const fs::path& p : {model, model / "sub", tmp / "models", run, run / "export",
                              run / "checkpoints/step-1", tmp / "models/./base/../base"}) {
        ExportTarget t = inspect_export_target(p, prot);
        EXPECT_EQ(t.kind, ExportTargetKind::Refused) << p;
        EXPECT_FALSE(t.reason.empty());
    }
    // Another run directory, not in the protected list, is recognised by its files.
    const fs::path other = tmp / "runs/other";
    touch(other / "config.yaml");
    fs::create_directories(other / "checkpoints");
    write_export_marker(other, "x", "float32");
    for (const fs::path& p : {other, other / "out"}) {
        ExportTarget t = inspect_export_target(p, {});
        EXPECT_EQ(t.kind, ExportTargetKind::Refused) << p;
        EXPECT_NE(t.reason.find("run directory"), std::string::npos) << t.reason;
    }
    // A symlink to the model directory is the model directory.
    fs::create_directory_symlink(model, tmp / "link");
    EXPECT_EQ(inspect_export_target(tmp / "link", prot).kind, ExportTargetKind::Refused);
    EXPECT_EQ(inspect_export_target(tmp / "elsewhere", prot).kind, ExportTargetKind::Fresh);
}

}  // namespace
}  // namespace mmupt
