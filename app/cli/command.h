// The `mmupt` command registry. Each file in commands/ defines one subcommand and registers it
// with MMUPT_COMMAND; main() dispatches on argv[1].
#pragma once
#include <string>
#include <vector>

namespace mmupt::cli {

struct Command {
    std::string name;
    std::string summary;                               // one line for `mmupt --help`
    int (*run)(const std::vector<std::string>& args);  // args after the command name
};

std::vector<Command>& command_registry();

struct CommandRegistrar {
    explicit CommandRegistrar(Command c) { command_registry().push_back(std::move(c)); }
};

#define MMUPT_CLI_CONCAT_(a, b) a##b
#define MMUPT_CLI_CONCAT(a, b) MMUPT_CLI_CONCAT_(a, b)
// MMUPT_COMMAND("grade", "compare two answers", &run_grade);
#define MMUPT_COMMAND(name, summary, fn)                          \
    static const ::mmupt::cli::CommandRegistrar MMUPT_CLI_CONCAT( \
        registrar_, __LINE__)(::mmupt::cli::Command{name, summary, fn})

}  // namespace mmupt::cli
