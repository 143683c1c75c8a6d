// Regression folder tests/data/safetensors_malformed/: every file must be rejected with a
// FormatError naming the file, the problem (EXPECTED.tsv) and the tensor where there is one,
// through the in-memory parser and through SafetensorsFile in both read modes.
// Also the torch-free header rules that need no file: UTF-8 scanner, strict JSON, layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/io/json_strict.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_format.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace fs = std::filesystem;
using mmupt::FormatError;

namespace {

std::string read_all(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct Expected {
    std::string message, tensor;
};

std::map<std::string, Expected> read_expected(const fs::path& dir) {
    std::map<std::string, Expected> out;
    std::istringstream in(read_all(dir / "EXPECTED.tsv"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto t1 = line.find('\t'), t2 = line.rfind('\t');
        if (t1 == std::string::npos || t2 == t1) continue;
        out[line.substr(0, t1)] = {line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)};
    }
    return out;
}

// Runs `fn`, expecting a FormatError whose text contains every needle; returns the message.
template <class Fn>
std::string expect_format_error(Fn fn, const std::vector<std::string>& needles) {
    try {
        fn();
    } catch (const FormatError& e) {
        std::string msg = e.what();
        for (const auto& n : needles)
            EXPECT_NE(msg.find(n), std::string::npos) << msg << "\n  lacks: " << n;
        return msg;
    }
    ADD_FAILURE() << "no FormatError; expected: " << needles.back();
    return "";
}

}  // namespace

TEST(SafetensorsMalformed, EveryFileIsRejectedWithItsReason) {
    const fs::path dir = fs::path(mmupt::test::source_dir()) / "tests/data/safetensors_malformed";
    auto expected = read_expected(dir);
    ASSERT_GE(expected.size(), 30u) << "EXPECTED.tsv missing or short in " << dir;
    std::set<std::string> seen;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string base = e.path().filename().string();
        if (e.path().extension() != ".safetensors") continue;
        SCOPED_TRACE(base);
        auto it = expected.find(base);
        ASSERT_NE(it, expected.end()) << base << " is not listed in EXPECTED.tsv";
        seen.insert(base);
        std::vector<std::string> needles = {base, it->second.message};
        if (it->second.tensor != "-")
            needles.insert(needles.begin() + 1, "tensor '" + it->second.tensor + "'");
        const std::string bytes = read_all(e.path());
        expect_format_error(
            [&] {
                mmupt::parse_safetensors_buffer(
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), base);
            },
            needles);
        for (auto mode : {mmupt::ReadMode::kMmap, mmupt::ReadMode::kStream}) {
            needles[0] = e.path().string();
            expect_format_error([&] { mmupt::SafetensorsFile::open(e.path().string(), mode); },
                                needles);
        }
    }
    for (const auto& [name, _] : expected)
        EXPECT_TRUE(seen.count(name)) << name << " listed but absent";
}

TEST(SafetensorsMalformed, ValidFolderParses) {
    const fs::path dir = fs::path(mmupt::test::source_dir()) / "tests/data/safetensors_valid";
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        SCOPED_TRACE(e.path().string());
        auto f = mmupt::SafetensorsFile::open(e.path().string());
        EXPECT_EQ(f.header().data_offset + f.header().data_size, fs::file_size(e.path()));
        ++n;
    }
    EXPECT_GE(n, 5);
}

TEST(SafetensorsMalformed, MissingFileAndDirectoryAreFormatErrors) {
    std::string dir = mmupt::test::temp_dir("st-missing");
    expect_format_error([&] { mmupt::SafetensorsFile::open(dir + "/nope.safetensors"); },
                        {"nope.safetensors", "cannot open"});
    expect_format_error([&] { mmupt::SafetensorsFile::open(dir); }, {dir, "not a regular file"});
    expect_format_error([&] { mmupt::open_checkpoint(dir); }, {dir, "no model.safetensors"});
}

TEST(SafetensorsFormat, Utf8Scanner) {
    using mmupt::find_invalid_utf8;
    const auto npos = std::string_view::npos;
    EXPECT_EQ(find_invalid_utf8("plain ascii"), npos);
    EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), npos);  // é € 😀
    EXPECT_EQ(find_invalid_utf8("ab\xc0\xaf"), 2u);         // overlong '/'
    EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);       // UTF-16 surrogate
    EXPECT_EQ(find_invalid_utf8("x\xf4\x90\x80\x80"), 1u);  // above U+10FFFF
    EXPECT_EQ(find_invalid_utf8("xy\xe2\x82"), 2u);         // truncated sequence
    EXPECT_EQ(find_invalid_utf8("\x80"), 0u);               // lone continuation byte
}

TEST(SafetensorsFormat, StrictJsonFindsNestedDuplicates) {
    EXPECT_NO_THROW(mmupt::parse_json_strict(R"({"a":{"x":1},"b":{"x":2}})", "t"));
    expect_format_error([] { mmupt::parse_json_strict(R"({"a":{"x":1,"y":{"x":2,"x":3}}})", "t"); },
                        {"duplicate JSON key 'x'"});
    expect_format_error([] { mmupt::parse_json_strict("[[[[[[[[[[1]]]]]]]]]]", "t", 4); },
                        {"nests deeper than 4"});
}

TEST(SafetensorsFormat, LayoutPadsSortsAndRoundTripsThroughTheParser) {
    using mmupt::StDtype;
    auto layout = mmupt::plan_safetensors({{"b_u8", StDtype::U8, {3}},
                                           {"a_f16", StDtype::F16, {2, 1}},
                                           {"z_f64", StDtype::F64, {}},
                                           {"c_f32", StDtype::F32, {0}},
                                           {"q\"uote\n", StDtype::I32, {1}}},
                                          {{"format", "pt"}});
    EXPECT_EQ(layout.prefix.size() % 8, 0u);
    // Descending alignment, then name.
    std::vector<std::string> order;
    for (const auto& r : layout.records) order.push_back(r.name);
    EXPECT_EQ(order, (std::vector<std::string>{"z_f64", "c_f32", "q\"uote\n", "a_f16", "b_u8"}));
    EXPECT_EQ(layout.data_size, 8u + 0 + 4 + 4 + 3);
    std::string file = layout.prefix + std::string(layout.data_size, '\x01');
    auto h = mmupt::parse_safetensors_buffer(reinterpret_cast<const unsigned char*>(file.data()),
                                             file.size(), "planned");
    EXPECT_EQ(h.metadata.at("format"), "pt");
    ASSERT_NE(h.find("q\"uote\n"), nullptr);
    EXPECT_EQ(h.find("a_f16")->shape, (std::vector<uint64_t>{2, 1}));
    EXPECT_TRUE(h.find("z_f64")->shape.empty());
    // The JSON ends in spaces only, and N counts them.
    EXPECT_EQ(h.data_offset, layout.prefix.size());
    expect_format_error(
        [] {
            mmupt::plan_safetensors({{"x", StDtype::U8, {1}}, {"x", StDtype::U8, {1}}}, {});
        },
        {"duplicate tensor name 'x'"});
    expect_format_error(
        [] {
            mmupt::plan_safetensors({{"__metadata__", StDtype::U8, {1}}}, {});
        },
        {"reserved"});
}
