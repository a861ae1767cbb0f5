#!/bin/sh
# busy-store.sh [CLI] [PAIRS] — a long writer beside a training run on one store: while
# `carilab-cli train` (600 steps, tiny SynCari, metrics flushed every 5 steps) runs,
# `carilab-cli eval-scores --db` records PAIRS pair scores (default 3,000,000) in the same store.
# Reports whether the run finished, how many of its steps' rows are stored, any lock notice it
# printed, and the writer's time. Run it with two builds' carilab-cli to compare them.
set -u
cli=${1:-_build/src/cli/carilab-cli}
pairs=${2:-3000000}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CARILAB_SYNCARI_TINY=1 XDG_CACHE_HOME="$tmp/cache"
"$py" - "$tmp/pairs.txt" "$pairs" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    for _ in range(int(sys.argv[2])):
        y = random.randint(0, 1)
        f.write("%d %.6f\n" % (y, random.gauss(y, 1)))
PY
db=$tmp/c.db
"$cli" train --db "$db" --set schedule.steps=1 --name warm >/dev/null 2>&1
"$cli" train --db "$db" --set schedule.steps=600 --set schedule.flush_every=5 --name busy \
  >"$tmp/train.out" 2>"$tmp/train.err" &
tp=$!
sleep 5
t0=$(date +%s.%N)
"$cli" eval-scores --scores "$tmp/pairs.txt" --db "$db" >/dev/null 2>"$tmp/eval.err"
t1=$(date +%s.%N)
wait $tp
rc=$?
q () { "$py" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$db" "$1"; }
echo "writer: $pairs pair scores in $(echo "$t1 - $t0" | bc) s"
echo "training run: exit $rc, status $(q "SELECT status FROM runs WHERE name = 'busy'"), $(q "SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.name = 'busy' AND m.key = 'loss/total'") of 600 steps stored"
grep -i "locked\|again" "$tmp/train.err" | sed 's/^/training run said: /'
