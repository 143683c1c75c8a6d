#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB in build/) and checks it: the files it installs, its control
# data (dependencies found by dpkg-shlibdeps), and the desktop entry and AppStream metainfo
# as installed (desktop-file-validate, appstreamcli validate). Needs a configured, built build/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ID=io.github.mmupt.Studio

ninja -C "$BUILD" -j1 mmupt mmupt-studio mmupt-plot
(cd "$BUILD" && cpack -G DEB >/dev/null)
deb=$(ls -t "$BUILD"/mmupt_*.deb | head -n1)
echo "check-deb: $deb ($(du -h "$deb" | cut -f1))"

fail=0
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/mmupt ./usr/bin/mmupt-studio ./usr/bin/mmupt-plot \
    ./usr/share/applications/$ID.desktop \
    ./usr/share/icons/hicolor/scalable/apps/$ID.svg ./usr/share/metainfo/$ID.metainfo.xml; do
    if ! grep -q " $f\$" <<<"$contents"; then
        echo "check-deb: missing $f"
        fail=1
    fi
done

info=$(dpkg-deb -I "$deb")
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
echo "check-deb: Depends: $depends"
for dep in libqt6widgets6 libqcustomplot libtorch libc6; do
    if ! grep -q "$dep" <<<"$depends"; then
        echo "check-deb: Depends lacks $dep"
        fail=1
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
desktop-file-validate "$tmp/usr/share/applications/$ID.desktop" || fail=1
appstreamcli validate --no-net "$tmp/usr/share/metainfo/$ID.metainfo.xml" || fail=1
for bin in mmupt-studio mmupt-plot; do
    file "$tmp/usr/bin/$bin" | grep -q ELF || { echo "check-deb: $bin not ELF"; fail=1; }
done

if ((fail)); then
    echo "check-deb: FAILED"
    exit 1
fi
echo "check-deb: OK"
