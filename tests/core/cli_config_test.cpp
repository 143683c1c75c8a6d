// `mmupt config` and `mmupt data` end to end: resolved YAML that loads back, exit 1 naming the
// field, did-you-mean for typos, --docs equals the generated page, data summary counts.
#include <gtest/gtest.h>

#include <fstream>

#include "core/config/config_io.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

test::CommandResult mmupt_cli(const std::string& args) {
    return test::run_command("(" + test::cli_path() + " " + args + " 2>&1)");  // stdout + stderr
}

TEST(CliConfig, PrintsTheResolvedConfigThatLoadsBack) {
    std::string dir = test::temp_dir("cliconfig");
    std::ofstream(dir + "/run.yaml") << "rollout:\n  n: 6\noptim:\n  lr: 3e-6\n";
    auto r = mmupt_cli("config " + dir + "/run.yaml --set rollout.temperature=0.9");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    RunConfig back;
    apply_yaml_text(back, r.out, "stdout");
    EXPECT_EQ(back.rollout.n, 6);
    EXPECT_DOUBLE_EQ(back.optim.lr, 3e-6);
    EXPECT_DOUBLE_EQ(back.rollout.temperature, 0.9);
    EXPECT_EQ(back.trainer.seed, RunConfig{}.trainer.seed);

    auto json = mmupt_cli("config --json --set rollout.n=4");
    ASSERT_EQ(json.exit_code, 0) << json.out;
    EXPECT_NE(json.out.find("\"n\": 4"), std::string::npos) << json.out;
}

TEST(CliConfig, InvalidValuesExitOneNamingTheField) {
    auto r = mmupt_cli("config --set rollout.top_p=1.5");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("rollout.top_p = 1.5: out of range, allowed: (0, 1]"), std::string::npos)
        << r.out;
    auto typo = mmupt_cli("config --set trainer.mini_batch=2");
    EXPECT_EQ(typo.exit_code, 1);
    EXPECT_NE(typo.out.find("did you mean 'trainer.mini_batch_size'"), std::string::npos)
        << typo.out;
    auto run = mmupt_cli("config --check-run");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.out.find("model.path"), std::string::npos) << run.out;
    EXPECT_EQ(mmupt_cli("config --no-such-flag").exit_code, 2);
}

TEST(CliConfig, DocsMatchTheGeneratedPage) {
    auto r = test::run_command(test::cli_path() + " config --docs");
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, config_docs_markdown());
}

TEST(CliData, PrintsTheValidationSummary) {
    auto r = mmupt_cli("data " + test::source_dir() +
                       "/tests/data/images --set data.image_check=header");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("records:  4 (kept 4"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("4 checked (header): 4 ok"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2 ignored folder entries"), std::string::npos) << r.out;

    std::string dir = test::temp_dir("clidata");
    std::ofstream(dir + "/bad.jsonl") << "{\"problem\": \"x\"}\nnot json\n";
    auto bad = mmupt_cli("data " + dir + "/bad.jsonl");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.out.find("bad.jsonl:2: malformed JSON"), std::string::npos) << bad.out;
}

TEST(CliData, SharedSamples) {
    MMUPT_REQUIRE_SHARED_DATA();
    auto r = mmupt_cli("data " + test::shared_data_dir() + "/vqa-samples/samples.jsonl --show 1");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("examples: 48 (labelled 48, with choices 18"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("answer (hidden label): 8"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mmupt
