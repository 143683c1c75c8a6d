// DataCursor: Fisher-Yates driven by splitmix64 (tiny, well mixed, identical everywhere) and the
// save/restore checks. Not thread-safe: one cursor belongs to the trainer thread.
#include "core/data/data_cursor.h"

#include <numeric>
#include <string>

#include "core/util/errors.h"

namespace mmupt {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Uniform in [0, n) without modulo bias (rejection sampling).
std::uint64_t below(std::uint64_t n, std::uint64_t& state) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t r;
    do r = splitmix64(state);
    while (r >= limit);
    return r % n;
}

}  // namespace

std::vector<std::size_t> DataCursor::epoch_order(std::size_t size, std::uint64_t seed,
                                                 std::int64_t epoch, bool shuffle) {
    std::vector<std::size_t> order(size);
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!shuffle) return order;
    std::uint64_t state = seed ^ (0xD1B54A32D192ED03ull * static_cast<std::uint64_t>(epoch + 1));
    splitmix64(state);
    for (std::size_t i = size; i > 1; --i) std::swap(order[i - 1], order[below(i, state)]);
    return order;
}

DataCursor::DataCursor(std::size_t dataset_size, std::uint64_t seed, bool shuffle) {
    if (dataset_size == 0)
        throw DataError(
            "the training set is empty: no examples survived loading (see the data "
            "report: `mmupt data FILE`)");
    state_ = {seed, 0, 0, static_cast<std::int64_t>(dataset_size), shuffle};
    order_ = epoch_order(dataset_size, seed, 0, shuffle);
}

std::vector<std::size_t> DataCursor::next_batch(std::size_t batch_size) {
    std::vector<std::size_t> batch;
    batch.reserve(batch_size);
    while (batch.size() < batch_size) {
        if (state_.position == state_.dataset_size) {
            ++state_.epoch;
            state_.position = 0;
            order_ = epoch_order(order_.size(), state_.seed, state_.epoch, state_.shuffle);
        }
        batch.push_back(order_[static_cast<std::size_t>(state_.position++)]);
    }
    return batch;
}

void DataCursor::restore(const DataCursorState& s) {
    if (s.dataset_size != state_.dataset_size)
        throw DataError("cannot resume the data order: the checkpoint was taken on " +
                        std::to_string(s.dataset_size) + " examples, the data now has " +
                        std::to_string(state_.dataset_size) +
                        " (same files and data.* settings are needed to resume)");
    if (s.epoch < 0 || s.position < 0 || s.position > s.dataset_size)
        throw DataError("cannot resume the data order: epoch " + std::to_string(s.epoch) +
                        ", position " + std::to_string(s.position) + " is out of range");
    state_ = s;
    order_ = epoch_order(order_.size(), s.seed, s.epoch, s.shuffle);
}

}  // namespace mmupt
