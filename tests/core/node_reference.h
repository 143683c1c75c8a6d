// Access to the Node peers no one here wrote (@huggingface/tokenizers, @huggingface/jinja) for
// parity tests: installs the pinned packages once per test binary into a temporary directory with
// npm, and runs tests/reference/hf_reference.cjs. Tests skip (with the reason) when node/npm are
// missing or the registry is unreachable. Header-only: the tests/CMakeLists glob takes *_test.cpp.
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/test_paths.h"

namespace mmupt::test {

inline constexpr const char* kHfTokenizersPackage = "@huggingface/tokenizers@0.2.0";
inline constexpr const char* kHfJinjaPackage = "@huggingface/jinja@0.5.11";

struct NodeReference {
    std::string node_dir;     // where node_modules/ lives; empty when unavailable
    std::string skip_reason;  // why it is unavailable
};

inline const NodeReference& node_reference() {
    static const NodeReference ref = [] {
        NodeReference r;
        if (run_command("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1")
                .exit_code != 0) {
            r.skip_reason = "node or npm is not installed";
            return r;
        }
        const std::string dir = temp_dir("npm");
        // Bounded so an unreachable registry skips in about a minute instead of hanging;
        // --prefer-offline reuses ~/.npm when the pinned versions are already cached.
        const std::string cmd = "timeout 120 npm install --prefix '" + dir +
                                "' --prefer-offline --no-audit --no-fund --loglevel=error "
                                "--fetch-retries=1 --fetch-timeout=30000 " +
                                kHfTokenizersPackage + " " + kHfJinjaPackage + " >&2";
        if (run_command(cmd).exit_code != 0) {
            r.skip_reason = std::string("npm install of ") + kHfTokenizersPackage + " and " +
                            kHfJinjaPackage + " failed (registry unreachable?)";
            return r;
        }
        r.node_dir = dir;
        return r;
    }();
    return ref;
}

// Runs hf_reference.cjs in `mode` ("tokenize" / "chat") on JSON lines; returns the output lines
// (empty on failure).
inline std::vector<std::string> run_node_reference(const std::string& mode,
                                                   const std::string& model_dir,
                                                   const std::string& jsonl_input) {
    const std::string cmd = "node '" + source_dir() + "/tests/reference/hf_reference.cjs' " + mode +
                            " '" + node_reference().node_dir + "' '" + model_dir + "'";
    const CommandResult r = run_command(cmd, jsonl_input);
    std::vector<std::string> lines;
    if (r.exit_code != 0) return lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

}  // namespace mmupt::test

// Skips the current test when the Node peers are unavailable.
#define MMUPT_REQUIRE_NODE_REFERENCE()                                   \
    do {                                                                 \
        if (::mmupt::test::node_reference().node_dir.empty())            \
            GTEST_SKIP() << ::mmupt::test::node_reference().skip_reason; \
    } while (0)
