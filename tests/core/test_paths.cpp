#include "tests/core/test_paths.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace mmupt::test {
namespace fs = std::filesystem;

std::string source_dir() { return MMUPT_SOURCE_DIR; }

std::string shared_data_dir() {
    if (const char* env = std::getenv("MMUPT_SHARED_DATA"); env && *env)
        return fs::is_directory(env) ? env : "";
    fs::path p = fs::path(MMUPT_SOURCE_DIR).parent_path() / "shared" / "data";
    return fs::is_directory(p) ? p.string() : "";
}

std::string cli_path() { return MMUPT_CLI_PATH; }

namespace {
struct TempDirs {
    std::vector<fs::path> dirs;
    ~TempDirs() {
        std::error_code ec;
        for (auto& d : dirs) fs::remove_all(d, ec);
    }
};
TempDirs g_temp_dirs;
}  // namespace

std::string temp_dir(const std::string& tag) {
    std::string templ = (fs::temp_directory_path() / ("mmupt-test-" + tag + "-XXXXXX")).string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) std::abort();
    g_temp_dirs.dirs.emplace_back(buf.data());
    return buf.data();
}

CommandResult run_command(const std::string& command, const std::string& input) {
    std::string dir = temp_dir("cmd");
    std::string in_path = dir + "/stdin", out_path = dir + "/stdout";
    std::ofstream(in_path, std::ios::binary) << input;
    // The subshell keeps redirections inside `command` (e.g. 2>&1) aimed at the captured stdout.
    std::string full = "( " + command + " ) < '" + in_path + "' > '" + out_path + "'";
    int status = std::system(full.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream f(out_path, std::ios::binary);
    r.out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return r;
}

}  // namespace mmupt::test
