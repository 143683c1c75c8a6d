// Architecture checks: core/ must never include Qt, and the CLI reports its version.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "tests/core/test_paths.h"

namespace fs = std::filesystem;

TEST(Layering, CoreIncludesNoQtHeader) {
    const std::regex qt_include(R"(#\s*include\s*[<"](Q[A-Za-z]|qt)[^>"]*[>"])");
    int files = 0;
    for (const auto& e : fs::recursive_directory_iterator(mmupt::test::source_dir() + "/core")) {
        if (!e.is_regular_file()) continue;
        auto ext = e.path().extension().string();
        if (ext != ".h" && ext != ".cpp") continue;
        ++files;
        std::ifstream f(e.path());
        std::string line;
        int n = 0;
        while (std::getline(f, line)) {
            ++n;
            EXPECT_FALSE(std::regex_search(line, qt_include))
                << e.path() << ":" << n << " includes Qt: " << line;
        }
    }
    EXPECT_GT(files, 3) << "found no core sources; is MMUPT_SOURCE_DIR right?";
}

TEST(Cli, VersionAndUsageErrors) {
    auto v = mmupt::test::run_command(mmupt::test::cli_path() + " --version");
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_NE(v.out.find("mmupt "), std::string::npos) << v.out;
    auto bad = mmupt::test::run_command(mmupt::test::cli_path() + " no-such-command 2>/dev/null");
    EXPECT_EQ(bad.exit_code, 2);
    auto help = mmupt::test::run_command(mmupt::test::cli_path() + " --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("usage: mmupt"), std::string::npos);
}
