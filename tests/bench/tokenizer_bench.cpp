// Encode throughput of the Qwen2.5-VL tokenizer on one core (target: >= 5 MB/s for English prose
// and LaTeX; counter "bytes_per_second"). Corpora: English prose = the GPL-3 text Debian ships in
// /usr/share/common-licenses (35 KB); LaTeX = every pred/gold string of shared/data/grading
// (competition-math answers). "warm" re-encodes with the BPE cache filled by earlier iterations
// (steady state of a training run); "cold" loads a fresh tokenizer per iteration (untimed) so
// every word goes through the full BPE merge loop.
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/tokenizer/tokenizer.h"
#include "tests/core/test_paths.h"

namespace {

using mmupt::Tokenizer;

std::string model_dir() { return mmupt::test::shared_data_dir() + "/qwen2.5-vl-7b-instruct"; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::string& prose() {
    static const std::string text = read_file("/usr/share/common-licenses/GPL-3");
    return text;
}

const std::string& latex() {
    static const std::string text = [] {
        std::ifstream in(mmupt::test::shared_data_dir() + "/grading/cases.jsonl");
        std::string out, line;
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
            for (const char* key : {"pred", "gold"})
                if (j.is_object() && j.contains(key) && j[key].is_string())
                    out += j[key].get<std::string>() + "\n";
        }
        return out;
    }();
    return text;
}

const Tokenizer& shared_tokenizer() {
    static const Tokenizer tok = Tokenizer::load(model_dir());
    return tok;
}

bool ready(benchmark::State& state, const std::string& text) {
    if (mmupt::test::shared_data_dir().empty() || text.empty()) {
        state.SkipWithError("corpus or ../shared/data missing");
        return false;
    }
    return true;
}

void encode_warm(benchmark::State& state, const std::string& text) {
    if (!ready(state, text)) return;
    const Tokenizer& tok = shared_tokenizer();
    std::size_t n_ids = 0;
    for (auto _ : state) {
        auto ids = tok.encode(text);
        n_ids = ids.size();
        benchmark::DoNotOptimize(ids.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["ids"] = static_cast<double>(n_ids);
    state.counters["bytes"] = static_cast<double>(text.size());
}

void encode_cold(benchmark::State& state, const std::string& text) {
    if (!ready(state, text)) return;
    for (auto _ : state) {
        state.PauseTiming();
        const Tokenizer tok = Tokenizer::load(model_dir());  // fresh, empty BPE cache
        state.ResumeTiming();
        auto ids = tok.encode(text);
        benchmark::DoNotOptimize(ids.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_EncodeProseWarm(benchmark::State& s) { encode_warm(s, prose()); }
void BM_EncodeLatexWarm(benchmark::State& s) { encode_warm(s, latex()); }
void BM_EncodeProseCold(benchmark::State& s) { encode_cold(s, prose()); }
void BM_EncodeLatexCold(benchmark::State& s) { encode_cold(s, latex()); }

BENCHMARK(BM_EncodeProseWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeLatexWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeProseCold)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_EncodeLatexCold)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
