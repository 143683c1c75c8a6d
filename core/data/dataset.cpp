// load_dataset: reads every source, applies data.max_examples, then one image-validation pass
// (each distinct image checked once) that keeps, skips (counted + warned) or fails per
// data.on_bad_image. Also the report's text form. The readers live in json_records.cpp and
// image_folder.cpp; nothing here decodes pixels for training.
#include "core/data/dataset.h"

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/data/dataset_sources.h"
#include "core/data/image_check.h"
#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

void count_image(DatasetReport& r, ImageStatus s) {
    ++r.images_checked;
    switch (s) {
        case ImageStatus::ok:
            ++r.images_ok;
            break;
        case ImageStatus::missing:
            ++r.images_missing;
            break;
        case ImageStatus::corrupt:
            ++r.images_corrupt;
            break;
        case ImageStatus::oversized:
            ++r.images_oversized;
            break;
    }
}

std::string where(const Example& ex) {
    return ex.source_line > 0 ? ex.source_file + ":" + std::to_string(ex.source_line) : ex.id;
}

// Ids are "<file name>:<line>"; two sources with the same file name fall back to full paths.
void make_ids_unique(std::vector<Example>& examples) {
    std::set<std::string> seen;
    for (auto& ex : examples)
        if (!seen.insert(ex.id).second) {
            ex.id = where(ex);
            seen.insert(ex.id);
        }
}

}  // namespace

Dataset load_dataset(const std::vector<std::string>& paths, const DataConfig& config) {
    Dataset ds;
    DatasetReport& r = ds.report;
    r.sources = paths;
    r.image_check = to_string(config.image_check);
    data_detail::Warn warn = [&r](const std::string& msg) {
        ++r.warnings_total;
        if (r.warnings.size() < DatasetReport::kMaxStoredWarnings) r.warnings.push_back(msg);
        log_warning(msg);
    };

    std::vector<Example> raw;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            data_detail::read_image_folder(p, config, raw, r, warn);
        } else if (fs::exists(p, ec)) {
            data_detail::read_json_records(p, config, raw, r);
        } else {
            throw DataError(p +
                            ": no such data file or folder (check data.train_files / "
                            "data.val_files; relative paths are from the working directory)");
        }
    }
    if (config.max_examples > 0 && static_cast<std::int64_t>(raw.size()) > config.max_examples) {
        r.beyond_max_examples = static_cast<std::int64_t>(raw.size()) - config.max_examples;
        raw.resize(static_cast<std::size_t>(config.max_examples));
        log_info("data: keeping the first " + std::to_string(config.max_examples) + " of " +
                 std::to_string(r.records) + " records (data.max_examples)");
    }
    make_ids_unique(raw);

    const ImageLimits limits{config.max_image_bytes, config.max_image_pixels,
                             config.image_check == ImageCheck::decode};
    std::map<std::string, ImageInfo> checked;
    for (auto& ex : raw) {
        std::string problem;
        for (const auto& path : ex.image_paths) {
            auto it = checked.find(path);
            if (it == checked.end()) {
                it = checked.emplace(path, check_image(path, limits)).first;
                count_image(r, it->second.status);
            }
            const ImageInfo& info = it->second;
            if (info.status != ImageStatus::ok && problem.empty())
                problem = where(ex) + ": image '" + path + "' is " + to_string(info.status) + " (" +
                          info.reason + ")";
        }
        if (!problem.empty()) {
            if (config.on_bad_image == BadImagePolicy::error)
                throw DataError(problem +
                                "; data.on_bad_image = error (set it to skip to drop "
                                "such examples with a warning)");
            warn(problem + "; example skipped");
            ++r.skipped_bad_image;
            continue;
        }
        ++r.examples;
        r.labelled += ex.answer.has_value();
        r.with_choices += !ex.choices.empty();
        r.text_only += ex.image_paths.empty();
        ds.examples.push_back(std::move(ex));
    }
    return ds;
}

std::string format_report(const DatasetReport& r) {
    std::ostringstream out;
    out << "sources:  ";
    for (std::size_t i = 0; i < r.sources.size(); ++i) out << (i ? ", " : "") << r.sources[i];
    out << "\nrecords:  " << r.records << " (kept " << r.examples << ", skipped for a bad image "
        << r.skipped_bad_image << ", beyond data.max_examples " << r.beyond_max_examples << ")\n"
        << "examples: " << r.examples << " (labelled " << r.labelled << ", with choices "
        << r.with_choices << ", text-only " << r.text_only << ")\n"
        << "images:   " << r.images_checked << " checked (" << r.image_check << "): " << r.images_ok
        << " ok, " << r.images_missing << " missing, " << r.images_corrupt << " corrupt, "
        << r.images_oversized << " oversized\n";
    if (r.blank_lines || r.ignored_files)
        out << "other:    " << r.blank_lines << " blank lines, " << r.ignored_files
            << " ignored folder entries\n";
    out << "warnings: " << r.warnings_total << "\n";
    for (const auto& w : r.warnings) out << "  " << w << "\n";
    if (r.warnings_total > static_cast<std::int64_t>(r.warnings.size()))
        out << "  ... and " << (r.warnings_total - static_cast<std::int64_t>(r.warnings.size()))
            << " more\n";
    return out.str();
}

}  // namespace mmupt
