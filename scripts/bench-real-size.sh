#!/usr/bin/env bash
# Real-size smoke benchmark (issue 13): builds the random-weight Qwen2.5-VL-3B directory when it
# is missing (the real config.json, bf16, two shards, Hub names, the real tokenizer), prints its
# load cost (`mmupt bench --load`), then runs one MM-UPT step with LoRA on the CPU (G = 2,
# 16 new tokens, one image at 448 x 448 px) and prints the step's peak RSS and time next to the
# planner's prediction and the bar (peak RSS <= checkpoint bytes + 4 GB).
# Needs ~9 GB of free RAM and `model.lora.*` in the build (exits 2 with a message otherwise).
# Every 3B-size process takes /tmp/big-model.lock: one at a time on a shared machine.
# Usage: scripts/bench-real-size.sh [MODEL_DIR (default /work/big/qwen2.5-vl-3b-random)]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/blas-env.sh
mmupt=${MMUPT:-./build/app/mmupt}  # MMUPT=path/to/mmupt to use another build
shared=${MMUPT_SHARED_DATA:-../shared/data}
model=${1:-/work/big/qwen2.5-vl-3b-random}
lock=/tmp/big-model.lock
[[ -x $mmupt ]] || { echo "bench-real-size: build first (scripts/build.sh)" >&2; exit 2; }
[[ -f $shared/qwen2.5-vl-3b-instruct/config.json ]] ||
    { echo "bench-real-size: $shared has no qwen2.5-vl-3b-instruct/config.json (set MMUPT_SHARED_DATA)" >&2; exit 2; }

if [[ ! -f $model/config.json ]]; then
    echo "== building $model (random weights, ~7 GiB)"
    flock "$lock" "$mmupt" init-model --config "$shared/qwen2.5-vl-3b-instruct/config.json" \
        --tokenizer "$shared/qwen2.5-vl-7b-instruct" --out "$model" --dtype bfloat16
fi
bytes=$(cat "$model"/*.safetensors | wc -c)
if [[ -z ${SKIP_LOAD:-} ]]; then  # SKIP_LOAD=1: only the training step
    echo "== load ($bytes checkpoint bytes)"
    flock "$lock" "$mmupt" bench --load "$model" --dtype bfloat16
fi

# Not `mmupt config --docs | grep -q`: grep -q exits at the first match, mmupt dies of SIGPIPE
# and pipefail turns that into "no LoRA".
if ! grep -q "model.lora.enabled" <<< "$("$mmupt" config --docs)"; then
    echo "bench-real-size: this build has no LoRA (model.lora.enabled); the 3B step needs it" >&2
    exit 2
fi
work=${KEEP_DIR:-$(mktemp -d)}  # KEEP_DIR=DIR keeps the run (metrics.jsonl, time.txt) there
[[ -n ${KEEP_DIR:-} ]] && mkdir -p "$work" || trap 'rm -rf "$work"' EXIT
cat > "$work/run.yaml" <<YAML
model:
  path: $model
  dtype: bfloat16
  device: cpu
  lora:
    enabled: true
data:
  train_files: [$(cd "$shared/vqa-samples" && pwd)/samples.jsonl]
  max_examples: 1
  min_pixels: 200704  # 448 x 448: 256 image tokens
  max_pixels: 200704
rollout:
  n: 2
  max_new_tokens: 16
trainer:
  rollout_batch_size: 1
  mini_batch_size: 1
  micro_batch_size: 2
  max_steps: 1
  threads: 2
  output_dir: $work/run
YAML
echo "== planner (prompt ~300 tokens of which 256 image)"
"$mmupt" plan --config "$work/run.yaml" --prompt-tokens 300 --image-tokens 256 | grep -E "predicted|phase"
echo "== one MM-UPT step with LoRA, CPU"
flock "$lock" /usr/bin/time -v "$mmupt" train "$work/run.yaml" 2> "$work/time.txt" | tail -3
peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
step_s=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['time_s'])" \
    "$work/run/metrics.jsonl")
python3 - "$peak_kib" "$bytes" "$step_s" <<'PY'
import sys
peak, ckpt, step = int(sys.argv[1]) * 1024, int(sys.argv[2]), float(sys.argv[3])
bar = ckpt + 4e9
print(f"peak RSS {peak / 2**30:.2f} GiB ({peak / ckpt:.2f}x the checkpoint); step {step:.1f} s; "
      f"bar (checkpoint + 4 GB = {bar / 2**30:.2f} GiB): {'met' if peak <= bar else 'MISSED'}")
PY
