#include "core/demo/synthetic_dataset.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/demo/synthetic_tasks.h"
#include "core/util/errors.h"

namespace mmupt::demo {
namespace fs = std::filesystem;
namespace {

std::string fingerprint(const SyntheticItem& item) {
    std::string f = item.question + "|";
    for (const auto& s : item.shapes)
        f += std::to_string(s.cell) + "," + std::to_string(s.color) + "," + std::to_string(s.kind) +
             ";";
    return f;
}

void write_png(const SyntheticItem& item, const fs::path& path) {
    std::vector<std::uint8_t> rgb = render_rgb(item);
    cv::Mat img(kImagePixels, kImagePixels, CV_8UC3, rgb.data()), bgr;
    cv::cvtColor(img, bgr, cv::COLOR_RGB2BGR);
    if (!cv::imwrite(path.string(), bgr))
        throw DataError("cannot write image '" + path.string() + "' (disk full or no permission?)");
}

// Writes `lines` to `path` through a temporary file and a rename, so a reader never sees half.
void write_lines_atomically(const fs::path& path, const std::vector<std::string>& lines) {
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        for (const auto& l : lines) f << l << '\n';
        f.flush();
        if (!f)
            throw DataError("cannot write '" + tmp.string() + "' (disk full or no permission?)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        throw DataError("cannot rename '" + tmp.string() + "' to '" + path.string() +
                        "': " + ec.message());
}

}  // namespace

DemoDataResult write_demo_data(const std::string& out_dir, std::uint64_t seed,
                               const DemoDataSizes& sizes) {
    fs::path dir(out_dir);
    std::error_code ec;
    fs::create_directories(dir / "images", ec);
    if (ec) throw DataError("cannot create '" + (dir / "images").string() + "': " + ec.message());

    const std::vector<TaskFamily>& families =
        sizes.families.empty() ? all_task_families() : sizes.families;
    DemoDataResult result;
    result.dir = dir.string();
    std::set<std::string> seen;  // training fingerprints

    struct Split {
        const char* name;
        int count;
        std::uint64_t stream;
        bool with_solution;
    };
    const Split splits[] = {{"sft", sizes.sft, seed * 3 + 0, true},
                            {"upt", sizes.upt, seed * 3 + 1, false},
                            {"test", sizes.test, seed * 3 + 2, false}};
    for (const Split& split : splits) {
        std::vector<std::string> lines;
        const bool is_test = std::string(split.name) == "test";
        for (std::uint64_t index = 0; static_cast<int>(lines.size()) < split.count; ++index) {
            TaskFamily family = families[index % families.size()];
            SyntheticItem item = make_item(split.stream, index, family);
            std::string fp = fingerprint(item);
            if (is_test && seen.count(fp)) {
                ++result.test_duplicates_skipped;
                continue;
            }
            if (!is_test) seen.insert(fp);
            std::string image =
                "images/" + std::string(split.name) + "-" + std::to_string(index) + ".png";
            write_png(item, dir / image);
            nlohmann::json j = {{"id", std::string(split.name) + "-" + std::to_string(index)},
                                {"image", image},
                                {"problem", item.question},
                                {"answer", item.answer},
                                {"family", task_family_name(family)}};
            if (split.with_solution) j["solution"] = item.solution;
            lines.push_back(j.dump());
        }
        write_lines_atomically(dir / (std::string(split.name) + ".jsonl"), lines);
        (is_test ? result.test : (split.with_solution ? result.sft : result.upt)) =
            static_cast<int>(lines.size());
    }
    return result;
}

}  // namespace mmupt::demo
