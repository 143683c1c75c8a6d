// Training / validation examples and their loading: JSONL or JSON-array files with configurable
// keys, or a plain folder of images (questions from data.image_folder_template), followed by one
// validation pass over the images. Not here: image preprocessing (core/image/), prompt
// templating / tokenisation, question synthesis, and the epoch order (data_cursor.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"

namespace mmupt {

struct Example {
    std::string id;        // "<file name>:<line>" or "<folder name>/<image file>"; unique per load
    std::string question;  // as in the data, without data.format_prompt
    std::vector<std::string> image_paths;  // resolved against the data file's folder
    // HIDDEN LABEL: for evaluation and diagnostics only. The unsupervised reward must never read
    // it (only algorithm.reward = accuracy / sft baselines do).
    std::optional<std::string> answer;
    std::vector<std::string> choices;  // multiple-choice options, when the data has them
    std::string source_file;           // the data file, or the image folder
    std::int64_t source_line = 0;      // 1-based line of the record; 0 for folder images
};

// Counts of one load, for the CLI and the GUI's data panel. Every record read ends up in
// exactly one bucket: kept (examples), skipped_bad_image, or beyond_max_examples.
struct DatasetReport {
    std::vector<std::string> sources;      // files / folders, as given
    std::string image_check;               // "header" or "decode"
    std::int64_t records = 0;              // JSON objects read, or image files in folders
    std::int64_t examples = 0;             // kept
    std::int64_t labelled = 0;             // kept examples with a hidden answer
    std::int64_t with_choices = 0;         // kept examples with choices
    std::int64_t text_only = 0;            // kept examples without any image
    std::int64_t skipped_bad_image = 0;    // records dropped because an image was bad
    std::int64_t beyond_max_examples = 0;  // records past data.max_examples
    std::int64_t blank_lines = 0;          // empty lines in JSONL files (not records)
    std::int64_t ignored_files = 0;        // non-image entries in image folders
    std::int64_t images_checked = 0;       // distinct image files checked
    std::int64_t images_ok = 0;            // decodable (header-valid in `header` mode)
    std::int64_t images_missing = 0;
    std::int64_t images_corrupt = 0;
    std::int64_t images_oversized = 0;
    std::int64_t warnings_total = 0;
    std::vector<std::string> warnings;  // the first kMaxStoredWarnings, each also logged
    static constexpr std::size_t kMaxStoredWarnings = 100;
};

struct Dataset {
    std::vector<Example> examples;
    DatasetReport report;
};

// Loads and validates `paths` (files or folders) in order. Throws DataError for a missing path,
// non-UTF-8 text, a malformed record (naming file:line and what to fix), and for a bad image
// when config.on_bad_image = error. Bad images under `skip` are values: counted, warned
// (log_warning and report.warnings) and the record skipped. Not thread-safe w.r.t. the log sink.
Dataset load_dataset(const std::vector<std::string>& paths, const DataConfig& config);

// Multi-line human summary of a report (what `mmupt data` prints).
std::string format_report(const DatasetReport& report);

}  // namespace mmupt
