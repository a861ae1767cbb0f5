#!/bin/sh
# conv-winograd.sh — two ways of running the convolutions, side by side on the same machine.
#
#   bench/conv-winograd.sh [BUILDDIR] [ROUNDS]
#
# Runs `carilab-cli bench --profile` on the paper preset (160 px, 30 + 30 images) and the demo
# preset, ROUNDS times (default 5), one run of each side per round, the order of the sides
# rotating from round to round, two threads each. A side is a carilab-cli and a CARI_CONV_ALGO
# value: by default A is BUILDDIR's with `direct` and B the same with `winograd`; SIDES="A B C"
# adds a side C, and X_CLI / X_ALGO set side X (an empty X_ALGO leaves the variable unset: e.g.
# A_CLI=/tmp/main/carilab-cli A_ALGO= for a build of the commit before). PRESETS and
# STEPS_<preset> change what runs.
#
# Prints for each preset and side the median images/s with its range, the median and range of
# its ratio to A's in the same round, the median CPU seconds of the whole run (user + system: less sensitive than wall time to the other
# load of a shared machine) with their range, the median peak RSS, and each stage's median
# forward and backward milliseconds.
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
rounds=${2:-5}
SIDES=${SIDES:-A B}
for side in $SIDES; do
  eval ": \${${side}_CLI:=$build/src/cli/carilab-cli}"
done
A_ALGO=${A_ALGO-direct}
B_ALGO=${B_ALGO-winograd}
PRESETS=${PRESETS:-paper demo}
STEPS_paper=${STEPS_paper:-4}
STEPS_demo=${STEPS_demo:-20}
export LC_ALL=C OPENBLAS_NUM_THREADS=2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

median () { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
range () { sort -g | awk 'NR == 1 {lo=$1} {hi=$1} END {printf "%s–%s", lo, hi}'; }

run_side () {
  side=$1 preset=$2 round=$3
  eval cli=\$${side}_CLI algo=\$${side}_ALGO steps=\$STEPS_$preset
  case $preset in
    paper) args="--preset paper --caricatures 30 --photos 30 --input-size 160" ;;
    *) args="--preset $preset" ;;
  esac
  f="$out/$preset-$side-$round"
  # An empty algorithm leaves the variable unset: the binary's own default.
  if [ -n "$algo" ]; then export CARI_CONV_ALGO="$algo"; else unset CARI_CONV_ALGO; fi
  /usr/bin/time -f '%U %S' -o "$f.time" "$cli" bench $args --steps "$steps" --warmup 2 \
    --threads 2 --profile >"$f.txt"
  sed -n 's/^images\/s: *//p' "$f.txt" | tee "$f.ips" >>"$out/$preset-$side-ips"
  sed -n 's/^peak RSS: *\([0-9.]*\).*/\1/p' "$f.txt" >>"$out/$preset-$side-rss"
  awk '{print $1 + $2}' "$f.time" >>"$out/$preset-$side-cpu"
  # Stage lines: name, forward ms, backward ms, share.
  awk 'go && NF == 4 && $4 ~ /%$/ {print $1, $2, $3} /^stage/ {go=1}' "$f.txt" >"$f.stages"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)
echo "medians of $rounds alternating rounds;$cpu, $(nproc) cores"
for side in $SIDES; do
  eval cli=\$${side}_CLI algo=\${${side}_ALGO-}
  echo "$side: $cli CARI_CONV_ALGO=${algo:-(unset)}"
done
n_sides=$(echo $SIDES | wc -w)
for preset in $PRESETS; do
  for r in $(seq "$rounds"); do
    # Rotate the order: round r starts with side r mod n.
    order=$(echo $SIDES \
      | awk -v r="$r" '{for (i = 0; i < NF; i++) printf "%s ", $((i + r - 1) % NF + 1)}')
    for side in $order; do run_side "$side" "$preset" "$r"; done
  done
  echo
  echo "== $preset ($n_sides sides)"
  for side in $SIDES; do
    # Each round's images/s over A's in the same round: the load of the machine changes from
    # minute to minute, and the runs of one round share it.
    for r in $(seq "$rounds"); do
      paste "$out/$preset-$side-$r.ips" "$out/$preset-A-$r.ips" | awk '{printf "%.3f\n", $1 / $2}'
    done >"$out/$preset-$side-ratio"
    printf '%s: images/s %s (%s), per round / A %s (%s); CPU s per run %s (%s); ' "$side" \
      "$(median <"$out/$preset-$side-ips")" "$(range <"$out/$preset-$side-ips")" \
      "$(median <"$out/$preset-$side-ratio")" "$(range <"$out/$preset-$side-ratio")" \
      "$(median <"$out/$preset-$side-cpu")" "$(range <"$out/$preset-$side-cpu")"
    printf 'peak RSS %s MiB\n' "$(median <"$out/$preset-$side-rss")"
  done
  printf '%-16s' stage
  for col in fwd bwd; do for side in $SIDES; do printf ' %9s' "$side $col"; done; done
  echo
  for stage in $(cut -d' ' -f1 "$out/$preset-A-1.stages"); do
    printf '%-16s' "$stage"
    for col in 2 3; do
      for side in $SIDES; do
        cat "$out/$preset-$side"-*.stages | awk -v s="$stage" -v c="$col" '$1 == s {print $c}' \
          | median | awk '{printf " %9.1f", $1}'
      done
    done
    echo
  done
done
