// JSON (nlohmann) encoding of the run-directory lines and the tail reader.
#include "core/session/run_files.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse_object(const std::string& line, const char* what) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw DataError(std::string(what) + ": not valid JSON");
    if (!j.is_object()) throw DataError(std::string(what) + ": expected a JSON object");
    return j;
}

template <typename T>
T get_or(const json& j, const char* key, T fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    return it->get<T>();
}

}  // namespace

std::string to_json_line(const StepMetrics& m) {
    json j = json::object();
    j["step"] = m.step;
    j["time_s"] = number_or_null(m.wall_time_s);
    for (const auto& [k, v] : m.values) j[k] = number_or_null(v);
    return dump(j);
}

std::string to_json_line(const RolloutGroup& g) {
    json responses = json::array(), answers = json::array(), rewards = json::array();
    json lengths = json::array(), truncated = json::array(), contradicts = json::array();
    bool checked = false;
    for (const auto& r : g.responses) {
        contradicts.push_back(r.contradicts_reasoning ? json(*r.contradicts_reasoning)
                                                      : json(nullptr));
        checked = checked || r.contradicts_reasoning.has_value();
        responses.push_back(r.text);
        answers.push_back(r.answer ? json(*r.answer) : json(nullptr));
        rewards.push_back(number_or_null(r.reward));
        lengths.push_back(r.num_tokens);
        truncated.push_back(r.truncated);
    }
    json clusters = json::array();
    for (const auto& c : g.clusters)
        clusters.push_back({{"answer", c.answer}, {"members", c.members}});
    json j = {{"step", g.step},
              {"group_id", g.group_id},
              {"image", g.image_path},
              {"question", g.question},
              {"responses", responses},
              {"answers", answers},
              {"clusters", clusters},
              {"majority_index", g.majority_index ? json(*g.majority_index) : json(nullptr)},
              {"majority_ratio", number_or_null(g.majority_ratio)},
              {"rewards", rewards},
              {"response_tokens", lengths},
              {"truncated", truncated},
              {"label", g.label ? json(*g.label) : json(nullptr)}};
    if (checked) j["contradicts_reasoning"] = contradicts;  // absent: no response checkable
    return dump(j);
}

StepMetrics step_metrics_from_json(const std::string& line) {
    json j = parse_object(line, "metrics line");
    StepMetrics m;
    try {
        m.step = j.at("step").get<int>();
        m.wall_time_s = get_or<double>(j, "time_s", 0.0);
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "step" || it.key() == "time_s") continue;
            if (it->is_number()) m.values[it.key()] = it->get<double>();
            if (it->is_null()) m.values[it.key()] = std::nan("");
        }
    } catch (const json::exception& e) {
        throw DataError(std::string("metrics line: ") + e.what());
    }
    return m;
}

RolloutGroup rollout_group_from_json(const std::string& line) {
    json j = parse_object(line, "samples line");
    RolloutGroup g;
    try {
        g.step = j.at("step").get<int>();
        g.group_id = get_or<std::string>(j, "group_id", "");
        g.image_path = get_or<std::string>(j, "image", "");
        g.question = get_or<std::string>(j, "question", "");
        const json& responses = j.at("responses");
        const json answers = j.value("answers", json::array());
        const json rewards = j.value("rewards", json::array());
        const json lengths = j.value("response_tokens", json::array());
        const json truncated = j.value("truncated", json::array());
        const json contradicts = j.value("contradicts_reasoning", json::array());
        for (size_t i = 0; i < responses.size(); ++i) {
            SampledResponse r;
            r.text = responses.at(i).get<std::string>();
            if (i < answers.size() && answers[i].is_string())
                r.answer = answers[i].get<std::string>();
            if (i < rewards.size() && rewards[i].is_number()) r.reward = rewards[i].get<double>();
            if (i < lengths.size() && lengths[i].is_number()) r.num_tokens = lengths[i].get<int>();
            if (i < truncated.size() && truncated[i].is_boolean())
                r.truncated = truncated[i].get<bool>();
            if (i < contradicts.size() && contradicts[i].is_boolean())
                r.contradicts_reasoning = contradicts[i].get<bool>();
            g.responses.push_back(std::move(r));
        }
        for (const auto& c : j.value("clusters", json::array())) {
            AnswerCluster cluster{c.at("answer").get<std::string>(),
                                  c.at("members").get<std::vector<int>>()};
            for (int m : cluster.members) {
                if (m < 0 || m >= static_cast<int>(g.responses.size()))
                    throw DataError("samples line: cluster member " + std::to_string(m) +
                                    " out of range");
                g.responses[m].cluster = static_cast<int>(g.clusters.size());
            }
            g.clusters.push_back(std::move(cluster));
        }
        if (auto it = j.find("majority_index"); it != j.end() && it->is_number_integer())
            g.majority_index = it->get<int>();
        g.majority_ratio = get_or<double>(j, "majority_ratio", 0.0);
        if (auto it = j.find("label"); it != j.end() && it->is_string())
            g.label = it->get<std::string>();
    } catch (const json::exception& e) {
        throw DataError(std::string("samples line: ") + e.what());
    }
    return g;
}

std::vector<std::string> JsonlTail::read_new_lines() {
    std::vector<std::string> lines;
    std::ifstream f(path_, std::ios::binary);
    if (!f) return lines;
    f.seekg(0, std::ios::end);
    auto size = static_cast<std::uint64_t>(f.tellg());
    if (size < offset_) {  // truncated or replaced: start over
        offset_ = 0;
        partial_.clear();
    }
    if (size == offset_) return lines;
    f.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk(size - offset_, '\0');
    f.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<size_t>(f.gcount()));
    offset_ += chunk.size();
    partial_ += chunk;
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string line = partial_.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(std::move(line));
    }
    partial_.erase(0, start);
    return lines;
}

std::vector<CheckpointInfo> list_checkpoints(const std::string& run_dir) {
    std::vector<CheckpointInfo> out;
    fs::path dir = fs::path(run_dir) / run_files::kCheckpoints;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("step-", 0) != 0 || !e.is_directory()) continue;
        char* end = nullptr;
        long step = std::strtol(name.c_str() + 5, &end, 10);
        if (*end != '\0' || step < 0) continue;
        fs::path state = e.path() / "trainer_state.json";
        if (!fs::exists(state)) continue;  // incomplete (should not happen: renamed into place)
        CheckpointInfo info;
        info.step = static_cast<int>(step);
        info.path = e.path().string();
        std::ifstream f(state);
        json j = json::parse(f, nullptr, false);
        if (!j.is_discarded() && j.is_object() && j.contains("metrics") && j["metrics"].is_object())
            for (auto it = j["metrics"].begin(); it != j["metrics"].end(); ++it)
                if (it->is_number()) info.metrics[it.key()] = it->get<double>();
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(),
              [](const CheckpointInfo& a, const CheckpointInfo& b) { return a.step < b.step; });
    return out;
}

RunSnapshot read_run_directory(const std::string& run_dir) {
    fs::path dir(run_dir);
    if (!fs::exists(dir / run_files::kMetrics) && !fs::exists(dir / run_files::kConfig))
        throw DataError("'" + run_dir + "' is not a run directory: it has neither " +
                        run_files::kMetrics + " nor " + run_files::kConfig);
    RunSnapshot snap;
    JsonlTail metrics((dir / run_files::kMetrics).string());
    for (const auto& line : metrics.read_new_lines()) {
        try {
            snap.metrics.push_back(step_metrics_from_json(line));
        } catch (const DataError&) {
            ++snap.malformed_lines;
        }
    }
    JsonlTail samples((dir / run_files::kSamples).string());
    for (const auto& line : samples.read_new_lines()) {
        try {
            snap.groups.push_back(rollout_group_from_json(line));
        } catch (const DataError&) {
            ++snap.malformed_lines;
        }
    }
    snap.checkpoints = list_checkpoints(run_dir);
    return snap;
}

}  // namespace mmupt
