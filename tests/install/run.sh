#!/bin/sh
# make install into a DESTDIR with a packager's flags, then build programs
# against the installed tree alone, as a user of the library would:
# pkg-config, the shared library (soname, only the public API exported) and
# the static one, the headers from C and C++; then make uninstall removes
# exactly what was installed.
#   tests/install/run.sh
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/e2e/lib.sh

dest=$tmp/dest prefix=/opt/almanac
lib=$dest$prefix/lib
# Debian's hardening flags (dpkg-buildflags, bookworm): they must reach
# every compile and link.
hard_cflags="-g -O2 -fstack-protector-strong -Wformat -Werror=format-security"
hard_cppflags="-Wdate-time -D_FORTIFY_SOURCE=2"
hard_ldflags="-Wl,-z,relro -Wl,-z,now"
if make -s install B="$tmp/build" DESTDIR="$dest" PREFIX="$prefix" NO_DEPS=1 \
        CFLAGS="$hard_cflags" CPPFLAGS="$hard_cppflags" LDFLAGS="$hard_ldflags" \
        > "$tmp/install.log" 2>&1; then ok; else fail "make install"; cat "$tmp/install.log"; exit 1; fi
check "make install prints no compiler command lines" sh -c "! grep -q -- '-std=c11' '$tmp/install.log'"
check "LDFLAGS reach the binary (BIND_NOW)" sh -c "readelf -d '$dest$prefix/bin/almanac' | grep -q BIND_NOW"
check "CPPFLAGS reach the compiles (_FORTIFY_SOURCE)" sh -c "nm -D '$lib/libalmanac.so' | grep -q '__[a-z]*_chk'"
check "CFLAGS reach the compiles (stack protector)" sh -c "nm -D '$lib/libalmanac.so' | grep -q __stack_chk_fail"
check "make WERROR=0 drops -Werror" sh -c "! make -n -B B='$tmp/n' NO_DEPS=1 V=1 WERROR=0 '$tmp/n/obj/date.o' | grep -q -- -Werror"
check "development builds keep -Werror" sh -c "make -n -B B='$tmp/n' NO_DEPS=1 V=1 '$tmp/n/obj/date.o' | grep -q -- -Werror"

for file in bin/almanac share/man/man1/almanac.1 include/almanac/almanac.h lib/libalmanac.a \
            lib/libalmanac.so lib/pkgconfig/almanac.pc share/almanac/events.schema.json \
            share/bash-completion/completions/almanac share/zsh/site-functions/_almanac \
            share/fish/vendor_completions.d/almanac.fish; do
    check "installed $file" test -e "$dest$prefix/$file"
done
for header in include/almanac/*.h; do
    check "installed $header" cmp "$header" "$dest$prefix/$header"
done

# The shared library: its soname, and only the public API exported.
check "soname libalmanac.so.0" sh -c "readelf -d '$lib/libalmanac.so' | grep -q 'SONAME.*\[libalmanac.so.0\]'"
nm -D --defined-only "$lib/libalmanac.so" | awk '$2 ~ /^[TDBRV]$/ { print $3 }' | sort > "$tmp/exported"
sed -n 's/^ALMANAC_API [^(]*[ *]\(almanac_[a-z0-9_]*\)(.*/\1/p' include/almanac/*.h | sort -u > "$tmp/declared"
check "it exports exactly the functions the headers mark ALMANAC_API" diff "$tmp/declared" "$tmp/exported"
check "the headers declare a public API" test "$(wc -l < "$tmp/declared")" -gt 80

# Each public header on its own, in C and in C++.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags almanac) libs=$(pkg-config --libs almanac)
check "pkg-config finds almanac $(sed -n 's/^#define ALMANAC_VERSION "\(.*\)"/\1/p' include/almanac/version.h)" \
    test "$(pkg-config --modversion almanac)" = "$(sed -n 's/^#define ALMANAC_VERSION "\(.*\)"/\1/p' include/almanac/version.h)"
for header in "$dest$prefix"/include/almanac/*.h; do
    name=$(basename "$header")
    printf '#include <almanac/%s>\ntypedef int not_empty;\n' "$name" > "$tmp/one.c"
    check "<almanac/$name> compiles alone (C11)" cc -std=c11 -Wall -Wextra -Werror -pedantic $cflags -c "$tmp/one.c" -o "$tmp/one.o"
    cp "$tmp/one.c" "$tmp/one.cpp"
    check "<almanac/$name> compiles alone (C++)" c++ -Wall -Wextra -Werror $cflags -c "$tmp/one.cpp" -o "$tmp/one.o"
done

# A program, dynamically and statically linked; a C++ one.
check "a C program links with the shared library" \
    cc -std=c11 -Wall -Wextra -Werror $cflags tests/install/program.c -o "$tmp/dynamic" $libs
check "it needs libalmanac.so.0" sh -c "readelf -d '$tmp/dynamic' | grep -q 'NEEDED.*libalmanac.so.0'"
# libalmanac.a, its dependencies shared (fully static needs every
# dependency's own static libraries, which Debian does not all ship)
static_libs="$(pkg-config --libs almanac | sed 's/-lalmanac\b/-l:libalmanac.a/') \
    $(pkg-config --libs $(pkg-config --print-requires-private almanac)) -pthread"
check "a C program links with the static library" \
    cc -std=c11 -Wall -Wextra -Werror $cflags tests/install/program.c -o "$tmp/static" $static_libs
check "the static one needs no libalmanac.so" sh -c "! readelf -d '$tmp/static' | grep -q libalmanac"
check "the dynamic program writes the calendar" sh -c "LD_LIBRARY_PATH='$lib' '$tmp/dynamic' events.json > '$tmp/dynamic.ics'"
check "the static program writes the same" sh -c "'$tmp/static' events.json > '$tmp/static.ics' && cmp '$tmp/dynamic.ics' '$tmp/static.ics'"
check "python3-icalendar reads it, every event" "$py" -c "
import icalendar, json
cal = icalendar.Calendar.from_ical(open('$tmp/static.ics', 'rb').read())
assert len(cal.walk('VEVENT')) == len(json.load(open('events.json'))['events'])"
expect_status 1 "the program reports invalid input" sh -c "LD_LIBRARY_PATH='$lib' '$tmp/dynamic' tests/cases/bad/ids.json"
check "with the library's diagnostics" grep -q "ids.json:3:10: error" "$tmp/cli.err"
check "a C++ program links with the shared library" \
    c++ -Wall -Wextra -Werror $cflags tests/install/program.cpp -o "$tmp/cxx" $libs
check "and runs" sh -c "LD_LIBRARY_PATH='$lib' '$tmp/cxx' | grep -q 'c++: loaded'"

# make uninstall removes exactly what make install put there.
check "make uninstall" make -s uninstall B="$tmp/build" DESTDIR="$dest" PREFIX="$prefix" NO_DEPS=1
left=$(find "$dest" ! -type d)
if [ -z "$left" ]; then ok; else fail "make uninstall left: $left"; fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
