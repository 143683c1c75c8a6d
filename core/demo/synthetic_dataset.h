// Writes the demo's three splits as ordinary dataset files that the normal loader reads:
// `sft.jsonl` (labelled, with worked solutions), `upt.jsonl` (unlabelled for training; the
// answer is kept only as a hidden diagnostic label) and `test.jsonl` (held out), plus images/.
// Test items never repeat a training item (same shapes and question).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/demo/synthetic_tasks.h"

namespace mmupt::demo {

struct DemoDataSizes {
    int sft = 600;
    int upt = 400;
    int test = 200;
    std::vector<TaskFamily> families;  // cycled through; empty = all_task_families()
};

struct DemoDataResult {
    std::string dir;
    int sft = 0, upt = 0, test = 0;
    int test_duplicates_skipped = 0;  // candidates that repeated a training item
};

// Writes into `out_dir` (created; existing split files are replaced atomically per file).
// Throws mmupt::DataError when the directory or an image cannot be written.
DemoDataResult write_demo_data(const std::string& out_dir, std::uint64_t seed,
                               const DemoDataSizes& sizes);

}  // namespace mmupt::demo
