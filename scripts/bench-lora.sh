#!/usr/bin/env bash
# LoRA against full fine-tuning on the `small` preset, CPU, float32: mean step / rollout /
# update time of steps 2..N and the peak RSS of each `mmupt train` run (GNU time), for
#   full   all weights train (frozen reference copy for the KL term)
#   side   LoRA r=16, adapters as a side path during the rollout
#   merge  LoRA r=16, adapters merged into W for the rollout and unmerged after
# B = 4 prompts x G = 8 samples, <= 64 new tokens, 112 px images, one thread (the
# docs/trainer.md setting). Usage: scripts/bench-lora.sh [STEPS (default 5)] [BUILD (build)]
# PIXELS=200704 (448 x 448: 256 image tokens) and CKPT=true (gradient checkpointing, the
# default of model.gradient_checkpointing) measure at a real image size instead; RUNS="full side"
# picks the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-5}
cli=${2:-build}/app/mmupt
work=$(mktemp -d /tmp/mmupt-bench-lora-XXXXXX)
"$cli" demo-tokenizer --out "$work/tok" >/dev/null
"$cli" init-model --preset small --tokenizer "$work/tok" --out "$work/model" --dtype float32 >/dev/null
"$cli" demo-data --out "$work/data" --sft 0 --upt 64 --test 0 >/dev/null
cat > "$work/run.yaml" <<YAML
model: {path: $work/model, dtype: float32, device: cpu, gradient_checkpointing: ${CKPT:-false}}
data: {train_files: [$work/data/upt.jsonl], min_pixels: ${PIXELS:-12544}, max_pixels: ${PIXELS:-12544},
       max_prompt_length: 4096}
rollout: {n: 8, max_new_tokens: 64, temperature: 1.0, top_p: 1.0}
trainer: {rollout_batch_size: 4, mini_batch_size: 2, micro_batch_size: 8, max_steps: $steps,
          save_every: 0, threads: 1}
optim: {lr: 1.0e-4}
YAML
run() {  # name, env, extra --set
    local name=$1 mode=$2
    shift 2
    MMUPT_LORA_ROLLOUT=$mode /usr/bin/time -f "%M" -o "$work/$name.rss" "$cli" train "$work/run.yaml" \
        --set trainer.output_dir="$work/$name" "$@" >/dev/null
}
runs=${RUNS:-full side merge}  # RUNS="full side" leaves the merged-rollout run out
for name in $runs; do
    case $name in
        full) run full side ;;
        side) run side side --set model.lora.enabled=true ;;
        merge) run merge merge --set model.lora.enabled=true ;;
    esac
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
print("| run | s / step | rollout s | vote s | update s | old-policy s | reference s | "
      "policy fwd+bwd+opt s | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|")
import os
for name in ["full", "side", "merge"]:
    if not os.path.exists(f"{work}/{name}.rss"): continue
    rows = [json.loads(l) for l in open(f"{work}/{name}/metrics.jsonl")][1:]
    avg = lambda k: sum(r.get(k) or 0.0 for r in rows) / len(rows)
    rss = int(open(f"{work}/{name}.rss").read().split()[-1]) / 1024
    print(f"| {name} | {avg('timing_s/step'):.2f} | {avg('timing_s/rollout'):.2f} | "
          f"{avg('timing_s/vote'):.2f} | {avg('timing_s/update'):.2f} | "
          f"{avg('timing_s/old_log_probs'):.2f} | {avg('timing_s/ref_log_probs'):.2f} | "
          f"{avg('timing_s/policy_update'):.2f} | {rss:.0f} |")
PY
echo "bench-lora: runs in $work"
