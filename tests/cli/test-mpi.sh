#!/bin/sh
# test-mpi.sh CLI MPIRUN — data-parallel training under mpirun on loopback, on a tiny SynCari:
# 2 ranks at the same global batch agree with one process over the first 20 steps (losses and
# task weights to 1e-4 relative), rank 0 alone records the run, a checkpoint written by 2 ranks
# resumes in 1 process and one written by 1 process resumes on 2 ranks (the steps after it agree
# with the uninterrupted runs), and a rank that fails stops the job with its rank and reason in
# the run's message.
set -u
cli=$1
mpirun=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
. "$(dirname "$0")/tap.sh"
q () { sqlite3 -batch -noheader "$1" "$2"; }

# Two ranks on loopback, one thread each. As root (CI), Open MPI wants to be told; in
# containers its single-copy transport may be refused.
mpi2 () {
  "$mpirun" -np 2 --oversubscribe --bind-to none --allow-run-as-root \
    --mca btl_vader_single_copy_mechanism none \
    -x LC_ALL -x XDG_CACHE_HOME -x XDG_DATA_HOME "$cli" "$@"
}

"$cli" generate --tiny --out "$tmp/tiny" >"$tmp/log" 2>&1
ok $? "generate a tiny SynCari" || show "$tmp/log"
"$cli" import --db "$tmp/a.db" --kind webcaricature --root "$tmp/tiny" --name tiny >"$tmp/log" 2>&1
ok $? "import it" || show "$tmp/log"
cp "$tmp/a.db" "$tmp/b.db"

# A small network at a small rate (at 0.01 any change of rounding, even the BLAS thread count,
# grows past 1e-4 within 20 steps on so tiny a network: docs/scaling.md).
run="--dataset tiny --set model.input_size=75 --set model.width=0.0625
  --set model.embedding_size=16 --set batch.caricatures=7 --set batch.photos=8
  --set optim.lr=0.0001 --set schedule.steps=20 --set schedule.checkpoint_every=10"

mpi2 train --db "$tmp/a.db" $run --name two >"$tmp/out" 2>"$tmp/err"
ok $? "2 ranks train 20 steps" || show "$tmp/out" "$tmp/err"
lines=$(grep -c "^Run 1 .*two.* on tiny" "$tmp/err")
[ "$lines" -eq 1 ] && grep -q "^Run 1 finished at step 20" "$tmp/out"
ok $? "rank 0 alone reports (1 start line, got $lines)" || show "$tmp/out" "$tmp/err"
"$cli" train --db "$tmp/a.db" $run --threads 1 --name one >"$tmp/log" 2>&1
ok $? "1 process trains the same 20 steps" || show "$tmp/log"

# The worst relative difference between two runs' losses and task weights over steps FROM..TO.
worst () {
  q "$1" "SELECT a.value, b.value FROM metrics a JOIN metrics b
          ON a.step = b.step AND a.key = b.key
          WHERE a.run_id = (SELECT id FROM runs WHERE name = '$2')
            AND b.run_id = (SELECT id FROM runs WHERE name = '$3')
            AND (a.key LIKE 'loss/%' OR a.key LIKE 'weight/%')
            AND a.step BETWEEN $4 AND $5" |
    awk -F'|' 'BEGIN { w = 0; n = 0 }
      { d = $1 - $2; if (d < 0) d = -d; m = $2 < 0 ? -$2 : $2; if (m < 1e-6) m = 1e-6;
        if (d / m > w) w = d / m; n++ }
      END { printf "%d %.3g\n", n, w }'
}
set -- $(worst "$tmp/a.db" two one 1 20)
awk -v n="$1" -v w="$2" 'BEGIN { exit !(n >= 20 * 7 && w < 1e-4) }'
ok $? "2 ranks and 1 process agree: $1 values over 20 steps, worst relative difference $2"
share=$(q "$tmp/a.db" "SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id
                        WHERE r.name = 'two' AND m.key = 'comm_share' AND m.value > 0
                        AND m.value < 1")
[ "$share" -eq 20 ]
ok $? "the 2-rank run records its communication share at every step ($share)"

# Checkpoints across group sizes: each run as if killed after its step-10 checkpoint (status
# interrupted, the later checkpoint forgotten), then resumed by the other kind.
cp "$tmp/a.db" "$tmp/c.db"
for name in two one; do
  q "$tmp/c.db" "UPDATE runs SET status = 'interrupted' WHERE name = '$name';
                 DELETE FROM checkpoints WHERE step = 20
                   AND run_id = (SELECT id FROM runs WHERE name = '$name');"
done
"$cli" resume --db "$tmp/c.db" --run two --threads 1 >"$tmp/log" 2>&1
grep -q "^Resuming run 1 .*two.* at step 10" "$tmp/log"
ok $? "a checkpoint of 2 ranks resumes in 1 process" || show "$tmp/log"
mpi2 resume --db "$tmp/c.db" --run one >"$tmp/log" 2>&1
grep -q "^Resuming run 2 .*one.* at step 10" "$tmp/log"
ok $? "a checkpoint of 1 process resumes on 2 ranks" || show "$tmp/log"
q "$tmp/c.db" "ATTACH '$tmp/a.db' AS a;
               UPDATE a.runs SET name = name || '-first';
               INSERT INTO runs (id, name, config, seed, status, created_at)
                 SELECT id + 100, name, config, seed, status, created_at FROM a.runs;
               INSERT INTO metrics (run_id, step, wall_time, key, value)
                 SELECT run_id + 100, step, wall_time, key, value FROM a.metrics;"
for name in two one; do
  set -- $(worst "$tmp/c.db" "$name" "$name-first" 11 20)
  awk -v n="$1" -v w="$2" 'BEGIN { exit !(n >= 10 * 7 && w < 1e-4) }'
  ok $? "run $name resumed across group sizes agrees after step 10 ($1 values, worst $2)"
done

# A rank that cannot prepare (its temporary folder is a file: ENOTDIR) stops the job; the run
# says which rank and why.
: >"$tmp/not-a-dir"
"$mpirun" -np 1 --oversubscribe --bind-to none --allow-run-as-root \
  --mca btl_vader_single_copy_mechanism none -x LC_ALL -x XDG_CACHE_HOME -x XDG_DATA_HOME \
  "$cli" train --db "$tmp/b.db" $run --name broken : \
  -np 1 env TMPDIR="$tmp/not-a-dir" "$cli" train --db "$tmp/b.db" $run --name broken \
  >"$tmp/out" 2>"$tmp/err"
st=$?
message=$(q "$tmp/b.db" "SELECT status || ': ' || message FROM runs WHERE name = 'broken'")
[ "$st" -ne 0 ] && echo "$message" | grep -q "^failed: Rank 1: .*not-a-dir"
ok $? "a failing rank stops the job (status $st): $message" || show "$tmp/err"

echo "1..$n"
exit $fail
