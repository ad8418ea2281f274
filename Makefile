# clientele: PGXS build.  `make test` and `make demo` bootstrap everything
# (dependencies, build, install, throwaway cluster); see README.md.

EXTENSION   = clientele
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" clientele.control)
MODULE_big  = clientele

# C: fmgr glue in src/*.c, plain maths (no PostgreSQL headers) in src/core/*.c
SRCS        = $(sort $(wildcard src/common/*.c)) $(sort $(wildcard src/*.c)) $(sort $(wildcard src/core/*.c))
OBJS        = $(SRCS:.c=.o)
CL_HEADERS = $(wildcard src/common/*.h src/*.h src/core/*.h)

# Extension SQL: one fragment per area, concatenated in this order into the
# install script of the current version (fresh installs).  Released install
# scripts are frozen in sql/ (sql/clientele--0.1.0.sql) and never edited.
SQL_AREAS   = roles common datamodel sources demo rfm bgnbd pareto_nbd gamma_gamma sbg mbgnbd bgbb clv holdout tiers value features lifecycle signals evaluation churn refresh segments reporting schedule distributed access
# An existing area may be split in two: sql/<area>.sql keeps what only a
# fresh install creates (tables, types, shipped rows: an upgrade ALTERs them
# in its upgrade fragment) and sql/replace/<area>.sql holds the re-runnable
# rest (CREATE OR REPLACE functions and views, COMMENT ON, GRANT, idempotent
# calls), run after it by the install and by every upgrade: one definition.
SQL_PARTS   = $(foreach a,$(SQL_AREAS),$(wildcard sql/$(a).sql sql/replace/$(a).sql))

# The upgrade from the last release to this version, built in SQL_AREAS order
# from, per area: the whole fragment sql/<area>.sql when the area is new since
# that release (listed in NEW_AREAS), otherwise the area's upgrade fragment
# sql/upgrade/<from>--<to>/<area>.sql when it changed, then its re-runnable
# part sql/replace/<area>.sql if it has one.  At the next release the
# built script is frozen into sql/ like the install script.
PREV_VERSION = 0.1.0
NEW_AREAS   = roles mbgnbd bgbb features lifecycle signals evaluation churn refresh segments reporting schedule distributed access
UPGRADE_DIR = sql/upgrade/$(PREV_VERSION)--$(EXTVERSION)
# REPLACED_AREAS: existing areas whose whole fragment is re-runnable (CREATE OR
# REPLACE, COMMENT ON only); the upgrade runs the fragment itself, no copy.
REPLACED_AREAS = holdout
UPGRADE_PARTS = $(foreach a,$(SQL_AREAS),$(if $(filter $(a),$(NEW_AREAS) $(REPLACED_AREAS)),sql/$(a).sql,$(wildcard $(UPGRADE_DIR)/$(a).sql)) $(wildcard sql/replace/$(a).sql))
UPGRADE_SCRIPT = $(EXTENSION)--$(PREV_VERSION)--$(EXTVERSION).sql

# the generated scripts are rebuilt when the list of their parts changes
# (an added or removed fragment), not only when a part is newer
$(shell echo "$(SQL_PARTS) | $(UPGRADE_PARTS)" | cmp -s - .sqlparts 2>/dev/null || echo "$(SQL_PARTS) | $(UPGRADE_PARTS)" > .sqlparts)

DATA_built  = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADE_SCRIPT)
DATA        = $(filter-out $(addprefix sql/,$(DATA_built)),$(wildcard sql/$(EXTENSION)--*.sql))

# pg_regress suites (`make installcheck` against an installed server, as
# packagers run it; `make test` runs it the same way).  PostgreSQL 15's
# pg_regress reads <outputdir or inputdir>/sql/<t>.sql and .../expected/<t>.out:
# both are test/, whose expected/ links to the top-level expected/ (the
# top-level sql/ holds the extension scripts).  Results: test/results/,
# test/regression.diffs.  Each run re-creates the database contrib_regression
# with the extension installed.
REGRESS      = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --outputdir=test --load-extension=clientele

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# `make ... SANITIZE=1`: AddressSanitizer + UndefinedBehaviorSanitizer (gcc's
# runtimes; the server must preload libasan, see scripts/test.sh).  The build
# flavour is remembered in .flavour so that switching rebuilds every object.
SAN_FLAGS   = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=undefined,float-cast-overflow
FLAVOUR    := $(if $(SANITIZE),sanitize,plain)
$(shell [ "$$(cat .flavour 2>/dev/null)" = "$(FLAVOUR)" ] || echo "$(FLAVOUR)" > .flavour)

ifneq ($(PGXS),)
# PostgreSQL headers are included as system headers so that our own code is
# held to -Wall -Wextra -Werror without tripping over theirs.
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server) -I$(srcdir)/src/common -I$(srcdir)/src -I$(srcdir)/src/core
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
PG_CPPFLAGS += -DCLIENTELE_VERSION=\"$(EXTVERSION)\"
# Export only what PostgreSQL looks up (fmgr functions, _PG_init, the magic
# block: declared PGDLLEXPORT), as PostgreSQL 16+ does for every extension;
# every exported symbol is then clientele_*-prefixed, except the 0.1.0 names
# kept in src/common/entry_points.c.
PG_CFLAGS  += -fvisibility=hidden
PG_CPPFLAGS += '-DPGDLLEXPORT=__attribute__((visibility("default")))'
SHLIB_LINK  = -lm
ifneq ($(SANITIZE),)
PG_CFLAGS  += $(SAN_FLAGS)
SHLIB_LINK += $(SAN_FLAGS)
endif
EXTRA_CLEAN = $(UNIT_BINS) test/results test/regression.diffs test/regression.out
include $(PGXS)

$(OBJS): $(CL_HEADERS) .flavour
src/common/clientele.o: clientele.control
else
all install installcheck:
	@echo "pg_config was not found: run 'make test' or 'make demo' (they install what is missing)," >&2
	@echo "or apt-get install postgresql-server-dev-15" >&2
	@exit 1
endif

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) clientele.control Makefile .sqlparts
	@{ echo "-- clientele $(EXTVERSION): generated from sql/*.sql by the Makefile; do not edit"; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION clientele" to load this file. \quit'; \
	   for f in $(SQL_PARTS); do echo; echo "-- ==== $$f ===="; cat $$f; done; } > $@

$(UPGRADE_SCRIPT): $(UPGRADE_PARTS) clientele.control Makefile .sqlparts
	@{ echo "-- clientele $(PREV_VERSION) -> $(EXTVERSION): generated by the Makefile from $(UPGRADE_DIR)/ and the new areas; do not edit"; \
	   printf '%s\n' '\echo Use "ALTER EXTENSION clientele UPDATE" to load this file. \quit'; \
	   for f in $(UPGRADE_PARTS); do echo; echo "-- ==== $$f ===="; cat $$f; done; } > $@

# Plain-C unit tests of src/core (no server needed), TAP output.
UNIT_SRCS   = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS   = $(UNIT_SRCS:.c=.bin)
CORE_SRCS   = $(sort $(wildcard src/core/*.c))
UNIT_CFLAGS = -std=c99 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc/core -Itest/unit $(if $(SANITIZE),$(SAN_FLAGS))

test/unit/%.bin: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h) .flavour
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) -lm

unitcheck: $(UNIT_BINS)
	@for b in $(UNIT_BINS); do echo "# $$b"; ./$$b || exit 1; done

# libFuzzer targets of the inputs a user can hand to src/core (test/fuzz/),
# built with clang; `make fuzz` runs each for FUZZ_SECONDS from a seed corpus
# of valid states (test/fuzz/gen_seeds.c); `make test` runs each for 20 s.
FUZZ_CC      = clang
FUZZ_SECONDS = 60
FUZZ_SRCS    = $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS    = $(patsubst test/fuzz/%.c,tmp/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS  = -std=c99 -g -O1 -D_GNU_SOURCE -Isrc/core -Itest/fuzz -Itest/unit \
	-fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=undefined,float-cast-overflow

tmp/fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h test/unit/banding_double.h $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p tmp/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) -lm

tmp/fuzz/gen_seeds: test/fuzz/gen_seeds.c $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p tmp/fuzz
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc/core -o $@ $< $(CORE_SRCS) -lm

fuzz-build: $(FUZZ_BINS) tmp/fuzz/gen_seeds

fuzz: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# make test: everything; make test T="upgrade regress": only those suites / shell tests
test:
	SANITIZE=$(SANITIZE) bash scripts/test.sh $(T)

demo:
	bash scripts/demo.sh

demo-stop:
	bash scripts/demo.sh stop

bench:
	bash scripts/bench.sh

test-citus:
	$(MAKE) -s install >/dev/null
	bash scripts/citus.sh

.PHONY: test demo demo-stop bench unitcheck fuzz fuzz-build test-citus
