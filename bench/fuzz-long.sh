#!/bin/sh
# fuzz-long.sh [MINUTES] [BUILDDIR] — each fuzz target of tests/fuzz/ for MINUTES (default 10),
# one after another, as the CI's fuzz step builds them (clang, libFuzzer, ASan + UBSan) but for
# longer: executions per target and in total, and what each found.
#
# Each target starts from a copy of its seed corpus (tests/fuzz/corpus/<target>/), so the
# checkout is left as it is. A crash, leak, timeout or out-of-memory input stops that target; it
# is kept, with the target's log, in OUT (default bench-fuzz-<date>/ under /tmp) and listed at the
# end (a found input belongs in the corpus, with its fix). JOBS=2 runs two targets at once.
# Exit status: 0 when no target found anything, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
minutes=${1:-10}
build=${2:-_build-fuzz}
out=${OUT:-/tmp/bench-fuzz-$(date +%Y%m%d-%H%M%S)}
jobs=${JOBS:-1}
targets=$(for f in tests/fuzz/fuzz-*.c; do basename "$f" .c | sed 's/^fuzz-//'; done)
seconds=$(echo "$minutes * 60 / 1" | bc)

if [ ! -d "$build" ]; then
  CC=clang meson setup "$build" -Dui=false -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
ninja -C "$build" $(for t in $targets; do echo "tests/fuzz/fuzz-$t"; done) >/dev/null
mkdir -p "$out"

fuzz_one() {
  mkdir -p "$out/$1/corpus" "$out/$1/found"
  cp "tests/fuzz/corpus/$1/"* "$out/$1/corpus/"
  "$build/tests/fuzz/fuzz-$1" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/$1/found/" "$out/$1/corpus" \
    >"$out/$1/log" 2>&1 || true
}

echo "fuzzing each target for $minutes min ($seconds s), $jobs at a time; logs in $out"
n=0
for t in $targets; do
  fuzz_one "$t" &
  n=$((n + 1))
  if [ "$n" -ge "$jobs" ]; then
    wait
    n=0
  fi
done
wait

total=0
findings=0
printf '%-12s %14s %10s %8s %6s\n' target executions exec/s corpus found
for t in $targets; do
  # libFuzzer's final statistics (-print_final_stats=1), also after a crash.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t/log" | tail -1)
  runs=${runs:-0}
  corpus=$(ls "$out/$t/corpus" | wc -l)
  found=$(ls "$out/$t/found" | wc -l)
  printf '%-12s %14s %10s %8s %6s\n' "$t" "$runs" "${rate:-?}" "$corpus" "$found"
  for f in "$out/$t/found/"*; do
    [ -e "$f" ] && echo "  found: $f"
  done
  total=$((total + runs))
  findings=$((findings + found))
done
echo "total executions: $total; inputs found: $findings"
[ "$findings" -eq 0 ]
