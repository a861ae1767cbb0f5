#!/bin/sh
# test-cli.sh — carilab-cli's conventions: --help on every command, results on stdout,
# diagnostics on stderr, exit 0 / 1 / 2. Usage: test-cli.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

check "top-level help" 0 "Usage: carilab-cli" - -- --help
check "no command is a usage error" 2 - "Usage: carilab-cli" --
check "unknown command" 2 - "unknown command" -- frobnicate
check "version" 0 "carilab-cli [0-9]" - -- --version
check "info help" 0 "--threads" - -- info --help
check "info prints the engine and BLAS" 0 "Linear algebra: .*OpenBLAS" - -- info --threads 1
check "info rejects a bad option" 2 - "Unknown option" -- info --bogus
check "info rejects a stray argument" 2 - "unexpected argument" -- info extra
check "info rejects negative threads" 2 - "must be positive" -- info --threads -3
printf '1 0.9 1\n0 0.1 1\n1 0.8 2\n0 0.2 2\n' >"$tmp/scores.txt"
check "eval-scores on separable pairs" 0 "accuracy *100.00" - -- eval-scores --scores "$tmp/scores.txt"
printf '1 0.9\nmaybe 0.1\n' >"$tmp/bad.txt"
check "eval-scores names the bad line" 1 - "bad.txt, line 2" -- eval-scores --scores "$tmp/bad.txt"
# Finite as a double, infinite as the float a score is stored in.
printf '1 0.9\n0 1e39\n1 0.5\n' >"$tmp/huge.txt"
check "eval-scores refuses a score beyond float" 1 - "huge.txt, line 2: the score 1e39 is out of range" -- \
  eval-scores --scores "$tmp/huge.txt"
# t-SNE: two groups of six points in 3-D, a label per line.
printf '0\t0\t0\n0.1\t0\t0\n0\t0.1\t0\n0\t0\t0.1\n0.1\t0.1\t0\n0.1\t0\t0.1\n' >"$tmp/vec.tsv"
printf '5\t5\t5\n5.1\t5\t5\n5\t5.1\t5\n5\t5\t5.1\n5.1\t5.1\t5\n5.1\t5\t5.1\n' >>"$tmp/vec.tsv"
printf 'a\na\na\na\na\na\nb\nb\nb\nb\nb\nb\n' >"$tmp/meta.tsv"
tab=$(printf '\t')
check "tsne help" 0 "--perplexity" - -- tsne --help
check "tsne writes x, y and the labels" 0 "^x${tab}y${tab}label\$" "KL divergence" -- \
  tsne --vectors "$tmp/vec.tsv" --metadata "$tmp/meta.tsv" --perplexity 3 --iterations 300
check "tsne writes its output file" 0 - "KL divergence" -- \
  tsne --vectors "$tmp/vec.tsv" --perplexity 3 --iterations 300 --output "$tmp/layout.tsv"
check "tsne scores a layout" 0 "^[0-9]*\.[0-9]*\$" - -- \
  tsne --vectors "$tmp/vec.tsv" --perplexity 3 --score-layout "$tmp/layout.tsv"
printf '1\t2\t3\n4\t5\t6\n7\t8\n' >"$tmp/ragged.tsv"
check "tsne names a short row" 1 - "ragged.tsv, line 3: 2 values, where line 1 has 3" -- \
  tsne --vectors "$tmp/ragged.tsv"
printf '1\t2\n4\t5five\n' >"$tmp/word.tsv"
check "tsne names a value that is no number" 1 - "word.tsv, line 2, column 2: .5five." -- \
  tsne --vectors "$tmp/word.tsv"
printf 'a\nb\n' >"$tmp/short-meta.tsv"
check "tsne wants a label per vector" 1 - "2 rows of metadata for 12 vectors" -- \
  tsne --vectors "$tmp/vec.tsv" --metadata "$tmp/short-meta.tsv" --perplexity 3
check "tsne names a bad perplexity" 1 - "perplexity" -- tsne --vectors "$tmp/vec.tsv" --perplexity 11
check "tsne needs --vectors" 2 - "give --vectors" -- tsne
# check: a sound run database passes; a damaged one, a file that is no database or a missing
# one fails ("damaged" on stdout, the reason on stderr). The store: 3000 pair scores of eval-scores.
awk 'BEGIN { for (i = 0; i < 3000; i++)
  printf "%d %.3f %d\n", i % 2, (i * 7919 % 1000) / 1000, int (i / 2) % 10 + 1 }' >"$tmp/pairs.txt"
n=$((n + 1))
if "$cli" eval-scores --scores "$tmp/pairs.txt" --db "$tmp/good.db" >/dev/null 2>"$tmp/err"; then
  echo "ok $n - a store to check"
else
  echo "not ok $n - a store to check"; sed 's/^/# /' "$tmp/err"; fail=1
fi
check "check help" 0 "--db" - -- check --help
check "check rejects a stray argument" 2 - "unexpected argument" -- check extra
check "check rejects a bad option" 2 - "Unknown option" -- check --bogus
check "a sound store passes" 0 "good.db: ok" - -- check --db "$tmp/good.db"

# Zero a page among the last ones (pair scores, written last): the header and the schema stay
# readable, so only reading the whole file finds it.
cp "$tmp/good.db" "$tmp/bad.db"
pages=$(($(wc -c <"$tmp/bad.db") / 4096))
dd if=/dev/zero of="$tmp/bad.db" bs=4096 seek=$((pages - 8)) count=1 conv=notrunc 2>/dev/null
check "a damaged store fails" 1 "bad.db: damaged" "bad.db.* is damaged: .*[Pp]age" -- \
  check --db "$tmp/bad.db"
check "other commands still open it" 0 - - -- runs --db "$tmp/bad.db"

printf 'not a database, but long enough to have a header of its own ...........\n' >"$tmp/text.db"
check "a file that is no database fails" 1 "text.db: damaged" "text.db.*not a database" -- \
  check --db "$tmp/text.db"
check "a missing store fails" 1 - "missing.db" -- check --db "$tmp/missing.db"
n=$((n + 1))
if [ -e "$tmp/missing.db" ]; then echo "not ok $n - the check created a file"; fail=1
else echo "ok $n - the check creates no file"; fi

# A command on one run: --run is required, and an unknown run is named.
check "show needs --run" 2 - "give the run with --run" -- show --db "$tmp/good.db"
check "show names an unknown run" 1 - "No run .nope." -- show --db "$tmp/good.db" --run nope
check "resume names an unknown run" 1 - "No run .nope." -- resume --db "$tmp/good.db" --run nope
# Any name a user types survives the stored configuration: a newline, brackets, "=", ";", "#".
odd=$(printf 'two\nlines [run] name=x; #y')
tiny="--set model.input_size=75 --set model.width=0.0625 --set model.embedding_size=8 \
  --set batch.caricatures=4 --set batch.photos=4 --set schedule.steps=2"
check "a name over two lines trains" 0 "finished at step 2" - -- \
  train --db "$tmp/names.db" --dataset toy $tiny --name "$odd"
check "and resumes from its stored configuration" 0 "finished at step 2" - -- \
  resume --db "$tmp/names.db" --run 1
check "a name that is not UTF-8 is refused, naming the key" 2 - "run.name" -- \
  train --db "$tmp/names.db" --dataset toy $tiny --name "$(printf 'bad\377')"
echo "1..$n"
exit $fail
