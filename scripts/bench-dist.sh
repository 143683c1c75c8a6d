#!/usr/bin/env bash
# Data-parallel throughput on this machine (docs/performance.md, "Data-parallel"): steps per
# second of the demo's GRPO stage sizes (core/demo/demo_scale.cpp full_scale: B = 16 prompts x
# G = 8 samples, mini-batch 4, micro-batch 32, <= 48 new tokens, 112 px images, the `demo`
# Qwen2-VL preset, float32, CPU) for
#   1x1  one process, trainer.threads 1
#   1x2  one process, trainer.threads 2
#   2x1  `mmupt train --nproc 2`, trainer.threads 1 each (Gloo over loopback)
# Mean of steps 2..N (step 1 warms up), speed-up over 1x1, and for 2x1 the payload bytes of the
# collectives per step and the share of step time spent inside them (waits for the other rank
# included). CPU s is the user + system time of the whole run (all ranks, start-up included) over
# its wall time: on a loaded machine it shows how much CPU the run actually got. The model is
# freshly initialised (the demo trains an SFT base first), so responses tend to run to
# max_new_tokens. MMUPT_BENCH_NICE=-10 (root) runs every process at that niceness, so that on a
# shared machine the runs get most of the CPU (say so when reporting: it slows the others).
# Usage: scripts/bench-dist.sh [STEPS (default 5)] [BUILD (build)]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/blas-env.sh
steps=${1:-5}
cli=${2:-build}/app/mmupt
work=$(mktemp -d /tmp/mmupt-bench-dist-XXXXXX)
"$cli" demo-tokenizer --out "$work/tok" >/dev/null
"$cli" init-model --arch qwen2_vl --preset demo --tokenizer "$work/tok" --out "$work/model" \
    --dtype float32 >/dev/null
"$cli" demo-data --out "$work/data" --sft 0 --upt 128 --test 0 >/dev/null
cat >"$work/run.yaml" <<YAML
model: {path: $work/model, dtype: float32, device: cpu, gradient_checkpointing: false}
data: {train_files: [$work/data/upt.jsonl], min_pixels: 12544, max_pixels: 12544,
       max_prompt_length: 512}
rollout: {n: 8, max_new_tokens: 48, temperature: 1.0, top_p: 1.0}
trainer: {rollout_batch_size: 16, mini_batch_size: 4, micro_batch_size: 32, max_steps: $steps,
          save_every: 0, threads: 1}
optim: {lr: 5.0e-5}
YAML
run() {  # name, threads, extra args
    local name=$1 threads=$2
    shift 2
    OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads \
        ${MMUPT_BENCH_NICE:+nice -n "$MMUPT_BENCH_NICE"} /usr/bin/time -f "%U %S %e" \
        -o "$work/$name.cpu" "$cli" train "$work/run.yaml" \
        --set trainer.output_dir="$work/$name" --set trainer.threads="$threads" "$@" \
        >"$work/$name.log" 2>&1
}
run 1x1 1
run 1x2 2
run 2x1 1 --nproc 2
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def rows(name):
    return [json.loads(l) for l in open(f"{work}/{name}/metrics.jsonl")][1:]
base = None
print("| run | s / step | steps / s | vs 1x1 | rollout s | update s | collective MB / step | "
      "collective share | CPU s / wall s |")
print("|---|---|---|---|---|---|---|---|---|")
for name in ["1x1", "1x2", "2x1"]:
    r = rows(name)
    mean = lambda k: sum(x[k] for x in r) / len(r)
    step = mean("timing_s/step")
    base = base or step
    coll = "-"
    share = "-"
    if "perf/collective_bytes" in r[0]:
        coll = f"{mean('perf/collective_bytes') / 1e6:.1f}"
        share = f"{100 * mean('perf/collective_s') / step:.1f} %"
    user, system, wall = map(float, open(f"{work}/{name}.cpu").read().split()[-3:])
    print(f"| {name} | {step:.2f} | {1 / step:.3f} | {base / step:.2f}x | "
          f"{mean('timing_s/rollout'):.2f} | {mean('timing_s/update'):.2f} | {coll} | {share} | "
          f"{user + system:.0f} / {wall:.0f} |")
PY
echo "runs in $work"
