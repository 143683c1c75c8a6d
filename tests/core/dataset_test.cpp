// load_dataset on the shared VQA samples and on small generated files: keys and fallbacks,
// relative image paths, JSON arrays with line numbers, image folders, every bad input (error
// naming file:line, or skipped + counted + warned), and that nothing is dropped uncounted.
#include "core/data/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/util/errors.h"
#include "core/util/log.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

std::string tiny(const std::string& name) {
    return test::source_dir() + "/tests/data/images/" + name;
}

// A temp folder with images/ (good copies plus a truncated JPEG) and helpers to write files.
struct Fixture {
    std::string dir = test::temp_dir("dataset");
    Fixture() {
        fs::create_directories(dir + "/images");
        fs::copy_file(tiny("tiny.jpg"), dir + "/images/a.jpg");
        fs::copy_file(tiny("tiny.png"), dir + "/images/b.png");
        std::ifstream in(tiny("tiny.jpg"), std::ios::binary);
        std::string jpg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(dir + "/images/cut.jpg", std::ios::binary) << jpg.substr(0, jpg.size() / 2);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir + "/" + name, std::ios::binary) << text;
        return dir + "/" + name;
    }
};

template <class Fn>
std::string data_error(Fn fn) {
    try {
        fn();
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

// Every record is kept, skipped for a bad image, or beyond max_examples: never lost.
void expect_accounted(const DatasetReport& r) {
    EXPECT_EQ(r.records, r.examples + r.skipped_bad_image + r.beyond_max_examples);
    EXPECT_EQ(r.images_checked,
              r.images_ok + r.images_missing + r.images_corrupt + r.images_oversized);
}

TEST(Dataset, SharedVqaSamples) {
    MMUPT_REQUIRE_SHARED_DATA();
    const std::string file = test::shared_data_dir() + "/vqa-samples/samples.jsonl";
    DataConfig cfg;  // defaults: problem->question, images->image, choices->options fallbacks
    Dataset ds = load_dataset({file}, cfg);
    const auto& r = ds.report;
    expect_accounted(r);
    EXPECT_EQ(r.records, 48);
    EXPECT_EQ(r.examples, 48);
    EXPECT_EQ(r.labelled, 48);
    EXPECT_EQ(r.with_choices, 18) << "SOURCE.txt: 18 multiple choice";
    EXPECT_EQ(r.images_ok, 48);
    EXPECT_EQ(r.warnings_total, 0);
    const Example& first = ds.examples.front();
    EXPECT_EQ(first.id, "samples.jsonl:1");
    EXPECT_EQ(first.source_line, 1);
    EXPECT_EQ(first.answer.value(), "8");
    EXPECT_EQ(first.question.rfind("Two equal trains", 0), 0u);
    ASSERT_EQ(first.image_paths.size(), 1u);
    EXPECT_EQ(first.image_paths[0], test::shared_data_dir() + "/vqa-samples/images/mathv_114.jpg");
    for (const auto& ex : ds.examples) EXPECT_TRUE(fs::exists(ex.image_paths.at(0))) << ex.id;

    cfg.image_check = ImageCheck::header;
    cfg.max_examples = 10;
    Dataset head = load_dataset({file}, cfg);
    EXPECT_EQ(head.report.examples, 10);
    EXPECT_EQ(head.report.beyond_max_examples, 38);
    EXPECT_EQ(head.report.image_check, "header");
    expect_accounted(head.report);
}

TEST(Dataset, JsonlKeysPathsAndLabels) {
    Fixture f;
    std::string file =
        f.write("train.jsonl",
                "\xEF\xBB\xBF{\"problem\": \"What is 2+3?\", \"images\": \"images/a.jpg\", "
                "\"answer\": 5}\r\n"
                "\n"
                "{\"question\": \"Compare\", \"images\": [\"images/a.jpg\", \"images/b.png\"], "
                "\"choices\": [\"A\", 2], \"answer\": \"A\"}\n"
                "{\"problem\": \"No image, no label\"}\n"
                "{\"problem\": \"Absolute\", \"images\": [\"" +
                    f.dir + "/images/b.png\"], \"answer\": null}\n");
    Dataset ds = load_dataset({file}, DataConfig{});
    const auto& r = ds.report;
    expect_accounted(r);
    EXPECT_EQ(r.records, 4);
    EXPECT_EQ(r.blank_lines, 1);
    EXPECT_EQ(r.examples, 4);
    EXPECT_EQ(r.labelled, 2);
    EXPECT_EQ(r.with_choices, 1);
    EXPECT_EQ(r.text_only, 1);
    EXPECT_EQ(r.images_checked, 2) << "each distinct image is checked once";
    ASSERT_EQ(ds.examples.size(), 4u);
    EXPECT_EQ(ds.examples[0].answer.value(), "5");
    EXPECT_EQ(ds.examples[0].image_paths, std::vector<std::string>{f.dir + "/images/a.jpg"});
    EXPECT_EQ(ds.examples[1].id, "train.jsonl:3");
    EXPECT_EQ(ds.examples[1].question, "Compare");
    EXPECT_EQ(ds.examples[1].choices, (std::vector<std::string>{"A", "2"}));
    EXPECT_EQ(ds.examples[1].image_paths.size(), 2u);
    EXPECT_FALSE(ds.examples[2].answer.has_value());
    EXPECT_FALSE(ds.examples[3].answer.has_value());

    DataConfig custom;
    custom.prompt_key = "q";
    custom.answer_key = "gold";
    custom.image_key = "pic";
    std::string other = f.write("custom.jsonl",
                                "{\"q\": \"Custom?\", \"pic\": \"images/b.png\", \"gold\": \"7\"}\n"
                                "{\"question\": \"fallbacks apply only to default keys\"}\n");
    std::string e = data_error([&] { load_dataset({other}, custom); });
    EXPECT_NE(e.find("custom.jsonl:2: no question: key 'q' is absent; keys present: question"),
              std::string::npos)
        << e;
    f.write("custom.jsonl", "{\"q\": \"Custom?\", \"pic\": \"images/b.png\", \"gold\": \"7\"}\n");
    Dataset c = load_dataset({other}, custom);
    EXPECT_EQ(c.examples.at(0).answer.value(), "7");
    EXPECT_EQ(c.examples.at(0).image_paths.at(0), f.dir + "/images/b.png");
}

TEST(Dataset, JsonArrayRecordsKnowTheirLines) {
    Fixture f;
    std::string file =
        f.write("train.json",
                "[\n  {\"problem\": \"one [x]\", \"images\": \"images/a.jpg\"},\n"
                "  {\n    \"problem\": \"two, {y}\"\n  },\n"
                "  {\"problem\": \"three\", \"images\": \"images/missing.png\"}\n]\n");
    Dataset ds = load_dataset({file}, DataConfig{});
    ASSERT_EQ(ds.examples.size(), 2u);
    EXPECT_EQ(ds.examples[0].source_line, 2);
    EXPECT_EQ(ds.examples[1].source_line, 3);
    EXPECT_EQ(ds.report.skipped_bad_image, 1);
    ASSERT_EQ(ds.report.warnings.size(), 1u);
    EXPECT_NE(ds.report.warnings[0].find("train.json:6: image '" + f.dir +
                                         "/images/missing.png' is missing"),
              std::string::npos)
        << ds.report.warnings[0];
    std::string bad = f.write("bad.json", "[\n {\"problem\": \"a\"},\n 3\n]");
    std::string e = data_error([&] { load_dataset({bad}, DataConfig{}); });
    EXPECT_NE(e.find("bad.json:3: expected a JSON object, got number"), std::string::npos) << e;
}

TEST(Dataset, MalformedInputsAreErrorsNamingFileAndLine) {
    Fixture f;
    struct Case {
        std::string name, text, expect;
    };
    std::vector<Case> cases = {
        {"broken.jsonl", "{\"problem\": \"ok\"}\n{\"problem\": \"oops\"\n",
         "broken.jsonl:2: malformed JSON"},
        {"nokey.jsonl", "{\"problem\": \"ok\"}\n\n{\"prompt\": \"x\", \"answer\": 1}\n",
         "nokey.jsonl:3: no question: key 'problem' (or 'question') is absent; keys present: "
         "answer, prompt. Set data.prompt_key"},
        {"latin1.jsonl", "{\"problem\": \"ok\"}\n{\"problem\": \"caf\xE9\"}\n",
         "latin1.jsonl:2: not valid UTF-8"},
        {"overlong.jsonl", "{\"problem\": \"\xC0\xAF\"}\n", "overlong.jsonl:1: not valid UTF-8"},
        {"imgtype.jsonl", "{\"problem\": \"x\", \"images\": [1]}\n",
         "imgtype.jsonl:1: images ('images') must be a path or a list of paths, got number"},
        {"empty_q.jsonl", "{\"problem\": \"\"}\n", "must be a non-empty string"},
        {"answer.jsonl", "{\"problem\": \"x\", \"answer\": [1]}\n",
         "answer.jsonl:1: the answer ('answer') must be a string or number, got array"},
        {"csv.txt", "problem,answer\n", "csv.txt:1: expected JSON Lines"},
    };
    for (const auto& c : cases) {
        std::string e = data_error([&] { load_dataset({f.write(c.name, c.text)}, DataConfig{}); });
        EXPECT_NE(e.find(c.expect), std::string::npos) << c.name << ": " << e;
    }
    std::string e = data_error([&] { load_dataset({f.dir + "/nope.jsonl"}, DataConfig{}); });
    EXPECT_NE(e.find("nope.jsonl: no such data file or folder"), std::string::npos) << e;
    EXPECT_EQ(load_dataset({f.write("empty.jsonl", "\n")}, DataConfig{}).report.records, 0);
}

TEST(Dataset, BadImagesAreSkippedCountedAndWarnedOrFatal) {
    Fixture f;
    fs::copy_file(tiny("tiny.gif"), f.dir + "/images/g.gif");
    std::string file =
        f.write("imgs.jsonl",
                "{\"problem\": \"good\", \"images\": \"images/a.jpg\"}\n"
                "{\"problem\": \"missing\", \"images\": \"images/none.jpg\"}\n"
                "{\"problem\": \"cut\", \"images\": [\"images/a.jpg\", \"images/cut.jpg\"]}\n"
                "{\"problem\": \"gif\", \"images\": \"images/g.gif\"}\n"
                "{\"problem\": \"big\", \"images\": \"images/b.png\"}\n");
    std::vector<LogRecord> logged;
    set_log_sink([&](const LogRecord& r) { logged.push_back(r); });
    DataConfig cfg;
    cfg.max_image_pixels = 40 * 30;  // b.png is 40x30: fits; a.jpg too
    Dataset ok = load_dataset({file}, cfg);
    EXPECT_EQ(ok.report.examples, 2);
    EXPECT_EQ(ok.report.skipped_bad_image, 3);
    EXPECT_EQ(ok.report.images_missing, 1);
    EXPECT_EQ(ok.report.images_corrupt, 2);
    EXPECT_EQ(ok.report.images_oversized, 0);
    EXPECT_EQ(ok.report.warnings_total, 3);
    EXPECT_EQ(logged.size(), 3u) << "each skip is also logged";
    expect_accounted(ok.report);
    EXPECT_NE(ok.report.warnings[1].find("imgs.jsonl:3: image '" + f.dir +
                                         "/images/cut.jpg' is corrupt (truncated"),
              std::string::npos)
        << ok.report.warnings[1];

    cfg.max_image_pixels = 40 * 30 - 1;
    Dataset small = load_dataset({file}, cfg);
    EXPECT_EQ(small.report.images_oversized, 2);
    EXPECT_EQ(small.report.examples, 0);
    expect_accounted(small.report);
    set_log_sink(nullptr);

    cfg.max_image_pixels = 100000000;
    cfg.on_bad_image = BadImagePolicy::error;
    std::string e = data_error([&] { load_dataset({file}, cfg); });
    EXPECT_NE(e.find("imgs.jsonl:2: image '" + f.dir + "/images/none.jpg' is missing"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("data.on_bad_image = error"), std::string::npos) << e;
}

TEST(Dataset, ImageFolderIsSortedWithTemplateQuestions) {
    Fixture f;
    std::string folder = f.dir + "/images";
    std::ofstream(folder + "/notes.txt") << "not an image";
    DataConfig cfg;
    cfg.image_folder_template = "What does {name} ({stem}) show?";
    std::vector<LogRecord> logged;
    set_log_sink([&](const LogRecord& r) { logged.push_back(r); });
    Dataset ds = load_dataset({folder + "/"}, cfg);
    set_log_sink(nullptr);
    const auto& r = ds.report;
    expect_accounted(r);
    EXPECT_EQ(r.records, 3);
    EXPECT_EQ(r.examples, 2) << "cut.jpg is truncated";
    EXPECT_EQ(r.skipped_bad_image, 1);
    EXPECT_EQ(r.ignored_files, 1);
    EXPECT_EQ(r.labelled, 0);
    ASSERT_EQ(ds.examples.size(), 2u);
    EXPECT_EQ(ds.examples[0].id, "images/a.jpg");
    EXPECT_EQ(ds.examples[0].question, "What does a.jpg (a) show?");
    EXPECT_EQ(ds.examples[1].id, "images/b.png");
    EXPECT_EQ(ds.examples[1].source_line, 0);
    EXPECT_EQ(logged.size(), 2u) << "ignored notes.txt, skipped cut.jpg";

    std::string text = format_report(r);
    EXPECT_NE(text.find("records:  3 (kept 2, skipped for a bad image 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("1 corrupt"), std::string::npos) << text;
}

TEST(Dataset, SameFileNameInTwoSourcesKeepsIdsUnique) {
    Fixture f;
    fs::create_directories(f.dir + "/other");
    std::string a = f.write("t.jsonl", "{\"problem\": \"a\"}\n");
    std::string b = f.write("other/t.jsonl", "{\"problem\": \"b\"}\n");
    Dataset ds = load_dataset({a, b}, DataConfig{});
    ASSERT_EQ(ds.examples.size(), 2u);
    EXPECT_EQ(ds.examples[0].id, "t.jsonl:1");
    EXPECT_EQ(ds.examples[1].id, b + ":1");
}

}  // namespace
}  // namespace mmupt
