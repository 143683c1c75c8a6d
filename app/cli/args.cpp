#include "app/cli/args.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace mmupt::cli {

ArgParser::ArgParser(std::string command, std::string description)
    : command_(std::move(command)), description_(std::move(description)) {}

ArgParser& ArgParser::option(const std::string& name, const std::string& value_name,
                             const std::string& help, std::optional<std::string> def) {
    specs_.push_back({name, value_name, help, "", std::move(def), true, false, false, false});
    return *this;
}

ArgParser& ArgParser::multi_option(const std::string& name, const std::string& value_name,
                                   const std::string& help) {
    specs_.push_back({name, value_name, help, "", std::nullopt, true, true, false, false});
    return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
    specs_.push_back({name, "", help, "", std::nullopt, false, false, false, false});
    return *this;
}

ArgParser& ArgParser::positional(const std::string& name, const std::string& help, bool required) {
    specs_.push_back({name, "", help, "", std::nullopt, true, false, true, required});
    return *this;
}

ArgParser& ArgParser::alias(const std::string& short_name, const std::string& name) {
    for (auto& s : specs_)
        if (s.name == name && !s.positional) {
            s.alias = short_name;
            return *this;
        }
    throw std::logic_error("ArgParser::alias: no option " + name);
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
    for (const auto& s : specs_)
        if (s.name == name || (!s.alias.empty() && s.alias == name)) return &s;
    return nullptr;
}

void ArgParser::parse(const std::vector<std::string>& args) {
    std::vector<const Spec*> positionals;
    for (const auto& s : specs_)
        if (s.positional) positionals.push_back(&s);
    size_t next_positional = 0;
    bool only_positionals = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!only_positionals && (a == "--help" || a == "-h")) {
            std::fputs(help().c_str(), stdout);
            throw HelpRequested{};
        }
        if (!only_positionals && a == "--") {
            only_positionals = true;
            continue;
        }
        if (!only_positionals && a.size() > 1 && a[0] == '-' &&
            !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
            std::string name = a, value;
            bool inline_value = false;
            if (auto eq = a.find('='); eq != std::string::npos) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
                inline_value = true;
            }
            const Spec* s = find(name);
            if (!s || s->positional)
                throw UsageError("unknown option '" + name + "' for '" + command_ +
                                 "' (see: mmupt " + command_ + " --help)");
            name = s->name;  // an alias stores under the option's name
            if (!s->takes_value) {
                if (inline_value) throw UsageError("option " + name + " takes no value");
                values_[name] = {"1"};
                continue;
            }
            if (!inline_value) {
                if (i + 1 >= args.size())
                    throw UsageError("option " + name + " needs a value <" + s->value_name + ">");
                value = args[++i];
            }
            if (s->multi) {
                values_[name].push_back(value);
            } else {
                values_[name] = {value};
            }
            continue;
        }
        if (next_positional >= positionals.size())
            throw UsageError("unexpected argument '" + a + "' for '" + command_ + "' (see: mmupt " +
                             command_ + " --help)");
        values_[positionals[next_positional++]->name] = {a};
    }
    for (const Spec* p : positionals)
        if (p->required && !values_.count(p->name))
            throw UsageError("missing argument <" + p->name + "> for '" + command_ +
                             "' (see: mmupt " + command_ + " --help)");
}

bool ArgParser::has(const std::string& name) const { return values_.count(name) > 0; }

std::string ArgParser::get(const std::string& name) const {
    if (auto it = values_.find(name); it != values_.end()) return it->second.back();
    const Spec* s = find(name);
    if (s && s->def) return *s->def;
    throw UsageError("missing " + name);
}

std::vector<std::string> ArgParser::get_all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> ArgParser::get_list(const std::string& name) const {
    std::vector<std::string> out;
    std::stringstream ss(get(name));
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

double ArgParser::get_double(const std::string& name) const {
    std::string v = get(name);
    errno = 0;
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || errno == ERANGE)
        throw UsageError(name + " expects a number, got '" + v + "'");
    return d;
}

long long ArgParser::get_int(const std::string& name) const {
    std::string v = get(name);
    errno = 0;
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE)
        throw UsageError(name + " expects an integer, got '" + v + "'");
    return n;
}

std::string ArgParser::help() const {
    std::ostringstream out;
    out << "usage: mmupt " << command_;
    for (const auto& s : specs_) {
        if (!s.positional) continue;
        out << (s.required ? " " : " [") << s.name << (s.required ? "" : "]");
    }
    out << " [options]\n\n" << description_ << "\n";
    bool any_pos = false;
    for (const auto& s : specs_)
        if (s.positional) {
            if (!any_pos) out << "\narguments:\n";
            any_pos = true;
            out << "  " << s.name << "\n      " << s.help << "\n";
        }
    out << "\noptions:\n";
    for (const auto& s : specs_) {
        if (s.positional) continue;
        out << "  " << (s.alias.empty() ? "" : s.alias + ", ") << s.name;
        if (s.takes_value) out << " <" << s.value_name << ">";
        out << "\n      " << s.help;
        if (s.def) out << " (default: " << *s.def << ")";
        if (s.multi) out << " (repeatable)";
        out << "\n";
    }
    out << "  --help\n      show this help\n";
    return out.str();
}

}  // namespace mmupt::cli
