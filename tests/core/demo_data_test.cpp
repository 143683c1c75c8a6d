// The demo's synthetic data: deterministic, labels consistent with the drawn shapes (recounted
// from the rendered pixels), test split disjoint from training, files readable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "core/demo/synthetic_dataset.h"
#include "core/demo/synthetic_tasks.h"
#include "tests/core/test_paths.h"

using namespace mmupt::demo;

namespace {
// Colour of the centre pixel of each cell (background = empty), read back from the rendered image.
std::vector<int> colors_from_pixels(const std::vector<std::uint8_t>& rgb) {
    static const int kRgb[4][3] = {{220, 40, 40}, {40, 170, 60}, {40, 80, 220}, {230, 200, 30}};
    std::vector<int> out;
    for (int cell = 0; cell < kGridCells * kGridCells; ++cell) {
        int x = (cell % kGridCells) * kCellPixels + kCellPixels / 2;
        int y = (cell / kGridCells) * kCellPixels + kCellPixels / 2 + 3;  // below a triangle apex
        const std::uint8_t* p = &rgb[(y * kImagePixels + x) * 3];
        int found = -1;
        for (int c = 0; c < 4; ++c)
            if (p[0] == kRgb[c][0] && p[1] == kRgb[c][1] && p[2] == kRgb[c][2]) found = c;
        out.push_back(found);
    }
    return out;
}
}  // namespace

TEST(DemoData, FamilyNamesRoundTrip) {
    for (TaskFamily f : every_task_family()) EXPECT_EQ(parse_task_family(task_family_name(f)), f);
    EXPECT_FALSE(parse_task_family("count_colour").has_value());
}

TEST(DemoData, SameSeedAndIndexGiveTheSameItem) {
    for (TaskFamily f : every_task_family()) {
        SyntheticItem a = make_item(7, 42, f), b = make_item(7, 42, f), c = make_item(8, 42, f);
        EXPECT_EQ(a.question, b.question);
        EXPECT_EQ(a.answer, b.answer);
        EXPECT_EQ(render_rgb(a), render_rgb(b));
        EXPECT_NE(render_rgb(a), render_rgb(c));
    }
}

TEST(DemoData, LabelsMatchTheRenderedPixels) {
    const auto& names = color_names();
    for (int i = 0; i < 200; ++i) {
        for (TaskFamily f : every_task_family()) {
            SyntheticItem item = make_item(3, i, f);
            std::vector<int> cells = colors_from_pixels(render_rgb(item));
            std::map<std::string, int> count;
            for (int c : cells)
                if (c >= 0) ++count[names[c]];
            int n_shapes = 0;
            for (int c : cells) n_shapes += c >= 0;
            ASSERT_EQ(n_shapes, static_cast<int>(item.shapes.size())) << item.id;
            ASSERT_NE(item.solution.find("\\boxed{" + item.answer + "}"), std::string::npos);
            if (f == TaskFamily::count_color) {
                for (const auto& name : names) {
                    if (item.question.find(" " + name + " ") != std::string::npos) {
                        EXPECT_EQ(std::to_string(count[name]), item.answer) << item.id;
                    }
                }
            }
            if (f == TaskFamily::total_two_colors) {
                int total = 0, asked = 0;
                for (const auto& name : names) {
                    if (item.question.find(" " + name + " ") != std::string::npos) {
                        total += count[name];
                        ++asked;
                    }
                }
                EXPECT_EQ(asked, 2) << item.question;
                EXPECT_EQ(std::to_string(total), item.answer) << item.id;
            }
            if (f == TaskFamily::count_all) EXPECT_EQ(std::to_string(n_shapes), item.answer);
            if (f == TaskFamily::most_color) {
                // The answer is the strictly most frequent pixel-recounted colour.
                for (const auto& name : names)
                    if (name != item.answer) EXPECT_GT(count[item.answer], count[name]) << item.id;
            }
            if (f == TaskFamily::compare_colors) {
                // The answer names the colour with the larger pixel-recounted count.
                std::vector<std::string> asked;
                for (const auto& name : names)
                    if (item.question.find("more " + name) != std::string::npos)
                        asked.push_back(name);
                ASSERT_EQ(asked.size(), 2u) << item.question;
                const std::string& more = count[asked[0]] > count[asked[1]] ? asked[0] : asked[1];
                EXPECT_NE(count[asked[0]], count[asked[1]]) << item.id;
                EXPECT_EQ(more, item.answer) << item.id;
            }
        }
    }
}

TEST(DemoData, WritesThreeSplitsWithDisjointTest) {
    std::string dir = mmupt::test::temp_dir("demo-data");
    DemoDataSizes sizes{40, 20, 30};
    DemoDataResult r = write_demo_data(dir, 1, sizes);
    EXPECT_EQ(r.sft, 40);
    EXPECT_EQ(r.upt, 20);
    EXPECT_EQ(r.test, 30);
    std::set<std::string> train_keys;
    for (const char* split : {"sft", "upt", "test"}) {
        std::ifstream f(dir + "/" + split + ".jsonl");
        std::string line;
        int n = 0;
        while (std::getline(f, line)) {
            auto j = nlohmann::json::parse(line);
            ++n;
            cv::Mat img = cv::imread(dir + "/" + j["image"].get<std::string>());
            ASSERT_FALSE(img.empty()) << j["image"];
            EXPECT_EQ(img.cols, kImagePixels);
            EXPECT_EQ(j.contains("solution"), std::string(split) == "sft");
            EXPECT_FALSE(j["answer"].get<std::string>().empty());
        }
        EXPECT_GT(n, 0) << split;
    }
    EXPECT_FALSE(std::filesystem::exists(dir + "/test.jsonl.tmp"));
}

TEST(DemoData, CliFamiliesPicksTheMixAndRejectsUnknownNames) {
    const std::string dir = mmupt::test::temp_dir("demo-data-cli");
    auto ok =
        mmupt::test::run_command(mmupt::test::cli_path() + " demo-data --out " + dir +
                                 " --sft 6 --upt 0 --test 0 --families count_shape,most_color");
    ASSERT_EQ(ok.exit_code, 0) << ok.out;
    std::ifstream f(dir + "/sft.jsonl");
    std::vector<std::string> families;
    for (std::string line; std::getline(f, line);)
        families.push_back(nlohmann::json::parse(line)["family"].get<std::string>());
    EXPECT_EQ(families, (std::vector<std::string>{"count_shape", "most_color", "count_shape",
                                                  "most_color", "count_shape", "most_color"}));
    auto bad = mmupt::test::run_command(mmupt::test::cli_path() + " demo-data --out " + dir +
                                        " --families count_all,count_colour 2>&1");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.out.find("count_colour"), std::string::npos) << bad.out;
}
