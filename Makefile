# almanac - see README.md. `make run` and `make test` work on a fresh Debian
# machine with only gcc and make: missing packages are installed by
# scripts/install-deps (apt-get; sudo when not root).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1

CC      ?= cc
PKGS     = libical libcjson
WARN     = -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes
# Flags from pkg-config are expanded when a recipe runs, after `deps` has
# made sure the packages are there.
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 $(WARN) $(CFLAGS) -Iinclude -Isrc \
             $(shell pkg-config --cflags $(PKGS)) -MMD -MP
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS))

SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC  = src/arena.c src/atomic.c src/build.c src/date.c src/diag.c src/json_map.c \
           src/load.c src/model.c src/render_html.c src/render_ics.c src/render_json.c \
           src/render_markdown.c src/render_text.c src/text.c src/timeline.c \
           src/tzdb.c src/validate.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)

B        = build
LIB_OBJ  = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
ASAN_OBJ = $(LIB_SRC:src/%.c=$(B)/asan/%.o)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all run test unit e2e leakcheck deps test-deps bench bench-deps install uninstall clean check-out

all: $(B)/almanac

deps:
	@sh scripts/install-deps

test-deps:
	@sh scripts/install-deps --test

bench-deps:
	@sh scripts/install-deps --bench

$(B)/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANITIZE) -c $< -o $@

$(B)/libalmanac.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(B)/asan/libalmanac.a: $(ASAN_OBJ)
	$(AR) rcs $@ $^

$(B)/almanac: $(B)/obj/main.o $(B)/libalmanac.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_ALL)

# The sanitized binary the end-to-end tests run.
$(B)/asan/almanac: $(B)/asan/main.o $(B)/asan/libalmanac.a
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c $(B)/asan/libalmanac.a | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANITIZE) $(shell pkg-config --cflags cmocka) -o $@ $< \
	    $(B)/asan/libalmanac.a $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

# Validate events.json, write out/, print the timeline.
run: $(B)/almanac
	./$(B)/almanac build events.json -o out
	@./$(B)/almanac timeline events.json

# End-to-end tests first, then valgrind over the same inputs, the cmocka unit
# tests last (their summary lines close the output). Every suite runs; the exit status says if any failed.
test: e2e leakcheck unit

e2e: $(B)/asan/almanac $(B)/almanac | test-deps
	@sh tests/e2e/run.sh $(B)/asan/almanac

# Every test input once more, unsanitized, under valgrind memcheck.
leakcheck: $(B)/almanac | test-deps
	@sh tests/e2e/leakcheck.sh $(B)/almanac

unit: $(UNITS)
	@status=0; for t in $(UNITS); do ./$$t || status=1; done; exit $$status

# almanac against ical-generator, ics and python3-icalendar on the same
# generated events (bench/run.py; never part of `make test`). N sets the event
# counts: make bench N=1000000; BENCH_FLAGS passes more (--only almanac, --runs 5).
N ?= 10000 100000
BENCH_FLAGS ?=
bench: $(B)/almanac | bench-deps
	/usr/bin/python3 bench/run.py --n "$(N)" $(BENCH_FLAGS)

install: $(B)/almanac
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(B)/almanac $(DESTDIR)$(BINDIR)/almanac
	install -m 644 docs/almanac.1 $(DESTDIR)$(MANDIR)/almanac.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/almanac $(DESTDIR)$(MANDIR)/almanac.1

clean:
	rm -rf $(B)

-include $(LIB_OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(B)/obj/main.d $(B)/asan/main.d
