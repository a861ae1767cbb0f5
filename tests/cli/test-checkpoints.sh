#!/bin/sh
# test-checkpoints.sh — a run's checkpoints from the CLI: `checkpoints` lists them, `--verify`
# reads each and fails on a damaged one, and `resume` goes on from the newest that loads (saying
# which), or fails naming every file when none does. Usage: test-checkpoints.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
db="$tmp/runs.db"
dir="$tmp/runs.db.runs/1"
. "$(dirname "$0")/tap.sh"

# One byte of FILE, at the middle, replaced.
damage () {
  size=$(wc -c <"$1")
  printf '\377' | dd of="$1" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
}

tiny="--dataset toy --set model.input_size=75 --set model.width=0.0625 \
  --set model.embedding_size=8 --set batch.caricatures=4 --set batch.photos=4 \
  --set schedule.steps=12 --set schedule.checkpoint_every=4"
# shellcheck disable=SC2086
check "train a run with three checkpoints" 0 "finished at step 12" - -- \
  train --db "$db" --name ck $tiny

check "checkpoints help" 0 "--verify" - -- checkpoints --help
check "checkpoints is listed" 0 "checkpoints " - -- --help
check "checkpoints needs --run" 2 - "give the run with --run" -- checkpoints --db "$db"
check "checkpoints names an unknown run" 1 - "No run .nope." -- \
  checkpoints --db "$db" --run nope
check "the list names each file, newest first" 0 \
  "^ *12 .*[0-9a-f]\{8\}  .*step-00000012.ckpt\$" - -- checkpoints --db "$db" --run ck
sed -n 2p "$tmp/out" | grep -q "step-00000012.ckpt"
ok $? "the newest is listed first"
check "sound checkpoints verify" 0 "step-00000004.ckpt  ok\$" - -- \
  checkpoints --db "$db" --run ck --verify
[ "$(grep -c '  ok$' "$tmp/out")" -eq 3 ]
ok $? "all three are ok"

damage "$dir/step-00000012.ckpt"
check "a damaged checkpoint fails verification" 1 "step-00000012.ckpt  unusable\$" \
  "step-00000012.ckpt.* is damaged" -- checkpoints --db "$db" --run ck --verify
grep -q "step-00000008.ckpt  ok\$" "$tmp/out"
ok $? "the others are still ok"
grep -q "cannot be used: 1 of 3" "$tmp/err"
ok $? "verification counts the bad ones"

# A temporary file a killed write left, then a resume: it falls back to step 8 and says so.
printf 'half' >"$dir/step-00000012.ckpt.tmp-AbCd12"
check "resume falls back to the newest checkpoint that loads" 0 "finished at step 12" \
  "goes on from its checkpoint at step 8 .*step-00000012.ckpt.* is damaged" -- \
  resume --db "$db" --run ck
[ ! -e "$dir/step-00000012.ckpt.tmp-AbCd12" ]
ok $? "the temporary file is gone"
check "the resumed run wrote step 12 again" 0 - - -- checkpoints --db "$db" --run ck --verify

damage "$dir/step-00000012.ckpt"
damage "$dir/step-00000008.ckpt"
rm "$dir/step-00000004.ckpt"
check "resume fails when no checkpoint loads, naming each" 1 - \
  "none of its 3 checkpoints loads: .*step-00000012.ckpt.*step-00000008.ckpt.*step-00000004.ckpt" \
  -- resume --db "$db" --run ck
check "and verification names the missing file" 1 "step-00000004.ckpt  unusable\$" \
  "Cannot read checkpoint .*step-00000004.ckpt" -- checkpoints --db "$db" --run ck --verify
echo "1..$n"
exit $fail
