// `mmupt grade` through the real binary: two-argument mode, --jsonl (incl. stdin and null
// answers), malformed lines (exit 1 naming the line) and usage errors (exit 2).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/core/test_paths.h"

using mmupt::test::cli_path;
using mmupt::test::run_command;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
    std::string path = mmupt::test::temp_dir("grade") + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace

TEST(GradeCli, TwoAnswers) {
    auto r = run_command(cli_path() + " grade '\\frac{1}{2}' 0.5");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "equal\n");
    r = run_command(cli_path() + " grade 'so the answer is \\boxed{3}' 4");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "different\n");
}

TEST(GradeCli, JsonlAddsEqualField) {
    std::string path = write_file("in.jsonl",
                                  "{\"pred\":\"\\\\boxed{0.5}\",\"gold\":\"\\\\frac12\",\"id\":7}\n"
                                  "\n"
                                  "{\"pred\":null,\"gold\":\"0\"}\n"
                                  "{\"pred\":5,\"gold\":\"5.0\"}\n");
    auto r = run_command(cli_path() + " grade --jsonl '" + path + "'");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out,
              "{\"pred\":\"\\\\boxed{0.5}\",\"gold\":\"\\\\frac12\",\"id\":7,\"equal\":true}\n"
              "{\"pred\":null,\"gold\":\"0\",\"equal\":false}\n"
              "{\"pred\":5,\"gold\":\"5.0\",\"equal\":true}\n");
    r = run_command(cli_path() + " grade --jsonl -", "{\"pred\":\"x=4\",\"gold\":\"4\"}\n");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "{\"pred\":\"x=4\",\"gold\":\"4\",\"equal\":true}\n");
}

TEST(GradeCli, MalformedLineNamesItsNumber) {
    std::string path =
        write_file("bad.jsonl", "{\"pred\":\"1\",\"gold\":\"1\"}\n{\"pred\": oops\n");
    auto r = run_command("(" + cli_path() + " grade --jsonl '" + path + "' 2>&1)");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("bad.jsonl:2: malformed JSON"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"equal\":true"), std::string::npos) << "line 1 is still written";
    path = write_file("nogold.jsonl", "{\"pred\":\"1\"}\n");
    r = run_command("(" + cli_path() + " grade --jsonl '" + path + "' 2>&1)");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("nogold.jsonl:1: missing \"gold\""), std::string::npos) << r.out;
    r = run_command(cli_path() + " grade --jsonl /nonexistent/x.jsonl 2>/dev/null");
    EXPECT_EQ(r.exit_code, 1);
}

TEST(GradeCli, UsageErrorsExitTwo) {
    EXPECT_EQ(run_command(cli_path() + " grade 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run_command(cli_path() + " grade onlyone 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run_command(cli_path() + " grade a b c 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run_command(cli_path() + " grade --jsonl f a 2>/dev/null").exit_code, 2);
    EXPECT_EQ(run_command(cli_path() + " grade --tolerance x 1 1 2>/dev/null").exit_code, 2);
    auto help = run_command(cli_path() + " grade --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--jsonl"), std::string::npos);
}
