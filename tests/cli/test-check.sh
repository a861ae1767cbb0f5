#!/bin/sh
# test-check.sh CLI — `carilab-cli check`: a sound run database passes (exit 0), a damaged one
# or a file that is no database fails (exit 1, "damaged" on stdout, the reason on stderr naming
# the file), and bad usage exits 2. Usage: test-check.sh PATH/TO/carilab-cli
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

check () {
  # check NAME EXPECTED_STATUS PATTERN_IN_STDOUT|- PATTERN_IN_STDERR|- -- ARGS...
  name=$1 want=$2 out_pat=$3 err_pat=$4
  shift 5
  n=$((n + 1))
  LC_ALL=C "$cli" "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  ok=1
  [ "$got" -eq "$want" ] || ok=0
  if [ "$out_pat" != - ] && ! grep -q -- "$out_pat" "$tmp/out"; then ok=0; fi
  if [ "$err_pat" != - ] && ! grep -q -- "$err_pat" "$tmp/err"; then ok=0; fi
  if [ $ok -eq 1 ]; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name (status $got, want $want)"
    sed 's/^/# stdout: /' "$tmp/out"
    sed 's/^/# stderr: /' "$tmp/err"
    fail=1
  fi
}

# A store of some size: an external score file of 3000 pairs recorded by eval-scores.
awk 'BEGIN { for (i = 0; i < 3000; i++)
  printf "%d %.3f %d\n", i % 2, (i * 7919 % 1000) / 1000, int (i / 2) % 10 + 1 }' >"$tmp/scores.txt"
n=$((n + 1))
if "$cli" eval-scores --scores "$tmp/scores.txt" --db "$tmp/good.db" >/dev/null 2>"$tmp/err"; then
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
echo "1..$n"
exit $fail
