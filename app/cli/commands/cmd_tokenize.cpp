// `mmupt tokenize`: JSON lines in, JSON lines out, with the model's tokenizer.
//   encode (default): {"text": "..."}  ->  {"ids": [...]}
//   --decode:         {"ids": [...]}   ->  {"text": "..."}   (--skip-special drops special tokens)
// Blank lines are skipped. A malformed line (bad JSON, a number like 1e999, a line over
// --max-line-bytes) gets {"error": "line N: ..."} on stdout (so outputs stay aligned with
// inputs), the same message on stderr, and the exit status becomes 1; later lines still run.
// Memory is bounded by one line: an over-long line is skipped without being stored.
// Deliberately no chat rendering or batching: this is a debugging / scripting tool.
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/line_reader.h"
#include "core/tokenizer/tokenizer.h"

namespace mmupt::cli {
namespace {

using nlohmann::json;

// {"ids":[1,2,3]} written directly: a json array of N ids would cost ~16 bytes per id.
std::string ids_line(const std::vector<std::int32_t>& ids) {
    std::string out = "{\"ids\":[";
    out.reserve(out.size() + ids.size() * 7 + 3);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(ids[i]);
    }
    return out + "]}";
}

// The reply to one input line (a JSON text without the newline); throws std::runtime_error
// with the reason when malformed.
std::string process_line(const Tokenizer& tok, const std::string& line, bool decode,
                         bool skip_special) {
    json in;
    try {
        in = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
        throw std::runtime_error(std::string("not valid JSON (") + e.what() + ")");
    }
    if (!decode) {
        if (!in.is_object() || !in.contains("text") || !in["text"].is_string())
            throw std::runtime_error("expected an object with a string \"text\"");
        std::string text;
        text.swap(in["text"].get_ref<std::string&>());
        in = json();  // the parsed document is no longer needed: keep one copy of the text
        return ids_line(tok.encode(text));
    }
    if (!in.is_object() || !in.contains("ids") || !in["ids"].is_array())
        throw std::runtime_error("expected an object with an array \"ids\"");
    std::vector<std::int32_t> ids;
    for (const json& v : in["ids"]) {
        const std::int64_t id = v.is_number_integer() ? v.get<std::int64_t>() : -1;
        if (id < 0 || id > INT32_MAX || !tok.is_valid_id(static_cast<std::int32_t>(id)))
            throw std::runtime_error("id " + v.dump() + " is not a token id (vocab size " +
                                     std::to_string(tok.vocab_size()) + ")");
        ids.push_back(static_cast<std::int32_t>(id));
    }
    return json{{"text", tok.decode(ids, skip_special)}}.dump(-1, ' ', false,
                                                              json::error_handler_t::replace);
}

int run_tokenize(const std::vector<std::string>& args) {
    ArgParser p("tokenize",
                "Encodes JSON lines {\"text\": ...} from stdin to {\"ids\": [...]} on stdout "
                "(or decodes with --decode) using a Qwen2-VL tokenizer.");
    p.option("--tokenizer", "DIR",
             "model directory with tokenizer.json, or vocab.json + merges.txt + "
             "tokenizer_config.json")
        .flag("--decode", "read {\"ids\": [...]} lines and write {\"text\": ...}")
        .flag("--skip-special", "with --decode: drop special tokens such as <|im_end|>")
        .option("--max-line-bytes", "N", "longer input lines get an error line and are skipped",
                "16777216");
    p.parse(args);
    if (!p.has("--tokenizer")) throw UsageError("--tokenizer DIR is required");
    const bool decode = p.has("--decode"), skip_special = p.has("--skip-special");
    if (skip_special && !decode) throw UsageError("--skip-special only applies with --decode");
    const long long max_line = p.get_int("--max-line-bytes");
    if (max_line < 1) throw UsageError("--max-line-bytes must be >= 1");
    const Tokenizer tok = Tokenizer::load(p.get("--tokenizer"));

    int failures = 0;
    std::size_t line_no = 0;
    LineReader reader(stdin, static_cast<size_t>(max_line));
    for (std::string line; reader.next(line);) {
        line_no = reader.line_number();
        if (!reader.too_long() && line.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        std::string out;
        try {
            if (reader.too_long())
                throw std::runtime_error("line is " + std::to_string(reader.line_bytes()) +
                                         " bytes, over --max-line-bytes " +
                                         std::to_string(max_line) + "; skipped");
            out = process_line(tok, line, decode, skip_special);
        } catch (const std::exception& e) {  // runtime_error, bad_alloc, json errors
            const std::string msg = "line " + std::to_string(line_no) + ": " + e.what();
            std::fprintf(stderr, "mmupt tokenize: %s\n", msg.c_str());
            out = json{{"error", msg}}.dump(-1, ' ', false, json::error_handler_t::replace);
            ++failures;
        }
        out += '\n';
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }
    if (failures > 0)
        std::fprintf(stderr, "mmupt tokenize: %d of %zu lines were malformed\n", failures, line_no);
    return failures > 0 ? 1 : 0;
}

}  // namespace

MMUPT_COMMAND("tokenize", "encode / decode JSON lines with a model's tokenizer", &run_tokenize);

}  // namespace mmupt::cli
