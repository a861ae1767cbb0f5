#!/bin/sh
# compare-torch.sh — CariLab against PyTorch on the same network, side by side.
#
#   bench/compare-torch.sh [BUILDDIR] [ROUNDS]
#
# For each instruction-set path, preset and mode it runs `carilab-cli bench` and
# bench/torch_net.py alternately ROUNDS times (default 3; which side goes first alternates from
# round to round), two threads each, and prints one table row: the median images/s of each side,
# the median of the per-round ratios CariLab / PyTorch with their range, the median peak RSS of
# each side and their ratio. Training rows check that both sides report the same parameter count
# and FLOPs per step. Needs Debian's python3-torch (/usr/bin/python3).
#
# Variables (space-separated lists):
#   PATHS    avx512 avx2 (default: both where the CPU has AVX-512, else avx2)
#            avx512: every library at its best for this CPU (OpenBLAS's own choice, oneDNN's);
#            avx2:   OPENBLAS_CORETYPE=Haswell, ONEDNN_MAX_CPU_ISA=AVX2 and
#                    ATEN_CPU_CAPABILITY=avx2 for PyTorch, CARI_ISA=avx2 for CariLab's own loops
#   PRESETS  paper demo (paper: 160 px, 30 + 30 images; demo: the preset's own batch)
#   MODES    train infer (infer: embedding extraction, eval mode without gradients)
#   RAW      a file that receives every run's figures (path preset mode round side images/s RSS)
# Before the rows, each path says what it runs: OpenBLAS's core and the engine's ISA as
# `carilab-cli bench` reports them, and the convolution kernels oneDNN ran for PyTorch (from
# ONEDNN_VERBOSE over one training step).
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
rounds=${2:-3}
cli="$build/src/cli/carilab-cli"
py=/usr/bin/python3
export LC_ALL=C OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
if grep -q avx512f /proc/cpuinfo; then default_paths="avx512 avx2"; else default_paths=avx2; fi
paths=${PATHS:-$default_paths}
presets=${PRESETS:-paper demo}
modes=${MODES:-train infer}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
raw=${RAW:-$out/raw}
: >"$raw"

if [ ! -x "$cli" ]; then
  echo "compare-torch.sh: $cli is not built (meson compile -C $build)" >&2
  exit 1
fi
if ! $py -c "import torch" 2>/dev/null; then
  echo "compare-torch.sh: $py cannot import torch (Debian: python3-torch)" >&2
  exit 1
fi

field () { sed -n "s|^$2: *||p" "$1" | head -1 | cut -d' ' -f1; }
median () { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
range () { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f–%.2f", lo, hi}'; }

# Runs "$@" with the environment of path $1.
with_path () {
  p=$1
  shift
  case $p in
    avx512) env -u OPENBLAS_CORETYPE -u ONEDNN_MAX_CPU_ISA -u ATEN_CPU_CAPABILITY -u CARI_ISA "$@" ;;
    avx2) env OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 \
            CARI_ISA=avx2 "$@" ;;
    *) echo "compare-torch.sh: unknown path $p (avx512 or avx2)" >&2; exit 1 ;;
  esac
}

preset_args () {
  case $1 in
    paper) echo "--preset paper --caricatures 30 --photos 30 --input-size 160" ;;
    demo) echo "--preset demo" ;;
    *) echo "--preset $1" ;;
  esac
}

# Steps per run: about two seconds of work on a 2-core machine.
preset_steps () {
  case $1:$2 in
    paper:train) echo 4 ;;
    paper:infer) echo 8 ;;
    *:train) echo 20 ;;
    *) echo 40 ;;
  esac
}

describe_path () {
  p=$1
  with_path "$p" "$cli" bench --preset demo --steps 1 --warmup 0 --threads 2 >"$out/d.txt"
  blas=$(sed -n 's|^BLAS: *||p' "$out/d.txt" | sed 's|.*(core \([^,]*\),.*|\1|')
  isa=$(sed -n 's|^engine ISA: *||p' "$out/d.txt")
  convs=$(with_path "$p" env ONEDNN_VERBOSE=1 $py bench/torch_net.py --preset demo --steps 1 \
            --warmup 0 --threads 2 2>/dev/null \
          | awk -F, '$2 == "exec" && $3 == "cpu" && $4 == "convolution" {n[$5]++}
                     END {for (k in n) printf "%s%s ×%d", (s++ ? ", " : ""), k, n[k]}')
  echo "path $p: CariLab OpenBLAS core ${blas:-?}, engine ISA ${isa:-(not reported)};" \
       "PyTorch convolutions by oneDNN: ${convs:-none seen}"
}

run_row () {
  p=$1 preset=$2 mode=$3
  steps=$(preset_steps "$preset" "$mode")
  # shellcheck disable=SC2046
  set -- $(preset_args "$preset")
  extra=
  [ "$mode" = infer ] && extra=--inference
  : >"$out/c-ips"; : >"$out/t-ips"; : >"$out/c-rss"; : >"$out/t-rss"; : >"$out/ratio"
  for r in $(seq "$rounds"); do
    for side in $(if [ $((r % 2)) = 1 ]; then echo c t; else echo t c; fi); do
      if [ "$side" = c ]; then
        with_path "$p" "$cli" bench "$@" $extra --steps "$steps" --warmup 2 --threads 2 >"$out/c.txt"
      else
        with_path "$p" $py bench/torch_net.py "$@" $extra --steps "$steps" --warmup 2 \
          --threads 2 >"$out/t.txt"
      fi
    done
    ci=$(field "$out/c.txt" "images/s"); ti=$(field "$out/t.txt" "images/s")
    cr=$(field "$out/c.txt" "peak RSS"); tr=$(field "$out/t.txt" "peak RSS")
    echo "$ci" >>"$out/c-ips"; echo "$ti" >>"$out/t-ips"
    echo "$cr" >>"$out/c-rss"; echo "$tr" >>"$out/t-rss"
    echo "$ci $ti" | awk '{print $1 / $2}' >>"$out/ratio"
    echo "$p $preset $mode $r CariLab $ci $cr" >>"$raw"
    echo "$p $preset $mode $r PyTorch $ti $tr" >>"$raw"
  done
  if [ "$mode" = train ]; then
    for f in parameters "FLOPs per step"; do
      a=$(field "$out/c.txt" "$f"); b=$(field "$out/t.txt" "$f")
      if [ "$a" != "$b" ]; then
        echo "$preset: $f differ: CariLab $a, PyTorch $b — the networks are not the same" >&2
        exit 1
      fi
    done
  fi
  cr=$(median <"$out/c-rss"); tr=$(median <"$out/t-rss")
  printf '| %s | %s | %s | %.2f | %.2f | %.2f (%s) | %.1f | %.1f | %.2f |\n' "$p" "$preset" \
    "$mode" "$(median <"$out/c-ips")" "$(median <"$out/t-ips")" "$(median <"$out/ratio")" \
    "$(range <"$out/ratio")" "$cr" "$tr" "$(echo "$cr $tr" | awk '{print $1 / $2}')"
}

rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then rev="$rev (modified)"; fi
echo "CariLab $rev, PyTorch $($py -c 'import torch; print(torch.__version__)');" \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores;" \
     "$rounds alternating rounds, 2 threads each"
for p in $paths; do describe_path "$p"; done
echo
echo "| path | preset | mode | CariLab images/s | PyTorch images/s | ratio per round (range) | CariLab peak RSS MiB | PyTorch peak RSS MiB | RSS ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
for p in $paths; do
  for preset in $presets; do
    for mode in $modes; do
      run_row "$p" "$preset" "$mode"
    done
  done
done
