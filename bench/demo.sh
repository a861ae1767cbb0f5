#!/bin/sh
# demo.sh [BUILD] — the workbench's naive-versus-proposed demo, end to end, as a user starts it:
# `carilab --demo` under Xvfb on a fresh database (SynCari from the usual cache, generated first
# if missing). Reports how long the three runs took from the click to the last step; how the two
# runs' stored configurations differ; the task weights of naive and proposed, averaged over the
# last 100 steps and over the whole run, at step 1 and their largest move between two steps in
# the first 50; and Tables 2–5 of both runs (`carilab-cli eval`).
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/runs.db"

xvfb-run -a -s '-screen 0 1280x800x24' env GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none \
  NO_AT_BRIDGE=1 GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory \
  XDG_DATA_HOME="$dir/data" sh -c "
  '$build/src/ui/carilab' --db '$db' --demo &
  pid=\$!
  while sleep 5; do
    done=\$(sqlite3 '$db' \"SELECT count(*) FROM runs WHERE status = 'finished'\" 2>/dev/null || echo 0)
    failed=\$(sqlite3 '$db' \"SELECT count(*) FROM runs WHERE status IN ('failed', 'diverged')\" 2>/dev/null || echo 0)
    [ \"\$done\" -ge 3 ] || [ \"\$failed\" -gt 0 ] && break
  done
  kill \$pid; wait \$pid 2>/dev/null || true"

sqlite3 -header -column "$db" "
  SELECT name, status, (SELECT max(step) FROM metrics WHERE run_id = runs.id) AS steps,
         printf('%.1f', finished_at - started_at) AS seconds, coalesce(message, '') AS message
  FROM runs ORDER BY id"
echo
sqlite3 "$db" "SELECT printf('demo from the click to the last step: %.1f s',
                 (SELECT max(finished_at) FROM runs) - (SELECT min(created_at) FROM runs))"
echo
for window in 'last 100 steps' 'whole run'; do
  echo "mean weights, $window:"
  cond="1"
  [ "$window" = 'last 100 steps' ] && cond="m.step > (SELECT max(step) FROM metrics WHERE run_id = r.id) - 100"
  sqlite3 -separator "  " "$db" "
    SELECT r.name,
      printf('verif %.3f', avg(CASE WHEN key = 'weight/verif' THEN value END)),
      printf('cari %.3f', avg(CASE WHEN key = 'weight/cari' THEN value END)),
      printf('visual %.3f', avg(CASE WHEN key = 'weight/visual' THEN value END))
    FROM metrics m JOIN runs r ON r.id = m.run_id
    WHERE r.name IN ('demo-naive', 'demo-proposed') AND $cond GROUP BY r.id ORDER BY r.id"
done
echo "how the two runs' stored configurations differ:"
sqlite3 "$db" "SELECT config FROM runs WHERE name = 'demo-naive'" >"$dir/naive.ini"
sqlite3 "$db" "SELECT config FROM runs WHERE name = 'demo-proposed'" >"$dir/proposed.ini"
diff "$dir/naive.ini" "$dir/proposed.ini" | sed 's/^/  /' || true
echo "weights at step 1, and the largest move between two consecutive steps up to step 50:"
sqlite3 -column "$db" "
  SELECT r.name, m.key,
         printf('%.3f', (SELECT value FROM metrics f WHERE f.run_id = r.id AND f.key = m.key
                                                         AND f.step = 1)) AS step_1,
         printf('%.4f', max(abs(m.value - p.value))) AS largest_move
  FROM metrics m JOIN runs r ON r.id = m.run_id
  JOIN metrics p ON p.run_id = m.run_id AND p.key = m.key AND p.step = m.step - 1
  WHERE r.name IN ('demo-naive', 'demo-proposed') AND m.key LIKE 'weight/%' AND m.step <= 50
  GROUP BY r.id, m.key ORDER BY r.id, m.key"
echo "weights in the first 50 steps (min–max):"
sqlite3 -column "$db" "
  SELECT r.name, key, printf('%.3f – %.3f', min(value), max(value))
  FROM metrics m JOIN runs r ON r.id = m.run_id
  WHERE r.name IN ('demo-naive', 'demo-proposed') AND key LIKE 'weight/%' AND step <= 50
  GROUP BY r.id, key ORDER BY r.id, key"
echo
"$build/src/cli/carilab-cli" eval --db "$db" --run demo-naive --run demo-proposed 2>/dev/null
