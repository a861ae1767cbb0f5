#!/bin/sh
# eval-time.sh BASE_BUILD [NEW_BUILD] [ROUNDS] [STEPS] — the whole evaluation of a demo run, two
# builds side by side.
#
# Trains one short demo run on SynCari with NEW_BUILD (STEPS steps, default 200, seed 1) into a
# temporary store, and then, ROUNDS times (default 5), times `carilab-cli eval --no-save` of
# that run on each of SynCari's protocols (webcari.restricted, webcari.unrestricted,
# webcari.c2p, webcari.p2c) and on all of them at once, with each build in turn, the order of
# the two builds swapped every round so that neither always runs first. Each evaluation starts
# from the checkpoint: embeddings, pair scores and the tables are all inside the time. Prints
# per protocol the median wall time and peak RSS of each build, and the median and range of the
# per-round ratio BASE / NEW (> 1: NEW is faster). Both builds must read the same checkpoint
# format; SynCari is generated into XDG_CACHE_HOME on first use, as usual. BLAS and the engine's
# threads: OPENBLAS_NUM_THREADS (default 2).
#
# Example, main's build against this tree's:
#   git worktree add /tmp/base main && meson setup /tmp/base/_build /tmp/base -Dui=false \
#     && ninja -C /tmp/base/_build src/cli/carilab-cli
#   bench/eval-time.sh /tmp/base/_build _build 5
set -eu
cd "$(dirname "$0")/.."
base=${1:?usage: eval-time.sh BASE_BUILD [NEW_BUILD] [ROUNDS] [STEPS]}
new=${2:-_build}
rounds=${3:-5}
steps=${4:-200}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
export LC_ALL=C
cli_a="$base/src/cli/carilab-cli"
cli_b="$new/src/cli/carilab-cli"
for c in "$cli_a" "$cli_b"; do
  [ -x "$c" ] || { echo "eval-time.sh: no $c" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/runs.db"
"$cli_b" train --db "$db" --dataset syncari --name evaltime --set run.seed=1 \
  --set schedule.steps="$steps" --set schedule.checkpoint_every="$steps" \
  --set schedule.eval_every="$steps" >"$tmp/train.log" 2>&1 \
  || { cat "$tmp/train.log" >&2; exit 1; }

protocols="webcari.restricted webcari.unrestricted webcari.c2p webcari.p2c all"
# One line per evaluation: protocol side round seconds peak-KiB
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
  for p in $protocols; do
    for side in $order; do
      if [ "$side" = a ]; then cli=$cli_a; else cli=$cli_b; fi
      /usr/bin/time -f "%e %M" -o "$tmp/time" "$cli" eval --db "$db" --run evaltime \
        --protocol "$p" --no-save >"$tmp/eval-$side-$p.txt" 2>&1 \
        || { cat "$tmp/eval-$side-$p.txt" >&2; exit 1; }
      echo "$p $side $r $(cat "$tmp/time")" >>"$tmp/times"
    done
  done
done

# The two builds' tables should agree (the embeddings may differ in their last bits only).
for p in $protocols; do
  grep -v "^Evaluated in" "$tmp/eval-a-$p.txt" >"$tmp/a.txt" || true
  grep -v "^Evaluated in" "$tmp/eval-b-$p.txt" >"$tmp/b.txt" || true
  if ! cmp -s "$tmp/a.txt" "$tmp/b.txt"; then
    echo "note: $p: the two builds' tables differ:" >&2
    diff "$tmp/a.txt" "$tmp/b.txt" | head -8 >&2 || true
  fi
done

echo "base: $base   new: $new   $rounds rounds, a demo run of $steps steps, $OPENBLAS_NUM_THREADS threads"
awk '
  function median(list, n,   i, j, t, a) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { t[$1, $2, $3] = $4; m[$1, $2] = m[$1, $2] " " $5; if (!($1 in seen)) { seen[$1] = 1; order[++np] = $1 } if ($3 > nr) nr = $3 }
  END {
    printf "%-22s %9s %9s %8s %15s %10s %10s\n", "protocol", "base s", "new s", "ratio", "ratio range", "base MiB", "new MiB"
    for (i = 1; i <= np; i++) {
      p = order[i]; la = lb = lr = ""; lo = 1e9; hi = 0
      for (r = 1; r <= nr; r++) {
        la = la " " t[p, "a", r]; lb = lb " " t[p, "b", r]
        q = t[p, "a", r] / t[p, "b", r]; lr = lr " " q
        if (q < lo) lo = q; if (q > hi) hi = q
      }
      printf "%-22s %9.2f %9.2f %7.2fx %7.2f-%-7.2f %10.0f %10.0f\n", p, median(la), median(lb),
        median(lr), lo, hi, median(m[p, "a"]) / 1024, median(m[p, "b"]) / 1024
    }
  }' "$tmp/times"
