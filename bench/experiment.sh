#!/bin/sh
# experiment.sh — an experiment preset end to end, measured: `carilab-cli experiment run` on
# SynCari (generated into the cache on first use), its wall time, each run's training and
# evaluation time read back from the store, the tables and claims (`experiment show`), the
# paired spread of the primary comparison and the seeds it needs for a ±3-point interval, and the
# report (`carilab-cli report`).
#
# Usage: bench/experiment.sh [BUILDDIR] [PRESET] [DB] [--set KEY=VALUE]…
#   BUILDDIR  default _build; PRESET default paper; DB default /tmp/carilab-experiment.db
# An interrupted measurement goes on with `carilab-cli experiment resume PRESET --db DB`; this
# script then only prints the figures. Needs sqlite3 and Debian's /usr/bin/python3.
set -eu
build=${1:-_build}
preset=${2:-paper}
db=${3:-/tmp/carilab-experiment.db}
[ $# -ge 3 ] && shift 3 || shift $#
cli="$build/src/cli/carilab-cli"
out=${db%.db}

if ! "$cli" experiment list --db "$db" 2>/dev/null | awk '{print $2}' | grep -qx "$preset"; then
  start=$(date +%s)
  "$cli" experiment run --db "$db" --preset "$preset" --name "$preset" "$@" \
    2>"$out.progress" >"$out.tables" || true
  echo "wall time: $(( $(date +%s) - start )) s (this call)"
else
  "$cli" experiment show --db "$db" "$preset" >"$out.tables"
fi
cat "$out.tables"

echo
echo "per run (seconds from start to finish, training and evaluation together):"
sqlite3 "$db" "SELECT p.cell, count(*), round(avg(r.finished_at - r.started_at), 1),
                      round(min(r.finished_at - r.started_at), 1),
                      round(max(r.finished_at - r.started_at), 1)
               FROM experiment_runs p JOIN runs r ON r.id = p.run_id
               WHERE r.status = 'finished' GROUP BY p.cell ORDER BY min(p.position)" |
  awk -F'|' '{ printf "  %-26s n=%-3s mean %6s  min %6s  max %6s\n", $1, $2, $3, $4, $5 }'
sqlite3 "$db" "SELECT round(min(r.started_at)), round(max(r.finished_at))
               FROM experiment_runs p JOIN runs r ON r.id = p.run_id
               JOIN experiments x ON x.id = p.experiment_id WHERE x.name = '$preset'" |
  awk -F'|' '{ printf "first start to last finish: %d s\n", $2 - $1 }'

# The primary pair's per-seed cari-id (the verification protocol's evaluation carries it), and
# the seeds a ±3-point 95 % interval of the paired difference needs at that spread.
sqlite3 "$db" "SELECT p.cell, p.seed, m.value FROM experiment_runs p
               JOIN experiments x ON x.id = p.experiment_id
               JOIN evaluations e ON e.run_id = p.run_id AND e.step = p.evaluated_step
               JOIN eval_metrics m ON m.evaluation_id = e.id AND m.name = 'cari_id'
               WHERE x.name = '$preset' AND e.protocol = 'webcari.restricted'
                 AND p.cell IN ('table2/proposed', 'table2/naive', 'fig6/proposed', 'fig6/naive')" \
  >"$out.primary"
/usr/bin/python3 - "$out.primary" <<'EOF'
import sys, collections
from scipy import stats
rows = [l.strip().split('|') for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(dict)
for cell, seed, v in rows:
    by[cell.split('/')[0]][(cell.split('/')[1], int(seed))] = float(v) * 100
for group, d in by.items():
    seeds = sorted({s for (_, s) in d if ('proposed', s) in d and ('naive', s) in d})
    diff = [d[('proposed', s)] - d[('naive', s)] for s in seeds]
    if len(diff) < 2:
        continue
    n = len(diff)
    mean = sum(diff) / n
    sd = (sum((x - mean) ** 2 for x in diff) / (n - 1)) ** 0.5
    half = stats.t.ppf(0.975, n - 1) * sd / n ** 0.5
    need = next(k for k in range(2, 1000) if stats.t.ppf(0.975, k - 1) * sd / k ** 0.5 <= 3.0)
    print(f"{group}: proposed - naive cari-id over {n} seeds: {mean:+.2f} ± {half:.2f} points "
          f"(paired sd {sd:.2f}); a ±3-point interval needs {need} seeds at this spread")
EOF

"$cli" report --db "$db" --experiment "$preset" --output "$out.pdf" 2>"$out.report.log" &&
  echo "report: $out.pdf ($(tail -1 "$out.report.log"))"
