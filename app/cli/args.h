// A small flag parser for the CLI: one table of options (name, value name, help with default),
// positional arguments, `--help`. Usage errors throw UsageError; main() turns them into exit 2.
#pragma once
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmupt::cli {

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct HelpRequested {};  // thrown by parse() after printing help; main() exits 0

class ArgParser {
  public:
    ArgParser(std::string command, std::string description);

    // A flag that takes a value (`--top-p 0.9` or `--top-p=0.9`); `def` is shown in help.
    ArgParser& option(const std::string& name, const std::string& value_name,
                      const std::string& help, std::optional<std::string> def = std::nullopt);
    // A flag that may be given several times (`--set a=1 --set b=2`).
    ArgParser& multi_option(const std::string& name, const std::string& value_name,
                            const std::string& help);
    // A boolean switch (`--json`).
    ArgParser& flag(const std::string& name, const std::string& help);
    // A short alias for an option or flag declared before (`alias("-n", "--num-samples")`).
    ArgParser& alias(const std::string& short_name, const std::string& name);
    // A positional argument; `required=false` ones must come last.
    ArgParser& positional(const std::string& name, const std::string& help, bool required = true);

    void parse(const std::vector<std::string>& args);  // throws UsageError / HelpRequested

    bool has(const std::string& name) const;         // flag set, option or positional given
    std::string get(const std::string& name) const;  // value or default; throws if neither
    std::vector<std::string> get_all(const std::string& name) const;
    // A comma-separated value (`--rows 1,8,64`) as its non-empty items.
    std::vector<std::string> get_list(const std::string& name) const;
    double get_double(const std::string& name) const;
    long long get_int(const std::string& name) const;

    std::string help() const;

  private:
    struct Spec {
        std::string name, value_name, help, alias;
        std::optional<std::string> def;
        bool takes_value = true, multi = false, positional = false, required = false;
    };
    const Spec* find(const std::string& name) const;  // by name or alias

    std::string command_, description_;
    std::vector<Spec> specs_;
    std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace mmupt::cli
