#!/bin/sh
# ui-frames.sh [BUILD] [SECONDS] — frame times of the live chart while the demo trains.
#
# Runs the workbench under Xvfb with the cairo renderer on a fresh database, starts the demo
# (--demo), and lets the live page redraw its weight chart on every frame-clock tick (as a chart
# being hovered or panned does) while both cores train. CARILAB_FRAME_STATS makes the page write
# the intervals between consecutive frame-clock ticks; the script prints their median, 95th and
# 99th percentiles and the share above 16.7 ms. SynCari is taken from (or generated into) the
# usual cache; the first SECONDS (default 60) of the demo are measured.
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
seconds=${2:-60}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

xvfb-run -a -s '-screen 0 1280x800x24' env GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none \
  NO_AT_BRIDGE=1 GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory \
  CARILAB_FRAME_STATS="$dir/frames.txt" XDG_DATA_HOME="$dir/data" \
  timeout -s TERM "$seconds" "$build/src/ui/carilab" --db "$dir/runs.db" --demo || true
# SIGTERM quits cleanly (the page writes its statistics when it goes); give it a moment.
sleep 2
if [ ! -s "$dir/frames.txt" ]; then
  echo "no frame statistics were written" >&2
  exit 1
fi
sqlite3 "$dir/runs.db" "SELECT name || ': ' || coalesce((SELECT max(step) FROM metrics WHERE run_id = runs.id), 0) || ' steps' FROM runs" 2>/dev/null || true
/usr/bin/python3 - "$dir/frames.txt" <<'PY'
import sys
v = sorted(int(x) / 1000.0 for x in open(sys.argv[1]))
def pct(p):
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]
over = sum(1 for x in v if x > 16.7) / len(v)
print(f"{len(v)} frames: median {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, "
      f"max {v[-1]:.1f} ms, {100 * over:.1f} % above 16.7 ms")
PY
