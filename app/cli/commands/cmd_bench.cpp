// `mmupt bench`: generation throughput on random in-memory models of the preset sizes (Qwen's
// vocabulary): prefill tokens/s, KV-cache decode tokens/s per B*G, the no-cache baseline, the
// speedups, and the process's peak RSS. Prints Markdown tables (docs/performance.md keeps them).
// `--load DIR` instead times loading one model directory: seconds, checkpoint bytes, peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "app/cli/torch_options.h"
#include "core/io/safetensors_file.h"
#include "core/model/half_matmul.h"
#include "core/model/model_dir.h"
#include "core/model/model_presets.h"
#include "core/sampling/generation_bench.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

void print_result(const GenerationBenchOptions& o, const GenerationBenchResult& r, int threads) {
    std::printf(
        "\n### preset %s (%s, %.1fM parameters, %s, %s, %d threads)\n"
        "prompt %lld tokens (%lld image), %d new tokens per sample, temperature %g\n\n"
        "prefill: %.0f tokens/s (one prompt, vision tower included)\n\n"
        "| B*G | KV-cache decode tok/s | no cache, full forward | KV speedup | no cache, "
        "recompute | KV speedup | vs B*G=1 |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n",
        o.preset.c_str(), o.arch == ModelArch::qwen2_vl ? "qwen2_vl" : "qwen2_5_vl",
        r.parameters / 1e6, o.model.device.str().c_str(), dtype_name(o.model.dtype), threads,
        (long long)r.prompt_tokens, (long long)r.image_tokens, o.new_tokens, o.temperature,
        r.prefill_tokens_per_s);
    const double base = r.rows.empty() ? 0 : r.rows[0].decode_tokens_per_s;
    auto cells = [](double kv, double other) {  // "tok/s | speedup" or "- | -"
        char buf[64] = "- | -";
        if (other > 0) std::snprintf(buf, sizeof buf, "%.1f | %.1fx", other, kv / other);
        return std::string(buf);
    };
    for (const auto& row : r.rows)
        std::printf("| %d | %.1f | %s | %s | %.1fx |\n", row.rows, row.decode_tokens_per_s,
                    cells(row.decode_tokens_per_s, row.full_forward_tokens_per_s).c_str(),
                    cells(row.decode_tokens_per_s, row.recompute_tokens_per_s).c_str(),
                    base > 0 ? row.decode_tokens_per_s / base : 0.0);
    std::printf("\npeak RSS so far: %.0f MiB\n", r.peak_rss_kib / 1024.0);
    std::fflush(stdout);
}

// Loads `dir` once; peak RSS is the process's (so run it in a fresh process).
int run_load_bench(const std::string& dir, const ModelOptions& options) {
    uint64_t bytes = 0;
    for (const SafetensorsFile& f : open_checkpoint(dir).shards)
        bytes += std::filesystem::file_size(f.path());
    const auto t0 = std::chrono::steady_clock::now();
    LoadedModel m = load_model(dir, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double peak = static_cast<double>(u.ru_maxrss) * 1024.0;  // KiB on Linux
    std::printf(
        "load %s (%s, %s): %.1f s; checkpoint %llu bytes (%.2f GiB); peak RSS %.2f GiB "
        "(%.3fx the checkpoint)\n",
        dir.c_str(), options.device.str().c_str(), dtype_name(options.dtype), seconds,
        (unsigned long long)bytes, bytes / double(1 << 30), peak / double(1 << 30),
        bytes ? peak / static_cast<double>(bytes) : 0.0);
    return 0;
}

// One (rows x in) x (in x out) product per dtype path, forward and forward + backward (input
// gradient only, as for LoRA's frozen base weights): fp32, half precision through libtorch's
// own kernel, and half precision through linear_any (half_matmul.h: fp32 products).
int run_matmul_bench(int64_t rows, int64_t in, int64_t out, at::ScalarType half) {
    using Clock = std::chrono::steady_clock;
    at::manual_seed(0);
    const at::Tensor x32 = at::randn({rows, in}), w32 = at::randn({out, in}) * 0.02;
    auto time_it = [](const std::function<void()>& f) {
        f();  // warm-up: first-touch allocations
        const auto t0 = Clock::now();
        int n = 0;
        do {
            f();
            ++n;
        } while (std::chrono::duration<double>(Clock::now() - t0).count() < 1.0);
        return std::chrono::duration<double>(Clock::now() - t0).count() / n;
    };
    const double flops = 2.0 * double(rows) * double(in) * double(out);
    std::printf(
        "| product %lld x %lld x %lld | forward s | GFLOPS | forward + input grad s |\n"
        "|---|---:|---:|---:|\n",
        (long long)rows, (long long)in, (long long)out);
    auto row = [&](const char* name, at::ScalarType dt, bool upcast) {
        const at::Tensor w = w32.to(dt);
        auto fwd = [&] {
            at::NoGradGuard g;
            (void)(upcast ? linear_any(x32.to(dt), w) : at::linear(x32.to(dt), w));
        };
        auto both = [&] {
            at::Tensor x = x32.to(dt).requires_grad_();
            at::Tensor y = upcast ? linear_any(x, w) : at::linear(x, w);
            y.to(at::kFloat).sum().backward();
        };
        const double f = time_it(fwd), fb = time_it(both);
        std::printf("| %s | %.4f | %.1f | %.4f |\n", name, f, flops / f / 1e9, fb);
        std::fflush(stdout);
    };
    row("float32", at::kFloat, false);
    const std::string h = half == at::kHalf ? "float16" : "bfloat16";
    row((h + ", libtorch's kernel").c_str(), half, false);
    row((h + ", fp32 products (linear_any)").c_str(), half, true);
    return 0;
}

int run_bench(const std::vector<std::string>& args) {
    ArgParser p("bench",
                "Measure prefill and decode throughput (with and without the KV cache) on random "
                "models of the preset sizes, built in memory with Qwen's vocabulary.");
    p.option("--preset", "LIST", "comma-separated presets: " + model_preset_names(), "tiny,small")
        .option("--arch", "NAME", "qwen2_vl or qwen2_5_vl", "qwen2_5_vl")
        .option("--threads", "N", "CPU threads, 0 = libtorch's default", "0")
        .option("--new-tokens", "K", "tokens generated per sample", "128")
        .option("--rows", "LIST", "B*G values for the decode table", "1,8,64")
        .option("--baseline-max-rows", "N", "measure the no-cache baseline up to this B*G", "1")
        .option("--image-side", "PX", "side of the square test image (224 = 64 image tokens)",
                "224")
        .option("--temperature", "T", "sampling temperature (0 = greedy)", "1")
        .option("--device", "DEV", "cpu, cuda, cuda:N or auto", "cpu")
        .option("--dtype", "TYPE", "float32, bfloat16, float16 or auto", "float32")
        .option("--matmul", "ROWS,IN,OUT",
                "only time one half-precision product against fp32 (e.g. 256,2048,11008)")
        .option("--load", "DIR",
                "only time loading this model directory (seconds, checkpoint bytes, peak RSS)");
    p.parse(args);
    const int threads = set_threads(p.get_int("--threads"));
    if (p.has("--matmul")) {
        const auto dims = p.get_list("--matmul");
        std::vector<int64_t> d;
        for (const auto& v : dims) {
            long long n = 0;
            try {
                n = std::stoll(v);
            } catch (const std::exception&) {
            }
            if (n < 1 || n > (1 << 20))
                throw UsageError("--matmul: sizes must be in [1, 2^20]: " + v);
            d.push_back(n);
        }
        if (d.size() != 3) throw UsageError("--matmul takes ROWS,IN,OUT, e.g. 256,2048,11008");
        const at::ScalarType dt = p.get("--dtype") == "float16" ? at::kHalf : at::kBFloat16;
        return run_matmul_bench(d[0], d[1], d[2], dt);
    }
    if (p.has("--load")) {
        const at::Device device = parse_device(p.get("--device"));
        return run_load_bench(p.get("--load"),
                              ModelOptions{parse_dtype(p.get("--dtype"), device), device, false});
    }
    GenerationBenchOptions o;
    const std::string arch = p.get("--arch");
    if (arch != "qwen2_vl" && arch != "qwen2_5_vl")
        throw UsageError("--arch must be qwen2_vl or qwen2_5_vl");
    o.arch = arch == "qwen2_vl" ? ModelArch::qwen2_vl : ModelArch::qwen2_5_vl;
    o.model.device = parse_device(p.get("--device"));
    o.model.dtype = parse_dtype(p.get("--dtype"), o.model.device);
    o.new_tokens = static_cast<int>(p.get_int("--new-tokens"));
    o.baseline_max_rows = static_cast<int>(p.get_int("--baseline-max-rows"));
    o.image_side = p.get_int("--image-side");
    if (o.image_side < 28 || o.image_side > 4096)
        throw UsageError("--image-side must be between 28 and 4096");
    o.temperature = p.get_double("--temperature");
    if (o.new_tokens < 2 || o.new_tokens > 1 << 16) throw UsageError("--new-tokens must be >= 2");
    if (o.temperature < 0) throw UsageError("--temperature must be >= 0");
    o.rows.clear();
    for (const auto& r : p.get_list("--rows")) {
        long long n = 0;
        try {
            n = std::stoll(r);
        } catch (const std::exception&) {
        }
        if (n < 1 || n > 4096) throw UsageError("--rows entries must be in [1, 4096]: " + r);
        o.rows.push_back(static_cast<int>(n));
    }
    std::vector<std::string> presets = p.get_list("--preset");
    for (const auto& name : presets) {
        try {
            find_model_preset(name);
        } catch (const ConfigError& e) {
            throw UsageError(std::string("--preset: ") + e.what());
        }
    }
    std::printf("mmupt bench: %s\n", at::get_parallel_info().c_str());
    if (const std::string note = blas_note(); !note.empty()) std::printf("%s\n", note.c_str());
    for (const auto& name : presets) {
        o.preset = name;
        print_result(o, run_generation_bench(o), threads);
    }
    return 0;
}

}  // namespace

MMUPT_COMMAND("bench", "measure prefill / decode throughput with and without the KV cache",
              &run_bench);

}  // namespace mmupt::cli
