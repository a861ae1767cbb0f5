#!/bin/sh
# test-experiment.sh CLI — `carilab-cli experiment` end to end on a tiny SynCari and a tiny fig6
# grid (a pretraining, proposed and naive over two seeds): --dry-run lists the runs and creates
# nothing; run, list and show (text, CSV, LaTeX); the errors; then the same experiment in a second
# database killed with SIGKILL once a grid run is finished, resumed, stopped with Ctrl-C, resumed
# again: nothing finished runs twice, and its tables equal the uninterrupted ones byte for byte.
set -u
cli=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
. "$(dirname "$0")/tap.sh"
a=$tmp/a.db
b=$tmp/b.db
grid="--preset fig6 --seeds 2 --secondary-seeds 1 --steps 24 --pretrain-steps 6
  --set dataset=tiny --set pretrain_dataset=tiny --set batch=4"

"$cli" generate --tiny --out "$tmp/tiny" >"$tmp/log" 2>&1
ok $? "generate a tiny SynCari" || show "$tmp/log"
for db in "$a" "$b"; do
  "$cli" import --db "$db" --kind webcaricature --root "$tmp/tiny" --name tiny >"$tmp/log" 2>&1
  ok $? "import it into $(basename "$db")" || show "$tmp/log"
done
have_sqlite=0
command -v sqlite3 >/dev/null && have_sqlite=1
q () { sqlite3 -batch -noheader "$1" "$2"; }

# --dry-run: the definition, what is held fixed, the five runs and an ETA; nothing created.
check "--dry-run lists the runs" 0 "^4 *fig6/fig6/naive/seed-2 *fig6/naive *2$" - -- \
  experiment run --db "$a" $grid --dry-run
planned=$(grep -c "^[0-9][0-9]* *fig6/" "$tmp/out")
grep -q "^5 runs; estimated time [0-9:]*, a default guess" "$tmp/out" \
  && grep -q "^Held fixed across the grid: the shared pretraining (6 steps on tiny)" "$tmp/out" \
  && grep -q "^0 *fig6/pretrain *pretrain" "$tmp/out" && [ "$planned" -eq 5 ]
ok $? "--dry-run says what is held fixed, counts 5 runs ($planned listed) and gives an ETA" \
  || show "$tmp/out"
if [ $have_sqlite -eq 1 ]; then
  made=$(q "$a" "SELECT (SELECT count(*) FROM experiments) + (SELECT count(*) FROM runs)")
  [ "$made" -eq 0 ]
  ok $? "--dry-run creates no experiment and no run ($made rows)"
fi

# Usage errors (2) and failures (1), each naming what is at fault.
check "an unknown preset is named" 2 - "nope" -- experiment run --db "$a" --preset nope
check "an unknown key is named" 2 - "colour" -- experiment run --db "$a" --preset fig6 \
  --set colour=red
check "a bad value names its key" 2 - "seeds" -- experiment run --db "$a" --preset fig6 \
  --seeds many
check "--set without = is refused" 2 - "KEY=VALUE" -- experiment run --db "$a" --preset fig6 \
  --set seeds
check "no subcommand" 2 - "run|resume|list|show" -- experiment
check "an unknown subcommand is named" 2 - "frobnicate" -- experiment frobnicate
check "show needs an experiment" 2 - "give one experiment" -- experiment show --db "$a"
check "show: an unknown experiment is named" 1 - "nobody" -- experiment show --db "$a" nobody
check "resume: an unknown experiment is named" 1 - "nobody" -- experiment resume --db "$a" nobody

# The whole experiment, piped: plain lines, at most one per tenth of a run.
LC_ALL=C "$cli" experiment run --db "$a" $grid >"$tmp/a.out" 2>"$tmp/a.err"
st=$?
grep -q "^Table" "$tmp/a.out" && grep -q "^\* primary: " "$tmp/a.out" \
  && grep -q "4 of the grid's 4 runs finished and evaluated" "$tmp/a.out" \
  && grep -q "^\[1/5\] fig6/pretrain (pretrain, seed " "$tmp/a.err" \
  && grep -q "^\[5/5\] fig6/fig6/naive/seed-2: evaluated" "$tmp/a.err"
ok $(( st + $? )) "run: the experiment finishes with its tables and claims" \
  || { show "$tmp/a.out"; show "$tmp/a.err"; }
most=$(grep ": step [0-9]*/24," "$tmp/a.err" | sed 's/:.*//' | sort | uniq -c \
  | awk '$1 > m { m = $1 } END { print m + 0 }')
! grep -q "$(printf '\r')" "$tmp/a.err" && [ "$most" -le 10 ] \
  && grep -q "^\[2/5\] fig6/.*: step 24/24, [0-9]* images/s, experiment ETA " "$tmp/a.err"
ok $? "piped progress: no carriage return, at most 10 step lines a run (most: $most)" \
  || show "$tmp/a.err"

check "run: a name taken is named" 1 - "fig6" -- experiment run --db "$a" $grid --name fig6
check "list: one line with finished/total and failed" 0 "^1 *fig6 *fig6 *5/5 *0$" - -- \
  experiment list --db "$a"
check "show: tables, claims, how many runs, what is fixed" 0 "unit of replication" - -- \
  experiment show --db "$a" fig6
grep -q "^Table 2: " "$tmp/out" && grep -q "^Fig. 6: " "$tmp/out" \
  && grep -q "^proposed (n=2) " "$tmp/out" && grep -q "^naive (n=2) " "$tmp/out" \
  && grep -q "^\* primary: " "$tmp/out" \
  && grep -q "Holm-adjusted p [0-9.–]*: \(holds\|does not hold\|inconclusive\)$" "$tmp/out"
ok $? "show: Table 2 and Fig. 6 over two seeds, the claims with intervals, p and verdicts" \
  || show "$tmp/out"
cmp -s "$tmp/out" "$tmp/a.out"
ok $? "run printed what show prints" || diff "$tmp/a.out" "$tmp/out" | head -5 | show

LC_ALL=C "$cli" experiment show --db "$a" --format csv fig6 >"$tmp/a.csv" 2>"$tmp/err"
st=$?
# Blank-line separated tables, each row with as many fields as its header.
awk 'BEGIN { bad = 0; tables = 0 }
  { sub(/\r$/, ""); line = $0; gsub(/"[^"]*"/, "x", line) }
  line == "" { fields = 0; next }
  fields == 0 { fields = split(line, f, ","); tables++; if (f[1] != "Method") bad = 1; next }
  { if (split(line, f, ",") != fields) bad = 1 }
  END { exit bad || tables < 2 }' "$tmp/a.csv" \
  && grep -q "^primary (\(holds\|does not hold\|inconclusive\)),[-0-9.]*,,[-0-9.]*," "$tmp/a.csv"
ok $(( st + $? )) "show --format csv parses: tables and the claims table" || show "$tmp/a.csv"
check "show --format latex" 0 "begin{tabular}" - -- experiment show --db "$a" --format latex fig6
check "show --format: an unknown one is named" 2 - "pdf" -- \
  experiment show --db "$a" --format pdf fig6

if [ $have_sqlite -eq 1 ]; then
  finished="SELECT r.id, r.finished_at, (SELECT count(*) FROM metrics m WHERE m.run_id = r.id)
    FROM runs r WHERE r.status = 'finished' ORDER BY r.id"
  q "$a" "$finished" >"$tmp/a.before"
  check "resume of a finished experiment runs nothing" 0 "4 of the grid's 4 runs" "trained 0 runs" -- \
    experiment resume --db "$a" fig6
  q "$a" "$finished" | cmp -s - "$tmp/a.before"
  ok $? "and leaves its runs as they were"
fi

if [ $have_sqlite -eq 0 ]; then
  echo "# skipped the kill-and-resume part: it polls the database with sqlite3, not installed"
else
  # B: the same experiment killed once a grid run (not only the pretraining) is finished.
  grid_done="SELECT count(*) FROM experiment_runs e JOIN runs r ON r.id = e.run_id
    WHERE e.cell <> 'pretrain' AND r.status = 'finished'"
  "$cli" experiment run --db "$b" $grid >"$tmp/b.out" 2>"$tmp/b.err" &
  pid=$!
  i=0
  while [ "$(q "$b" "$grid_done" 2>/dev/null || echo 0)" -lt 1 ] && [ $i -lt 3000 ] \
        && kill -0 $pid 2>/dev/null; do
    sleep 0.02; i=$((i + 1))
  done
  kill -9 $pid 2>/dev/null
  ok $? "SIGKILL once a grid run is finished" || show "$tmp/b.err"
  wait $pid 2>/dev/null
  pid=
  [ "$(q "$b" 'PRAGMA integrity_check')" = ok ]
  ok $? "integrity_check is ok"
  q "$b" "$finished" >"$tmp/b.before"
  pretrain=$(q "$b" "SELECT run_id FROM experiment_runs WHERE cell = 'pretrain'")
  grep -q "^$pretrain|" "$tmp/b.before" && [ "$(wc -l <"$tmp/b.before")" -ge 2 ]
  ok $? "the pretraining and a grid run were finished at the kill ($(wc -l <"$tmp/b.before") runs)"

  # Resumed, stopped with Ctrl-C while it trains a run, resumed to the end.
  "$cli" experiment resume --db "$b" fig6 >"$tmp/c.out" 2>"$tmp/c.err" &
  pid=$!
  i=0
  while ! grep -q ": step [0-9]*/24," "$tmp/c.err" && [ $i -lt 3000 ] \
        && kill -0 $pid 2>/dev/null; do
    sleep 0.01; i=$((i + 1))
  done
  kill -INT $pid 2>/dev/null
  wait $pid
  got=$?
  pid=
  stopped=$(q "$b" "SELECT name FROM runs WHERE status = 'cancelled'")
  [ $got -eq 1 ] && grep -q "experiment resume fig6" "$tmp/c.out" && [ -n "$stopped" ]
  ok $? "Ctrl-C stops the run it trains ($stopped) and the experiment, saying how to go on" \
    || { show "$tmp/c.out"; show "$tmp/c.err"; }
  LC_ALL=C "$cli" experiment resume --db "$b" fig6 >"$tmp/d.out" 2>"$tmp/d.err"
  ok $? "resume finishes the experiment" || show "$tmp/d.err"
  q "$b" "$finished" | grep -F -x -f "$tmp/b.before" | cmp -s - "$tmp/b.before"
  ok $? "the pretraining and the runs finished before the kill were not run again"
  LC_ALL=C "$cli" experiment show --db "$b" --format csv fig6 >"$tmp/b.csv" 2>/dev/null
  [ -s "$tmp/b.csv" ] && cmp -s "$tmp/a.csv" "$tmp/b.csv"
  ok $? "killed and resumed, its tables equal the uninterrupted ones byte for byte" \
    || diff "$tmp/a.csv" "$tmp/b.csv" | head -10 | show
fi

echo "1..$n"
exit $fail
