#!/bin/sh
# mpi-scaling.sh BUILD [ROUNDS] [STEPS] — data-parallel training on this machine: one process
# with 2 threads against 2 ranks (mpirun, loopback) with 1 thread each, on the same global
# batch, in alternating rounds (the side going first swaps every round). Per preset: images/s
# (the median over each run's steps after the first two, then the median over rounds), the
# ratio 2 ranks / 1 process per round (median and range), and the 2-rank run's communication
# share of a step (comm_share: time in the group's calls — the sums of batch-norm statistics,
# losses, task weights and gradients, and waiting for the slower rank).
#
# The data are the toy set at the preset's input size (no image decoding), as `carilab-cli bench`
# uses: what is compared is the training step itself. PRESETS="demo paper" by default; EXTRA adds
# --set assignments to both sides (EXTRA="batch.sync_batchnorm=false": each rank's own batch-norm
# statistics).
set -eu
build=${1:?usage: mpi-scaling.sh BUILD [ROUNDS] [STEPS]}
rounds=${2:-3}
steps=${3:-12}
presets=${PRESETS:-"demo paper"}
extra=""
for kv in ${EXTRA:-}; do extra="$extra --set $kv"; done
cli=$build/src/cli/carilab-cli
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
command -v mpirun >/dev/null || { echo "mpi-scaling.sh: mpirun not found" >&2; exit 1; }

db=$tmp/runs.db
one () {
  "$cli" train --db "$db" --dataset toy --set model.preset="$1" --set schedule.steps="$steps" \
    $extra --threads 2 --name "$2" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
}
two () {
  mpirun -np 2 --oversubscribe --bind-to none --allow-run-as-root \
    --mca btl_vader_single_copy_mechanism none -x LC_ALL -x XDG_CACHE_HOME -x XDG_DATA_HOME \
    "$cli" train --db "$db" --dataset toy --set model.preset="$1" \
    --set schedule.steps="$steps" $extra --name "$2" >/dev/null 2>"$tmp/err" \
    || { cat "$tmp/err" >&2; exit 1; }
}
# The median of a run's KEY over its steps after the second.
median_of () {
  sqlite3 -batch -noheader "$db" "SELECT m.value FROM metrics m JOIN runs r ON r.id = m.run_id
                                  WHERE r.name = '$1' AND m.key = '$2' AND m.step > 2
                                  ORDER BY m.value" |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
                             else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median () { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                                                  else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD), $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $rounds rounds" \
  "of $steps steps${extra:+,$extra}"
printf '%-6s %14s %14s %8s %13s %11s\n' preset "1×2 img/s" "2×1 img/s" ratio range comm_share
for preset in $presets; do
  : >"$tmp/r1"; : >"$tmp/r2"; : >"$tmp/ratio"; : >"$tmp/share"
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then
      one "$preset" "$preset-one-$r"; two "$preset" "$preset-two-$r"
    else
      two "$preset" "$preset-two-$r"; one "$preset" "$preset-one-$r"
    fi
    a=$(median_of "$preset-one-$r" images_per_s)
    b=$(median_of "$preset-two-$r" images_per_s)
    echo "$a" >>"$tmp/r1"
    echo "$b" >>"$tmp/r2"
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", b / a }' >>"$tmp/ratio"
    median_of "$preset-two-$r" comm_share >>"$tmp/share"
    echo "# round $r: $preset 1×2 $a img/s, 2×1 $b img/s" >&2
  done
  printf '%-6s %14.2f %14.2f %8.3f %6.3f–%-6.3f %10.1f%%\n' "$preset" "$(median <"$tmp/r1")" \
    "$(median <"$tmp/r2")" "$(median <"$tmp/ratio")" "$(sort -g "$tmp/ratio" | head -1)" \
    "$(sort -g "$tmp/ratio" | tail -1)" "$(median <"$tmp/share" | awk '{ print 100 * $1 }')"
done
