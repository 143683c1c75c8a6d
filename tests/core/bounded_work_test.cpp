// Hostile input with bounded work (issue 11, item 5): each input here is sized so that the fixed
// code answers in milliseconds while the quadratic code it replaced took minutes (100k nested
// braces in the grader, 200k tensors in a safetensors header) or gigabytes (YAML aliases).
// No timings are asserted: a regression shows up as a test that does not finish.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/answer/answer_extractor.h"
#include "core/config/config_io.h"
#include "core/grading/answer_locator.h"
#include "core/grading/grader.h"
#include "core/grading/latex_normalizer.h"
#include "core/io/safetensors_format.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

std::string nested(size_t depth, const std::string& core) {
    return std::string(depth, '{') + core + std::string(depth, '}');
}

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

// Enclosing braces were stripped one pair per pass over the whole string: depth x length.
TEST(BoundedGrader, DeepBracesBelowTheCapAreStrippedInOnePass) {
    GradeOptions wide;
    wide.max_answer_bytes = size_t{1} << 20;
    const std::string deep = nested(200000, "5");
    EXPECT_EQ(normalize_answer(deep), "5");
    EXPECT_TRUE(answers_equivalent(deep, "5", wide));
    EXPECT_FALSE(answers_equivalent(deep, nested(200000, "6"), wide));
}

// Over max_answer_bytes only identical text matches, and the reason is stated.
TEST(BoundedGrader, AnswersOverTheCapCompareAsExactText) {
    const std::string a = nested(100000, "1"), b = nested(100000, "2");
    EXPECT_FALSE(answers_equivalent(a, b));
    EXPECT_TRUE(answers_equivalent(a, a));
    EXPECT_FALSE(answers_equivalent(a, "1"));  // equal below the cap, but over it: not graded
    const std::string note = grading_limit_note(a);
    EXPECT_NE(note.find("200001 bytes"), std::string::npos) << note;
    EXPECT_NE(note.find("exact text"), std::string::npos) << note;
    EXPECT_EQ(grading_limit_note("\\frac{1}{2}"), "");
    // grade() caps the located answer the same way: a 200 KB box is not normalised.
    EXPECT_TRUE(grade("\\boxed{" + a + "}", "\\boxed{" + a + "}"));
    EXPECT_FALSE(grade("\\boxed{" + a + "}", "\\boxed{" + b + "}"));
}

// "\text{" never closed: each one rescanned the rest of the string for its brace.
TEST(BoundedGrader, UnclosedGroupsAreReadOnce) {
    const std::string s = repeat("\\text{", 100000) + "7";
    EXPECT_FALSE(normalize_answer(s).empty());
    GradeOptions wide;
    wide.max_answer_bytes = size_t{1} << 20;
    EXPECT_FALSE(answers_equivalent(s, s + "8", wide));
    const std::string fracs = repeat("\\frac{", 100000);
    EXPECT_FALSE(answers_equivalent(fracs, fracs + "1", wide));
}

// Dropped unit words left trailing spaces that every later unit rescanned.
TEST(BoundedGrader, ManyDroppedUnitsStayLinear) {
    EXPECT_EQ(normalize_answer("1" + repeat(" cm", 200000)), "1");
    EXPECT_EQ(normalize_answer("1" + repeat("\\quad", 200000) + "2"), "12");
}

// Every number in prose was checked against every math segment.
TEST(BoundedGrader, NumbersBetweenManyMathSegments) {
    const std::string text = repeat("1 $x$ ", 150000) + "so 42";
    LocatedAnswer a = locate_answer(text);
    ASSERT_FALSE(a.parts.empty());
    EXPECT_EQ(a.parts.back(), "42");
    EXPECT_TRUE(grade(text, "42"));
}

// Each "\pm" parsed both values again, 24 levels deep: 2^24 parses of "1 \pm 1 \pm ...".
TEST(BoundedGrader, ManyPlusMinusSignsDoNotBranchExponentially) {
    const std::string pm = "1" + repeat(" \\pm 1", 30);
    EXPECT_TRUE(answers_equivalent(pm, pm + " "));
    EXPECT_FALSE(answers_equivalent(pm, "1" + repeat(" \\pm 2", 30)));
    EXPECT_TRUE(answers_equivalent("1 \\pm \\sqrt{2}", "1 \\mp \\sqrt{2}"));  // still read
}

// Lists of sets compare pairwise at every level: 60 x 60 set pairs of 60 x 60 elements each.
TEST(BoundedGrader, NestedListsHaveABoundedNumberOfComparisons) {
    auto set_of = [](int last) {
        std::string s = "\\{";
        for (int i = 0; i < 59; ++i) s += std::to_string(i) + ",";
        return s + std::to_string(last) + "\\}";
    };
    std::string a, b;
    for (int i = 0; i < 60; ++i) {
        a += (i ? ", " : "") + set_of(59);
        b += (i ? ", " : "") + set_of(99);
    }
    EXPECT_FALSE(answers_equivalent(a, b));
    EXPECT_TRUE(answers_equivalent("\\{1, 2\\}, \\{3, 4\\}", "\\{4, 3\\}, \\{2, 1\\}"));
}

TEST(BoundedGrader, ExtractionOfDeepBoxesIsLinear) {
    const std::string deep = "\\boxed{" + nested(300000, "3") + "}";
    auto a = extract_answer(deep);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->size(), 600001u);
    EXPECT_FALSE(extract_answer(repeat("\\boxed{", 200000)).has_value());  // never closes
}

// A header of n one-byte tensors "t0000000".."t{n-1}" (U8, shape [1]) and its data.
std::string many_tensor_file(size_t n) {
    std::string h = "{";
    char buf[96];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf,
                      "%s\"t%07zu\":{\"dtype\":\"U8\",\"shape\":[1],"
                      "\"data_offsets\":[%zu,%zu]}",
                      i ? "," : "", i, i, i + 1);
        h += buf;
    }
    h += "}";
    h.append((8 - h.size() % 8) % 8, ' ');
    std::string file(8, '\0');
    const uint64_t len = h.size();
    for (int k = 0; k < 8; ++k) file[k] = static_cast<char>((len >> (8 * k)) & 0xFF);
    return file + h + std::string(n, '\x01');
}

// find() scanned every tensor; callers look up every tensor by name (inspect, loading).
TEST(BoundedSafetensors, LookupByNameOfEveryTensorIsFast) {
    const size_t n = 200000;
    const std::string file = many_tensor_file(n);
    SafetensorsHeader h = parse_safetensors_buffer(
        reinterpret_cast<const unsigned char*>(file.data()), file.size(), "many.safetensors");
    ASSERT_EQ(h.tensors.size(), n);
    char name[16];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(name, sizeof name, "t%07zu", i);
        const TensorRecord* r = h.find(name);
        ASSERT_NE(r, nullptr) << name;
        ASSERT_EQ(r->begin, i);
    }
    EXPECT_EQ(h.find("t9999999"), nullptr);
    EXPECT_EQ(h.find(""), nullptr);
    h.by_name.clear();  // a stale index falls back to a scan, still correct
    EXPECT_EQ(h.find("t0000007")->begin, 7u);
}

// One 200 KB string reused 100 times through an alias: 20 MB once copied out (the file:
// 1 MB 4,000 times, 7.4 GB then bad_alloc).
TEST(BoundedConfig, YamlAliasesExpandingPastTheLimitAreRefused) {
    const std::string yaml = "data:\n  format_prompt: &a \"" + std::string(200000, 'x') +
                             "\"\n  train_files: [" + repeat("*a,", 99) + "*a]\n";
    RunConfig c;
    try {
        apply_yaml_text(c, yaml, "alias.yaml");
        ADD_FAILURE() << "an alias bomb was accepted";
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("alias.yaml"), std::string::npos) << what;
        EXPECT_NE(what.find("aliases expanding past"), std::string::npos) << what;
    }
    EXPECT_TRUE(c.data.train_files.empty());  // nothing was applied
    // Aliases within the budget are fine.
    apply_yaml_text(c, "data:\n  format_prompt: &p \"x.jsonl\"\n  train_files: [*p, *p]\n", "ok");
    EXPECT_EQ(c.data.train_files.size(), 2u);
    // An alias cycle costs the budget, not forever.
    EXPECT_THROW(apply_yaml_text(c, "data:\n  train_files: &a [*a, *a]\n", "cycle.yaml"),
                 ConfigError);
}

}  // namespace
}  // namespace mmupt
