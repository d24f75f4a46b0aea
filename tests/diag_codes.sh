#!/bin/sh
# diag_codes.sh: the catalogue of diagnostics (include/almanac/diag_codes.h)
# agrees with the man page and the sources:
#
#   1. every entry (#define ALMANAC_E012) is in ALMANAC_DIAGNOSTIC_CODES, the
#      list the enum and the run-time table are made from, and the reverse;
#   2. the man page's DIAGNOSTICS section lists every code, in the same
#      order, and no other;
#   3. every code is reported somewhere in src/ (a code no one reports is a
#      dead entry: remove it, leaving its number unused);
#   4. the goldens name only codes that exist;
#   5. a code no golden produces is listed in tests/diag_codes.nogolden with
#      the reason (out of memory, the file system, ... or "no case yet"),
#      and that list names no code a golden produces.
#   sh tests/diag_codes.sh
set -u
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

header=include/almanac/diag_codes.h
sed -n 's/^#define ALMANAC_\([EW][0-9][0-9][0-9]\) .*/\1/p' "$header" > "$tmp/entries"
sed -n '/^#define ALMANAC_DIAGNOSTIC_CODES/,/^$/p' "$header" |
    grep -o 'X([EW][0-9]*)' | sed 's/X(\(.*\))/\1/' > "$tmp/list"
sed -n '/^\.Sh DIAGNOSTICS/,/^\.Sh /p' docs/almanac.1 |
    sed -n 's/^\.It \([EW][0-9][0-9][0-9]\)$/\1/p' > "$tmp/man"

if [ -s "$tmp/entries" ] && [ -s "$tmp/list" ] && [ -s "$tmp/man" ]; then ok
else fail "cannot read the codes from $header or docs/almanac.1"; fi

sort "$tmp/entries" > "$tmp/entries.sorted"
sort "$tmp/list" > "$tmp/list.sorted"
if cmp -s "$tmp/entries.sorted" "$tmp/list.sorted"; then ok
else fail "entries and ALMANAC_DIAGNOSTIC_CODES differ:"; diff "$tmp/entries.sorted" "$tmp/list.sorted"; fi
if [ -z "$(uniq -d "$tmp/list.sorted")" ]; then ok
else fail "codes listed twice: $(uniq -d "$tmp/list.sorted" | tr '\n' ' ')"; fi

if cmp -s "$tmp/list" "$tmp/man"; then ok
else fail "the man page's DIAGNOSTICS list differs from the catalogue (< catalogue, > man page):"
     diff "$tmp/list" "$tmp/man"; fi

# Reported: ALMANAC_E012 (the entry, passed to almanac_diagnostics_report)
# or ALMANAC_CODE_E012 (the code alone, as import's losses keep it).
grep -ho 'ALMANAC_\(CODE_\)\{0,1\}[EW][0-9][0-9][0-9]\b' src/*.c src/*.h |
    sed 's/ALMANAC_\(CODE_\)\{0,1\}//' | sort -u > "$tmp/used"
unused=$(comm -23 "$tmp/list.sorted" "$tmp/used" | tr '\n' ' ')
if [ -z "$unused" ]; then ok; else fail "codes no source reports: $unused"; fi

find tests/cases tests/import tests/timeline -name '*.out_diag' -exec cat {} + 2>/dev/null |
    grep -o '\(error\|warning\)\[[EW][0-9]*\]' | sed 's/.*\[\(.*\)\]/\1/' | sort -u > "$tmp/golden"
unknown=$(comm -13 "$tmp/list.sorted" "$tmp/golden" | tr '\n' ' ')
if [ -z "$unknown" ]; then ok; else fail "goldens name codes not in the catalogue: $unknown"; fi

# 5. a code no golden produces is listed in diag_codes.nogolden with why,
#    and a code listed there is produced by no golden
sed -n 's/^\([EW][0-9][0-9][0-9]\)  .*/\1/p' tests/diag_codes.nogolden | sort > "$tmp/nogolden"
comm -23 "$tmp/list.sorted" "$tmp/golden" > "$tmp/unproduced"
missing=$(comm -23 "$tmp/unproduced" "$tmp/nogolden" | tr '\n' ' ')
if [ -z "$missing" ]; then ok
else fail "no golden produces $missing: add a case, or a line to tests/diag_codes.nogolden"; fi
stale=$(comm -13 "$tmp/unproduced" "$tmp/nogolden" | tr '\n' ' ')
if [ -z "$stale" ]; then ok
else fail "tests/diag_codes.nogolden lists codes a golden produces or that do not exist: $stale"; fi

echo "codes: $(wc -l < "$tmp/list"), produced by a golden file: $(wc -l < "$tmp/golden")," \
     "with no case yet: $(grep -c '  no case yet$' tests/diag_codes.nogolden)"
echo "diag_codes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
