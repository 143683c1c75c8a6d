// DistGroup over c10d (process_group.h). The only file that includes the c10d headers; the API
// differences between libtorch 1.13 and 2.x are guarded here with TORCH_VERSION_MAJOR.
#include "core/dist/process_group.h"

#include <ATen/ATen.h>
#include <torch/version.h>
// The c10d headers compile their Gloo / NCCL parts only under these macros, which libtorch's
// CMake package normally exports; set here too for packages that do not.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
// clang-format off
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MMUPT_WITH_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
// clang-format on

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace mmupt {
namespace {

// libtorch 2.x splits c10d's ProcessGroup into a dispatching front and per-device Backends;
// ProcessGroupGloo / ProcessGroupNCCL are Backends there and ProcessGroups in 1.13. Both expose
// the collectives used here with the same signatures.
#if TORCH_VERSION_MAJOR >= 2
using Backend = c10d::Backend;
#else
using Backend = c10d::ProcessGroup;
#endif

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// c10::Error's what() carries a C++ backtrace: users get the message alone.
std::string message_of(const std::exception& e) {
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
    return e.what();
}
std::string string_of(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

std::string join_ranks(const std::vector<int>& ranks) {
    std::string s;
    for (int r : ranks) s += (s.empty() ? "" : ", ") + std::to_string(r);
    return s;
}

// Every rank announces its WORLD_SIZE under its rank number; then each waits until all the ranks
// it expects have announced, refusing at once a rank that disagrees or a rank number claimed
// twice. Polled, so that the error can list who is missing when the time is up.
void wait_for_members(c10d::Store& store, const DistEnv& env, double timeout_s);

// A refused rendezvous must reach every rank with its reason. Rank 0 serves the store, so when
// it refuses it waits (up to 2 s) until the other ranks that joined have left too; otherwise a
// rank still reading the store sees only "Broken pipe".
void check_membership(c10d::Store& store, const DistEnv& env, double timeout_s) {
    try {
        wait_for_members(store, env, timeout_s);
    } catch (const DistError&) {
        if (env.rank != 0) {
            try {
                store.add("mmupt/join/left", 1);
            } catch (const std::exception&) {  // rank 0 is gone already: nothing to tell it
            }
            throw;
        }
        const auto until = Clock::now() + Ms(static_cast<int64_t>(std::min(2.0, timeout_s) * 1000));
        while (Clock::now() < until) {
            int joined = 0;
            for (int r = 1; r < env.world_size + 8; ++r)
                joined += store.check({"mmupt/join/" + std::to_string(r)}) ? 1 : 0;
            if (store.add("mmupt/join/left", 0) >= joined) break;
            std::this_thread::sleep_for(Ms(20));
        }
        throw;
    }
}

void wait_for_members(c10d::Store& store, const DistEnv& env, double timeout_s) {
    const std::string me = "mmupt/join/" + std::to_string(env.rank);
    if (store.add(me + "/claims", 1) > 1)
        throw DistError("two processes started as rank " + std::to_string(env.rank) +
                        " (RANK / SLURM_PROCID); give every process its own rank");
    store.set(me, bytes_of(std::to_string(env.world_size)));
    const auto deadline = Clock::now() + Ms(static_cast<int64_t>(timeout_s * 1000));
    for (;;) {
        std::vector<int> missing;
        for (int r = 0; r < env.world_size; ++r) {
            const std::string key = "mmupt/join/" + std::to_string(r);
            if (!store.check({key})) {
                missing.push_back(r);
                continue;
            }
            const std::string theirs = string_of(store.get(key));
            if (theirs != std::to_string(env.world_size))
                throw DistError(
                    "rank " + std::to_string(r) + " was started with WORLD_SIZE=" + theirs +
                    ", rank " + std::to_string(env.rank) + " with " +
                    std::to_string(env.world_size) + "; start every rank with the same world size");
        }
        // A rank numbered past our world size shows that someone counts more ranks.
        if (store.check({"mmupt/join/" + std::to_string(env.world_size)}))
            throw DistError("a rank numbered " + std::to_string(env.world_size) +
                            " joined, but WORLD_SIZE=" + std::to_string(env.world_size) +
                            " here; start every rank with the same world size");
        if (missing.empty()) return;
        if (Clock::now() > deadline)
            throw DistError("rendezvous at " + env.master_addr + ":" +
                            std::to_string(env.master_port) + ": rank(s) " + join_ranks(missing) +
                            " did not join within " + std::to_string(int(timeout_s)) +
                            " s (WORLD_SIZE=" + std::to_string(env.world_size) +
                            "); start every rank with the same MASTER_ADDR, MASTER_PORT and "
                            "WORLD_SIZE, or raise trainer.dist_timeout_s");
        std::this_thread::sleep_for(Ms(20));
    }
}

c10::intrusive_ptr<c10d::TCPStore> open_store(const DistEnv& env, double timeout_s) {
    c10d::TCPStoreOptions o;
    o.port = static_cast<uint16_t>(env.master_port);
    o.isServer = env.rank == 0;
    o.numWorkers = env.world_size;
    o.waitWorkers = false;  // check_membership waits, and says who is missing
    o.timeout = Ms(static_cast<int64_t>(timeout_s * 1000));
    try {
        try {
            return c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
        } catch (const std::exception& e) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
            // libtorch >= 2.4 asks for the libuv store by default; builds without libuv
            // (Debian's 2.6) refuse it, so every rank falls back to the classic store alike.
            if (o.useLibUV && std::string(e.what()).find("libuv") != std::string::npos) {
                o.useLibUV = false;
                return c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
            }
#endif
            throw;
        }
    } catch (const std::exception& e) {
        const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
        if (env.rank == 0)
            throw DistError("rank 0 cannot serve the rendezvous store at " + where +
                            " (is MASTER_PORT in use? pick another, or let `mmupt train "
                            "--nproc` pick a free one): " +
                            message_of(e));
        throw DistError("rank " + std::to_string(env.rank) + " cannot reach the rendezvous " +
                        "store of rank 0 at " + where + " within " +
                        std::to_string(int(timeout_s)) + " s (is rank 0 running, and are " +
                        "MASTER_ADDR / MASTER_PORT the same on every rank?): " + message_of(e));
    }
}

c10::intrusive_ptr<Backend> make_gloo(const c10::intrusive_ptr<c10d::Store>& store,
                                      const DistEnv& env, double timeout_s) {
    auto o = c10d::ProcessGroupGloo::Options::create(Ms(static_cast<int64_t>(timeout_s * 1000)));
    // As torch.distributed: GLOO_SOCKET_IFNAME picks the interface; a loopback rendezvous
    // stays on loopback; otherwise the address this host's name resolves to.
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    const bool loopback = env.master_addr == "localhost" || env.master_addr.rfind("127.", 0) == 0;
    if (ifname && *ifname)
        o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (loopback)
        o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
        o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    o->threads = 2;
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, o);
}

c10::intrusive_ptr<Backend> make_nccl(const c10::intrusive_ptr<c10d::Store>& store,
                                      const DistEnv& env, double timeout_s) {
#ifdef MMUPT_WITH_NCCL
    auto o = c10d::ProcessGroupNCCL::Options::create();
    o->timeout = Ms(static_cast<int64_t>(timeout_s * 1000));
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, o);
#else
    (void)store, (void)env, (void)timeout_s;
    throw DistError(
        "model.device is CUDA but this libtorch build has no NCCL process group; "
        "use a CUDA build of libtorch, or model.device: cpu (Gloo)");
#endif
}

}  // namespace

struct DistGroup::Impl {
    DistEnv env;
    c10::Device device = c10::kCPU;
    double timeout_s = 300;
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<Backend> pg;
    DistStats stats;
    int64_t exchanges = 0;
    int step = 0;

    // Runs one collective to completion, timing it and counting its payload.
    template <class Start>
    void run(int64_t bytes, Start start) {
        const auto t0 = Clock::now();
        c10::intrusive_ptr<c10d::Work> work = start();
        work->wait(Ms(static_cast<int64_t>(timeout_s * 1000)));
        stats.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
        stats.bytes += bytes;
        ++stats.collectives;
    }
};

DistGroup::DistGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DistGroup::~DistGroup() = default;

std::shared_ptr<DistGroup> DistGroup::connect(const DistEnv& env, c10::Device device,
                                              double timeout_s) {
    auto impl = std::make_unique<Impl>();
    impl->env = env;
    impl->device = device;
    impl->timeout_s = timeout_s;
    impl->store = open_store(env, timeout_s);
    try {
        check_membership(*impl->store, env, timeout_s);
    } catch (const DistError&) {
        throw;
    } catch (const std::exception& e) {
        throw DistError("rank " + std::to_string(env.rank) +
                        ": the rendezvous store failed while the ranks joined (rank 0 gone?): " +
                        message_of(e));
    }
    try {
        impl->pg = device.is_cuda() ? make_nccl(impl->store, env, timeout_s)
                                    : make_gloo(impl->store, env, timeout_s);
    } catch (const DistError&) {
        throw;
    } catch (const std::exception& e) {
        throw DistError("rank " + std::to_string(env.rank) + ": cannot build the " +
                        (device.is_cuda() ? "NCCL" : "Gloo") + " process group: " + message_of(e));
    }
    return std::shared_ptr<DistGroup>(new DistGroup(std::move(impl)));
}

int DistGroup::rank() const { return impl_->env.rank; }
int DistGroup::world_size() const { return impl_->env.world_size; }
c10::Device DistGroup::device() const { return impl_->device; }
double DistGroup::timeout_s() const { return impl_->timeout_s; }
const DistStats& DistGroup::stats() const { return impl_->stats; }

std::string DistGroup::failure(const char* what, const std::exception& e) {
    const int me = rank(), world = world_size();
    std::string who;
    if (world == 2) {
        who = "rank " + std::to_string(1 - me);
    } else {  // ranks whose heartbeat is behind ours hung or died before this step's collectives
        std::vector<int> behind;
        try {
            impl_->store->setTimeout(Ms(2000));
            for (int r = 0; r < world; ++r) {
                const std::string key = "mmupt/step/" + std::to_string(r);
                if (r == me || !impl_->store->check({key})) continue;
                if (std::stoi(string_of(impl_->store->get(key))) < impl_->step) behind.push_back(r);
            }
            who = behind.empty() ? "a peer rank" : "rank(s) " + join_ranks(behind);
        } catch (const std::exception&) {
            who = "rank 0 (which serves the store)";
        }
    }
    return "rank " + std::to_string(me) + ": " + what + " at step " + std::to_string(impl_->step) +
           " failed: " + who + " died or did not answer within trainer.dist_timeout_s = " +
           std::to_string(int(impl_->timeout_s)) + " s (" + message_of(e) +
           "); the run resumes from its last checkpoint with `mmupt train --resume`";
}

void DistGroup::all_reduce_sum(at::Tensor& t, const char* what) {
    try {
        std::vector<at::Tensor> ts{t};
        impl_->run(static_cast<int64_t>(t.nbytes()), [&] {
            c10d::AllreduceOptions o;
            o.reduceOp = c10d::ReduceOp::SUM;
            return impl_->pg->allreduce(ts, o);
        });
    } catch (const std::exception& e) {
        throw DistError(failure(what, e));
    }
}

void DistGroup::broadcast(at::Tensor& t, int root, const char* what) {
    try {
        std::vector<at::Tensor> ts{t};
        impl_->run(static_cast<int64_t>(t.nbytes()), [&] {
            c10d::BroadcastOptions o;
            o.rootRank = root;
            return impl_->pg->broadcast(ts, o);
        });
    } catch (const std::exception& e) {
        throw DistError(failure(what, e));
    }
}

namespace {
at::Tensor to_tensor(const std::vector<double>& v, c10::Device device) {
    return at::tensor(v, at::kDouble).to(device);
}
std::vector<double> to_vector(const at::Tensor& t) {
    at::Tensor c = t.to(at::kCPU).contiguous();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}
}  // namespace

std::vector<double> DistGroup::all_reduce_sum(const std::vector<double>& values, const char* what) {
    at::Tensor t = to_tensor(values, device());
    all_reduce_sum(t, what);
    return to_vector(t);
}

std::vector<double> DistGroup::all_reduce_max(const std::vector<double>& values, const char* what) {
    at::Tensor t = to_tensor(values, device());
    try {
        std::vector<at::Tensor> ts{t};
        impl_->run(static_cast<int64_t>(t.nbytes()), [&] {
            c10d::AllreduceOptions o;
            o.reduceOp = c10d::ReduceOp::MAX;
            return impl_->pg->allreduce(ts, o);
        });
    } catch (const std::exception& e) {
        throw DistError(failure(what, e));
    }
    return to_vector(t);
}

std::vector<std::vector<double>> DistGroup::all_gather(const std::vector<double>& values,
                                                       const char* what) {
    at::Tensor in = to_tensor(values, device());
    std::vector<at::Tensor> outs;
    for (int r = 0; r < world_size(); ++r) outs.push_back(at::empty_like(in));
    try {
        std::vector<std::vector<at::Tensor>> out_lists{outs};
        std::vector<at::Tensor> ins{in};
        impl_->run(static_cast<int64_t>(in.nbytes()) * world_size(),
                   [&] { return impl_->pg->allgather(out_lists, ins); });
        outs = out_lists.front();
    } catch (const std::exception& e) {
        throw DistError(failure(what, e));
    }
    std::vector<std::vector<double>> result;
    for (const at::Tensor& o : outs) result.push_back(to_vector(o));
    return result;
}

std::vector<std::string> DistGroup::exchange(const std::string& key, const std::string& value) {
    const std::string base = "mmupt/x/" + std::to_string(impl_->exchanges++) + "/" + key + "/";
    const std::string own = base + std::to_string(rank());
    std::vector<std::string> all;
    try {
        impl_->store->set(own, bytes_of(value));
        for (int r = 0; r < world_size(); ++r)
            all.push_back(string_of(impl_->store->get(base + std::to_string(r))));
    } catch (const std::exception& e) {
        throw DistError(failure(("exchanging " + key + " through the store").c_str(), e));
    }
    // Once every rank is past this barrier every value has been read: each rank deletes its own,
    // so the store (in rank 0's memory) does not grow with a per-step exchange.
    all_reduce_max({0.0}, ("the barrier after exchanging " + key).c_str());
    try {
        impl_->store->deleteKey(own);
    } catch (const std::exception& e) {
        throw DistError(failure(("deleting " + key + " from the store").c_str(), e));
    }
    return all;
}

std::vector<std::string> DistGroup::gather_to_root(const std::string& key,
                                                   const std::string& value) {
    const std::string base = "mmupt/g/" + key + "/";
    try {
        if (!is_root()) {
            impl_->store->set(base + std::to_string(rank()), bytes_of(value));
            return {};
        }
        std::vector<std::string> all{value};
        for (int r = 1; r < world_size(); ++r) {
            const std::string k = base + std::to_string(r);
            all.push_back(string_of(impl_->store->get(k)));
            impl_->store->deleteKey(k);  // the store lives in rank 0's memory: keep it small
        }
        return all;
    } catch (const std::exception& e) {
        throw DistError(failure(("gathering " + key + " through the store").c_str(), e));
    }
}

void DistGroup::set_step(int step) {
    impl_->step = step;
    try {
        impl_->store->set("mmupt/step/" + std::to_string(rank()), bytes_of(std::to_string(step)));
    } catch (const std::exception& e) {
        throw DistError(failure("the heartbeat", e));
    }
}

}  // namespace mmupt
