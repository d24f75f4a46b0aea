#!/bin/sh
# run-suites.sh: runs the test suites listed in tests/suites, JOBS at a time
# (default: the number of cores), each one's output into
# build/test-logs/NAME.log. Prints a line when a suite starts and one when it
# ends (pass or fail, its own counts, its seconds of wall clock and of
# processor time: user and system of the processes it waited for), and the
# end of the log of a suite that failed. Exits 1 when any suite failed. The
# binaries must be built already (make test builds them first).
#
#   sh tests/run-suites.sh [-j JOBS] [-B BUILD] [NAME|KIND...]
#
# With NAMEs or KINDs (see tests/suites) only those suites run; SUITES=FILE
# reads another list.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
B=build
MAKE=${MAKE:-make}
while [ $# -gt 0 ]; do
    case $1 in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    -B) B=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: sh tests/run-suites.sh [-j JOBS] [-B BUILD] [NAME|KIND...]" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $jobs in ''|*[!0-9]*|0) echo "run-suites: -j needs a positive number" >&2; exit 2 ;; esac
export B MAKE

logs=$B/test-logs
rm -rf "$logs"
mkdir -p "$logs" || exit 2

# The selected lines of tests/suites, in order: NAME KIND LOCK COMMAND...
want=" $* "
grep -v '^[[:space:]]*\(#\|$\)' "${SUITES:-tests/suites}" | while read -r name kind lock command; do
    if [ "$want" = "  " ] || case $want in *" ${name%\?} "*|*" $kind "*) true ;; *) false ;; esac; then
        printf '%s %s %s %s\n' "$name" "$kind" "$lock" "$command"
    fi
done > "$logs/.queue"
if [ ! -s "$logs/.queue" ]; then echo "run-suites: no suite called $*" >&2; exit 2; fi

begin=$(date +%s%N)
elapsed() { # elapsed [START]: seconds since START (default: the first suite) as S.s
    ms=$(( ($(date +%s%N) - ${1:-$begin}) / 1000000 ))
    printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
clock() { # the runner's clock, [m:ss]
    s=$(( ($(date +%s%N) - begin) / 1000000000 ))
    printf '[%d:%02d]' $((s / 60)) $((s % 60))
}

# counts LOG: the suite's own tally, from the summary line it prints
counts() {
    awk '
    match($0, /[0-9]+ passed, [0-9]+ failed/) { tally = substr($0, RSTART, RLENGTH) }
    /^valgrind: [0-9]+ clean, [0-9]+ with/ { tally = $2 " passed, " $4 " failed" }
    /^\[  PASSED  \] [0-9]+ test/ { cp += $4; cmocka = 1 }
    /^\[  FAILED  \] [0-9]+ test/ { cf += $4; cmocka = 1 }
    /^ok / { ok++ } /^FAIL / { bad++ } /^known: / { known++ }
    /^[0-9]+ inputs?/ { inputs += $1; replay = 1 }
    END {
        if (tally != "") print tally
        else if (cmocka) print cp " passed, " cf + 0 " failed"
        else if (ok + bad > 0) printf "%d passed, %d failed%s\n", ok, bad, known ? ", " known " known differences" : ""
        else if (replay) print inputs " inputs replayed"
    }' "$1"
}

fifo=$logs/.done
mkfifo "$fifo" || exit 2
exec 3<>"$fifo"
rm -f "$fifo"
trap 'echo "run-suites: interrupted; logs in $logs/" >&2; exit 130' INT TERM

running=0 held=" " total=0 passed=0 skipped=0 failed="" cpu_total=0
echo "run-suites: $(wc -l < "$logs/.queue") suites, $jobs at a time; logs in $logs/"

# cpu FILE: the processor seconds (user + system) in FILE, what the `times`
# builtin printed ("0m1.5s 0m0.2s" on its second line: the children's). It
# is run in the shell whose children count, not in a $(...) of its own,
# whose children would be none.
cpu() {
    awk 'NR == 2 {
        split($1, u, /[ms]/); split($2, s, /[ms]/)
        printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

# start NAME LOCK COMMAND: runs COMMAND in the background; its end is a line
# "NAME STATUS SECONDS CPU-SECONDS LOCK" on fd 3
start() {
    name=$1 lock=$2 command=$3
    [ "$lock" = - ] || held="$held$lock "
    running=$((running + 1))
    echo "$(clock) start  $name"
    (
        t0=$(date +%s%N)
        sh -c "$command" > "$logs/$name.log" 2>&1 < /dev/null
        status=$?
        times > "$logs/.$name.times"
        echo "$name $status $(elapsed "$t0") $(cpu "$logs/.$name.times") $lock" >&3
    ) &
}

# Start what may start: in the order of tests/suites, while a slot is free,
# each suite whose lock no running suite holds.
schedule() {
    : > "$logs/.later"
    while read -r name kind lock command; do
        script=$(echo "$command" | awk '$1 == "sh" { print $2 }')
        if [ "$running" -ge "$jobs" ] || case $held in *" $lock "*) true ;; *) false ;; esac; then
            printf '%s %s %s %s\n' "$name" "$kind" "$lock" "$command" >> "$logs/.later"
        elif [ "${name%\?}" != "$name" ] && [ -n "$script" ] && [ ! -e "$script" ]; then
            name=${name%\?}
            echo "$(clock) skip   $name: skipped: not present ($script)"
            skipped=$((skipped + 1))
        else
            total=$((total + 1))
            start "${name%\?}" "$lock" "$command"
        fi
    done < "$logs/.queue"
    mv "$logs/.later" "$logs/.queue"
}

schedule
while [ "$running" -gt 0 ]; do
    read -r name status seconds cpu_seconds lock <&3
    running=$((running - 1))
    cpu_total=$(echo "$cpu_total $cpu_seconds" | awk '{ printf "%.1f", $1 + $2 }')
    [ "$lock" = - ] || held=$(echo "$held" | sed "s/ $lock / /")
    tally=$(counts "$logs/$name.log")
    if [ "$status" = 0 ]; then
        passed=$((passed + 1))
        printf '%s PASS   %-13s %-34s %6s s  cpu %6s s\n' "$(clock)" "$name" "$tally" "$seconds" "$cpu_seconds"
    else
        failed="$failed $name"
        printf '%s FAIL   %-13s %-34s %6s s  cpu %6s s  (exit %s)\n' "$(clock)" "$name" "$tally" "$seconds" "$cpu_seconds" "$status"
        echo "---- the end of $logs/$name.log:"
        tail -n 40 "$logs/$name.log" | sed 's/^/  | /'
        echo "----"
    fi
    schedule
done
wait

summary="$total suites in $(elapsed) s ($cpu_total s of processor time): $passed passed, $(echo $failed | wc -w) failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
if [ -n "$failed" ]; then
    echo "$(clock) $summary (failed:$failed; logs in $logs/)"
    exit 1
fi
echo "$(clock) $summary"
