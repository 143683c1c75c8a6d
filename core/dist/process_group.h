// DistGroup: this process's handle on a data-parallel run, built on libtorch's own c10d: a
// TCPStore for the rendezvous (rank 0 serves it at MASTER_ADDR:MASTER_PORT), ProcessGroupGloo
// for CPU tensors and ProcessGroupNCCL for CUDA ones (CUDA builds of libtorch only). It offers
// only the few collectives the trainer needs; the c10d headers stay inside process_group.cpp.
// No transport of our own, no reconnection: a peer that dies or hangs turns the next collective
// into a DistError naming the rank(s), within `timeout_s`. One thread (the trainer's) uses it.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dist/dist_env.h"

namespace mmupt {

// Running totals for the benchmark: payload bytes of the collectives (what one rank hands to
// them; a ring all-reduce moves about 2 (W-1)/W of that per rank over the wire) and the time
// spent inside them (waiting for slower ranks included).
struct DistStats {
    int64_t collectives = 0;
    int64_t bytes = 0;
    double seconds = 0.0;
};

class DistGroup {
  public:
    // Connects `env`'s rank: the store (rank 0 serves it), a check that every rank joined with
    // the same WORLD_SIZE and no rank number twice, then the process group on `device` (Gloo on
    // CPU, NCCL on CUDA). Everything is bounded by `timeout_s`; throws DistError that says which
    // ranks are missing, which disagree, or that MASTER_PORT is taken.
    static std::shared_ptr<DistGroup> connect(const DistEnv& env, c10::Device device,
                                              double timeout_s);
    ~DistGroup();
    DistGroup(const DistGroup&) = delete;
    DistGroup& operator=(const DistGroup&) = delete;

    int rank() const;
    int world_size() const;
    bool is_root() const { return rank() == 0; }
    c10::Device device() const;
    double timeout_s() const;

    // In place, on a contiguous tensor of the group's device. `what` names the call in errors.
    void all_reduce_sum(at::Tensor& t, const char* what);
    void broadcast(at::Tensor& t, int root, const char* what);
    // Small host vectors (metrics, flags), element-wise over ranks, as float64.
    std::vector<double> all_reduce_sum(const std::vector<double>& values, const char* what);
    std::vector<double> all_reduce_max(const std::vector<double>& values, const char* what);
    // values[rank] of every rank (all the same length), rank-major.
    std::vector<std::vector<double>> all_gather(const std::vector<double>& values,
                                                const char* what);

    // Small byte strings through the store. exchange: every rank's value, by rank (a collective:
    // it ends with a barrier, after which each rank deletes its key, so a per-step exchange does
    // not grow the store). gather_to_root: rank 0 gets every rank's value (its own first); the
    // others get {}. `key` must be unique per call site and step (e.g. "samples/12").
    std::vector<std::string> exchange(const std::string& key, const std::string& value);
    std::vector<std::string> gather_to_root(const std::string& key, const std::string& value);

    // The step this rank is working on, kept in the store so that a failure can name the
    // rank(s) that fell behind (hung or died before the step's collectives).
    void set_step(int step);

    const DistStats& stats() const;

  private:
    struct Impl;
    explicit DistGroup(std::unique_ptr<Impl> impl);
    std::string failure(const char* what, const std::exception& e);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mmupt
