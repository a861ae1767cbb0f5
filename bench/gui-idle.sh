#!/bin/sh
# gui-idle.sh [BUILD] [DB] [ROUNDS] [SECONDS] — what the workbench costs on a large run store.
#
# 1. Fills DB (default /tmp/carilab-gui-idle/big.db) to 500 MB with bench/fill-store when it
#    does not exist yet: finished runs with 4000 steps of metrics and 100 000 pair scores each.
# 2. Idle: the workbench's window (bench/gui-host, under Xvfb with the cairo renderer) on its
#    home page over DB; after a 10 s warm-up, its CPU time (utime + stime of /proc/PID/stat) over
#    SECONDS (default 60), as a percentage of one core.
# 3. Watched against unwatched: a 300-step `carilab-cli train` run on DB (default configuration,
#    SynCari), timed alone, then timed with the window open on that run's live page (opened
#    before the run starts, as for a run another process is about to start), alternating, ROUNDS
#    times each (default 3); the medians and their ratio, and the window's own CPU while it
#    watched (on a shared machine the ratio moves with the other load; that share does not).
# The first train (not timed) generates and imports SynCari. Variables: STEPS (300), WARMUP (10).
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
db=${2:-/tmp/carilab-gui-idle/big.db}
rounds=${3:-3}
seconds=${4:-60}
steps=${STEPS:-300}
warmup=${WARMUP:-10}
work=$(mktemp -d)
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-/tmp/carilab-gui-idle/cache}
export XDG_DATA_HOME="$work/data"

if [ ! -e "$db" ]; then
  mkdir -p "$(dirname "$db")"
  "$build/bench/fill-store" "$db" 500
fi
echo "store: $(du -m "$db" | cut -f1) MB, $(sqlite3 "$db" 'SELECT count(*) FROM runs') runs"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Starts the window on DB (and on run $1 when given), its pid in $work/pid.
start_gui() {
  rm -f "$work/pid"
  xvfb-run -a -s '-screen 0 1280x800x24' env GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none \
    GDK_DEBUG=gl-disable NO_AT_BRIDGE=1 GSETTINGS_SCHEMA_DIR="$build/data" \
    GSETTINGS_BACKEND=memory sh -c 'echo $$ > "$0"; exec "$@"' "$work/pid" \
    "$build/bench/gui-host" "$db" "$@" >"$work/gui.log" 2>&1 &
  while [ ! -s "$work/pid" ]; do sleep 0.1; done
  sleep "$warmup"
}

stop_gui() {
  pid=$(cat "$work/pid")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$work/pid"
  wait || true
}

train() { # name → wall seconds on stdout
  t0=$(date +%s.%N)
  "$build/src/cli/carilab-cli" train --db "$db" --name "$1" --set "schedule.steps=$steps" \
    >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
  echo "$(date +%s.%N) - $t0" | bc
}

next_run() {
  sqlite3 "$db" "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'runs'), 0),
                            coalesce((SELECT max(id) FROM runs), 0)) + 1"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== idle: home page, ${seconds} s after ${warmup} s =="
start_gui
pid=$(cat "$work/pid")
a=$(cpu_ticks "$pid")
sleep "$seconds"
b=$(cpu_ticks "$pid")
stop_gui
echo "idle CPU: $(echo "scale=2; 100 * ($b - $a) / $ticks / $seconds" | bc) % of a core"

echo "== ${steps}-step train, unwatched and watched, ${rounds} rounds =="
tag=$(date +%s)
train "warmup-$tag" >/dev/null
: >"$work/plain"
: >"$work/watched"
: >"$work/share"
for r in $(seq "$rounds"); do
  t=$(train "plain-$tag-$r")
  echo "$t" >>"$work/plain"
  run=$(next_run)
  start_gui "$run"
  pid=$(cat "$work/pid")
  a=$(cpu_ticks "$pid")
  w=$(train "watched-$tag-$r")
  b=$(cpu_ticks "$pid")
  stop_gui
  got=$(sqlite3 "$db" "SELECT id FROM runs WHERE name = 'watched-$tag-$r'")
  [ "$got" = "$run" ] || echo "warning: the window watched run $run, the train was run $got" >&2
  echo "$w" >>"$work/watched"
  share=$(echo "scale=2; 100 * ($b - $a) / $ticks / $w" | bc)
  echo "$share" >>"$work/share"
  echo "round $r: unwatched $t s, watched $w s (the window: $(echo "scale=1; ($b - $a) / $ticks" \
    | bc) s CPU, $share % of a core)"
done
p=$(median <"$work/plain")
w=$(median <"$work/watched")
echo "median: unwatched $p s, watched $w s, watched / unwatched $(echo "scale=3; $w / $p" | bc);" \
  "the window $(median <"$work/share") % of a core while it watched"
