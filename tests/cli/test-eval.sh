#!/bin/sh
# test-eval.sh — `carilab-cli eval` end to end on a tiny SynCari: train a few steps, evaluate
# every protocol, check the tables, the stored evaluations and pair scores, the CSV and LaTeX
# exports and the errors; then `eval-scores` with --roc and --db.
# Usage: test-eval.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
db="$tmp/runs.db"
. "$(dirname "$0")/tap.sh"

"$cli" generate --tiny --out "$tmp/tiny" >"$tmp/log" 2>&1
ok $? "generate a tiny SynCari" || show "$tmp/log"
"$cli" import --db "$db" --kind webcaricature --root "$tmp/tiny" --name tiny >"$tmp/log" 2>&1
ok $? "import it" || show "$tmp/log"
"$cli" train --db "$db" --dataset tiny --name r1 --set model.preset=demo \
  --set schedule.steps=6 --set schedule.checkpoint_every=3 --set schedule.eval_every=0 \
  >"$tmp/log" 2>&1
ok $? "train six steps" || show "$tmp/log"

"$cli" eval --db "$db" --run r1 --errors 2 >"$tmp/out" 2>"$tmp/err"
st=$?
grep -q "^Table 2: " "$tmp/out" && grep -q "^Table 3: .*webcari.restricted" "$tmp/out" \
  && grep -q "^Table 3: .*webcari.unrestricted" "$tmp/out" && grep -q "^Table 4: " "$tmp/out" \
  && grep -q "^Table 5: " "$tmp/out" && grep -q "^r1 " "$tmp/out" \
  && grep -q "false positives" "$tmp/out"
ok $(( st + $? )) "eval prints Tables 2-5 and the error pairs" || { show "$tmp/out"; show "$tmp/err"; }
saved=$(grep -c "saved as evaluation" "$tmp/err")
[ "$saved" -eq 4 ]
ok $? "eval saves one evaluation per protocol (got $saved)" || show "$tmp/err"

if command -v sqlite3 >/dev/null; then
  pairs=$(sqlite3 "$db" "SELECT count(*) FROM eval_scores s JOIN evaluations e ON e.id = s.evaluation_id WHERE e.protocol = 'webcari.restricted' AND s.a_image IS NOT NULL AND s.fold BETWEEN 0 AND 9")
  want=$(sqlite3 "$db" "SELECT count(*) FROM protocol_pairs WHERE protocol = 'webcari.restricted' AND fold = 1")
  [ "$pairs" -gt 0 ] && [ "$pairs" -eq "$want" ]
  ok $? "every pair of the fold is stored with its images and fold ($pairs of $want)"
  step=$(sqlite3 "$db" "SELECT DISTINCT step FROM evaluations")
  [ "$step" = 6 ]
  ok $? "the evaluations are linked to the latest checkpoint step ($step)"
fi

"$cli" eval --db "$db" --run r1 --step 3 --protocol webcari.c2p --format csv --no-save \
  >"$tmp/out" 2>"$tmp/err"
st=$?
head -1 "$tmp/out" | grep -q "^Method,Rank-1 (%),Rank-1 (%) std,Rank-10 (%),Rank-10 (%) std" \
  && grep -q "^r1,[0-9.]*,,[0-9.]*," "$tmp/out" && ! grep -q "saved as" "$tmp/err"
ok $(( st + $? )) "eval --format csv at step 3, one protocol, not saved" || { show "$tmp/out"; show "$tmp/err"; }
"$cli" eval --db "$db" --run r1 --protocol webcari.p2c --format latex --no-save >"$tmp/out" 2>&1
grep -q '\\begin{tabular}{lcc}' "$tmp/out" && grep -q '^r1 & \$[0-9.]*\$ & ' "$tmp/out"
ok $? "eval --format latex" || show "$tmp/out"

"$cli" eval --db "$db" --run r1 --step 4 --no-save >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no checkpoint at step 4" "$tmp/err"
ok $? "a step without checkpoint is named" || show "$tmp/err"
"$cli" eval --db "$db" --run r1 --fold 12 --protocol webcari.restricted --no-save >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no fold 12" "$tmp/err"
ok $? "a missing fold is named" || show "$tmp/err"
"$cli" eval --db "$db" --run r1 --protocol lfw >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "Unknown protocol" "$tmp/err"
ok $? "an unknown protocol is a usage error" || show "$tmp/err"
"$cli" eval --db "$db" --run nobody >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "nobody" "$tmp/err"
ok $? "an unknown run is named" || show "$tmp/err"

printf '1 0.9\n0 0.1\n1 0.8\n0 0.2\n1 0.7\n0 0.3\n1 0.35\n0 0.4\n' >"$tmp/s.txt"
"$cli" eval-scores --scores "$tmp/s.txt" --folds 2 --roc "$tmp/roc.csv" --db "$db" \
  >"$tmp/out" 2>"$tmp/err"
st=$?
# 4 genuine, 4 impostor; one impostor (0.4) above one genuine (0.35): AUC 15/16.
grep -q "AUC, all pairs  0.937500" "$tmp/out" && head -1 "$tmp/roc.csv" | grep -q "^threshold,far,tar,frr$" \
  && [ "$(wc -l <"$tmp/roc.csv")" -eq 10 ] && grep -q "Saved as evaluation" "$tmp/err"
ok $(( st + $? )) "eval-scores: AUC over all pairs, ROC/DET file, saved" || { show "$tmp/out"; show "$tmp/err"; }
printf '1 0.9\n0 nan\n' >"$tmp/nan.txt"
"$cli" eval-scores --scores "$tmp/nan.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "nan.txt, line 2" "$tmp/err"
ok $? "eval-scores names a NaN score's line" || show "$tmp/err"
printf '1 0.9\n1 0.8\n0 0.1\n0 0.2\n1 0.7\n1 0.6\n' >"$tmp/one.txt"
printf '1 0.9 1\n1 0.8 1\n0 0.1 2\n0 0.2 2\n' >"$tmp/oneclass.txt"
"$cli" eval-scores --scores "$tmp/oneclass.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "Fold 1 has only same-person pairs" "$tmp/err"
ok $? "eval-scores names a fold with one class" || show "$tmp/err"

echo "1..$n"
exit $fail
