# tests/e2e/lib.sh - what the end-to-end scripts share: counting passes and
# failures, running a command with an expected exit status, the files with
# series. Sourced from the repository root after $tmp is set.
passed=0 failed=0
py=/usr/bin/python3   # Debian's python, which has python3-icalendar
# Files with repeating events, reminders and people (issue 19): checked like
# the good cases, and their occurrences in tests/e2e/series.sh.
series="docs/examples/series.json $(echo tests/cases/series/*.json)"

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
