#!/bin/sh
# Single typos anywhere in each valid file (tests/e2e/typos.py): caught,
# located on a real line and column, never a crash.
#   tests/e2e/typos.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
. tests/e2e/lib.sh

# --- single typos anywhere in a valid file: caught, located, never a crash ---
for input in events.json tests/cases/good/*.json $series; do
    check "typos in $input" "$py" tests/e2e/typos.py "$bin" "$input" 200 90
done

echo "typos: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
