#!/bin/sh
# compare-torch.sh — CariLab against PyTorch on the same network, side by side.
#
#   bench/compare-torch.sh [BUILDDIR] [ROUNDS]
#
# For each configuration (paper at 160×160 with 30 + 30 images, demo), runs `carilab-cli bench`
# and bench/torch_net.py alternately ROUNDS times (default 3) with two threads each, checks that
# both report the same parameter count and FLOPs per step, and prints the median images/s, the
# ratio, and the median peak RSS. Needs Debian's python3-torch (/usr/bin/python3).
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
rounds=${2:-3}
cli="$build/src/cli/carilab-cli"
py=/usr/bin/python3
export LC_ALL=C OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field () { sed -n "s|^$2: *||p" "$1" | head -1 | cut -d' ' -f1; }
median () { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

run_config () {
  name=$1 steps=$2
  shift 2
  : >"$out/c-ips" ; : >"$out/t-ips" ; : >"$out/c-rss" ; : >"$out/t-rss"
  for r in $(seq "$rounds"); do
    "$cli" bench "$@" --steps "$steps" --warmup 2 --threads 2 >"$out/c.txt"
    $py bench/torch_net.py "$@" --steps "$steps" --warmup 2 --threads 2 >"$out/t.txt"
    field "$out/c.txt" "images/s" >>"$out/c-ips"
    field "$out/t.txt" "images/s" >>"$out/t-ips"
    field "$out/c.txt" "peak RSS" >>"$out/c-rss"
    field "$out/t.txt" "peak RSS" >>"$out/t-rss"
  done
  for f in parameters "FLOPs per step"; do
    a=$(field "$out/c.txt" "$f"); b=$(field "$out/t.txt" "$f")
    if [ "$a" != "$b" ]; then
      echo "$name: $f differ: CariLab $a, PyTorch $b — the networks are not the same" >&2
      exit 1
    fi
  done
  ci=$(median <"$out/c-ips"); ti=$(median <"$out/t-ips")
  cr=$(median <"$out/c-rss"); tr=$(median <"$out/t-rss")
  printf '%-7s params %-9s FLOPs/step %-11s | images/s CariLab %7.2f PyTorch %7.2f ratio %.2f | peak RSS MiB CariLab %7.1f PyTorch %7.1f\n' \
    "$name" "$(field "$out/c.txt" parameters)" "$(field "$out/c.txt" "FLOPs per step")" \
    "$ci" "$ti" "$(echo "$ci $ti" | awk '{print $1 / $2}')" "$cr" "$tr"
}

echo "medians of $rounds alternating runs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) cores"
run_config paper 4 --preset paper --caricatures 30 --photos 30 --input-size 160
run_config demo 20 --preset demo
