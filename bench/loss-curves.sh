#!/bin/sh
# loss-curves.sh — the same demo run trained by two builds: do the losses agree?
#
#   bench/loss-curves.sh BUILD_A BUILD_B [STEPS] [OUTDIR]
#
# Trains the default demo run on SynCari (seed 1, STEPS steps, default 300, two threads) once with
# each build's carilab-cli into one temporary store, as runs "A" and "B", then prints for each
# window of 50 steps the mean of every loss of both runs and their relative difference, the
# largest such difference, and whether the two runs are bitwise the same. OUTDIR (default: the
# current folder) receives loss-curves.png, both runs' losses drawn by `carilab-cli plot`.
# Extra `carilab-cli train` options go in TRAIN_ARGS (e.g. TRAIN_ARGS="--set model.width=0.5"),
# and those of one side only in TRAIN_ARGS_A or TRAIN_ARGS_B (e.g. one build against itself with
# TRAIN_ARGS_B="--set batch.replicas=1").
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_A BUILD_B [STEPS] [OUTDIR]" >&2
  exit 2
fi
a=$1 b=$2 steps=${3:-300} outdir=${4:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data" LC_ALL=C OPENBLAS_NUM_THREADS=2
db="$tmp/runs.db"

for side in A B; do
  if [ "$side" = A ]; then build=$a own=${TRAIN_ARGS_A:-}; else build=$b own=${TRAIN_ARGS_B:-}; fi
  cli="$build/src/cli/carilab-cli"
  start=$(date +%s)
  # shellcheck disable=SC2086
  "$cli" train --db "$db" --name "$side" --set schedule.steps="$steps" --set run.seed=1 \
    ${TRAIN_ARGS:-} $own >"$tmp/$side.log" 2>&1 \
    || { echo "training with $cli failed:" >&2; tail -5 "$tmp/$side.log" >&2; exit 1; }
  echo "$side: $cli ($(git -C "$build/.." rev-parse --short HEAD 2>/dev/null || echo ?)), $(( $(date +%s) - start )) s"
done

sqlite3 -separator ' ' "$db" "
  WITH m AS (
    SELECT r.name AS side, (x.step - 1) / 50 AS w, x.key AS key, avg (x.value) AS v
    FROM metrics x JOIN runs r ON r.id = x.run_id
    WHERE x.key LIKE 'loss/%' GROUP BY side, w, key)
  SELECT a.w * 50 + 1, (a.w + 1) * 50, a.key, a.v, b.v, abs (a.v - b.v) / abs (a.v)
  FROM m a JOIN m b ON b.w = a.w AND b.key = a.key AND b.side = 'B'
  WHERE a.side = 'A' ORDER BY a.key, a.w" >"$tmp/windows"

printf '%-12s %-9s %12s %12s %10s\n' key steps A B "|B−A|/|A|"
awk '{printf "%-12s %4d–%-4d %12.5f %12.5f %9.2f%%\n", $3, $1, $2, $4, $5, 100 * $6}' "$tmp/windows"
awk 'BEGIN {m = 0} $6 > m {m = $6; k = $3; s = $1} END {printf "largest difference of a 50-step mean: %.2f%% (%s, from step %d)\n", 100 * m, k, s}' "$tmp/windows"
same=$(sqlite3 "$db" "
  SELECT count (*) FROM metrics x JOIN runs r ON r.id = x.run_id
  JOIN metrics y ON y.step = x.step AND y.key = x.key
  JOIN runs s ON s.id = y.run_id AND s.name = 'B'
  WHERE r.name = 'A' AND x.key LIKE 'loss/%' AND x.value IS NOT y.value")
if [ "$same" = 0 ]; then
  echo "bitwise: every loss of every step is the same"
else
  first=$(sqlite3 "$db" "
    SELECT min (x.step) FROM metrics x JOIN runs r ON r.id = x.run_id
    JOIN metrics y ON y.step = x.step AND y.key = x.key
    JOIN runs s ON s.id = y.run_id AND s.name = 'B'
    WHERE r.name = 'A' AND x.key LIKE 'loss/%' AND x.value IS NOT y.value")
  echo "bitwise: no — $same step losses differ, the first at step $first"
fi
"$b/src/cli/carilab-cli" plot --db "$db" --run A --run B --metric losses \
  --output "$outdir/loss-curves.png" --width 1000 --height 450
echo "curves: $outdir/loss-curves.png"
