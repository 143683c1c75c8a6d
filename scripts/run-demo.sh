#!/usr/bin/env bash
# README command (1): set up a fresh Debian 12, build, and run the built-in demo (`mmupt demo`,
# issue #6): SFT base model, then MM-UPT vs supervised GRPO on synthetic visual tasks; the table
# goes to stdout, run directories and summary.json to runs/demo (override with --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/blas-env.sh
./build/app/mmupt demo "$@"
