// Internal to core/data: the readers behind load_dataset(). Each appends unchecked examples
// (images not yet opened) and bumps the record counters; image validation is done once, by
// load_dataset, for every source. Not a public API.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace mmupt::data_detail {

using Warn = std::function<void(const std::string&)>;

// JSONL (first non-blank character '{') or a JSON array ('['), whatever the extension.
void read_json_records(const std::string& path, const DataConfig& config, std::vector<Example>& out,
                       DatasetReport& report);

// A plain folder: image files directly inside it, sorted by name; other entries are counted in
// report.ignored_files and warned about.
void read_image_folder(const std::string& dir, const DataConfig& config, std::vector<Example>& out,
                       DatasetReport& report, const Warn& warn);

// Byte offset of the first invalid UTF-8 sequence in `s`, or std::string::npos.
std::size_t find_invalid_utf8(const std::string& s);

}  // namespace mmupt::data_detail
