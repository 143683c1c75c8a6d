// Runs grade(pred, gold) over ../shared/data/grading/cases.jsonl (labelled cases from public
// grader test suites) and asserts the agreement targets: >= 95% on every category except
// symbolic_or_structured, >= 75% on that one. Prints the measured agreement per category; set
// MMUPT_GRADING_DUMP=1 to also print each disagreement.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "core/grading/grader.h"
#include "tests/core/test_paths.h"

namespace {

struct Tally {
    int agree = 0, total = 0;
    double rate() const { return total ? static_cast<double>(agree) / total : 1.0; }
};

TEST(GradingCorpus, MeetsAgreementTargets) {
    MMUPT_REQUIRE_SHARED_DATA();
    std::ifstream in(mmupt::test::shared_data_dir() + "/grading/cases.jsonl");
    ASSERT_TRUE(in) << "cannot open grading/cases.jsonl";
    const bool dump = std::getenv("MMUPT_GRADING_DUMP") != nullptr;
    std::map<std::string, Tally> by_category;
    Tally symbolic, rest;
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty()) continue;
        auto row = nlohmann::json::parse(line);
        bool expected = row.at("equal").get<bool>();
        bool got = false;
        if (!row.at("pred").is_null() && !row.at("gold").is_null())
            got = mmupt::grade(row["pred"].get<std::string>(), row["gold"].get<std::string>());
        std::string category = row.value("category", "unlabelled");
        Tally& t = by_category[category];
        Tally& group = category == "symbolic_or_structured" ? symbolic : rest;
        ++t.total;
        ++group.total;
        if (got == expected) {
            ++t.agree;
            ++group.agree;
        } else if (dump) {
            std::printf("DISAGREE line %d [%s] expected %d\n  pred: %.300s\n  gold: %.300s\n",
                        line_no, category.c_str(), expected, row["pred"].dump().c_str(),
                        row["gold"].dump().c_str());
        }
    }
    for (const auto& [name, t] : by_category)
        std::printf("grading corpus: %-24s %3d/%3d = %.1f%%\n", name.c_str(), t.agree, t.total,
                    100 * t.rate());
    std::printf("grading corpus: %-24s %3d/%3d = %.1f%%\n", "non-symbolic (target 95%)", rest.agree,
                rest.total, 100 * rest.rate());
    std::printf("grading corpus: %-24s %3d/%3d = %.1f%%\n", "symbolic (target 75%)", symbolic.agree,
                symbolic.total, 100 * symbolic.rate());
    ASSERT_GT(rest.total + symbolic.total, 300) << "the corpus looks truncated";
    EXPECT_GE(rest.rate(), 0.95);
    EXPECT_GE(symbolic.rate(), 0.75);
}

}  // namespace
