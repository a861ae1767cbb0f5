#!/bin/sh
# test-train-kill.sh CLI — a `carilab-cli train` process killed with SIGKILL mid-run and resumed:
# the database passes PRAGMA integrity_check, no metric row up to the last checkpoint is lost,
# and every recorded value of the resumed run equals that of an uninterrupted run bitwise. Then
# a live run: a second resume is refused, Ctrl-C stops it as cancelled, and it resumes.
set -u
cli=$1
tmp=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
db=$tmp/runs.db
pid=
n=0
fail=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
bad () { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

set -- --db "$db" --dataset toy --set model.input_size=75 --set model.width=0.0625 \
  --set model.embedding_size=16 --set batch.caricatures=8 --set batch.photos=8 \
  --set schedule.steps=300 --set schedule.checkpoint_every=40 --set schedule.flush_every=5
cli_args="$*"

# A: uninterrupted.
if "$cli" train $cli_args --name whole >"$tmp/a.out" 2>"$tmp/a.err"; then ok "uninterrupted run"
else bad "uninterrupted run"; sed 's/^/# /' "$tmp/a.err"; fi

# B: the same run, killed after its second checkpoint (step 80), once metric rows past it are
# in the database too (they must be replaced on resume, not duplicated).
# past RUN: the run's last recorded step; wait_for RUN STEP: until it is past STEP (or its
# process $pid ended, or 24 s went by).
past () { sqlite3 -batch -noheader "$db" "SELECT coalesce(max(step), 0) FROM metrics WHERE run_id = $1;" 2>/dev/null || echo 0; }
wait_for () {
  i=0
  while [ "$(past "$1")" -lt "$2" ] && [ $i -lt 1200 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.02; i=$((i + 1))
  done
}
"$cli" train $cli_args --name killed >"$tmp/b.out" 2>"$tmp/b.err" &
pid=$!
wait_for 2 95
if kill -9 $pid 2>/dev/null; then ok "killed with SIGKILL mid-run (rows up to step $(past 2) recorded)"
else bad "the run ended before the kill"; fi
wait $pid 2>/dev/null
pid=

q () { sqlite3 -batch -noheader "$db" "$1"; }
[ "$(q 'PRAGMA integrity_check;')" = ok ] && ok "integrity_check is ok" || bad "integrity_check"

last=$(q "SELECT max(step) FROM checkpoints WHERE run_id = 2;")
rows () { q "SELECT step, key, value FROM metrics WHERE run_id = $1 AND key <> 'images_per_s' AND step <= $2 ORDER BY step, key;"; }
rows 1 "$last" >"$tmp/a.rows"
rows 2 "$last" >"$tmp/b.rows"
if [ -n "$last" ] && [ -s "$tmp/b.rows" ] && cmp -s "$tmp/a.rows" "$tmp/b.rows"; then
  ok "all $(wc -l <"$tmp/b.rows") metric rows up to the last checkpoint (step $last) kept"
else bad "metric rows up to the last checkpoint ($last)"; fi

if "$cli" resume --db "$db" --run killed >"$tmp/r.out" 2>"$tmp/r.err"; then ok "resumed"
else bad "resume"; sed 's/^/# /' "$tmp/r.err"; fi

rows 1 1000000 >"$tmp/a.all"
rows 2 1000000 >"$tmp/b.all"
if cmp -s "$tmp/a.all" "$tmp/b.all"; then
  ok "the resumed run equals the uninterrupted one bitwise ($(wc -l <"$tmp/a.all") values, final losses: $(grep '^300|loss/total' "$tmp/b.all"))"
else bad "resumed run differs"; diff "$tmp/a.all" "$tmp/b.all" | head -5 | sed 's/^/# /'; fi

[ "$(q 'PRAGMA integrity_check;')" = ok ] && ok "integrity_check after resume" || bad "integrity_check after resume"
[ "$(q "SELECT status FROM runs WHERE id = 2;")" = finished ] && ok "status finished" || bad "status"

# C: a second `resume` of a run that is alive is refused, naming the holder, and changes nothing;
# Ctrl-C stops the run, checkpointed, stored and reported as cancelled; then it resumes.
"$cli" train $cli_args --name stopped >"$tmp/c.out" 2>"$tmp/c.err" &
pid=$!
wait_for 3 20
"$cli" resume --db "$db" --run stopped >"$tmp/d.out" 2>"$tmp/d.err"
got=$?
if [ $got -eq 1 ] && grep -q "held by process [^ ]*:$pid of this machine" "$tmp/d.err"; then
  ok "a second resume of the live run is refused: $(cat "$tmp/d.err")"
else bad "second resume (status $got)"; sed 's/^/# /' "$tmp/d.err"; fi
kill -INT $pid 2>/dev/null
wait $pid
got=$?
pid=
status=$(q "SELECT status FROM runs WHERE id = 3;")
if [ $got -eq 1 ] && [ "$status" = cancelled ] && grep -q "(status cancelled) and checkpointed" "$tmp/c.out"; then
  ok "Ctrl-C: stored and reported as cancelled ($(cat "$tmp/c.out"))"
else bad "Ctrl-C (exit $got, status $status)"; sed 's/^/# /' "$tmp/c.out" "$tmp/c.err"; fi
if "$cli" resume --db "$db" --run stopped >"$tmp/e.out" 2>"$tmp/e.err" \
   && [ "$(q "SELECT status FROM runs WHERE id = 3;")" = finished ]; then
  ok "the stopped run resumes to the end"
else bad "resume after Ctrl-C"; sed 's/^/# /' "$tmp/e.err"; fi

echo "1..$n"
exit $fail
