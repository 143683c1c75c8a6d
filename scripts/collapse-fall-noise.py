#!/usr/bin/env python3
"""How much of a grid run's "fall" (scripts/collapse-grid-report.py: the vote's hidden-label
accuracy, mean of the last 5 steps >= 5 points below the first 5) could be step-to-step noise.
Each step has only 16 prompts, so one step's label accuracy moves by ~12 points by chance.
Per run without safeguards: the observed drop, and a permutation p-value: the share of random
orders of the same run's per-step accuracies whose first-5 minus last-5 drop is at least as
large (small p: the drop follows the order of the steps, not chance).

    scripts/collapse-fall-noise.py RUNS_DIR [PERMUTATIONS]   # RUNS_DIR: DIR/runs of the grid
"""
import glob
import json
import os
import random
import sys

runs_dir = sys.argv[1]
n_perm = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
rng = random.Random(0)
rows = []
for d in sorted(glob.glob(os.path.join(runs_dir, "s?-off-s*-test"))):
    path = os.path.join(d, "run", "metrics.jsonl")
    if not os.path.exists(path):
        path = os.path.join(d, "metrics.jsonl")  # a reused run
    if not os.path.exists(path):
        continue
    acc = [json.loads(l).get("label/accuracy") for l in open(path) if l.strip()]
    acc = [a for a in acc if a is not None]
    if len(acc) < 10:
        continue
    drop = sum(acc[:5]) / 5 - sum(acc[-5:]) / 5
    hits = 0
    for _ in range(n_perm):
        x = acc[:]
        rng.shuffle(x)
        hits += sum(x[:5]) / 5 - sum(x[-5:]) / 5 >= drop - 1e-9
    rows.append((os.path.basename(d), drop, hits / n_perm))
print("| run (safeguards off) | drop first 5 -> last 5 (pts) | permutation p |")
print("|---|---:|---:|")
for name, drop, p in rows:
    print("| %s | %+.1f | %.3f |" % (name, -100 * drop, p))
falls = [r for r in rows if r[1] >= 0.05]
print("\nfalls >= 5 pts: %d; of them p < 0.05: %d" % (len(falls), sum(r[2] < 0.05 for r in falls)))
