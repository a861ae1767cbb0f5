#!/bin/sh
# test-plot.sh — `carilab-cli plot` end to end: two tiny toy runs (proposed and naive), their
# task weights and losses drawn from the store into PNG, SVG and PDF, and the errors.
# Usage: test-plot.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
db="$tmp/runs.db"
. "$(dirname "$0")/tap.sh"

tiny="--dataset toy --set model.input_size=75 --set model.width=0.0625 \
  --set model.embedding_size=16 --set batch.caricatures=8 --set batch.photos=8 \
  --set schedule.steps=12 --set schedule.flush_every=4"
# shellcheck disable=SC2086
check "train a tiny proposed run" 0 - - -- train --db "$db" --name prop $tiny
# shellcheck disable=SC2086
check "train a tiny naive run" 0 - - -- train --db "$db" --name naive $tiny \
  --set strategy.name=naive

check "plot help" 0 "--metric" - -- plot --help
check "plot is listed" 0 "plot " - -- --help
check "plot writes a PNG and prints its name" 0 "w.png" - -- \
  plot --db "$db" --run prop --output "$tmp/w.png" --width 640 --height 300
# The PNG's signature, then its IHDR: width 640 (0x280), height 300 (0x12c).
head -c 24 "$tmp/w.png" | od -A n -t x1 | tr -d ' \n' >"$tmp/head"
grep -q '^89504e470d0a1a0a0000000d49484452000002800000012c$' "$tmp/head"
ok $? "the PNG is 640 × 300" || sed 's/^/# /' "$tmp/head"

check "plot two runs' weights as SVG" 0 - - -- \
  plot --db "$db" --run prop --run 2 --output "$tmp/w.svg"
# The tasks' colours (Fig. 7: verif 1f77b4, cari 7f7f7f, visual ff7f0e) and the naive run's
# dashes; each run's legend names it.
for rgb in '12.156863%,46.666667%,70.588235%' '49.803922%,49.803922%,49.803922%' \
  '100%,49.803922%,5.490196%'; do
  grep -q "stroke:rgb($rgb)" "$tmp/w.svg"
  ok $? "the SVG has a line of rgb($rgb)"
done
grep -q 'stroke-dasharray' "$tmp/w.svg"
ok $? "the naive run is dashed"
check "one proposed run" 0 - - -- plot --db "$db" --run prop --output "$tmp/p.svg"
! grep -q 'stroke-dasharray' "$tmp/p.svg"
ok $? "the proposed run alone is solid"

# The same strategy twice (two seeds, two builds): the second run takes a free dash.
check "plot one proposed run twice" 0 - - -- \
  plot --db "$db" --run prop --run prop --output "$tmp/pp.svg"
grep -q 'stroke-dasharray' "$tmp/pp.svg"
ok $? "the second run of one strategy is dashed"

check "plot losses on a log axis as PDF" 0 - - -- \
  plot --db "$db" --run naive --metric losses --log-y --smoothing 0 --output "$tmp/l.pdf"
head -c 5 "$tmp/l.pdf" | grep -q '^%PDF-' && grep -aq '/Title (Task losses)' "$tmp/l.pdf"
ok $? "the PDF is titled Task losses"
cmp -s "$tmp/w.svg" "$tmp/p.svg"
[ $? -ne 0 ]
ok $? "one run and two runs draw differently"

check "an unknown run is named" 1 - "No run .nosuch." -- \
  plot --db "$db" --run nosuch --output "$tmp/x.png"
check "an unwritable output is named" 1 - "$db/x.png" -- \
  plot --db "$db" --run prop --output "$db/x.png"
check "a missing database is named" 1 - "$tmp/none.db" -- \
  plot --db "$tmp/none.db" --run prop --output "$tmp/x.png"
check "an unknown format is a usage error" 2 - "x.gif" -- \
  plot --db "$db" --run prop --output "$tmp/x.gif"
check "an unknown metric is a usage error" 2 - "not .lr." -- \
  plot --db "$db" --run prop --metric lr --output "$tmp/x.png"
check "plot needs --run" 2 - "give the run" -- plot --db "$db" --output "$tmp/x.png"
check "plot needs --output" 2 - "give the file" -- plot --db "$db" --run prop
check "a tiny size is a usage error" 2 - "between 64" -- \
  plot --db "$db" --run prop --width 10 --output "$tmp/x.png"
[ ! -e "$tmp/x.png" ]
ok $? "no file is left after an error"

echo "1..$n"
exit $fail
