// `mmupt vote`: the self-reward core on JSON lines. Each stdin line {"responses": [...],
// "question"?: "..."} becomes one stdout line with the extracted answers, clusters, majority and
// rewards. A bad line (malformed JSON, invalid UTF-8, oversized response, wrong types) becomes
// {"error": "...", "line": N} on stdout plus a message on stderr; the other lines still run and
// the exit status is 1 at the end. Blank lines are skipped. An answer over the grader's size limit
// is compared as exact text only, with a note on stderr. Not here: extraction or grading rules.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/line_reader.h"
#include "core/answer/answer_extractor.h"
#include "core/grading/grader.h"
#include "core/reward/majority_vote.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

using nlohmann::json;

constexpr size_t kMaxLineBytes = 64u << 20;  // a whole line; beyond it the line is rejected

struct VoteCliOptions {
    VoteOptions vote;
    std::string question;
    size_t max_response_bytes = 256u << 10;
};

// JSON text with invalid UTF-8 replaced by U+FFFD, so every byte we write is valid UTF-8.
template <class Json>
std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sanitize(const std::string& s) { return json::parse(dump(json(s))).get<std::string>(); }

// "a number", "an array", "null"... for messages.
std::string type_name(const json& j) {
    const std::string t = j.type_name();
    if (j.is_null()) return t;
    return (t[0] == 'a' || t[0] == 'o' ? "an " : "a ") + t;
}

// Validates one parsed line and returns its responses; throws DataError with a precise message.
std::vector<std::string> read_responses(const json& j, size_t max_bytes) {
    if (!j.is_object())
        throw DataError("expected a JSON object like {\"responses\": [\"...\"]}, got " +
                        type_name(j));
    auto it = j.find("responses");
    if (it == j.end()) throw DataError("missing field \"responses\" (a list of strings)");
    if (!it->is_array())
        throw DataError("\"responses\" must be a list of strings, got " + type_name(*it));
    if (it->empty()) throw DataError("\"responses\" is empty: nothing to vote on");
    std::vector<std::string> out;
    for (size_t i = 0; i < it->size(); ++i) {
        const json& r = (*it)[i];
        if (!r.is_string())
            throw DataError("responses[" + std::to_string(i) + "] must be a string, got " +
                            type_name(r));
        const auto& s = r.get_ref<const std::string&>();
        if (s.size() > max_bytes)
            throw DataError("responses[" + std::to_string(i) + "] is " + std::to_string(s.size()) +
                            " bytes, over the limit of " + std::to_string(max_bytes) +
                            " (raise it with --max-response-bytes)");
        out.push_back(s);
    }
    return out;
}

// One output line: group_id (the input line number), answers (null = none extracted),
// clusters [{answer, members}] in order of first appearance (under --policy reference a
// missing answer forms the "None" cluster), majority_index (first member of the majority
// cluster; null when nobody answered or below --tau), majority_ratio (largest cluster / all
// responses), below_threshold, rewards (one per trained response), abstained, num_clusters,
// vote_entropy / vote_entropy_with_abstain (nats; see core/reward/majority_vote.h).
nlohmann::ordered_json vote_line(const std::string& line, int64_t line_no,
                                 const VoteCliOptions& o) {
    json j;
    try {
        j = json::parse(line);
    } catch (const json::parse_error& e) {
        throw DataError(std::string("not valid JSON (") + e.what() + ")");
    }
    std::vector<std::string> responses = read_responses(j, o.max_response_bytes);
    ExtractOptions extract;
    extract.question = o.question;
    if (auto q = j.find("question"); q != j.end() && !q->is_null()) {
        if (!q->is_string()) throw DataError("\"question\" must be a string, got " + type_name(*q));
        extract.question = q->get<std::string>();
    }
    std::vector<std::optional<std::string>> answers;
    for (size_t i = 0; i < responses.size(); ++i) {
        answers.push_back(extract_answer(responses[i], extract));
        // A huge answer (e.g. 100k nested braces) only matches identical text: say so.
        const std::string note = answers.back() ? grading_limit_note(*answers.back()) : "";
        if (!note.empty() && o.vote.policy == VotePolicy::kAbstain)
            std::fprintf(stderr, "mmupt vote: line %lld: responses[%zu]: %s\n",
                         static_cast<long long>(line_no), i, note.c_str());
    }
    VoteResult v = majority_vote(line_no, answers, o.vote);

    nlohmann::ordered_json out;
    out["group_id"] = line_no;
    out["answers"] = nlohmann::ordered_json::array();
    for (const auto& a : v.answers)
        out["answers"].push_back(a ? nlohmann::ordered_json(*a) : nlohmann::ordered_json(nullptr));
    out["clusters"] = nlohmann::ordered_json::array();
    for (const auto& c : v.clusters) {
        nlohmann::ordered_json cluster;
        cluster["answer"] = c.answer;
        cluster["members"] = c.members;
        out["clusters"].push_back(cluster);
    }
    auto majority = v.majority_index();
    out["majority_index"] =
        majority ? nlohmann::ordered_json(*majority) : nlohmann::ordered_json(nullptr);
    out["majority_ratio"] = v.majority_ratio;
    out["below_threshold"] = v.below_threshold;
    out["rewards"] = v.rewards;
    out["abstained"] = v.num_abstained;
    out["num_clusters"] = v.num_clusters();
    out["vote_entropy"] = v.vote_entropy;
    out["vote_entropy_with_abstain"] = v.vote_entropy_with_abstain;
    return out;
}

VoteCliOptions parse_options(const ArgParser& p) {
    VoteCliOptions o;
    const std::string policy = p.get("--policy");
    if (policy == "abstain") {
        o.vote.policy = VotePolicy::kAbstain;
    } else if (policy == "reference") {
        o.vote.policy = VotePolicy::kReference;
    } else {
        throw UsageError("--policy must be 'abstain' or 'reference', got '" + policy + "'");
    }
    o.question = p.has("--question") ? p.get("--question") : "";
    o.vote.agreement_threshold = p.get_double("--tau");
    if (!(o.vote.agreement_threshold >= 0.0 && o.vote.agreement_threshold <= 1.0))
        throw UsageError("--tau must be in [0, 1], got " + p.get("--tau"));
    o.vote.soft_reward = p.has("--soft");
    if (p.has("--train")) {
        long long g = p.get_int("--train");
        if (g < 1 || g > 1000000) throw UsageError("--train must be >= 1, got " + p.get("--train"));
        o.vote.num_trained = static_cast<int>(g);
    }
    long long max_bytes = p.get_int("--max-response-bytes");
    if (max_bytes < 1) throw UsageError("--max-response-bytes must be >= 1");
    o.max_response_bytes = static_cast<size_t>(max_bytes);
    return o;
}

int run_vote(const std::vector<std::string>& args) {
    ArgParser p(
        "vote",
        "Reads JSON lines {\"responses\": [...], \"question\"?: \"...\"} on stdin and writes "
        "one line per\ninput with the extracted answers, answer clusters, the majority "
        "and each response's\nreward. Bad lines give {\"error\": ..., \"line\": N} and "
        "exit status 1 at the end;\nblank lines are skipped.");
    p.option("--policy", "abstain|reference",
             "abstain: no answer = no vote, reward 0; reference: the MM-UPT code's\n"
             "      raw-string vote, a missing answer votes \"None\"",
             "abstain")
        .option("--question", "TEXT",
                "question used to map option letters (a line's \"question\" overrides it)")
        .option("--tau", "X", "agreement threshold: below it no label and zero rewards", "0")
        .flag("--soft", "soft reward: the share of voters that gave the response's answer")
        .option("--train", "G", "reward only the first G responses; all of them still vote (TTRL)")
        .option("--max-response-bytes", "N", "reject lines with a longer response", "262144");
    p.parse(args);
    const VoteCliOptions o = parse_options(p);

    std::string line;
    int64_t line_no = 0;
    int errors = 0;
    LineReader reader(stdin, kMaxLineBytes);  // an over-long line is skipped, never stored
    while (reader.next(line)) {
        line_no = static_cast<int64_t>(reader.line_number());
        if (!reader.too_long() && line.find_first_not_of(" \t") == std::string::npos) continue;
        std::string text;
        try {
            if (reader.too_long())
                throw DataError("line is " + std::to_string(reader.line_bytes()) +
                                " bytes, over the limit of " + std::to_string(kMaxLineBytes));
            text = dump(vote_line(line, line_no, o));
        } catch (const std::exception& e) {  // DataError, ConfigError, json errors
            ++errors;
            const std::string msg = "line " + std::to_string(line_no) + ": " + sanitize(e.what());
            std::fprintf(stderr, "mmupt vote: %s\n", msg.c_str());
            nlohmann::ordered_json err;
            err["error"] = msg;
            err["line"] = line_no;
            text = dump(err);
        }
        std::fputs(text.c_str(), stdout);
        std::fputc('\n', stdout);
    }
    std::fflush(stdout);
    if (errors > 0)
        std::fprintf(stderr, "mmupt vote: %d of %lld lines had errors\n", errors,
                     static_cast<long long>(line_no));
    return errors > 0 ? 1 : 0;
}

}  // namespace

MMUPT_COMMAND("vote", "majority-vote self-rewards for JSON lines of responses", &run_vote);

}  // namespace mmupt::cli
