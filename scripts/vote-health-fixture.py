#!/usr/bin/env python3
# SYNTHETIC collapse for the vote-health screenshot in docs/studio.md: turns a run written by
# `mmupt-synthetic-run DIR` into one whose majority answers converge on "9" after step 25, with
# collapse/* metrics, an alarm at step 40 (alarms.jsonl) and responses marked as contradicting
# their reasoning. No model produced any of it. Usage: vote-health-fixture.py RUN_DIR
import json, random, sys
d = sys.argv[1]
random.seed(3)
ALARM = 40
lines = [json.loads(l) for l in open(f"{d}/metrics.jsonl")]
out = []
for m in lines:
    s = m["step"]
    take = max(0.0, min(1.0, (s - 25) / 25))  # share of prompts answering 9
    m["collapse/answer_entropy"] = round(2.6 * (1 - take) + 0.3 * take + random.uniform(-.1, .1), 3)
    m["collapse/distinct_share"] = round(max(0.1, 1 - 0.85 * take + random.uniform(-.05, .05)), 3)
    m["collapse/same_answer_rate"] = round(0.15 + 0.8 * take + random.uniform(-.04, .04), 3)
    m["collapse/entropy_trend"] = round(0.1 + 0.7 * take + random.uniform(-.05, .05), 3)
    m["collapse/contradiction_rate"] = round(0.03 + 0.4 * take + random.uniform(0, .03), 3)
    m["collapse/score"] = round(min(1.0, 0.1 + 0.9 * take + random.uniform(-.03, .03)), 3)
    m["collapse/alarm"] = 1 if s == ALARM else 0
    out.append(json.dumps(m))
open(f"{d}/metrics.jsonl", "w").write("\n".join(out) + "\n")
groups = [json.loads(l) for l in open(f"{d}/samples.jsonl")]
out = []
for g in groups:
    s = g["step"]
    take = max(0.0, min(1.0, (s - 25) / 25))
    mi = g.get("majority_index")
    if mi is not None and random.random() < take:
        for c in g["clusters"]:
            if mi in c["members"]:
                c["answer"] = "9"
                for i in c["members"]:
                    g["answers"][i] = "9"
                    g["responses"][i] = g["responses"][i].rsplit("\\boxed", 1)[0] + "\\boxed{9}"
    g["contradicts_reasoning"] = [random.random() < 0.03 + 0.4 * take if a is not None else None
                                  for a in g["answers"]]
    out.append(json.dumps(g))
open(f"{d}/samples.jsonl", "w").write("\n".join(out) + "\n")
open(f"{d}/alarms.jsonl", "w").write(json.dumps({
    "step": ALARM, "action": "warn",
    "reasons": ["majority-answer entropy 0.9 bits, down from 2.6 over the first 10 steps",
                "62% of prompts with different images got the same majority answer (9)"],
    "signals": {"collapse/score": 0.62, "collapse/same_answer_rate": 0.62}}) + "\n")
