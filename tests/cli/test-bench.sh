#!/bin/sh
# test-bench.sh — `carilab-cli bench` on a tiny network: the fields it reports, the switches it
# names (CARI_CONV_ALGO, CARI_ISA) and its refusals. Timings are printed, never asserted.
# Usage: test-bench.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
unset CARI_CONV_ALGO CARI_ISA
. "$(dirname "$0")/tap.sh"

tiny="--preset demo --input-size 75 --width 0.0625 --caricatures 4 --photos 4 --identities 10 \
  --steps 2 --warmup 1 --threads 1"
# shellcheck disable=SC2086
check "bench reports images/s, memory and what ran" 0 "^convolutions: *auto " - -- bench $tiny
for f in "parameters:" "FLOPs per step:" "images/s:" "peak RSS:" "BLAS:" "engine ISA:"; do
  grep -q "^$f" "$tmp/out"
  ok $? "bench prints $f"
done
# shellcheck disable=SC2086
CARI_CONV_ALGO=direct check "CARI_CONV_ALGO=direct is what bench says it ran" 0 \
  "^convolutions: *direct " - -- bench $tiny
# shellcheck disable=SC2086
CARI_ISA=baseline check "CARI_ISA=baseline is what bench says it ran" 0 \
  "^engine ISA: *baseline " - -- bench $tiny
# shellcheck disable=SC2086
check "bench --profile prints each stage" 0 "^conv5 " - -- bench $tiny --profile
grep -q "^reduction_b " "$tmp/out" && grep -q "^total " "$tmp/out"
ok $? "the profile has the last trunk stage and the total"
grep -q "^sgemm peak: *[0-9.]* GFLOP/s" "$tmp/out"
ok $? "the profile measures the sgemm peak"
# conv5's GFLOP/s: a positive figure (its FLOPs and time are both counted).
awk '$1 == "conv5" && $5 > 0 {found = 1} END {exit !found}' "$tmp/out"
ok $? "the profile gives conv5 a positive GFLOP/s" || grep "^conv5" "$tmp/out" | sed 's/^/# /'
grep -q "^network .* GFLOP/s over the network's stages" "$tmp/out"
ok $? "the profile sums the network's GFLOP/s"

# shellcheck disable=SC2086
check "bench --inference times embedding extraction" 0 "^mode: *inference (visual branch" - -- \
  bench $tiny --inference
for f in "images/s:" "peak RSS:" "FLOPs per image:" "engine ISA:"; do
  grep -q "^$f" "$tmp/out"
  ok $? "bench --inference prints $f"
done
# shellcheck disable=SC2086
check "bench --inference --branch cari" 0 "^mode: *inference (cari branch" - -- \
  bench $tiny --inference --branch cari
# shellcheck disable=SC2086
check "an unknown branch is a usage error" 2 - "nose" -- bench $tiny --inference --branch nose

CARI_CONV_ALGO=fast check "an unknown CARI_CONV_ALGO is refused" 2 - "CARI_CONV_ALGO=fast" -- info
CARI_ISA=avx9 check "an unknown CARI_ISA is refused" 2 - "CARI_ISA=avx9" -- info
check "a bad --steps is a usage error" 2 - "steps" -- bench --steps 0

echo "1..$n"
exit $fail
