// RunLock (issue 11): one writer per run directory; a second is refused naming the holder's
// pid; a holder killed with SIGKILL leaves a lock file that never blocks.
#include "core/session/run_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

std::string lock_error(const std::string& dir) {
    try {
        RunLock second(dir, "second");
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return "";
}

TEST(RunLock, SecondHolderIsRefusedNamingThePid) {
    const std::string dir = test::temp_dir("run-lock") + "/run";
    {
        RunLock first(dir, "mmupt train");
        const std::string why = lock_error(dir);
        EXPECT_NE(why.find("in use"), std::string::npos) << why;
        EXPECT_NE(why.find("pid " + std::to_string(::getpid())), std::string::npos) << why;
        EXPECT_NE(why.find("mmupt train"), std::string::npos) << why;
        RunLock moved(std::move(first));  // still held after a move
        EXPECT_FALSE(lock_error(dir).empty());
    }
    EXPECT_EQ(lock_error(dir), "") << "released when the holder is destroyed";
}

TEST(RunLock, LockOfAKilledProcessNeverBlocks) {
    const std::string dir = test::temp_dir("run-lock") + "/run";
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // only async-signal-safe-ish work here: lock, report, wait to be killed
        try {
            RunLock lock(dir, "child");
            char c = 'y';
            if (::write(ready[1], &c, 1) != 1) ::_exit(2);
            for (;;) ::pause();
        } catch (...) {
            ::_exit(3);
        }
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    const std::string why = lock_error(dir);
    EXPECT_NE(why.find("pid " + std::to_string(child) + ", child"), std::string::npos) << why;
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_TRUE(std::filesystem::exists(dir + "/.lock"));
    EXPECT_EQ(lock_error(dir), "") << "a dead holder's lock must not block";
    ::close(ready[0]);
    ::close(ready[1]);
}

}  // namespace
}  // namespace mmupt
