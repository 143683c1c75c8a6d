#!/usr/bin/env bash
# Builds and tests mmupt against libtorch 2.x (Debian 13's libtorch-dev 2.6) in a Debian 13 root
# made with debootstrap, next to the host's Debian 12 libtorch 1.13 build: core + CLI + core tests
# (-DMMUPT_BUILD_GUI=OFF -DMMUPT_BUILD_BENCH=OFF, the flags of scripts/gpu-check.sh), then the fast
# core suite (a SIGKILLed `mmupt train` resumed among them) and the demo's `--quick` pipeline.
#
# The root, its build folder and its ccache live outside the checkout and are reused by every
# later run on this machine, from any clone:
#   MMUPT_DEB13_ROOT    the root (default /var/cache/mmupt/debian13-root)
#   MMUPT_DEB13_MIRROR  Debian mirror (default: the host's apt mirror, else deb.debian.org)
#   MMUPT_SHARED_DATA   the shared data folder (hf_fixtures/, ...; default ../shared/data, or
#                       next to the main checkout for a git worktree)
#   MMUPT_LIBTORCH2_TESTS  fast (default: every test without the labels slow / gpu) or smoke
#                          (the transformers fixtures, attention, model, safetensors and
#                          trainer tests, the CLI train / resume among them)
# A root whose setup did not finish (no stamp file) is removed and made again. Needs root
# privileges (debootstrap, chroot) and debootstrap on the host (scripts/setup.sh installs it).
# The checkout is copied into the root (no bind mounts are left behind); /proc is mounted there
# for the run when the container allows it and unmounted on exit.
# Usage: scripts/check-libtorch2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
root=${MMUPT_DEB13_ROOT:-/var/cache/mmupt/debian13-root}
tests=${MMUPT_LIBTORCH2_TESTS:-fast}
stamp=$root/.mmupt-root-ready
say() { echo "check-libtorch2: $*"; }
die() {
    echo "check-libtorch2: $*" >&2
    exit 1
}

# Packages of the root: the engine's libraries (as in scripts/setup.sh, minus GUI / packaging),
# GoogleTest, and python3 with Pillow + numpy for the image parity tests.
packages=(g++ cmake ninja-build pkg-config ccache libtorch-dev libopenblas0-pthread
    libyaml-cpp-dev libopencv-dev nlohmann-json3-dev libonig-dev libicu-dev libgloo-dev libgtest-dev
    python3 python3-pil python3-numpy ca-certificates)

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot): run it as root or with sudo"
[[ $tests == fast || $tests == smoke ]] || die "MMUPT_LIBTORCH2_TESTS=$tests: use fast or smoke"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"

# The host's Debian mirror (deb822 `URIs:` or one-line `deb URL suite`), security archive aside.
host_mirror() {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | grep -Eo 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -n1 |
        tr -d ' ' || true
}
mirror=${MMUPT_DEB13_MIRROR:-$(host_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}

mounted=()
cleanup() {
    for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
# Unmounts whatever an interrupted run left mounted below the root (before removing it).
unmount_below() {
    local m
    for m in $(awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

wanted="${packages[*]}"
if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    say "reusing the Debian 13 root $root"
else
    start=$SECONDS
    if [[ -f $stamp ]]; then
        say "the root's package list changed: installing into $root"
    else
        if [[ -e $root ]]; then
            say "$root exists but its setup never finished: removing it and starting again"
            unmount_below "$root"
            rm -rf --one-file-system "$root"
        fi
        say "creating a Debian 13 (trixie) root in $root from $mirror (about a minute)"
        mkdir -p "$(dirname "$root")"
        debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
            die "debootstrap failed (log: $root.debootstrap.log); is $mirror reachable?"
        rm -f "$root.debootstrap.log"
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # The host's apt settings (proxies, no date checks) apply in the root too.
    cp /etc/apt/apt.conf.d/* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
    say "installing ${#packages[@]} packages (libtorch-dev 2.x among them) into the root"
    in_root apt-get update -qq || die "apt-get update failed in the root (mirror $mirror)"
    in_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null ||
        die "apt-get install failed in the root; rerun, or remove $root to start over"
    in_root apt-get clean
    echo "$wanted" >"$stamp"
    say "root ready in $((SECONDS - start)) s"
fi
say "$(in_root dpkg-query -W -f='libtorch-dev ${Version}' libtorch-dev)"

# /proc for the tests (libtorch and OpenBLAS read the CPU count there); optional.
if ! mountpoint -q "$root/proc"; then
    if mount -t proc proc "$root/proc" 2>/dev/null; then
        mounted+=("$root/proc")
    else
        say "cannot mount /proc in the root (container without mount rights): going on without it"
    fi
fi

# The checkout (what git tracks plus untracked files it does not ignore) goes to /mmupt/src; the
# build folder and ccache stay in the root between runs. The shared data next to the checkout
# (../shared/data or MMUPT_SHARED_DATA, ~12 MB) goes to /mmupt/shared/data, where the tests
# look (tests/core/test_paths.h); without it that folder is absent and those tests skip. The
# transformers fixtures also go where the fixture test looked for them before
# (tests/data/hf_fixtures).
work=$root/mmupt
stage=$work/src.new
rm -rf "$stage"
mkdir -p "$stage" "$work/src" "$work/build" "$work/ccache"
# Copied files get the time of the copy (-m), so ninja rebuilds whatever changed, whatever
# the checkout's own mtimes; a file identical to the last run's copy keeps that copy's mtime,
# so an unchanged tree (the same or a fresh clone) rebuilds nothing.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z -c -o --exclude-standard |
        tar -cf - --null --no-recursion --ignore-failed-read -T - 2>/dev/null |
        tar -xmf - -C "$stage"
else
    tar -cf - --exclude=./build --exclude='./build-*' . | tar -xmf - -C "$stage"
fi
(cd "$stage" && find . -type f -print0) | while IFS= read -r -d '' f; do
    if cmp -s "$stage/$f" "$work/src/$f"; then touch -r "$work/src/$f" "$stage/$f"; fi
done
rm -rf "$work/src"
mv "$stage" "$work/src"
shared=${MMUPT_SHARED_DATA:-$src/../shared/data}
if [[ ! -d $shared ]] && common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    shared=$(dirname "$common")/../shared/data  # a git worktree: next to the main checkout
fi
rm -rf "$work/shared"
if [[ -d $shared ]]; then
    mkdir -p "$work/shared"
    cp -r "$shared" "$work/shared/data"
    if [[ -d $shared/hf_fixtures && ! -e $work/src/tests/data/hf_fixtures ]]; then
        cp -r "$shared/hf_fixtures" "$work/src/tests/data/"
    fi
else
    say "no shared data in $shared (set MMUPT_SHARED_DATA): the tests that need it will skip"
fi

in_build() { in_root CCACHE_DIR=/mmupt/ccache CCACHE_BASEDIR=/mmupt/src CCACHE_MAXSIZE=3G \
    CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime "$@"; }
start=$SECONDS
say "configuring and building core + CLI + core tests against libtorch 2.x (-j2)"
in_build ccache -z >/dev/null  # the statistics below are this build's
# The flags of scripts/gpu-check.sh (keep them in step).
in_build cmake -S /mmupt/src -B /mmupt/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMMUPT_BUILD_GUI=OFF -DMMUPT_BUILD_BENCH=OFF -DMMUPT_BUILD_TESTS=ON >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; die "cmake configure failed in the root (log above)"; }
in_build nice cmake --build /mmupt/build -j 2 --target mmupt mmupt_core_tests ||
    die "the build against libtorch 2.x failed (see the compiler errors above)"
say "built in $((SECONDS - start)) s; ccache: $(in_build ccache -s | grep -E 'Hits|hit rate' |
    head -n1 | tr -s ' ')"

# Inside the root: the blas environment of scripts/blas-env.sh, then the tests.
run_env='cd /mmupt/src && source scripts/blas-env.sh && '
start=$SECONDS
if [[ $tests == fast ]]; then
    say "running the fast core suite (ctest -LE 'slow|gpu')"
    in_build bash -c "${run_env} nice ctest --test-dir /mmupt/build --output-on-failure \
        -LE 'slow|gpu' -E '_NOT_BUILT$' -j 2" || die "core tests failed against libtorch 2.x"
else
    filter='*HfFixture*:*Attention*:*CausalPaddingMask*:*Model*:*Trainer*:*Safetensors*'
    say "running the smoke subset of the core tests ($filter)"
    in_build bash -c "${run_env} /mmupt/build/tests/mmupt_core_tests --gtest_brief=1 \
        --gtest_filter='$filter'" || die "core tests failed against libtorch 2.x"
fi
say "tests done in $((SECONDS - start)) s"

# The demo's quick pipeline through the CLI (the short train / resume through the CLI is
# TrainerResume.SigkilledCliRunResumesToTheSameMetrics, in both test sets).
start=$SECONDS
say "running mmupt demo --quick"
in_build bash -c "${run_env} out=\$(mktemp -d) && /mmupt/build/app/mmupt demo --quick \
    --out \$out/demo >\$out/demo.log 2>&1 || { tail -n 30 \$out/demo.log; exit 1; }; \
    tail -n 12 \$out/demo.log; rm -rf \$out" || die "mmupt demo --quick failed against libtorch 2.x"
say "demo --quick done in $((SECONDS - start)) s"
say "OK (libtorch $(in_root dpkg-query -W -f='${Version}' libtorch-dev))"
