#!/usr/bin/env bash
# Installs every Debian 12 package that mmupt's build, tests and demo need.
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git ccache clang libclang-rt-14-dev clang-format
    # engine
    libtorch-dev libopenblas0-pthread libyaml-cpp-dev libopencv-dev nlohmann-json3-dev
    libonig-dev libginac-dev
    libicu-dev  # NFC normalisation in the tokenizer (core/tokenizer/normalizer.cpp)
    libgloo-dev  # c10d's ProcessGroupGloo headers: data-parallel runs (core/dist/)
    # GUI
    qt6-base-dev libqcustomplot-dev libgl-dev
    # tests, benchmarks, references no one here wrote
    libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pil python3-numpy
    # packaging
    appstream desktop-file-utils dpkg-dev file
    # the libtorch 2.x check (scripts/check-libtorch2.sh builds in a Debian 13 root)
    debootstrap
)

missing=()
# Node.js may come from elsewhere (it bundles npm, which then conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages present"
    exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
