#!/usr/bin/env bash
# README command (2): set up a fresh Debian 12, build, and run the fast test suite
# (labels `slow` and `gpu` excluded; run them with:
#  source scripts/blas-env.sh; ctest --test-dir build -L slow), then the same against libtorch 2.x
# in a cached Debian 13 root (scripts/check-libtorch2.sh; MMUPT_SKIP_LIBTORCH2=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cmake --build build --target format-check
# The .deb builds and installs what it should (desktop entry, icon, AppStream metainfo).
bash scripts/check-deb.sh
source scripts/blas-env.sh
ctest --test-dir build --output-on-failure -LE 'slow|gpu' -j 2
# libtorch 2.x (Debian 13's 2.6): core + CLI + core tests, the fast suite and demo --quick.
if [[ -z "${MMUPT_SKIP_LIBTORCH2:-}" ]]; then
    bash scripts/check-libtorch2.sh
fi
