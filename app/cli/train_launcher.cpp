// Local multi-process launch for data-parallel training (train_launcher.h).
#include "app/cli/train_launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace mmupt::cli {
namespace {

std::atomic<int> g_forward{0};  // signals received and not yet forwarded
std::atomic<int> g_last_signal{SIGINT};
extern "C" void on_launcher_signal(int sig) {
    g_last_signal = sig;
    g_forward.fetch_add(1);
}

// A port the kernel just handed out on loopback (closed again: the rank 0 store binds it).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("cannot open a socket to pick MASTER_PORT");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot pick a free MASTER_PORT; set MASTER_PORT yourself");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

[[noreturn]] void exec_worker(int rank, int nproc, int port, const std::vector<std::string>& args) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the launcher gone (even SIGKILLed): so are we
    ::setpgid(0, 0);  // a terminal's Ctrl-C reaches the launcher only; it forwards one signal
    ::setenv("MASTER_ADDR", "127.0.0.1", 1);
    ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
    ::setenv("RANK", std::to_string(rank).c_str(), 1);
    ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    std::vector<std::string> argv_s = {"mmupt"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "mmupt train: rank %d: cannot start a worker: %s\n", rank,
                 std::strerror(errno));
    ::_exit(127);
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status))
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

int exit_code_of(int status) {
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

int launch_workers(int nproc, const std::vector<std::string>& worker_args, double grace_s) {
    const char* port_env = std::getenv("MASTER_PORT");
    const int port = port_env && *port_env ? std::atoi(port_env) : free_port();
    struct sigaction sa = {}, old_int = {}, old_term = {};
    sa.sa_handler = on_launcher_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, &old_int);
    ::sigaction(SIGTERM, &sa, &old_term);
    std::fflush(nullptr);

    std::vector<pid_t> pids(size_t(nproc), -1);
    std::vector<bool> done(size_t(nproc), false);
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error("cannot fork worker " + std::to_string(r));
        if (pid == 0) exec_worker(r, nproc, port, worker_args);
        pids[size_t(r)] = pid;
    }
    std::fprintf(stderr, "[info] mmupt train: %d ranks on 127.0.0.1:%d (pids", nproc, port);
    for (pid_t p : pids) std::fprintf(stderr, " %d", int(p));
    std::fprintf(stderr, ")\n");

    using Clock = std::chrono::steady_clock;
    int first_failed = -1, first_status = 0, result = 0, left = nproc;
    Clock::time_point kill_at = Clock::time_point::max();
    while (left > 0) {
        for (int n = g_forward.exchange(0); n > 0; --n)  // Ctrl-C / SIGTERM: one each
            for (int r = 0; r < nproc; ++r)
                if (!done[size_t(r)]) ::kill(pids[size_t(r)], g_last_signal.load());
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            if (Clock::now() > kill_at) {
                for (int r = 0; r < nproc; ++r)
                    if (!done[size_t(r)]) {
                        std::fprintf(stderr,
                                     "mmupt train: rank %d did not exit %.0f s after rank %d "
                                     "failed; killing it\n",
                                     r, grace_s, first_failed);
                        ::kill(pids[size_t(r)], SIGKILL);
                    }
                kill_at = Clock::time_point::max();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        int rank = -1;
        for (int r = 0; r < nproc; ++r)
            if (pids[size_t(r)] == pid) rank = r;
        if (rank < 0) continue;
        done[size_t(rank)] = true;
        --left;
        const int code = exit_code_of(status);
        if (code != 0 && first_failed < 0) {
            first_failed = rank;
            first_status = status;
            result = code;
            std::fprintf(stderr, "mmupt train: rank %d (pid %d) %s\n", rank, int(pid),
                         describe_exit(status).c_str());
            kill_at = Clock::now() + std::chrono::milliseconds(int64_t(grace_s * 1000));
        }
    }
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    if (first_failed >= 0)
        std::fprintf(stderr, "mmupt train: failed: rank %d %s first (of %d ranks)\n", first_failed,
                     describe_exit(first_status).c_str(), nproc);
    return result;
}

}  // namespace mmupt::cli
