// Running `mmupt` in the background from a test (the chaos and run-guard tests): spawn with
// extra environment (MMUPT_TEST_PAUSE_AT, core/util/test_pause.h), wait for the pause marker,
// signal, reap. Output goes to a log file the failure messages quote.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/test_paths.h"

extern char** environ;

namespace mmupt::test {

struct CliProcess {
    pid_t pid = -1;
    std::string log;   // stdout + stderr
    std::string mark;  // the pause marker file ("" when no pause was asked for)

    std::string output() const {
        std::ifstream in(log);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

// Starts `mmupt args...` with `env` added (a value of "" unsets the variable). With
// `pause_at`, the process stops at that phase for `pause_s` seconds after writing its marker.
inline CliProcess spawn_cli(const std::vector<std::string>& args, const std::string& log,
                            const std::string& pause_at = "", double pause_s = 60,
                            std::map<std::string, std::string> env = {}) {
    CliProcess p;
    p.log = log;
    if (!pause_at.empty()) {
        p.mark = log + ".paused";
        std::filesystem::remove(p.mark);
        env["MMUPT_TEST_PAUSE_AT"] = pause_at;
        env["MMUPT_TEST_PAUSE_MARK"] = p.mark;
        env["MMUPT_TEST_PAUSE_S"] = std::to_string(pause_s);
    } else {
        env["MMUPT_TEST_PAUSE_AT"] = "";
    }
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) {
        const std::string kv(*e);
        if (!env.count(kv.substr(0, kv.find('=')))) envs.push_back(kv);
    }
    for (const auto& [k, v] : env)
        if (!v.empty()) envs.push_back(k + "=" + v);
    std::vector<std::string> argv_s = {cli_path()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    const int rc = posix_spawn(&p.pid, argv[0], &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(rc, 0) << "cannot start " << argv_s[0];
    return p;
}

// Exit code, or 128 + signal number; -1 after `timeout_s` (the process is then killed).
inline int wait_cli(CliProcess& p, double timeout_s = 300) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(p.pid, &status, WNOHANG);
        if (r == p.pid) break;
        if (std::chrono::steady_clock::now() > end) {
            ::kill(p.pid, SIGKILL);
            ::waitpid(p.pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    p.pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits until the process reached its pause; false (with the log in the failure) when it
// exited first or took longer than `timeout_s`.
inline bool wait_for_pause(CliProcess& p, double timeout_s = 120) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (!std::filesystem::exists(p.mark)) {
        int status = 0;
        if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
            p.pid = -1;
            ADD_FAILURE() << "mmupt exited before pausing at its phase:\n" << p.output();
            return false;
        }
        if (std::chrono::steady_clock::now() > end) {
            ADD_FAILURE() << "mmupt did not reach its pause in " << timeout_s << " s:\n"
                          << p.output();
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Runs `mmupt args...` to completion; {exit code, output}.
inline CommandResult run_cli(const std::vector<std::string>& args, const std::string& log) {
    CliProcess p = spawn_cli(args, log);
    const int code = wait_cli(p);
    return {code, p.output()};
}

}  // namespace mmupt::test
