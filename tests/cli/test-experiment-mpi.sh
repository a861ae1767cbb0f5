#!/bin/sh
# test-experiment-mpi.sh CLI — a distributed experiment: the tiny fig6 grid of test-experiment.sh
# run by `mpirun -np 2 carilab-cli experiment run` (one BLAS thread a rank) prints the same tables
# as the same experiment run in one process, byte for byte, with the runs of both ranks in the
# main database and no rank store left; then killed with SIGKILL once rank 1 has finished a run
# in its own store, and resumed: that run is merged, not run again, and the tables are the same;
# and stopped (SIGTERM, as Ctrl-C on mpirun): both ranks' runs are checkpointed and merged.
# Skipped when carilab-cli is built without MPI or mpirun is missing.
set -u
cli=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
. "$(dirname "$0")/tap.sh"

if "$cli" info 2>/dev/null | grep -q "^MPI: not built in"; then
  echo "1..0 # SKIP carilab-cli is built without MPI (meson setup -Dmpi=enabled with Open MPI)"
  exit 0
fi
if ! command -v mpirun >/dev/null; then
  echo "1..0 # SKIP mpirun is not installed"
  exit 0
fi
# Two ranks on this machine: --oversubscribe where it has fewer than two cores, as root too,
# shared memory without single-copy (which containers often refuse).
mpi="mpirun -np 2 --oversubscribe --allow-run-as-root --mca btl_vader_single_copy_mechanism none"
grid="--preset fig6 --seeds 2 --secondary-seeds 1 --steps 24 --pretrain-steps 6
  --set dataset=tiny --set pretrain_dataset=tiny --set batch=4 --threads 1"
have_sqlite=0
command -v sqlite3 >/dev/null && have_sqlite=1
q () { sqlite3 -batch -noheader "$1" "$2"; }

check "info names the MPI library" 0 "^MPI: [A-Za-z].* (distributed experiments" - -- info
"$cli" generate --tiny --out "$tmp/tiny" >"$tmp/log" 2>&1
ok $? "generate a tiny SynCari" || show "$tmp/log"
for db in one two three; do
  "$cli" import --db "$tmp/$db.db" --kind webcaricature --root "$tmp/tiny" --name tiny \
    >"$tmp/log" 2>&1
  ok $? "import it into $db.db" || show "$tmp/log"
done

# One process, then two ranks.
"$cli" experiment run --db "$tmp/one.db" $grid >"$tmp/one.out" 2>"$tmp/one.err"
ok $? "one process: the experiment finishes" || show "$tmp/one.err"
$mpi "$cli" experiment run --db "$tmp/two.db" $grid >"$tmp/two.out" 2>"$tmp/two.err"
st=$?
grep -q "^This call trained 5 runs and evaluated 4; 5 of 5 runs are finished" "$tmp/two.err" \
  && grep -q "^\[1/5\] fig6/pretrain (pretrain, seed " "$tmp/two.err"
ok $(( st + $? )) "two ranks: the experiment finishes; rank 0 reports for both" \
  || { show "$tmp/two.out"; show "$tmp/two.err"; }
! grep -q "^\[3/5\]" "$tmp/two.err" && ! grep -q "^Rank 1" "$tmp/two.err"
ok $? "rank 0 prints its own runs only, and rank 1 prints nothing when all goes well" \
  || show "$tmp/two.err"
cmp -s "$tmp/one.out" "$tmp/two.out"
ok $? "it printed the tables and claims one process prints" \
  || diff "$tmp/one.out" "$tmp/two.out" | head -10 | show
for format in text csv; do
  "$cli" experiment show --db "$tmp/one.db" --format $format fig6 >"$tmp/one.$format" 2>&1
  "$cli" experiment show --db "$tmp/two.db" --format $format fig6 >"$tmp/two.$format" 2>&1
  [ -s "$tmp/two.$format" ] && cmp -s "$tmp/one.$format" "$tmp/two.$format"
  ok $? "show --format $format: the same tables byte for byte" \
    || diff "$tmp/one.$format" "$tmp/two.$format" | head -10 | show
done
left=$(ls "$tmp" | grep -c "\.rank")
[ "$left" -eq 0 ]
ok $? "no rank store left ($left files)"

if [ $have_sqlite -eq 0 ]; then
  echo "# skipped the database checks and the kill-and-resume part: they need sqlite3"
else
  grid_runs="FROM runs r JOIN experiment_runs e ON e.run_id = r.id WHERE e.cell <> 'pretrain'"
  owners=$(q "$tmp/two.db" "SELECT count(DISTINCT r.owner) $grid_runs AND r.status = 'finished'")
  done=$(q "$tmp/two.db" "SELECT count(*) $grid_runs AND e.evaluated_step IS NOT NULL")
  [ "$owners" -eq 2 ] && [ "$done" -eq 4 ]
  ok $? "the main database has the grid's 4 runs evaluated, executed by 2 processes ($owners)"
  q "$tmp/two.db" "SELECT path FROM checkpoints" >"$tmp/paths"
  bad=$(grep -v -c "^$tmp/two.db.runs/" "$tmp/paths")
  missing=$(while read -r f; do [ -f "$f" ] || echo "$f"; done <"$tmp/paths" | wc -l)
  [ "$bad" -eq 0 ] && [ "$missing" -eq 0 ] && [ -s "$tmp/paths" ]
  ok $? "every checkpoint is beside the main database, and there ($bad elsewhere, $missing missing)"

  # Killed once rank 1 has finished a grid run in its own store.
  rank1="$tmp/three.db.experiment1.rank1"
  $mpi "$cli" experiment run --db "$tmp/three.db" $grid >"$tmp/three.out" 2>"$tmp/three.err" &
  pid=$!
  i=0
  # (sqlite3 would create the file it is asked about: not before rank 0 has.)
  while [ "$( ([ -f "$rank1" ] && q "$rank1" "SELECT count(*) $grid_runs AND r.status = 'finished'") \
             2>/dev/null || echo 0)" -lt 1 ] && [ $i -lt 3000 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.02; i=$((i + 1))
  done
  # Each rank by its id, as its runs record it ("host:pid").
  ranks=$( (q "$tmp/three.db" "SELECT owner FROM runs WHERE owner IS NOT NULL";
            q "$rank1" "SELECT owner FROM runs WHERE owner IS NOT NULL") 2>/dev/null \
           | sed 's/.*://' | sort -u)
  kill -9 $ranks 2>/dev/null
  ok $? "SIGKILL to both ranks ($(echo $ranks)) once rank 1 finished a run" \
    || show "$tmp/three.err"
  wait $pid 2>/dev/null
  pid=
  # Until they are reaped (by init, not this shell) they read as alive, and hold their runs.
  for r in $ranks; do
    i=0
    while kill -0 "$r" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
  done
  q "$rank1" "SELECT r.name, r.finished_at $grid_runs AND r.status = 'finished'" \
    >"$tmp/rank1.finished"
  [ -s "$tmp/rank1.finished" ]
  ok $? "rank 1's store is left with its finished run ($(cut -d'|' -f1 "$tmp/rank1.finished"))"
  $mpi "$cli" experiment resume --db "$tmp/three.db" --threads 1 fig6 >"$tmp/resume.out" \
    2>"$tmp/resume.err"
  st=$?
  ok $st "resume with two ranks finishes the experiment"
  [ $st -eq 0 ] || show "$tmp/resume.err"
  q "$tmp/three.db" "SELECT r.name, r.finished_at $grid_runs AND r.status = 'finished'" \
    | grep -F -x -f "$tmp/rank1.finished" | cmp -s - "$tmp/rank1.finished"
  ok $? "the run rank 1 had finished was merged, not run again"
  left=$(ls "$tmp" | grep -c "\.rank")
  "$cli" experiment show --db "$tmp/three.db" --format csv fig6 >"$tmp/three.csv" 2>&1
  [ "$left" -eq 0 ] && cmp -s "$tmp/one.csv" "$tmp/three.csv"
  ok $? "no rank store left ($left files), and the tables equal one process's byte for byte" \
    || diff "$tmp/one.csv" "$tmp/three.csv" | head -10 | show

  # Stopped while both ranks train a grid run of a longer grid: SIGTERM to each rank, which is
  # what mpirun sends them on Ctrl-C (a second later, by default): each checkpoints its run and
  # stops, and rank 0 merges rank 1's store.
  "$cli" import --db "$tmp/four.db" --kind webcaricature --root "$tmp/tiny" --name tiny \
    >"$tmp/log" 2>&1
  rank1="$tmp/four.db.experiment1.rank1"
  # Running, and past a step (its metrics flushed): stopped before its first step, a run has
  # nothing to checkpoint.
  running="SELECT r.owner $grid_runs AND r.status = 'running'
           AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id)"
  $mpi "$cli" experiment run --db "$tmp/four.db" $grid --steps 2000 >"$tmp/four.out" \
    2>"$tmp/four.err" &
  pid=$!
  i=0
  ranks=
  while [ "$(echo $ranks | wc -w)" -lt 2 ] && [ $i -lt 3000 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.02; i=$((i + 1))
    ranks=$( (q "$tmp/four.db" "$running"; [ -f "$rank1" ] && q "$rank1" "$running") \
             2>/dev/null | sed 's/.*://' | sort -u)
  done
  kill -TERM $ranks 2>/dev/null
  wait $pid
  st=$?
  pid=
  cancelled=$(q "$tmp/four.db" "SELECT count(DISTINCT r.owner) $grid_runs AND r.status = 'cancelled'")
  beside=$(q "$tmp/four.db" "SELECT count(DISTINCT r.id) FROM checkpoints c JOIN runs r
    ON r.id = c.run_id WHERE r.status = 'cancelled' AND c.path LIKE '$tmp/four.db.runs/%'")
  left=$(ls "$tmp" | grep -c "four.*\.rank")
  [ $st -ne 0 ] && grep -q "experiment resume fig6" "$tmp/four.out" && [ "$cancelled" -eq 2 ] \
    && [ "$beside" -eq 2 ] && [ "$left" -eq 0 ]
  ok $? "stopped: both ranks' runs cancelled ($cancelled), checkpointed beside the main database ($beside), no rank store left ($left)" \
    || { show "$tmp/four.out"; show "$tmp/four.err"; }
fi

echo "1..$n"
exit $fail
