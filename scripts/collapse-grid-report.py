#!/usr/bin/env python3
"""Tables of the collapse grid (scripts/collapse-grid.sh) from DIR/results.tsv and the runs'
metrics: per setting, MM-UPT with safeguards (and without) against the base, per seed; and the
alarm's confusion table over the runs with the safeguards off.

    scripts/collapse-grid-report.py DIR [SPLIT]
    REPLAY="collapse.drift_threshold=0.08 ..." MMUPT=build/app/mmupt scripts/collapse-grid-report.py DIR

With REPLAY set, the alarm of each run without safeguards is not read from its metrics but
replayed over them by `mmupt collapse-replay RUN --set ...` with those settings (the same code;
in `warn` mode the alarm never changes training, so this is what a run with those settings
would have shown).

A run's vote "falls" when the mean hidden-label accuracy of its last 5 steps is >= 5 points
below that of its first 5. When is the fall complete? Two readings, both reported:
"5 pts" = the first step whose trailing 5-step mean is >= 5 points below the first 5 steps' mean
(the fall has reached the size that makes it a fall; with 16 prompts per step one easy first
batch can put this at step 6), "75 %" = the first step whose trailing 5-step mean has covered 75 %
of the whole fall (first 5 -> last 5). Lead = that step - the alarm's first step; the alarm is in
time when the lead is > 0. The seeds where the alarm's settings were chosen get one confusion
table and the others, held out, another: CHOSEN_SEEDS (default "1"; seed 1 chose the first
threshold, seeds 1-3 the second, docs/demo.md)."""
import json
import os
import subprocess
import sys
from collections import defaultdict

d = sys.argv[1]
split = sys.argv[2] if len(sys.argv) > 2 else "test"
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "results.tsv"))]
head, rows = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
rows = [r for r in rows if r["split"] == split]
base = {(r["base"], r["T"], r["seed"]): float(r["sampled"]) for r in rows if r["mode"] == "base"}
settings = ["s%d" % i for i in range(1, 10)]
by = defaultdict(dict)
for r in rows:
    if r["mode"] in ("on", "off", "sup"):
        by[(r["id"].split("-")[0], r["mode"])][r["seed"]] = r


def fmt(x):
    return "%.3f" % x


print("| setting | base | T | lr | other | base sampled | MM-UPT + safeguards | per seed (gain) | MM-UPT, no safeguards | per seed (gain) |")
print("|---|---:|---:|---:|---|---:|---:|---|---:|---|")
met_floor, gains3, measured = 0, 0, 0
for s in settings:
    any_row = next(iter(by.get((s, "on"), {}).values()), None) or next(
        iter(by.get((s, "off"), {}).values()), None)
    if not any_row:
        print("| %s | not run |" % s)
        continue
    b, T, lr, kl, mini, agree = (any_row[k] for k in ("base", "T", "lr", "kl", "mini", "agree"))
    other = ", ".join(x for x in [("KL " + kl) if kl != "0.01" else "",
                                   "1 mini-batch per step" if mini == "16" else "",
                                   ("agreement threshold " + agree) if agree != "0" else ""] if x)
    cells = []
    bases = []
    for mode in ("on", "off"):
        runs = by.get((s, mode), {})
        per, gains = [], []
        for seed in sorted(runs):
            key = (b, T, seed)
            if key not in base:
                per.append("%s (base?)" % fmt(float(runs[seed]["sampled"])))
                continue
            g = float(runs[seed]["sampled"]) - base[key]
            gains.append(g)
            bases.append(base[key])
            per.append("%s (%+.1f)" % (fmt(float(runs[seed]["sampled"])), 100 * g))
        mean = sum(float(runs[k]["sampled"]) for k in runs) / len(runs) if runs else None
        mg = sum(gains) / len(gains) if gains else None
        cells.append(("%s (%+.1f)" % (fmt(mean), 100 * mg) if mg is not None else
                      (fmt(mean) if mean is not None else "–"), " / ".join(per) or "–",
                      mg, len(runs)))
    bmean = sum(bases) / len(bases) if bases else float("nan")
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        s, b, T, lr, other, fmt(bmean), cells[0][0], cells[0][1], cells[1][0], cells[1][1]))
    if cells[0][2] is not None:
        measured += 1
        met_floor += cells[0][2] >= -0.01
        gains3 += cells[0][2] >= 0.03
print()
print("safeguards on, settings measured: %d; mean gain >= -1 point: %d; mean gain >= +3 points: %d"
      % (measured, met_floor, gains3))


def label_series(run_id):
    for p in (os.path.join(d, "runs", run_id, "run", "metrics.jsonl"),
              os.path.join(d, "runs", run_id, "metrics.jsonl")):
        if os.path.exists(p):
            return [json.loads(l) for l in open(p) if l.strip()]
    return []


per_run_floor = [(s, seed, float(r["sampled"]) - base[(r["base"], r["T"], seed)])
                 for s in settings for seed, r in sorted(by.get((s, "on"), {}).items())
                 if (r["base"], r["T"], seed) in base]
below = [x for x in per_run_floor if x[2] < -0.01]
print("safeguards on, runs: %d; runs more than 1 point below their base: %d %s" % (
    len(per_run_floor), len(below),
    ", ".join("%s seed %s (%+.1f)" % (s, seed, 100 * g) for s, seed, g in below)))

print()
print("| run (safeguards off) | label acc first 5 -> last 5 | fell >= 5 pts | complete (5 pts) | complete (75 %) | alarm | lead (5 pts) | lead (75 %) | sampled gain |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|")
chosen_seeds = os.environ.get("CHOSEN_SEEDS", "1").split()
conf = {g: defaultdict(int) for g in ("chosen", "held out")}
for s in settings:
    for seed, r in sorted(by.get((s, "off"), {}).items()):
        m = label_series(r["id"])
        acc = [x.get("label/accuracy") for x in m]
        acc = [a for a in acc if a is not None]
        if len(acc) < 10:
            continue
        first = sum(acc[:5]) / 5
        last = sum(acc[-5:]) / 5
        fell = first - last >= 0.05
        trail = [(i + 1, sum(acc[i - 4:i + 1]) / 5) for i in range(4, len(acc))]
        done5 = next((t for t, v in trail if first - v >= 0.05), None)
        done75 = next((t for t, v in trail if fell and first - v >= 0.75 * (first - last)), None)
        alarm = next((x["step"] for x in m if x.get("collapse/alarm") == 1), None)
        if os.environ.get("REPLAY"):
            run_dir = os.path.join(d, "runs", r["id"], "run")
            cmd = [os.environ.get("MMUPT", "build/app/mmupt"), "collapse-replay", run_dir, "--json"]
            for kv in os.environ["REPLAY"].split():
                cmd += ["--set", kv]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            alarm = next((j["step"] for j in map(json.loads, out.splitlines()) if j["alarm"]), None)
        key = (r["base"], r["T"], seed)
        gain = float(r["sampled"]) - base[key] if key in base else None
        lead = lambda done: (done - alarm) if (done and alarm) else None
        c = conf["chosen" if seed in chosen_seeds else "held out"]
        c[(fell, alarm is not None)] += 1
        if fell and alarm is not None:
            c["in time 5"] += lead(done5) is not None and lead(done5) > 0
            c["in time 75"] += lead(done75) is not None and lead(done75) > 0
        if gain is not None and gain > 0:
            c[("gain", alarm is not None)] += 1
        if gain is not None and gain < -0.01:
            c[("loss", alarm is not None)] += 1
        sign = lambda x: "%+d" % x if x is not None else "–"
        print("| %s | %.3f -> %.3f | %s | %s | %s | %s | %s | %s | %s |" % (
            r["id"], first, last, "yes" if fell else "no", done5 if fell and done5 else "–",
            done75 or "–", alarm or "–", sign(lead(done5) if fell else None),
            sign(lead(done75) if fell else None),
            "%+.1f" % (100 * gain) if gain is not None else "?"))
for name, c in conf.items():
    print()
    print("| %s seeds | alarm fired | of which before the fall was complete (5 pts / 75 %%) | no alarm |" % name)
    print("|---|---:|---:|---:|")
    print("| vote label accuracy fell >= 5 pts | %d | %d / %d | %d |" % (
        c[(True, True)], c["in time 5"], c["in time 75"], c[(True, False)]))
    print("| did not fall | %d | | %d |" % (c[(False, True)], c[(False, False)]))
    print("| (of all: sampled accuracy gained) | %d | | %d |" % (c[("gain", True)], c[("gain", False)]))
    print("| (of all: sampled accuracy fell > 1 pt) | %d | | %d |" % (c[("loss", True)], c[("loss", False)]))
