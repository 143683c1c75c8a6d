#!/usr/bin/env bash
# The Run setup screenshots of docs/studio.md: mmupt-studio under Xvfb (no window manager, so no
# title bar) at 1366x768 and 1920x1080, light and dark, on the tiny random model and the demo's
# images as a plain folder, plus the All settings dialog filtered by "kl". Needs a build and
# `apt-get install -y xvfb xdotool imagemagick`. Writes docs/screenshots/studio-setup-*.png and
# studio-all-settings.png (256 colours). Usage: scripts/studio-setup-screenshots.sh [DISPLAY_NUM]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=$REPO/docs/screenshots
NUM=${1:-97}
WORK=$(mktemp -d /tmp/studio-shots.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
MMUPT=$REPO/build/app/mmupt
STUDIO=$REPO/build/app/mmupt-studio

cd "$WORK"
"$MMUPT" demo-tokenizer --out tok >/dev/null
"$MMUPT" init-model --arch qwen2_vl --preset tiny --tokenizer tok --out Qwen2-VL-tiny >/dev/null
"$MMUPT" demo-data --out data --sft 0 --upt 12 --test 0 >/dev/null
cp -r data/images unlabeled-images
printf 'model:\n  path: %s\ndata:\n  train_files: [%s]\n' \
    "$WORK/Qwen2-VL-tiny" "$WORK/unlabeled-images" >shot.yaml

# shoot W H THEME FILE [X Y FILTER]: start the studio with shot.yaml, size its window to the
# screen, optionally click All settings… at (X, Y) and type FILTER, grab the screen.
shoot() {
    local w=$1 h=$2 theme=$3 file=$4
    export DISPLAY=:$NUM
    Xvfb ":$NUM" -screen 0 "${w}x${h}x24" >/dev/null 2>&1 &
    local xvfb=$!
    sleep 1.5
    export HOME=$WORK/home-$theme-$w  # fresh QSettings: default layout, nothing restored
    mkdir -p "$HOME"
    "$STUDIO" --config "$WORK/shot.yaml" --theme "$theme" >/dev/null 2>&1 &
    local studio=$!
    sleep 6
    local win
    win=$(xdotool search --name "mmupt studio" | head -1)
    xdotool windowmove "$win" 0 0 windowsize "$win" "$w" "$h"
    sleep 1.5
    if [ $# -gt 4 ]; then
        xdotool mousemove "$5" "$6" click 1
        sleep 1.5
        local dialog
        dialog=$(xdotool search --name "All settings" | head -1)
        xdotool windowmove "$dialog" $(((w - 720) / 2)) $(((h - 640) / 2))
        xdotool type --delay 80 "$7"
        sleep 1
    fi
    import -window root "$WORK/shot.png"
    convert "$WORK/shot.png" -strip -colors 256 -define png:compression-level=9 "$OUT/$file"
    kill "$studio" && sleep 0.5
    kill "$xvfb" && sleep 0.5
}

shoot 1366 768 light studio-setup-1366-light.png
shoot 1366 768 dark studio-setup-1366-dark.png
shoot 1920 1080 light studio-setup-1920-light.png
shoot 1920 1080 dark studio-setup-1920-dark.png
# (343, 570): the All settings… button at 1366x768 with this config (see the first shot).
shoot 1366 768 light studio-all-settings.png 343 570 kl
echo "wrote $OUT/studio-setup-*.png and studio-all-settings.png"
