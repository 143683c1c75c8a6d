#!/usr/bin/env bash
# README command (1): set up a fresh Debian 12, build, and run the built-in demo.
# Until `mmupt demo` lands (issue #6) the demo is the self-reward core on example responses:
# extract each boxed answer, vote over equivalence classes, print clusters and rewards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/app/mmupt vote < resources/examples/responses.jsonl
