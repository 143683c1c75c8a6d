// `mmupt grade`: compares two answers (prints "equal" / "different") or grades a JSONL file of
// {"pred": ..., "gold": ...} objects, echoing each with "equal" added. A malformed line stops the
// run with its line number (exit 1) after the lines before it were written; usage errors exit 2.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/grading/grader.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

// A field as text: strings as is, numbers in their JSON spelling, null as "no answer".
std::optional<std::string> field(const nlohmann::ordered_json& row, const char* key,
                                 const std::string& where) {
    if (!row.contains(key))
        throw DataError(where + ": missing \"" + key +
                        "\" (each line needs \"pred\" and \"gold\")");
    const auto& v = row[key];
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    throw DataError(where + ": \"" + key + "\" must be a string, number or null, got " +
                    std::string(v.type_name()));
}

int grade_jsonl(const std::string& path, const GradeOptions& options) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) throw DataError("cannot open '" + path + "' for reading (check the path)");
        in = &file;
    }
    std::string line;
    long line_no = 0;
    while (std::getline(*in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        std::string where = path + ":" + std::to_string(line_no);
        nlohmann::ordered_json row;
        try {
            row = nlohmann::ordered_json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            throw DataError(where + ": malformed JSON (" + e.what() + ")");
        }
        if (!row.is_object()) throw DataError(where + ": expected a JSON object");
        auto pred = field(row, "pred", where), gold = field(row, "gold", where);
        row["equal"] = pred && gold && grade(*pred, *gold, options);
        std::string out = row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fputc('\n', stdout);
    }
    return 0;
}

int run_grade(const std::vector<std::string>& args) {
    ArgParser p("grade",
                "Compares a predicted answer with a gold answer (free text is fine: the last\n"
                "\\boxed{}, $...$ math or a trailing number is extracted). Prints 'equal' or\n"
                "'different'. With --jsonl, grades every {\"pred\":..,\"gold\":..} line of FILE\n"
                "('-' for stdin) and prints each object with \"equal\": true|false added; a\n"
                "malformed line stops with its line number (exit 1).");
    p.positional("PRED", "predicted answer or response", /*required=*/false)
        .positional("GOLD", "gold answer", /*required=*/false)
        .option("--jsonl", "FILE", "grade a JSON-lines file instead of two arguments")
        .option("--tolerance", "REL", "relative tolerance of numeric comparisons", "1e-4");
    p.parse(args);
    GradeOptions options;
    options.relative_tolerance = p.get_double("--tolerance");
    if (!(options.relative_tolerance >= 0 && options.relative_tolerance < 1))
        throw UsageError("--tolerance must be in [0, 1), got " + p.get("--tolerance"));
    if (p.has("--jsonl")) {
        if (p.has("PRED")) throw UsageError("give either --jsonl FILE or PRED GOLD, not both");
        return grade_jsonl(p.get("--jsonl"), options);
    }
    if (!p.has("PRED") || !p.has("GOLD"))
        throw UsageError("expected PRED and GOLD (or --jsonl FILE); see: mmupt grade --help");
    std::printf("%s\n", grade(p.get("PRED"), p.get("GOLD"), options) ? "equal" : "different");
    return 0;
}

}  // namespace

MMUPT_COMMAND("grade", "compare a predicted answer with a gold answer", &run_grade);

}  // namespace mmupt::cli
