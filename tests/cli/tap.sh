# tap.sh — what the CLI test scripts share, sourced after they set `cli` (carilab-cli) and
# `tmp` (a scratch folder): TAP lines counted in `n`, `fail` set on any failure.
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

# ok STATUS NAME: a TAP line for a check made by hand. Fails when the check did, so that
# `ok $? NAME || show FILE` shows what a failed check saw.
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; return 0; fi
  echo "not ok $n - $2"
  fail=1
  return 1
}

# show FILE…: files as TAP comments, to say what a failed check saw.
show () { sed 's/^/# /' "$@"; }
