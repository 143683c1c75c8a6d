#!/usr/bin/env bash
# The measured grid of issue #15 (docs/demo.md, "Collapse alarm and safeguards"): the 9 GRPO
# settings of the tuning record, MM-UPT with the safeguards on or off, K seeds, each run
# evaluated on one split (validation for choosing, test once for reporting). Runs are
# independent jobs, at most JOBS at a time, each with 1 thread at `nice` (the machine is shared).
#
#   scripts/collapse-grid.sh DIR JOBFILE [JOBS]
#
# DIR holds the demo's data/ (upt.jsonl, test.jsonl; val.jsonl from `mmupt demo-data --seed 77`),
# base400/model and base600/model (SFT checkpoints of `mmupt demo`'s stage 1 after 400 / 600
# steps). JOBFILE has one run per line: SETTING MODE SEED SPLIT, e.g. `s6 off 1 test`
# (SETTING s1..s9 as in docs/demo.md, MODE on | off | sup (supervised GRPO) | base (evaluate the
# base only), SPLIT val | test). Each run writes DIR/runs/SETTING-MODE-sSEED-SPLIT/ (run
# directory and eval.json) and appends one line to DIR/results.tsv. MMUPT (default
# build/app/mmupt) is the binary; SAFEGUARDS the --set list of MODE=on.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/scripts/blas-env.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
MMUPT=${MMUPT:-$here/build/app/mmupt}
SAFEGUARDS=${SAFEGUARDS:-"algorithm.vote_source=reference algorithm.skip_uniform_groups=true"}

setting() {  # -> base T lr kl mini agreement
    case "$1" in
        s1) echo "400 1.0 2e-4 0.01 4 0" ;;
        s2) echo "400 1.0 5e-5 0.01 4 0" ;;
        s3) echo "400 1.0 1e-4 0.1 4 0" ;;
        s4) echo "400 1.0 2e-4 0.01 16 0" ;;
        s5) echo "400 0.7 1e-4 0.01 4 0" ;;
        s6) echo "600 1.0 2e-4 0.01 4 0" ;;
        s7) echo "600 1.0 1e-4 0.01 4 0.6" ;;
        s8) echo "600 1.0 5e-5 0.01 4 0" ;;
        s9) echo "600 0.7 1e-4 0.01 4 0" ;;
        *) echo "unknown setting '$1' (s1..s9)" >&2; return 2 ;;
    esac
}

run_one() {
    local dir=$1 name=$2 mode=$3 seed=$4 split=$5
    read -r base T lr kl mini agree < <(setting "$name")
    local data="$dir/data/$split.jsonl"
    [[ -f $data ]] || { echo "missing $data" >&2; return 2; }
    local id="$name-$mode-s$seed-$split" model="$dir/base$base/model"
    local out="$dir/runs/$id"
    rm -rf "$out"; mkdir -p "$out"
    local t0=$SECONDS
    # Training does not depend on the evaluation split: reuse the same run's model when it exists.
    local trained
    trained=$(ls -d "$dir/runs/$name-$mode-s$seed-"*/run/checkpoints/step-20 2>/dev/null | head -1 || true)
    if [[ $mode != base && -n $trained ]]; then
        model=$trained
        echo "reusing $trained" > "$out/train.out"
        cp "$(dirname "$(dirname "$trained")")"/{metrics,alarms}.jsonl "$out/" 2>/dev/null || true
    elif [[ $mode != base ]]; then
        local reward=majority_vote extra=()
        [[ $mode == sup ]] && reward=accuracy
        if [[ $mode == on ]]; then for s in $SAFEGUARDS; do extra+=(--set "$s"); done; fi
        [[ $agree != 0 ]] && extra+=(--set "algorithm.agreement_threshold=$agree")
        nice -n 10 "$MMUPT" train "$dir/base$base/config.yaml" \
            --set "model.path=$model" --set "data.train_files=[$dir/data/upt.jsonl]" \
            --set "algorithm.reward=$reward" --set "algorithm.kl_coef=$kl" \
            --set "rollout.temperature=$T" --set "optim.lr=$lr" --set optim.warmup_steps=0 \
            --set optim.weight_decay=0.01 --set trainer.rollout_batch_size=16 \
            --set "trainer.mini_batch_size=$mini" --set trainer.micro_batch_size=32 \
            --set trainer.max_steps=20 --set trainer.save_every=0 --set trainer.log_every=5 \
            --set "trainer.seed=$seed" --set trainer.threads=1 \
            --set "trainer.output_dir=$out/run" "${extra[@]}" > "$out/train.out" 2>&1
        model="$out/run/checkpoints/step-20"
        [[ -d $model ]] || model=$(ls -d "$out"/run/checkpoints/step-* | sort -V | tail -1)
    fi
    nice -n 10 "$MMUPT" eval --model "$model" --data "$data" -n 8 --temperature "$T" \
        --top-p 1.0 --max-new-tokens 48 --batch 16 --seed "$seed" --device cpu \
        --set data.min_pixels=12544 --set data.max_pixels=12544 \
        --set data.max_prompt_length=512 --json > "$out/eval.json" 2> "$out/eval.err"
    summarize "$dir" "$name" "$mode" "$seed" "$split" "$((SECONDS - t0))"
}

# One line of DIR/results.tsv from a finished run's eval.json, metrics.jsonl and alarms.jsonl.
summarize() {
    local dir=$1 name=$2 mode=$3 seed=$4 split=$5 secs=$6
    read -r base T lr kl mini agree < <(setting "$name")
    local id="$name-$mode-s$seed-$split" out="$dir/runs/$name-$mode-s$seed-$split"
    python3 - "$out" "$id" "$base" "$T" "$lr" "$kl" "$mini" "$agree" "$mode" "$seed" "$split" \
        "$secs" >> "$dir/results.tsv" <<'PY'
import json, sys, os
out, id_, base, T, lr, kl, mini, agree, mode, seed, split, secs = sys.argv[1:]
e = json.load(open(os.path.join(out, "eval.json")))
steps, alarm = [], ""
mpath = os.path.join(out, "run", "metrics.jsonl")
if not os.path.exists(mpath): mpath = os.path.join(out, "metrics.jsonl")  # a reused run
if os.path.exists(mpath):
    steps = [json.loads(l) for l in open(mpath) if l.strip()]
apath = os.path.join(out, "run", "alarms.jsonl")
if not os.path.exists(apath): apath = os.path.join(out, "alarms.jsonl")
if os.path.exists(apath):
    a = [json.loads(l) for l in open(apath) if l.strip()]
    alarm = ",".join(str(x["step"]) for x in a)
def q(key, last):
    v = [s.get(key) for s in steps if s.get(key) is not None]
    k = max(1, len(v) // 4)
    v = v[-k:] if last else v[:k]
    return "%.3f" % (sum(v) / len(v)) if v else ""
print("\t".join([id_, base, T, lr, kl, mini, agree, mode, seed, split,
                 "%.4f" % e["sampled_accuracy"], "%.4f" % e["greedy_accuracy"],
                 "%.4f" % e["maj_at_g_accuracy"], q("label/accuracy", False),
                 q("label/accuracy", True), q("vote/majority_ratio", False),
                 q("vote/majority_ratio", True), alarm or "-", secs]))
PY
}

if [[ ${1:-} == --one ]]; then shift; run_one "$@"; exit; fi
if [[ ${1:-} == --summarize ]]; then shift; summarize "$@"; exit; fi  # DIR SETTING MODE SEED SPLIT SECS
dir=${1:?usage: collapse-grid.sh DIR JOBFILE [JOBS]}
jobs_file=${2:?usage: collapse-grid.sh DIR JOBFILE [JOBS]}
jobs=${3:-2}
[[ -f $dir/results.tsv ]] || printf 'id\tbase\tT\tlr\tkl\tmini\tagree\tmode\tseed\tsplit\tsampled\tgreedy\tmaj\tlabel_acc_first\tlabel_acc_last\tmajority_first\tmajority_last\talarm_steps\tseconds\n' > "$dir/results.tsv"
grep -v '^\s*\(#\|$\)' "$jobs_file" |
    xargs -P "$jobs" -L 1 bash "$0" --one "$dir"
