#!/bin/sh
# The command line: help, usage errors, exit statuses, files named the same
# way in every command, the shell completions, and that the README, the man
# page and the completions name every command and option the table holds.
#   tests/e2e/cli.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
. tests/e2e/lib.sh
commands="check build ics timeline serve import add fmt completions help"

# --- the command line -------------------------------------------------------
expect_status 0 "--help" "$bin" --help
check "--help documents the exit status" grep -q "^exit status:" "$tmp/cli.out"
check "--help documents every command" sh -c "grep -q '^  check ' '$tmp/cli.out' && grep -q '^  build ' '$tmp/cli.out' && grep -q '^  ics ' '$tmp/cli.out' && grep -q '^  timeline ' '$tmp/cli.out'"
check "--help documents the keys of series, reminders and people" sh -c "for key in repeat extra_dates excluded_dates overrides alarms organizer attendees color image attachments alarms_in_feeds no-alarms; do grep -q \"\$key\" '$tmp/cli.out' || { echo \"no \$key\"; exit 1; }; done"
expect_status 0 "--version" "$bin" --version
check "--version names the program" grep -q "^almanac [0-9]" "$tmp/cli.out"
expect_status 2 "no command" "$bin"
expect_status 2 "unknown command" "$bin" frobnicate
expect_status 2 "unknown option" "$bin" check --frob
expect_status 2 "--feed without ics" "$bin" check --feed x
expect_status 2 "unknown feed" "$bin" ics events.json --feed nope
expect_status 3 "missing file" "$bin" check /nonexistent/events.json
expect_status 0 "stdin" sh -c "'$bin' check - < events.json"
expect_status 3 "stdout on a full disk" sh -c "'$bin' ics events.json > /dev/full"
expect_status 3 "timeline on a full disk" sh -c "'$bin' timeline events.json > /dev/full"
mkdir -p "$tmp/ro" && cp -r out/. "$tmp/ro/" && chmod 555 "$tmp/ro"
# root writes anywhere: as root, try it as nobody (setpriv, util-linux)
as_user=""
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$tmp"
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if $as_user test -r events.json -a -x "$bin"; then
    expect_status 3 "read-only output directory" $as_user "$bin" build events.json -o "$tmp/ro"
    check "read-only output directory is unchanged" diff -r out "$tmp/ro"
else
    fail "read-only output directory: nobody cannot read events.json or run $bin here"
fi
expect_status 3 "output directory is a file" "$bin" build events.json -o events.json
expect_status 0 "strict on a clean file" "$bin" check --strict events.json
# only names reserved for examples are warned of, not names that contain one
for host in notexample.org example.org.uk example-org.net calendars.testing.io; do
    printf '{"calendar": {"id": "c", "name": "C", "url": "https://%s/a/"}, "events": []}' "$host" \
        > "$tmp/url.json"
    expect_status 0 "calendar url on $host is not reserved" "$bin" check --strict "$tmp/url.json"
done
expect_status 1 "strict turns warnings into errors" "$bin" check --strict tests/cases/good/spans.json
expect_status 1 "json diagnostics" "$bin" check --format=json tests/cases/bad/ids.json
check "json diagnostics are JSON on stdout, alone" "$py" -c "import json,sys,os; d=json.load(open('$tmp/cli.out')); assert len(d)==4 and d[0]['line']==3 and [x['code'] for x in d]==['E008', 'E200', 'E210', 'E201'], d; assert os.path.getsize('$tmp/cli.err')==0"


# --- --show-source: the line and a caret under the column ---------------------
expect_status 1 "no source lines when stderr is no terminal" "$bin" check tests/cases/bad/bad-dates.json
if grep -q '^ *[0-9]* | ' "$tmp/cli.err"; then fail "source lines without --show-source"; else ok; fi
expect_status 1 "--show-source" "$bin" check --show-source tests/cases/bad/bad-dates.json
check "the line follows its diagnostic" grep -A2 -F 'bad-dates.json:3:38: error[E011]' "$tmp/cli.err"
check "the line is shown" grep -qx '    3 |   {"id": "a", "title": "A", "start": "2022-02-29"},' "$tmp/cli.err"
check "the caret is under column 38" grep -qx '      | \{38\}^' "$tmp/cli.err"
# hostile: an escape sequence, bytes that are not UTF-8, a tab, a CR, a
# one-line file of 100 kB
printf '{"calendar": {"id": "x", "name": "x"},\t"events": [{"id": "a", "title": "\033[31m\377\r", "start": "2022"}]}\n' > "$tmp/hostile.json"
expect_status 1 "--show-source of a hostile line" "$bin" check --show-source "$tmp/hostile.json"
if grep -q "$(printf '\033')" "$tmp/cli.err"; then fail "an escape reached the terminal"; else ok; fi
check "it is shown escaped" grep -qF '"\x1b[31m\xff\x0d"' "$tmp/cli.err"
check "the caret is under the byte that is not UTF-8" sh -c "
    line=\$(grep -F '\\xff' '$tmp/cli.err' | head -1); caret=\$(grep -A1 -F '\\xff' '$tmp/cli.err' | sed -n 2p)
    at=\${line%%\\\\xff*}; test \${#at} -eq \$(( \${#caret} - 1 ))"
"$py" -c "print('{\"calendar\": {\"id\": \"x\", \"name\": \"' + 'a' * 100000 + '\"}, \"events\": [{\"id\": \"a\", \"title\": \"a\", \"start\": \"2022-13\"}]}')" > "$tmp/long.json"
expect_status 1 "--show-source of a 100 kB line" "$bin" check --show-source "$tmp/long.json"
if awk 'length > 200 { exit 1 }' "$tmp/cli.err"; then ok; else fail "a long line is not cut around the column"; fi
check "a cut line says so" grep -q '^    1 | \.\.\..*"2022-13"' "$tmp/cli.err"
# on a terminal (script(1) gives one) the lines are shown unasked
if command -v script > /dev/null 2>&1; then
    script -qec "'$bin' check tests/cases/bad/comment.json" /dev/null > "$tmp/tty.out" 2>&1
    check "a terminal gets the source lines" grep -q '^    2 |  // the events' "$tmp/tty.out"
fi

# --- help: the tool's, and each command's -----------------------------------
for command in $commands; do
    expect_status 0 "$command --help" "$bin" "$command" --help
    check "$command --help is the command's" grep -q "^usage: almanac $command " "$tmp/cli.out"
    check "$command --help has an example" grep -q "^  almanac $command" "$tmp/cli.out"
    if grep -q "series, reminders and people" "$tmp/cli.out"; then
        fail "$command --help prints the whole help"; else ok; fi
    "$bin" help "$command" > "$tmp/help.out" 2>&1
    check "help $command is $command --help" cmp "$tmp/cli.out" "$tmp/help.out"
done
if awk 'length > 80 { exit 1 }' "$tmp/cli.out"; then ok; else fail "help lines wider than 80"; fi

# --- typos and misplaced options ----------------------------------------------
expect_status 2 "a misspelt command" "$bin" chek events.json
check "a misspelt command gets a suggestion" grep -q "unknown command 'chek'; did you mean 'check'?" "$tmp/cli.err"
expect_status 2 "help of a misspelt command" "$bin" help biuld
check "help suggests too" grep -q "did you mean 'build'" "$tmp/cli.err"
expect_status 2 "an option of another command" "$bin" timeline events.json -o "$tmp/x"
check "says where the option goes" grep -q -- "--output does not apply to timeline; it goes with build, ics, serve and import" "$tmp/cli.err"
check "nothing was written" test ! -e "$tmp/x"
expect_status 2 "--feed with check" "$bin" check --feed x
expect_status 2 "a filter with build" "$bin" build --from 2022 -o "$tmp/x"
expect_status 2 "an option before the command is checked too" "$bin" --watch build -o "$tmp/x"
expect_status 2 "--quiet with timeline" "$bin" timeline --quiet
expect_status 2 "two files for build" "$bin" build events.json events.json -o "$tmp/x"
expect_status 2 "completions of an unknown shell" "$bin" completions tcsh

# --- several files; standard input is <stdin> everywhere --------------------
expect_status 1 "check of a good and a bad file" "$bin" check events.json tests/cases/bad/ids.json
check "the good file is valid" grep -q "^events.json: .* valid" "$tmp/cli.out"
check "the bad one's diagnostics" grep -q "^tests/cases/bad/ids.json:3:10: error" "$tmp/cli.err"
expect_status 0 "check of two good files" "$bin" check events.json docs/examples/series.json
check "a line for each" test "$(grep -c ': valid$' "$tmp/cli.out")" = 2
expect_status 1 "json check of two files" "$bin" check --format=json tests/cases/bad/ids.json events.json tests/cases/bad/bad-dates.json
check "one JSON array of both files' diagnostics, nothing on stderr" "$py" -c "
import json, os
d = json.load(open('$tmp/cli.out'))
files = {x['file'] for x in d}
assert files == {'tests/cases/bad/ids.json', 'tests/cases/bad/bad-dates.json'}, files
assert os.path.getsize('$tmp/cli.err') == 0"
expect_status 0 "json check of a good file" "$bin" check --format=json events.json
check "an empty array" test "$(cat "$tmp/cli.out")" = "[]"
expect_status 1 "check of standard input" sh -c "'$bin' check - < tests/cases/bad/ids.json"
check "check names it <stdin>" grep -q "^<stdin>:3:10: error" "$tmp/cli.err"
expect_status 1 "build of standard input" sh -c "'$bin' build - -o '$tmp/x' < tests/cases/bad/ids.json"
check "build names it <stdin>" grep -q "^<stdin>:3:10: error" "$tmp/cli.err"
expect_status 2 "ics of standard input, unknown feed" sh -c "'$bin' ics - --feed nope -o '$tmp/x' < events.json"
check "ics names it <stdin>" grep -q "no feed 'nope' in <stdin>" "$tmp/cli.err"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:2023bad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$tmp/bad.ics"
expect_status 1 "import of standard input" sh -c "'$bin' import --strict - < '$tmp/bad.ics'"
check "import names it <stdin>" grep -q "^<stdin>:" "$tmp/cli.err"

# --- "--" ends the options: a file named like an option -------------------
cp tests/cases/warn/reserved-url.json "$tmp/-dash.json"
expect_status 0 "check -- of a file whose name starts with -" sh -c "cd '$tmp' && '$bin' check -- -dash.json"
check "it is checked" grep -q "^-dash.json: 1 event, 0 feeds: valid" "$tmp/cli.out"
expect_status 2 "the same file without --" sh -c "cd '$tmp' && '$bin' check -dash.json"
check "the usage error names the word and says to use --" grep -qF \
    "unknown option '-d' in '-dash.json'; a file whose name starts with '-' goes after '--': almanac check -- -dash.json" "$tmp/cli.err"
expect_status 1 "check -- of several files, one bad" "$bin" check -- events.json tests/cases/bad/ids.json
check "both are checked" grep -q "^tests/cases/bad/ids.json:3:10: error" "$tmp/cli.err"
expect_status 2 "an option without its value" "$bin" build -o
check "says which option needs a value" grep -qx "almanac: --output needs a value" "$tmp/cli.err"
expect_status 2 "a long option without its value" "$bin" timeline --width
check "says which long option needs a value" grep -qx "almanac: --width needs a value" "$tmp/cli.err"
expect_status 2 "a value to an option that takes none" "$bin" check --quiet=yes
check "says the option takes no value" grep -qx "almanac: --quiet takes no value" "$tmp/cli.err"

# --- completions: what each shell completes ----------------------------------
for shell in bash zsh fish; do
    expect_status 0 "completions $shell" "$bin" completions "$shell"
    cp "$tmp/cli.out" "$tmp/completion.$shell"
done
check "bash completion parses" bash -n "$tmp/completion.bash"
complete_bash() { # complete_bash WORD...: what bash offers for the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _almanac; echo "${COMPREPLY[*]}"' \
        sh "$tmp/completion.bash" "$@"
}
check "bash completes a command" test "$(complete_bash almanac tim)" = timeline
check "bash completes a command's options" test "$(complete_bash almanac timeline --fo)" = --format
check "bash completes an option's values" test "$(complete_bash almanac timeline --format m)" = markdown
check "bash offers build no timeline option" sh -c "! echo '$(complete_bash almanac build --)' | grep -q -- --reverse"
if command -v zsh >/dev/null; then
    check "zsh completion parses" zsh -n "$tmp/completion.zsh"
else fail "zsh is not installed (scripts/install-deps --test)"; fi
if command -v fish >/dev/null; then
    check "fish completion parses" fish --no-execute "$tmp/completion.fish"
    complete_fish() { fish -c ". '$tmp/completion.fish'; complete -C '$1'" | cut -f1 | tr '\n' ' '; }
    check "fish completes a command" sh -c "echo '$(complete_fish "almanac tim")' | grep -qw timeline"
    check "fish completes a command's options" sh -c "echo '$(complete_fish "almanac timeline --no-")' | grep -q -- --no-details"
    check "fish offers build no timeline option" sh -c "! echo '$(complete_fish "almanac build --")' | grep -q -- --reverse"
else fail "fish is not installed (scripts/install-deps --test)"; fi

# --- feedback: the build's summary line, progress on a terminal only ------
# ALMANAC_PROGRESS_AFTER=0 shows progress at once instead of after a second,
# so that a small file shows it; `script` gives the command a terminal.
events=$("$py" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["events"]))' events.json)
feeds=$("$py" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["feeds"]))' events.json)
first_id=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"][0]["id"])' events.json)
expect_status 0 "build into a new directory" "$bin" build events.json -o "$tmp/fb"
check "the summary line counts what was built" grep -qx "almanac: built $tmp/fb from events.json: $events events, $((feeds + 1)) feeds, [0-9]* files; $events added" "$tmp/cli.err"
check "the summary line is the only line" test "$(wc -l < "$tmp/cli.err")" -eq 1
expect_status 0 "build again" "$bin" build events.json -o "$tmp/fb"
check "an unchanged build says so" grep -qx "almanac: built .*; no event changed; [1-9][0-9]* VEVENTs reused, 0 rendered; [1-9][0-9]* files unchanged" "$tmp/cli.err"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["events"][0]["title"]+=" (revised)"; json.dump(d,open(sys.argv[2],"w"),ensure_ascii=False)' events.json "$tmp/edited.json"
expect_status 0 "build an edited title" "$bin" build "$tmp/edited.json" -o "$tmp/fb"
check "the summary names the changed event" grep -qx "almanac: built .*; 1 changed (SEQUENCE bumped: $first_id); [1-9][0-9]* VEVENTs reused, 1 rendered\(; [1-9][0-9]* files\? unchanged\)\?" "$tmp/cli.err"
expect_status 0 "build --quiet" "$bin" build events.json -o "$tmp/fb" --quiet
check "--quiet prints nothing" test ! -s "$tmp/cli.err"
expect_status 0 "build, stderr not a terminal" env ALMANAC_PROGRESS_AFTER=0 "$bin" build events.json -o "$tmp/fb2"
if grep -q "events written" "$tmp/cli.err" || grep -q "$(printf '\r')" "$tmp/cli.err"; then
    fail "progress shown when stderr is not a terminal"; else ok; fi
ALMANAC_PROGRESS_AFTER=0 script -qec "'$bin' build events.json -o '$tmp/fb3'" /dev/null > "$tmp/tty.out" 2>&1
check "progress on a terminal counts the events written" grep -q "$events of $events events written" "$tmp/tty.out"
check "progress is erased before the summary" grep -q "$(printf '\r\033\\[K')almanac: built" "$tmp/tty.out"
ALMANAC_PROGRESS_AFTER=0 script -qec "'$bin' build events.json -o '$tmp/fb4' --quiet" /dev/null > "$tmp/tty.out" 2>&1
check "--quiet shows no progress on a terminal" test ! -s "$tmp/tty.out"
ALMANAC_PROGRESS_AFTER=0 script -qec "'$bin' import out/all.ics -o '$tmp/imported-tty.json'" /dev/null > "$tmp/tty.out" 2>&1
tr '\r' '\n' < "$tmp/tty.out" | sed 's/\x1b\[K//g' > "$tmp/tty.lines"
check "import progress: reading" grep -q "^almanac: reading out/all.ics: 100%$" "$tmp/tty.lines"
check "import progress: converting" grep -q "^almanac: converting out/all.ics: $events of $events events$" "$tmp/tty.lines"
check "import progress: ids" grep -q "^almanac: making ids and linking related events$" "$tmp/tty.lines"
check "import progress: writing" grep -q "^almanac: writing $events events$" "$tmp/tty.lines"
check "import progress: erased before the last line" grep -q "$(printf '\r\033\\[K')almanac: imported $events events from 1 file" "$tmp/tty.out"
expect_status 0 "import, stderr not a terminal" env ALMANAC_PROGRESS_AFTER=0 "$bin" import out/all.ics -o "$tmp/imported.json"
check "import without a terminal prints only its last line" grep -qx "almanac: imported $events events from 1 file" "$tmp/cli.err"
check "import writes the same file with and without progress" cmp "$tmp/imported.json" "$tmp/imported-tty.json"


# --- the README, the man page and the completions agree with the table ------
# Every command, and every option of each command's help (printed from the
# one table), is in the README, in the man page and in each completion.
for command in $commands; do
    "$bin" "$command" --help | sed -n 's/^  \(-., \)\{0,1\}--\([a-z-]*\).*/\2/p' > "$tmp/options.$command"
    for doc in README.md docs/almanac.1 "$tmp/completion.bash" "$tmp/completion.zsh" "$tmp/completion.fish"; do
        if grep -q -- "$command" "$doc"; then ok; else fail "$doc does not name the command $command"; fi
        while read -r option; do
            # roff writes a hyphen as \-
            if grep -q -e "--$option" -e "Fl \\\\-$option" -e "-l $option" "$doc"; then ok
            else fail "$doc does not name --$option ($command)"; fi
        done < "$tmp/options.$command"
    done
done

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
