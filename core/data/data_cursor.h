// DataCursor: the epoch order over a dataset. Each epoch is a permutation derived only from
// (seed, epoch) by our own PRNG + Fisher-Yates (std::shuffle differs across standard libraries),
// so runs and resumes reproduce on any machine. Batches wrap into the next epoch instead of
// dropping a tail. Not here: loading examples (dataset.h) or saving the state to disk.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mmupt {

// Everything needed to resume the order; plain values for the checkpoint writer.
struct DataCursorState {
    std::uint64_t seed = 0;
    std::int64_t epoch = 0;         // 0-based epoch of the next example
    std::int64_t position = 0;      // index of the next example within that epoch's order
    std::int64_t dataset_size = 0;  // checked on restore: the data must not have changed
    bool shuffle = true;
    bool operator==(const DataCursorState& o) const {
        return seed == o.seed && epoch == o.epoch && position == o.position &&
               dataset_size == o.dataset_size && shuffle == o.shuffle;
    }
};

class DataCursor {
  public:
    // Throws DataError when dataset_size is 0 (nothing to train on).
    DataCursor(std::size_t dataset_size, std::uint64_t seed, bool shuffle = true);

    // The next `batch_size` example indices; crosses into the next epoch when the current one
    // runs out (the batch then holds the old epoch's tail and the new epoch's head).
    std::vector<std::size_t> next_batch(std::size_t batch_size);

    std::int64_t epoch() const { return state_.epoch; }  // epoch of the next example
    DataCursorState state() const { return state_; }
    // Throws DataError when the state belongs to a dataset of another size or is out of range.
    void restore(const DataCursorState& state);

    // The order of one epoch (a permutation of 0..size-1; identity when !shuffle).
    static std::vector<std::size_t> epoch_order(std::size_t size, std::uint64_t seed,
                                                std::int64_t epoch, bool shuffle = true);

  private:
    DataCursorState state_;
    std::vector<std::size_t> order_;  // order of state_.epoch
};

}  // namespace mmupt
