// A plain folder of images as a dataset: the image files directly inside it, sorted by name (so
// the order is the same on every machine), each with the question from
// data.image_folder_template ({name}, {stem} substituted). Not recursive; synthesising questions
// with the model is the trainer's job, not this reader's.
#include <algorithm>
#include <filesystem>

#include "core/data/dataset_sources.h"
#include "core/util/errors.h"

namespace mmupt::data_detail {
namespace {

namespace fs = std::filesystem;

bool is_image_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

}  // namespace

void read_image_folder(const std::string& dir, const DataConfig& config, std::vector<Example>& out,
                       DatasetReport& report, const Warn& warn) {
    std::error_code ec;
    std::vector<fs::path> images, ignored;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        (it->is_regular_file(ec) && is_image_name(p) ? images : ignored).push_back(p);
    }
    if (ec) throw DataError(dir + ": cannot list the image folder: " + ec.message());
    std::sort(images.begin(), images.end());
    std::sort(ignored.begin(), ignored.end());

    if (!ignored.empty()) {
        report.ignored_files += static_cast<std::int64_t>(ignored.size());
        std::string names;
        for (std::size_t i = 0; i < ignored.size() && i < 5; ++i)
            names += (i ? ", " : "") + ignored[i].filename().string();
        if (ignored.size() > 5) names += ", ...";
        warn(dir + ": ignoring " + std::to_string(ignored.size()) +
             " entries that are not .jpg/.jpeg/.png/.bmp/.webp files (" + names + ")");
    }
    if (images.empty()) {
        bool has_json = std::any_of(ignored.begin(), ignored.end(), [](const fs::path& p) {
            return p.extension() == ".jsonl" || p.extension() == ".json";
        });
        warn(dir + ": no images in this folder" +
             (has_json ? " (it holds .jsonl/.json files: pass the file instead of the folder)"
                       : ""));
    }
    fs::path norm = fs::path(dir).lexically_normal();
    if (norm.filename().empty()) norm = norm.parent_path();  // "imgs/" -> "imgs"
    const std::string folder = norm.filename().string();
    for (const auto& p : images) {
        ++report.records;
        Example ex;
        const std::string name = p.filename().string();
        ex.id = (folder.empty() ? "" : folder + "/") + name;
        ex.question = replace_all(replace_all(config.image_folder_template, "{name}", name),
                                  "{stem}", p.stem().string());
        ex.image_paths.push_back(p.lexically_normal().string());
        ex.source_file = dir;
        out.push_back(std::move(ex));
    }
}

}  // namespace mmupt::data_detail
