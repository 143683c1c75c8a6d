// Encode throughput of the Qwen2.5-VL tokenizer on one core (target: >= 5 MB/s for English prose
// and LaTeX; counter "bytes_per_second"). Corpora: English prose = the GPL-3 text Debian ships in
// /usr/share/common-licenses (35 KB); LaTeX = every pred/gold string of shared/data/grading
// (competition-math answers). "warm" re-encodes with the BPE cache filled by earlier iterations
// (steady state of a training run); "cold" loads a fresh tokenizer per iteration (untimed) so
// every word goes through the full BPE merge loop. Rates are per CPU second (Google Benchmark's
// default), i.e. one core, even when a busy machine stretches the wall time.
#include <benchmark/benchmark.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/tokenizer/bpe_model.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/tokenizer_loaders.h"
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
    std::optional<Tokenizer> tok;
    for (auto _ : state) {
        state.PauseTiming();
        tok.reset();  // destroying the old tables is not part of encoding
        tok.emplace(Tokenizer::load(model_dir()));  // fresh, empty BPE cache
        state.ResumeTiming();
        auto ids = tok->encode(text);
        benchmark::DoNotOptimize(ids.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// BPE merging alone, every piece through the full merge loop (no cache).
void bpe_only(benchmark::State& state, const std::string& text) {
    if (!ready(state, text)) return;
    static const mmupt::TokenizerSpec spec =
        mmupt::read_tokenizer_json(model_dir() + "/tokenizer.json");
    static const mmupt::BpeModel bpe(spec.vocab, spec.merges);
    const mmupt::PreTokenizer pre(mmupt::kQwen2SplitPattern);
    std::vector<std::string_view> pieces;
    pre.split(text, pieces);
    std::vector<std::int32_t> ids;
    for (auto _ : state) {
        ids.clear();
        for (std::string_view p : pieces) bpe.encode_uncached(p, ids);
        benchmark::DoNotOptimize(ids.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// The split alone, to see where encode time goes: the hand-written Qwen2 matcher (default) or
// Oniguruma running the same pattern.
void split_only(benchmark::State& state, const std::string& text, bool fast_path = true) {
    if (!ready(state, text)) return;
    const mmupt::PreTokenizer pre(mmupt::kQwen2SplitPattern, fast_path);
    std::vector<std::string_view> pieces;
    for (auto _ : state) {
        pieces.clear();
        pre.split(text, pieces);
        benchmark::DoNotOptimize(pieces.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["pieces"] = static_cast<double>(pieces.size());
}

void BM_BpeUncachedProse(benchmark::State& s) { bpe_only(s, prose()); }
void BM_BpeUncachedLatex(benchmark::State& s) { bpe_only(s, latex()); }
void BM_SplitProse(benchmark::State& s) { split_only(s, prose()); }
void BM_SplitLatex(benchmark::State& s) { split_only(s, latex()); }
void BM_SplitProseOniguruma(benchmark::State& s) { split_only(s, prose(), false); }
void BM_SplitLatexOniguruma(benchmark::State& s) { split_only(s, latex(), false); }
// Loading cost of each layout (parse ~5 MB of JSON, build the tables).
void BM_LoadTokenizerJson(benchmark::State& state) {
    if (!ready(state, prose())) return;
    for (auto _ : state) {
        auto tok = Tokenizer::from_tokenizer_json(model_dir() + "/tokenizer.json");
        benchmark::DoNotOptimize(&tok);
    }
}
void BM_LoadVocabMerges(benchmark::State& state) {
    if (!ready(state, prose())) return;
    for (auto _ : state) {
        auto tok =
            Tokenizer::from_vocab_merges(model_dir() + "/vocab.json", model_dir() + "/merges.txt",
                                         model_dir() + "/tokenizer_config.json");
        benchmark::DoNotOptimize(&tok);
    }
}

void BM_EncodeProseWarm(benchmark::State& s) { encode_warm(s, prose()); }
void BM_EncodeLatexWarm(benchmark::State& s) { encode_warm(s, latex()); }
void BM_EncodeProseCold(benchmark::State& s) { encode_cold(s, prose()); }
void BM_EncodeLatexCold(benchmark::State& s) { encode_cold(s, latex()); }

BENCHMARK(BM_BpeUncachedProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BpeUncachedLatex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitProse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitLatex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitProseOniguruma)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitLatexOniguruma)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeProseWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeLatexWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadTokenizerJson)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_LoadVocabMerges)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_EncodeProseCold)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_EncodeLatexCold)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
