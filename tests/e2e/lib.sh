# tests/e2e/lib.sh - what the end-to-end scripts share: counting passes and
# failures, and running a command with an expected exit status. Sourced
# after $tmp is set.
passed=0 failed=0
py=/usr/bin/python3   # Debian's python, which has python3-icalendar

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check WHAT COMMAND...: passes when COMMAND exits 0
    what=$1; shift
    if output=$("$@" 2>&1); then ok; else fail "$what"; echo "$output" | head -40; fi
}

expect_status() { # expect_status WANT WHAT COMMAND...: output in $tmp/cli.out, cli.err
    want=$1 what=$2; shift 2
    "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else fail "$what: exit $got, expected $want"; cat "$tmp/cli.err"; fi
}
