#!/usr/bin/env bash
# Configures and builds mmupt in ./build (Release, Ninja). Extra arguments go to cmake configure,
# e.g. scripts/build.sh -DMMUPT_BUILD_GUI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
