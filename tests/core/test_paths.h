// Paths tests need: the source tree, the shared data folder beside the checkout, the CLI binary.
#pragma once
#include <string>

namespace mmupt::test {

std::string source_dir();
// ../shared/data beside the checkout (or $MMUPT_SHARED_DATA); empty when absent.
std::string shared_data_dir();
std::string cli_path();
// A fresh empty temporary directory, removed at process exit.
std::string temp_dir(const std::string& tag);

// Runs `command` through /bin/sh, feeding `input` on stdin; returns {exit code, stdout}.
struct CommandResult {
    int exit_code = -1;
    std::string out;
};
CommandResult run_command(const std::string& command, const std::string& input = "");

}  // namespace mmupt::test

// Skips the current test with a clear message when ../shared/data is absent.
#define MMUPT_REQUIRE_SHARED_DATA()                                                            \
    do {                                                                                       \
        if (::mmupt::test::shared_data_dir().empty())                                          \
            GTEST_SKIP() << "../shared/data is absent (set MMUPT_SHARED_DATA to point at it)"; \
    } while (0)
