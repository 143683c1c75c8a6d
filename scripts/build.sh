#!/usr/bin/env bash
# Configures and builds mmupt in ./build (Release, Ninja). Extra arguments go to cmake configure,
# e.g. scripts/build.sh -DMMUPT_BUILD_GUI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (when installed) hits across clones and worktrees: paths below the checkout are hashed
# relative to it, and the precompiled libtorch header is cacheable with these sloppiness flags.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
