#!/usr/bin/env bash
# Screenshot of the REAL X11 window: the installed `stockscan` under Xvfb on the demo market,
# F5 pressed through xdotool, the X root window grabbed once the scan has completed (or, with
# SHOT_AFTER=SECONDS, that long after F5: mid-scan).
#
#   docs/screenshots/xvfb_screenshot.sh [OUT.png]        default docs/screenshots/xvfb_window.png
#   DEMO_STOCKS=5000 SHOT_AFTER=0.4 LANG=zh_CN.UTF-8 docs/screenshots/xvfb_screenshot.sh
#
# Needs: xvfb xdotool libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 (Debian), the package installed
# (pip install -e .). No ImageMagick needed: the root window is grabbed by a few lines of PySide6
# connected to the same X server (QScreen.grabWindow(0) reads the X framebuffer, not the app).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${PYTHON:-$(command -v python3)}"
BIN="$(dirname "$PY")"
OUT="${1:-$ROOT/docs/screenshots/xvfb_window.png}"
DEMO_STOCKS="${DEMO_STOCKS:-5000}"
SHOT_AFTER="${SHOT_AFTER:-}"
mkdir -p "$(dirname "$OUT")"

TMP="$(mktemp -d)"
XVFB_PID=""; APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

Xvfb -displayfd 4 -screen 0 1600x900x24 -nolisten tcp 4>"$TMP/display" 2>"$TMP/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$TMP/display" ] && break; sleep 0.1; done
export DISPLAY=":$(tr -d '\n' < "$TMP/display")"
echo "Xvfb on $DISPLAY"

mkdir -p "$TMP"/{home,config,data,cache}
export STOCKSCAN_HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" \
       XDG_CACHE_HOME="$TMP/cache" TQDM_DISABLE=1
QT_QPA_PLATFORM=xcb "$BIN/stockscan" --source demo --demo-stocks "$DEMO_STOCKS" 2>"$TMP/app.err" &
APP_PID=$!

WID="$(xdotool search --sync --onlyvisible --name StockScan | head -1)"
echo "window $WID"

history_has() {  # $1 kind, $2 status
  "$BIN/stockscan-cli" history --json | "$PY" -c \
    "import json,sys; sys.exit(0 if any(t['kind']=='$1' and t['status']=='$2' for t in json.load(sys.stdin)) else 1)"
}
for _ in $(seq 600); do history_has refresh completed && break; sleep 0.2; done
echo "demo backfill done"

xdotool windowfocus --sync "$WID"
xdotool key F5
if [ -n "$SHOT_AFTER" ]; then
  sleep "$SHOT_AFTER"
else
  for _ in $(seq 600); do history_has scan completed && break; sleep 0.2; done
  sleep 0.5   # let the last repaint land
fi

QT_QPA_PLATFORM=xcb "$PY" - "$OUT" <<'EOF'
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
shot = app.primaryScreen().grabWindow(0)
assert not shot.isNull() and shot.save(sys.argv[1]), "could not grab the X root window"
print(f"saved {sys.argv[1]} ({shot.width()}x{shot.height()})")
EOF

xdotool windowfocus --sync "$WID"
xdotool key ctrl+q
wait "$APP_PID" && echo "stockscan exited 0" || echo "stockscan exited $?"
APP_PID=""
