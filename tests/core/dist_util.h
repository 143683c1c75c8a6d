// Shared by the data-parallel tests: a free loopback port, and running one function per rank on
// its own thread with a DistGroup each (Gloo over loopback), every wait bounded.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/dist/process_group.h"

namespace mmupt::test {

// A port the kernel just gave out (closed again for the store to bind).
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline DistEnv loopback_env(int port, int world, int rank) {
    DistEnv e;
    e.enabled = true;
    e.master_addr = "127.0.0.1";
    e.master_port = port;
    e.world_size = world;
    e.rank = rank;
    e.local_rank = rank;
    e.source = "test";
    return e;
}

// Runs body(rank, group) for every rank on its own thread; returns each rank's error text
// ("" when it succeeded). Connecting is part of each rank's work (and may be what fails).
inline std::vector<std::string> run_ranks_on_threads(
    int world, double timeout_s, const std::function<void(int, std::shared_ptr<DistGroup>)>& body,
    int port = 0, const std::vector<int>& worlds = {}) {
    if (port == 0) port = free_port();
    std::vector<std::string> errors(static_cast<size_t>(world));
    std::vector<std::thread> threads;
    for (int r = 0; r < world; ++r)
        threads.emplace_back([&, r] {
            try {
                const int w = worlds.empty() ? world : worlds[size_t(r)];
                auto g = DistGroup::connect(loopback_env(port, w, r), c10::kCPU, timeout_s);
                body(r, g);
            } catch (const std::exception& e) {
                errors[size_t(r)] = e.what();
                if (errors[size_t(r)].empty()) errors[size_t(r)] = "(empty error)";
            }
        });
    for (auto& t : threads) t.join();
    return errors;
}

}  // namespace mmupt::test
