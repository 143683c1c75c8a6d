// `mmupt`: the headless CLI. Dispatches to the registered subcommands and is the one place where
// errors become exit codes: 0 ok, 1 runtime error (message on stderr), 2 usage error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/util/blas_env.h"
#include "core/util/errors.h"
#include "core/version.h"

namespace mmupt::cli {

std::vector<Command>& command_registry() {
    static std::vector<Command> commands;
    return commands;
}

namespace {

void print_help() {
    std::printf(
        "usage: mmupt <command> [options]\n\n"
        "Unsupervised post-training (MM-UPT) of Qwen2-VL / Qwen2.5-VL models.\n\ncommands:\n");
    auto commands = command_registry();
    std::sort(commands.begin(), commands.end(),
              [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& c : commands) std::printf("  %-14s %s\n", c.name.c_str(), c.summary.c_str());
    std::printf(
        "\n  mmupt <command> --help   options of one command\n"
        "  mmupt --version          version and libtorch build\n");
}

}  // namespace
}  // namespace mmupt::cli

int main(int argc, char** argv) {
    using namespace mmupt::cli;
    mmupt::reexec_with_faster_blas(argv);  // before any work: OpenBLAS reads it at load time
    if (argc < 2) {
        print_help();
        return 2;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_help();
        return 0;
    }
    if (name == "--version") {
        std::printf("%s\n", mmupt::version_banner().c_str());
        return 0;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : command_registry()) {
        if (c.name != name) continue;
        try {
            return c.run(args);
        } catch (const HelpRequested&) {
            return 0;
        } catch (const UsageError& e) {
            std::fprintf(stderr, "mmupt %s: %s\n", name.c_str(), e.what());
            return 2;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "mmupt %s: error: %s\n", name.c_str(), e.what());
            return 1;
        }
    }
    std::fprintf(stderr, "mmupt: unknown command '%s' (see: mmupt --help)\n", name.c_str());
    return 2;
}
