#!/bin/sh
# layering.sh: fails when a file of src/ or include/almanac/ includes what
# its layer may not (STYLE.md "What we take", 1). The pipeline is
# load -> validate -> model -> render -> build/serve, and:
#
#   1. only the JSON readers include cJSON, and the writers named below;
#   2. only the iCalendar renderer and the importer include libical, and
#      the two modules named below;
#   3. a renderer (render_*.c) never includes the loader;
#   4. nothing below the renderers includes a renderer's header;
#   5. only the command line and the server include microhttpd.h and
#      signal.h.
#
# Each rule lists the files allowed, with why when it is not obvious; a new
# file is below the renderers until a rule says otherwise. Only direct
# #include lines count (headers are checked as files of their own).
#   sh tests/layering.sh
set -u
cd "$(dirname "$0")/.." || exit 2

files=$(ls src/*.c src/*.h include/almanac/*.h)
passed=0 failed=0

# includes PATTERN: "FILE:#include ..." for every #include line of the
# files that matches PATTERN (an ERE for what follows "#include "); one grep
# per rule.
includes() {
    grep -EH "^[[:space:]]*#[[:space:]]*include[[:space:]]+$1" $files
}

# only RULE PATTERN ALLOWED...: no file but the ALLOWED (shell patterns)
# includes what PATTERN matches.
only() {
    rule=$1 pattern=$2
    shift 2
    broken=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        f=${line%%:*}
        ok=no
        for allowed in "$@"; do
            case $f in $allowed) ok=yes ;; esac
        done
        if [ $ok = no ]; then
            echo "layering: $f: ${line#*:}: $rule"
            broken=1
        fi
    done <<EOF
$(includes "$pattern")
EOF
    tally $broken "$rule"
}

# never RULE FILES PATTERN: no file matching FILES (a shell pattern)
# includes what PATTERN matches.
never() {
    rule=$1 which=$2 pattern=$3
    broken=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        f=${line%%:*}
        case $f in
        $which)
            echo "layering: $f: ${line#*:}: $rule"
            broken=1 ;;
        esac
    done <<EOF
$(includes "$pattern")
EOF
    tally $broken "$rule"
}

tally() {
    if [ "$1" = 0 ]; then
        passed=$((passed + 1))
        echo "ok $2"
    else
        failed=$((failed + 1))
        echo "FAIL $2"
    fi
}

# 1. The readers parse JSON: the loader, the JSON helpers (positions,
#    streaming, layout) and events_text (the events file as text, for the
#    editing commands). The writers use cJSON to build a tree and print it:
#    render_json.c (the timeline as JSON), write_events.c (import's events
#    file, and --merge's members replaced in a parsed file), events_edit.c
#    (add and fmt change the tree events_text parsed).
only "only the JSON readers and writers include cJSON" '<cjson/' \
    'src/load*.c' 'src/load_internal.h' 'src/json_*.[ch]' 'src/events_text.[ch]' \
    'src/render_json.c' 'src/write_events.c' 'src/events_edit.c'

# 2. render_ics.c writes iCalendar, import*.c reads it. Two modules below
#    the renderers use libical for what it alone has: series.c walks
#    repeat rules with its RFC 5545 recurrence iterator (validation and the
#    timeline need the occurrences), tzdb.c asks libical's zones for UTC
#    offsets and their changes, so that validation agrees with the
#    VTIMEZONEs libical builds for the feeds.
only "only render_ics.c and the importer include libical" '<libical/' \
    'src/render_ics.c' 'src/import*.[ch]' 'src/series.c' 'src/tzdb.c'

# 3. A renderer takes a validated document; it never loads one.
never "renderers never include the loader" 'src/render_*' \
    '"(almanac/)?load(_internal)?\.h"'

# 4. The renderers' headers: the public render.h, render_*.h, the table of
#    formats and the renderers' shared step. Above the renderers: build
#    (and build_index, which hands the renderer the VEVENTs it may copy),
#    serve, the importer (it reads back the descriptions render_ics.c
#    writes), the command line (main.c, cli.c for the help, cli_parse.c
#    for --format), and the public headers that gather them.
only "nothing below the renderers includes a renderer header" \
    '"(almanac/render|render_[a-z_]+|formats|timeline_render)\.h"' \
    'src/render_*' 'src/formats.[ch]' 'src/timeline_render.[ch]' 'src/build*.[ch]' \
    'src/serve*.c' 'src/import*.c' 'src/main.c' 'src/cli.c' 'src/cli_parse.c' \
    'include/almanac/almanac.h' 'include/almanac/build.h'

# 5. HTTP and signals belong to the program's long-running parts.
only "only main.c, serve and watch include microhttpd.h or signal.h" \
    '<(microhttpd|signal)\.h>' 'src/main.c' 'src/serve*.c' 'src/watch*.c'

echo "layering: $passed passed, $failed failed"
[ "$failed" = 0 ]
