// `mmupt tokenize` end to end through the built CLI: encode, decode (with --skip-special), the
// error lines for malformed input (aligned output, message with the line number, exit 1), and
// usage errors (exit 2). Each CLI start costs ~1-2 s (libtorch's shared libraries): few calls.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/core/test_paths.h"
#include "tests/core/tokenizer_fixture.h"

namespace mmupt {
namespace {

std::string tokenize_cmd(const std::string& flags) {
    return "'" + test::cli_path() + "' tokenize --tokenizer '" + test::qwen_model_dir() + "' " +
           flags + " 2>/dev/null";
}

TEST(CmdTokenize, EncodesJsonLines) {
    MMUPT_REQUIRE_SHARED_DATA();
    const auto r = test::run_command(tokenize_cmd(""),
                                     "{\"text\": \"Hello world\"}\n\n"
                                     "{\"text\": \"<|im_start|>user\\n\"}\n");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "{\"ids\":[9707,1879]}\n{\"ids\":[151644,872,198]}\n");
}

TEST(CmdTokenize, DecodesWithAndWithoutSpecials) {
    MMUPT_REQUIRE_SHARED_DATA();
    const std::string in = "{\"ids\": [151644, 872, 198, 9707, 151645]}\n";
    auto r = test::run_command(tokenize_cmd("--decode"), in);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "{\"text\":\"<|im_start|>user\\nHello<|im_end|>\"}\n");
    r = test::run_command(tokenize_cmd("--decode --skip-special"), in);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "{\"text\":\"user\\nHello\"}\n");
}

TEST(CmdTokenize, MalformedLinesGetAnErrorLineAndExit1) {
    MMUPT_REQUIRE_SHARED_DATA();
    const auto r =
        test::run_command("{ '" + test::cli_path() + "' tokenize --tokenizer '" +
                              test::qwen_model_dir() + "' 2>&1; }",
                          "{\"text\": \"a\"}\nnot json\n{\"ids\": [1]}\n{\"text\": \"b\"}\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("{\"ids\":[64]}"), std::string::npos);
    EXPECT_NE(r.out.find("{\"error\":\"line 2: not valid JSON"), std::string::npos);
    EXPECT_NE(r.out.find("{\"error\":\"line 3: expected an object with a string \\\"text\\\"\"}"),
              std::string::npos);
    EXPECT_NE(r.out.find("{\"ids\":[65]}"), std::string::npos);  // later lines still processed
    EXPECT_NE(r.out.find("mmupt tokenize: line 2:"), std::string::npos);  // stderr message
    const auto d = test::run_command(tokenize_cmd("--decode"), "{\"ids\": [9707, 999999]}\n");
    EXPECT_EQ(d.exit_code, 1);
    EXPECT_NE(d.out.find("line 1: id 999999 is not a token id"), std::string::npos);
}

// One bad line (a number nlohmann cannot hold, an over-long line) is that line's error; the
// stream goes on. 1e999 used to throw past the per-line handler and stop everything.
TEST(CmdTokenize, BadNumbersAndOverlongLinesDoNotStopTheStream) {
    MMUPT_REQUIRE_SHARED_DATA();
    const std::string input = "{\"text\": \"a\"}\n{\"text\": 1e999}\n{\"text\": \"" +
                              std::string(5000, 'x') + "\"}\n{\"text\": \"b\"}\n";
    const auto r = test::run_command("{ '" + test::cli_path() + "' tokenize --tokenizer '" +
                                         test::qwen_model_dir() + "' --max-line-bytes 1000 2>&1; }",
                                     input);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("{\"ids\":[64]}"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("line 2: not valid JSON"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("line 3: line is 5012 bytes, over --max-line-bytes 1000"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("{\"ids\":[65]}"), std::string::npos) << r.out;  // line 4 still runs
    EXPECT_NE(r.out.find("2 of 4 lines were malformed"), std::string::npos) << r.out;
}

TEST(CmdTokenize, UsageErrors) {
    EXPECT_EQ(test::run_command("'" + test::cli_path() + "' tokenize 2>/dev/null").exit_code, 2);
    EXPECT_EQ(test::run_command("'" + test::cli_path() +
                                "' tokenize --tokenizer x --skip-special 2>/dev/null")
                  .exit_code,
              2);
}

}  // namespace
}  // namespace mmupt
