# clientele: PGXS build.  `make test` and `make demo` bootstrap everything
# (dependencies, build, install, throwaway cluster); see README.md.

EXTENSION   = clientele
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" clientele.control)
MODULE_big  = clientele

# C: fmgr glue in src/*.c, plain maths (no PostgreSQL headers) in src/core/*.c
SRCS        = $(sort $(wildcard src/*.c)) $(sort $(wildcard src/core/*.c))
OBJS        = $(SRCS:.c=.o)
CL_HEADERS = $(wildcard src/*.h src/core/*.h)

# Extension SQL: one fragment per area, concatenated in this order into the
# install script of the current version.  Upgrade scripts live in sql/ too.
SQL_AREAS   = datamodel sources demo rfm bgnbd pareto_nbd gamma_gamma sbg clv holdout tiers value
SQL_PARTS   = $(foreach a,$(SQL_AREAS),$(wildcard sql/$(a).sql))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(wildcard sql/$(EXTENSION)--*--*.sql)

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(PGXS),)
# PostgreSQL headers are included as system headers so that our own code is
# held to -Wall -Wextra -Werror without tripping over theirs.
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server) -I$(srcdir)/src -I$(srcdir)/src/core
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
PG_CPPFLAGS += -DCLIENTELE_VERSION=\"$(EXTVERSION)\"
SHLIB_LINK  = -lm
EXTRA_CLEAN = $(UNIT_BINS) results regression.diffs regression.out
include $(PGXS)

$(OBJS): $(CL_HEADERS)
else
all install installcheck:
	@echo "pg_config was not found: run 'make test' or 'make demo' (they install what is missing)," >&2
	@echo "or apt-get install postgresql-server-dev-15" >&2
	@exit 1
endif

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) clientele.control Makefile
	@{ echo "-- clientele $(EXTVERSION): generated from sql/*.sql by the Makefile; do not edit"; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION clientele" to load this file. \quit'; \
	   for f in $(SQL_PARTS); do echo; echo "-- ==== $$f ===="; cat $$f; done; } > $@

# Plain-C unit tests of src/core (no server needed), TAP output.
UNIT_SRCS   = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS   = $(UNIT_SRCS:.c=.bin)
CORE_SRCS   = $(sort $(wildcard src/core/*.c))
UNIT_CFLAGS = -std=c99 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc/core -Itest/unit

test/unit/%.bin: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) test/unit/tap.h
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) -lm

unitcheck: $(UNIT_BINS)
	@for b in $(UNIT_BINS); do echo "# $$b"; ./$$b || exit 1; done

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

demo-stop:
	bash scripts/demo.sh stop

bench:
	bash scripts/bench.sh

.PHONY: test demo demo-stop bench unitcheck
