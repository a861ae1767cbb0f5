#!/bin/sh
# tsne-vs-sklearn.sh [BUILDDIR] — `carilab-cli tsne` against scikit-learn's Barnes–Hut TSNE on
# the same vectors (a Gaussian mixture of 50 identities in 128-D, shaped like face embeddings),
# same thread count, same settings (perplexity, PCA start, angle 0.5, 1000 iterations, learning
# rate 'auto'). Both layouts are scored with one function, cari_tsne_kl (`carilab-cli tsne
# --score-layout`): the exact KL(P‖Q) with P from all 128 dimensions.
#
# Environment: SIZES (default "1000 5000 20000"), PERPLEXITY (30), THREADS (2), SEED (1),
# RUNS_<N> (runs per size, median taken; default 5 below 5000 points, 3 below 20000, else 1),
# OURS_ARGS (extra options for carilab-cli tsne, e.g. "--pca-dims 50").
# Needs Debian's python3-sklearn (run with /usr/bin/python3).
set -eu
build=${1:-_build}
sizes=${SIZES:-"1000 5000 20000"}
perplexity=${PERPLEXITY:-30}
threads=${THREADS:-2}
seed=${SEED:-1}
ours_args=${OURS_ARGS:-}
here=$(cd "$(dirname "$0")" && pwd)
cli=$build/src/cli/carilab-cli
py=/usr/bin/python3
[ -x "$cli" ] || { echo "no $cli: build first (meson compile -C $build)" >&2; exit 1; }
if ! $py -c 'import sklearn' 2>/dev/null; then
  echo "needs python3-sklearn (apt-get install python3-sklearn)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Both sides size their thread pools from these at start-up.
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

median () {
  sort -g | awk '{ v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now () {
  date +%s.%N
}

echo "# carilab-cli tsne vs scikit-learn $($py -c 'import sklearn; print(sklearn.__version__)')," \
  "perplexity $perplexity, $threads threads, seed $seed${ours_args:+, ours with $ours_args}"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "# $cpu, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| N | ours (s) | sklearn (s) | sklearn / ours | KL ours | KL sklearn | KL ours / sklearn |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
: >"$tmp/growth"
for n in $sizes; do
  runs=$(eval echo "\${RUNS_$n:-}")
  if [ -z "$runs" ]; then
    if [ "$n" -lt 5000 ]; then runs=5; elif [ "$n" -lt 20000 ]; then runs=3; else runs=1; fi
  fi
  $py "$here/tsne_sklearn.py" generate "$n" 128 50 "$seed" "$tmp/v.tsv" "$tmp/m.tsv"
  : >"$tmp/ours" && : >"$tmp/theirs"
  r=0
  while [ $r -lt "$runs" ]; do
    t0=$(now)
    # shellcheck disable=SC2086 # word splitting of OURS_ARGS is intended
    "$cli" tsne --vectors "$tmp/v.tsv" --metadata "$tmp/m.tsv" --perplexity "$perplexity" \
      --seed "$seed" --threads "$threads" $ours_args --output "$tmp/ours.tsv" 2>"$tmp/ours.log"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$tmp/ours"
    # The sklearn figure is fit_transform alone (no TSV parsing), ours the whole command.
    $py "$here/tsne_sklearn.py" run "$tmp/v.tsv" "$tmp/theirs.tsv" "$perplexity" "$seed" \
      "$threads" | cut -d' ' -f1 >>"$tmp/theirs"
    r=$((r + 1))
  done
  ours=$(median <"$tmp/ours")
  theirs=$(median <"$tmp/theirs")
  score="$cli tsne --vectors $tmp/v.tsv --perplexity $perplexity --score-layout"
  kl_ours=$($score "$tmp/ours.tsv")
  kl_theirs=$($score "$tmp/theirs.tsv")
  awk -v n="$n" -v o="$ours" -v s="$theirs" -v ko="$kl_ours" -v ks="$kl_theirs" 'BEGIN {
    printf "| %d | %.2f | %.2f | %.2f | %.4f | %.4f | %.4f |\n", n, o, s, s / o, ko, ks, ko / ks }'
  echo "$n $ours $theirs" >>"$tmp/growth"
done
# Growth: time ∝ N^e between consecutive sizes (2 = quadratic).
awk 'NR > 1 { printf "# growth %d → %d: ours N^%.2f, sklearn N^%.2f\n", n, $1,
                log($2 / o) / log($1 / n), log($3 / s) / log($1 / n) }
     { n = $1; o = $2; s = $3 }' "$tmp/growth"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
