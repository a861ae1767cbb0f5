#!/bin/sh
# test-cli.sh — carilab-cli's conventions: --help on every command, results on stdout,
# diagnostics on stderr, exit 0 / 1 / 2. Usage: test-cli.sh PATH/TO/carilab-cli
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
echo "1..$n"
exit $fail
