#!/usr/bin/env bash
# GPU check: builds core + the CLI against the libtorch inside an installed PyTorch (CUDA), then
# trains a few MM-UPT steps of the `small` preset in bf16 on cuda:0 and prints the step time,
# rollout tokens/s, training tokens/s and peak GPU memory; then two steps through the
# data-parallel path with NCCL at world size 1 (`--nproc 1`). The c10d Gloo headers must be
# findable: pip wheels of torch ship them under torch/include; else install libgloo-dev.
#
# Needs on the GPU machine: python3 with a CUDA build of torch (>= 2.0), cmake >= 3.22, ninja (or
# make), a C++17 compiler, and the engine's other libraries: yaml-cpp, OpenCV (core, imgproc,
# imgcodecs), nlohmann-json >= 3.10, oniguruma, ICU (uc), pkg-config. On Debian/Ubuntu:
#   apt-get install cmake ninja-build g++ pkg-config libyaml-cpp-dev libopencv-dev \
#       nlohmann-json3-dev libonig-dev libicu-dev
# Configured as scripts/check-libtorch2.sh configures its libtorch 2.x build (Release,
# -DMMUPT_BUILD_GUI=OFF -DMMUPT_BUILD_BENCH=OFF, tests ON); with GoogleTest installed
# (libgtest-dev) it also builds the core tests and runs the ones that differ between libtorch
# versions (fused attention vs eager, the transformers fixtures when ../shared/data has them).
# Without GoogleTest the tests are left out (-DMMUPT_BUILD_TESTS=OFF) and the script says so.
# Trap: pip wheels of torch < 2.7 use the pre-C++11 string ABI; system yaml-cpp / OpenCV use the
# new one, so linking fails with undefined std::__cxx11 symbols. The script detects this and says
# so (use a cxx11-ABI libtorch, or build those libraries with -D_GLIBCXX_USE_CXX11_ABI=0).
# Then (issue 13) one MM-UPT step of the real-size Qwen2.5-VL-3B config with LoRA in bf16 on
# cuda:0: a random-weight directory built from ../shared/data/qwen2.5-vl-3b-instruct/config.json
# and the real tokenizer (init-model, ~7 GiB on disk, a few CPU minutes), G = 8, 256 new tokens,
# one 448-px image per prompt; prints step time, rollout tokens/s and peak GPU memory next to
# `mmupt plan --cuda`. SKIP_3B=1 leaves it out; MMUPT_SHARED_DATA points at another data folder.
# Usage: scripts/gpu-check.sh [STEPS (default 4)] [BUILD_DIR (default build-gpu)]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-4}
build=${2:-build-gpu}

missing=()
for tool in cmake python3 c++ pkg-config; do command -v "$tool" >/dev/null || missing+=("$tool"); done
for pc in yaml-cpp opencv4 oniguruma icu-uc; do pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc (pkg-config)"); done
[ -f /usr/include/nlohmann/json.hpp ] || [ -f /usr/local/include/nlohmann/json.hpp ] || missing+=("nlohmann-json")
if [ ${#missing[@]} -gt 0 ]; then
    echo "gpu-check: missing: ${missing[*]}" >&2
    echo "gpu-check: see the header of $0 for the packages to install" >&2
    exit 2
fi
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 - <<'PY'
import torch, sys
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, available: {torch.cuda.is_available()}, "
      f"cxx11 ABI: {torch._C._GLIBCXX_USE_CXX11_ABI}")
if not torch.cuda.is_available():
    sys.exit("gpu-check: torch sees no CUDA device")
if not torch._C._GLIBCXX_USE_CXX11_ABI:
    print("gpu-check: warning: this torch uses the pre-C++11 ABI; linking against system "
          "yaml-cpp/OpenCV will likely fail (see the script header)", file=sys.stderr)
PY
generator=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
tests=ON
targets=(mmupt mmupt_core_tests)
if ! [ -f /usr/include/gtest/gtest.h ] && ! [ -f /usr/local/include/gtest/gtest.h ]; then
    echo "gpu-check: no GoogleTest (libgtest-dev): building the CLI only, no tests" >&2
    tests=OFF
    targets=(mmupt)
fi
cmake -S . -B "$build" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_prefix" \
    -DMMUPT_BUILD_GUI=OFF -DMMUPT_BUILD_BENCH=OFF -DMMUPT_BUILD_TESTS="$tests"
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)"
cli="$build/app/mmupt"
if [ "$tests" = ON ]; then
    "$build/tests/mmupt_core_tests" --gtest_brief=1 \
        --gtest_filter='*FusedAttention*:*CausalPaddingMask*:*HfFixture*:*ModelDecode*:*Safetensors*'
fi

work=$(mktemp -d /tmp/mmupt-gpu-check-XXXXXX)
"$cli" demo-tokenizer --out "$work/tokenizer"
"$cli" init-model --preset small --tokenizer "$work/tokenizer" --out "$work/model" --dtype bfloat16
"$cli" demo-data --out "$work/data" --sft 0 --upt 64 --test 0
cat > "$work/run.yaml" <<YAML
model: {path: $work/model, dtype: bfloat16, device: "cuda:0", gradient_checkpointing: true}
data: {train_files: [$work/data/upt.jsonl], min_pixels: 12544, max_pixels: 12544}
rollout: {n: 8, max_new_tokens: 256, temperature: 1.0}
trainer: {rollout_batch_size: 16, mini_batch_size: 4, micro_batch_size: 16, max_steps: $steps,
          save_every: 0, output_dir: $work/run}
YAML
"$cli" train "$work/run.yaml"
python3 - "$work/run/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
later = rows[1:] or rows  # the first step includes CUDA warm-up
avg = lambda k: sum(r[k] for r in later) / len(later)
print(f"steps measured: {len(later)} (after the first)")
print(f"step time:            {avg('timing_s/step'):.2f} s")
print(f"rollout tokens/s:     {avg('perf/rollout_tokens_per_s'):.0f}")
print(f"training tokens/s:    {avg('perf/train_tokens_per_s'):.0f}")
print(f"peak GPU memory:      {max(r.get('perf/peak_memory_gb', float('nan')) for r in rows):.2f} GB")
PY
# Data-parallel path: world size 1 still goes through c10d (a TCPStore and ProcessGroupNCCL on
# cuda:0), two steps (docs/distributed.md).
"$cli" train "$work/run.yaml" --nproc 1 --set trainer.output_dir="$work/run-nccl" \
    --set trainer.max_steps=2 --set trainer.dist_timeout_s=120
grep -q "data-parallel: rank 0 of 1 on cuda:0 (NCCL)" "$work/run-nccl/train.log" ||
    { echo "gpu-check: the NCCL run did not report its process group" >&2; exit 1; }
echo "gpu-check: NCCL world size 1: $(wc -l <"$work/run-nccl/metrics.jsonl") steps"
echo "gpu-check: run directory $work/run"

shared=${MMUPT_SHARED_DATA:-../shared/data}
if [[ -n ${SKIP_3B:-} ]]; then exit 0; fi
if [[ ! -f $shared/qwen2.5-vl-3b-instruct/config.json || ! -d $shared/vqa-samples ]]; then
    echo "gpu-check: no $shared/qwen2.5-vl-3b-instruct or vqa-samples: 3B LoRA step skipped" >&2
    exit 0
fi
echo "== 3B LoRA step (bf16, cuda:0)"
"$cli" init-model --config "$shared/qwen2.5-vl-3b-instruct/config.json" \
    --tokenizer "$shared/qwen2.5-vl-7b-instruct" --out "$work/3b" --dtype bfloat16
cat > "$work/3b.yaml" <<YAML
model: {path: $work/3b, dtype: bfloat16, device: "cuda:0", lora: {enabled: true}}
data: {train_files: [$(cd "$shared/vqa-samples" && pwd)/samples.jsonl], max_examples: 4,
       min_pixels: 200704, max_pixels: 200704}
rollout: {n: 8, max_new_tokens: 256, temperature: 1.0}
trainer: {rollout_batch_size: 2, mini_batch_size: 1, micro_batch_size: 8, max_steps: 2,
          save_every: 0, output_dir: $work/run3b}
YAML
"$cli" plan --config "$work/3b.yaml" --cuda --prompt-tokens 320 --image-tokens 256 |
    grep -E "predicted|phase"
"$cli" train "$work/3b.yaml"
python3 - "$work/run3b/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
last = rows[-1]
print(f"3B LoRA step time:    {last['timing_s/step']:.2f} s (step {last['step']}; step 1 includes warm-up)")
print(f"rollout tokens/s:     {last['perf/rollout_tokens_per_s']:.0f}")
print(f"peak GPU memory:      {max(r.get('perf/peak_memory_gb', float('nan')) for r in rows):.2f} GB")
PY
