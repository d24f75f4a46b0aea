# almanac - see README.md. `make run` and `make test` work on a fresh Debian
# machine with only gcc and make: missing packages are installed by
# scripts/install-deps (apt-get; sudo when not root).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
DATADIR  = $(PREFIX)/share/almanac
MANDIR   = $(PREFIX)/share/man/man1
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d

# The library's version comes from its header; the soname's major number
# changes when the public API breaks (0 while it may still do so).
VERSION := $(shell sed -n 's/^\#define ALMANAC_VERSION "\(.*\)"$$/\1/p' include/almanac/version.h)
SOVERSION = 0

CC      ?= cc
PKGS     = libical libcjson libmicrohttpd zlib icu-i18n
# Packagers' CFLAGS, CPPFLAGS and LDFLAGS (hardening, optimisation) come
# after ours, so theirs win; WERROR=0 keeps warnings from failing a build
# with another compiler, which development builds (the default) do not.
WERROR  ?= 1
WARN     = -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS  ?= -O2 -g
# Flags from pkg-config are expanded when a recipe runs, after `deps` has
# made sure the packages are there. Objects are position-independent and
# hide every symbol a public header does not mark ALMANAC_API, so the same
# objects make the static and the shared library.
ALL_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -pthread -fPIC -fvisibility=hidden $(WARN) \
             -Iinclude -Isrc $(shell pkg-config --cflags $(PKGS)) $(CPPFLAGS) $(CFLAGS) -MMD -MP
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS)) -pthread

# Quiet by default: one line per file built; V=1 shows the commands.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @printf '  %-6s %s\n'
endif

# UBSan's runtime is linked statically: LeakSanitizer scans the writable memory
# of every loaded library at exit, and the shared libubsan's 6 MB of it made
# each sanitized process 20 ms slower (a hello world: 57 ms, 36 static).
SANITIZE = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all \
           -static-libubsan

LIB_SRC  = src/arena.c src/outfile.c src/build.c src/build_index.c src/date.c src/diag.c src/diag_codes.c src/formats.c src/json_map.c src/json_stream.c \
           src/load.c src/load_file.c src/load_series.c src/model.c src/name_set.c src/parallel.c src/read_file.c src/render_html.c src/render_ics.c src/render_json.c \
           src/render_markdown.c src/render_text.c src/series.c src/serve.c src/serve_loop.c src/http_headers.c src/hash.c src/textbuf.c src/text.c \
           src/timeline.c src/timeline_render.c src/tzdb.c src/validate.c src/watch.c src/import.c src/import_files.c src/import_ical.c \
           src/import_places.c src/import_scan.c src/import_tz.c src/import_zone.c src/write_events.c \
           src/connection_guard.c src/gzip_sibling.c \
           src/json_layout.c src/events_text.c src/events_edit.c src/transliterate.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)

# The program's own files, the command line: linked into the binary only.
BIN_SRC  = src/main.c src/cli.c src/cli_parse.c src/cli_edit.c src/progress.c

B        = build
LIB_OBJ  = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
BIN_OBJ  = $(BIN_SRC:src/%.c=$(B)/obj/%.o)
BIN_ASAN_OBJ = $(BIN_SRC:src/%.c=$(B)/asan/%.o)
ASAN_OBJ = $(LIB_SRC:src/%.c=$(B)/asan/%.o)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

# libFuzzer harnesses (tests/fuzz/): the library built with clang for
# coverage, the harnesses linked with libFuzzer; the same harnesses built
# with gcc and a small main (replay.c) replay the stored crash inputs in
# make test, so make test needs no clang.
FUZZERS   = load render http import edit
FUZZ_CC   = clang
# clang's -Wconversion also means -Wsign-conversion, which gcc's does not.
FUZZ_WARN = -Wno-sign-conversion
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ  = $(LIB_SRC:src/%.c=$(B)/fuzz/obj/%.o)
FUZZ_BINS = $(FUZZERS:%=$(B)/fuzz/fuzz_%)
REPLAYS   = $(FUZZERS:%=$(B)/fuzz/replay_%)
FUZZ_SECONDS ?= 30

.PHONY: all run test test-build unit e2e leakcheck fuzz fuzz-smoke fuzz-replay deps test-deps fuzz-deps \
        bench bench-deps bench-serve stress install uninstall clean screenshots bench-page FORCE

all: $(B)/almanac

# NO_DEPS=1: the packages are the packager's business; install nothing.
ifeq ($(NO_DEPS),1)
deps test-deps fuzz-deps bench-deps: ; @:
else
deps:
	@sh scripts/install-deps

test-deps:
	@sh scripts/install-deps --test

fuzz-deps:
	@sh scripts/install-deps --fuzz

bench-deps:
	@sh scripts/install-deps --bench
endif

# The compiler flags the objects were built with: when they change (CFLAGS,
# WERROR, a new dependency's cflags), every object is built again.
FLAGS_STAMP = $(B)/.flags
$(FLAGS_STAMP): FORCE | deps
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SANITIZE)' | cmp -s - $@ || \
	    echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SANITIZE)' > $@

$(B)/obj/%.o: src/%.c $(FLAGS_STAMP) | deps
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/%.o: src/%.c $(FLAGS_STAMP) | deps
	@mkdir -p $(@D)
	$(say) CC-ASAN $<
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) -c $< -o $@

$(B)/libalmanac.a: $(LIB_OBJ)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The shared library: libalmanac.so.VERSION, soname libalmanac.so.SOVERSION;
# only the ALMANAC_API functions are exported.
SHLIB = $(B)/libalmanac.so.$(VERSION)
$(SHLIB): $(LIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) -shared -Wl,-soname,libalmanac.so.$(SOVERSION) -Wl,--no-undefined $(CFLAGS) \
	    $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# Written at every install: PREFIX may differ from the last one.
$(B)/almanac.pc: FORCE
	$(say) GEN $@
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$(INCLUDEDIR)' 'libdir=$(LIBDIR)' '' \
	    'Name: almanac' \
	    'Description: Validate a file of dated events and turn it into iCalendar feeds and a timeline' \
	    'Version: $(VERSION)' 'Requires.private: $(PKGS)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lalmanac' 'Libs.private: -pthread' > $@

$(B)/asan/libalmanac.a: $(ASAN_OBJ)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/almanac: $(BIN_OBJ) $(B)/libalmanac.a
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# The sanitized binary the end-to-end tests run.
$(B)/asan/almanac: $(BIN_ASAN_OBJ) $(B)/asan/libalmanac.a
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(SANITIZE) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c $(B)/asan/libalmanac.a | test-deps
	@mkdir -p $(@D)
	$(say) CC-TEST $<
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< \
	    $(B)/asan/libalmanac.a $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

$(B)/fuzz/obj/%.o: src/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(say) CC-FUZZ $<
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_WARN) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(B)/fuzz/libalmanac.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/libalmanac.a | fuzz-deps
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
	    $(B)/fuzz/libalmanac.a $(LDLIBS_ALL)

$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(B)/asan/libalmanac.a | deps
	@mkdir -p $(@D)
	$(say) CC-TEST $<
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) -o $@ tests/fuzz/replay.c $< $(B)/asan/libalmanac.a \
	    $(LDLIBS_ALL)

# Validate events.json, write out/, print the timeline.
run: $(B)/almanac
	./$(B)/almanac build events.json -o out
	@./$(B)/almanac timeline events.json

# Every suite of tests/suites (end-to-end, valgrind, fuzz replay, unit), run
# by tests/run-suites.sh TEST_JOBS at a time (default: one per core) once
# everything they run is built (with as many compilers at once). One line
# per suite as it starts and as it ends, with its counts and seconds; its
# output in $(B)/test-logs/NAME.log, the end of it printed when it fails.
# Every suite runs; the exit status says if any failed. (The runner line does
# not name $(MAKE): make -n would run it, suites and all.)
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_BINS  = $(B)/asan/almanac $(B)/almanac $(B)/tests/faultinject.so $(UNITS) $(REPLAYS)

test:
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) test-build
	@sh tests/run-suites.sh -j $(TEST_JOBS) -B $(B)

test-build: $(TEST_BINS)

# The end-to-end suites alone (kind e2e in tests/suites), the same way.
e2e: $(B)/asan/almanac $(B)/almanac $(B)/tests/faultinject.so | test-deps
	@sh tests/run-suites.sh -j $(TEST_JOBS) -B $(B) e2e

# How long the page of a 1,000- and a 10,000-event archive takes to open in
# chromium (first paint, and loaded with its filters working); above 1,000
# entries also the first year's page.
bench-page: $(B)/almanac | test-deps
	@mkdir -p $(B)/bench-page
	@for n in 1000 10000; do \
	    /usr/bin/python3 bench/gen_events.py $$n $(B)/bench-page/events-$$n.json --series 5 && \
	    ./$(B)/almanac build $(B)/bench-page/events-$$n.json -o $(B)/bench-page/out-$$n && \
	    ls -l $(B)/bench-page/out-$$n/index.html && \
	    node tests/js/open_time.mjs $(B)/bench-page/out-$$n/index.html 7 || exit 1; \
	    for page in $(B)/bench-page/out-$$n/20[0-9][0-9].html; do \
	        [ -f "$$page" ] || continue; ls -l $$page; node tests/js/open_time.mjs $$page 7; break; done; \
	    done

# The pictures of the page the README shows: desktop, phone, dark, printed,
# of the committed out/index.html, as the browser test takes them.
SHOTS = out-desktop.png out-phone390.png out-dark.png out-print-1.png
screenshots: $(B)/almanac | test-deps
	@rm -rf $(B)/shots && mkdir -p $(B)/shots/out docs/screenshots
	@cp out/index.html out/*.ics $(B)/shots/out/
	node tests/js/check_page.mjs --shots $(B)/shots $(B)/shots/out/index.html events.json
	@for f in $(SHOTS); do cp $(B)/shots/$$f docs/screenshots/$$f; done

# The LD_PRELOAD library that makes the Nth file-system call fail.
$(B)/tests/faultinject.so: tests/faultinject/faultinject.c
	@mkdir -p $(@D)
	$(say) CC-TEST $<
	$(Q)$(CC) -std=c11 $(WARN) -O1 -g -shared -fPIC -o $@ $< -ldl

# Every test input once more, unsanitized, under valgrind memcheck.
leakcheck: $(B)/almanac | test-deps
	@sh tests/e2e/leakcheck.sh $(B)/almanac

# Every input a fuzzer ever crashed on, and the seeds, through the harnesses.
fuzz-replay: $(REPLAYS)
	@status=0; for h in $(FUZZERS); do \
	    ./$(B)/fuzz/replay_$$h tests/fuzz/regressions/$$h || status=1; done; \
	    ./$(B)/fuzz/replay_load events.json tests/cases/*/*.json >/dev/null || status=1; \
	    ./$(B)/fuzz/replay_render events.json tests/cases/*/*.json >/dev/null || status=1; \
	    ./$(B)/fuzz/replay_edit events.json tests/cases/*/*.json >/dev/null || status=1; \
	    ./$(B)/fuzz/replay_http tests/fuzz/seeds/http >/dev/null || status=1; \
	    ./$(B)/fuzz/replay_import tests/import/*.ics tests/import/corpus/*.ics \
	    tests/fuzz/seeds/import >/dev/null \
	    || status=1; exit $$status

# Builds the libFuzzer harnesses (clang; installed when missing).
fuzz: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS (30) on its corpus, one after the other.
# A long campaign: sh tests/fuzz/run.sh load 600
fuzz-smoke: $(FUZZ_BINS)
	@for h in $(FUZZERS); do log=$(B)/fuzz/smoke-$$h.log; \
	    if sh tests/fuzz/run.sh $$h $(FUZZ_SECONDS) > $$log 2>&1; then \
	        echo "fuzz-smoke $$h: $$(grep -E '^#[0-9]+.*DONE' $$log)"; \
	    else tail -40 $$log; echo "fuzz-smoke: $$h failed (log: $$log)"; exit 1; fi; done

unit: $(UNITS)
	@status=0; for t in $(UNITS); do ./$$t || status=1; done; exit $$status

# The reference rows of make bench (bench/ref/): not peers but limits, the
# same JSON through cJSON and stdio only (ref_stdio), and through cJSON and
# libical one VEVENT at a time on every core (ref_libical).
REF_BINS  = $(B)/ref/ref_stdio $(B)/ref/ref_libical
REF_DEPS  = bench/ref/ref_load.c bench/ref/ref_load.h
REF_FLAGS = -std=c11 -D_XOPEN_SOURCE=700 -pthread $(WARN) $(CPPFLAGS) $(CFLAGS)
$(B)/ref/ref_stdio: bench/ref/ref_stdio.c $(REF_DEPS)
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(REF_FLAGS) $(shell pkg-config --cflags libcjson) $(LDFLAGS) -o $@ \
	    $< bench/ref/ref_load.c $(shell pkg-config --libs libcjson)
$(B)/ref/ref_libical: bench/ref/ref_libical.c $(REF_DEPS)
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(REF_FLAGS) $(shell pkg-config --cflags libical libcjson) $(LDFLAGS) -o $@ \
	    $< bench/ref/ref_load.c $(shell pkg-config --libs libical libcjson) -pthread

# almanac against ical-generator, ics and python3-icalendar, and the two
# reference rows, on the same
# generated events (bench/run.py; never part of `make test`). N sets the event
# counts: make bench N=1000000; BENCH_FLAGS passes more (--only almanac, --runs 5).
# Each N's report, with every run behind it, goes to BENCH_RESULTS/DATE-Nk.md.
N ?= 10000 100000
BENCH_FLAGS ?=
BENCH_RESULTS ?= bench/results
bench: $(B)/almanac $(REF_BINS) | bench-deps
	/usr/bin/python3 bench/run.py --n "$(N)" --results "$(BENCH_RESULTS)" $(BENCH_FLAGS)
	@sh bench/serve.sh $(B)/almanac $(SECONDS)

# The server alone: edit-to-new-ETag latency and memory at SERVE_N events
# (bench/serve_edit.py, issue 21's targets), then the load test with wrk.
SERVE_N ?= 100000
bench-serve: $(B)/almanac | bench-deps
	/usr/bin/python3 bench/serve_edit.py $(B)/almanac --n $(SERVE_N) --runs 3
	@sh bench/serve.sh $(B)/almanac $(SECONDS)

# Slow-client attacks on the server for STRESS_SECONDS each, with a fresh
# client measured through them (tests/e2e/stress.sh; never part of make test).
STRESS_SECONDS ?= 75
stress: $(B)/asan/almanac | test-deps
	@sh tests/e2e/stress.sh $(B)/asan/almanac $(STRESS_SECONDS)

# Shell completions, written by almanac itself from its table of commands
# and options, so they cannot drift from what it accepts.
COMPLETIONS = $(B)/completions/almanac.bash $(B)/completions/_almanac $(B)/completions/almanac.fish
$(B)/completions/almanac.bash: $(B)/almanac
	@mkdir -p $(@D)
	$(Q)$(abspath $(B))/almanac completions bash > $@.tmp && mv $@.tmp $@
$(B)/completions/_almanac: $(B)/almanac
	@mkdir -p $(@D)
	$(Q)$(abspath $(B))/almanac completions zsh > $@.tmp && mv $@.tmp $@
$(B)/completions/almanac.fish: $(B)/almanac
	@mkdir -p $(@D)
	$(Q)$(abspath $(B))/almanac completions fish > $@.tmp && mv $@.tmp $@

HEADERS = $(wildcard include/almanac/*.h)
# What make install puts where; make uninstall removes exactly this list.
INSTALLED = $(BINDIR)/almanac $(MANDIR)/almanac.1 \
            $(HEADERS:include/%=$(INCLUDEDIR)/%) \
            $(LIBDIR)/libalmanac.a $(LIBDIR)/libalmanac.so.$(VERSION) \
            $(LIBDIR)/libalmanac.so.$(SOVERSION) $(LIBDIR)/libalmanac.so \
            $(LIBDIR)/pkgconfig/almanac.pc $(DATADIR)/events.schema.json \
            $(BASHCOMPDIR)/almanac $(ZSHCOMPDIR)/_almanac $(FISHCOMPDIR)/almanac.fish

install: $(B)/almanac $(B)/libalmanac.a $(SHLIB) $(B)/almanac.pc $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(INCLUDEDIR)/almanac \
	    $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(DATADIR) $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(B)/almanac $(DESTDIR)$(BINDIR)/almanac
	install -m 644 docs/almanac.1 $(DESTDIR)$(MANDIR)/almanac.1
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/almanac/
	install -m 644 $(B)/libalmanac.a $(DESTDIR)$(LIBDIR)/libalmanac.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/libalmanac.so.$(VERSION)
	ln -sf libalmanac.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libalmanac.so.$(SOVERSION)
	ln -sf libalmanac.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libalmanac.so
	install -m 644 $(B)/almanac.pc $(DESTDIR)$(LIBDIR)/pkgconfig/almanac.pc
	install -m 644 schema/events.schema.json $(DESTDIR)$(DATADIR)/events.schema.json
	install -m 644 $(B)/completions/almanac.bash $(DESTDIR)$(BASHCOMPDIR)/almanac
	install -m 644 $(B)/completions/_almanac $(DESTDIR)$(ZSHCOMPDIR)/_almanac
	install -m 644 $(B)/completions/almanac.fish $(DESTDIR)$(FISHCOMPDIR)/almanac.fish

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	-rmdir $(DESTDIR)$(INCLUDEDIR)/almanac $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf $(B)

FORCE:

-include $(LIB_OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(BIN_OBJ:.o=.d) $(BIN_ASAN_OBJ:.o=.d) \
         $(UNITS:=.d)
