# schemareg: CMake builds the module and the unit tests; PGXS installs and
# runs pg_regress / isolation specs. `make demo` and `make test` do everything.

PG_CONFIG ?= pg_config
BUILD_DIR ?= build/cmake
FUZZ_BUILD_DIR ?= build/fuzz

MODULEDIR = extension
# The current version's install script is assembled from extension/sql/, one
# concern per file. Released install scripts (schemareg--X.sql, never edited)
# and upgrade scripts (schemareg--A--B.sql) are installed as they are.
EXT_VERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" extension/schemareg.control)
EXTENSION_SQL = build/schemareg--$(EXT_VERSION).sql
DATA = extension/schemareg.control $(wildcard extension/schemareg--*.sql)
DATA_built = $(EXTENSION_SQL)
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --dbname=schemareg_regress
ISOLATION = $(patsubst tests/isolation/specs/%.spec,%,$(sort $(wildcard tests/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=tests/isolation --dbname=schemareg_isolation

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
endif

.PHONY: all module install-module demo test test-citus deps bench fuzz clean-build

all: module $(EXTENSION_SQL)

$(EXTENSION_SQL): $(sort $(wildcard extension/sql/*.sql))
	mkdir -p build
	cat $^ > $@

# CMake tracks header dependencies; this target always asks it.
module:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPG_CONFIG="$$(command -v $(PG_CONFIG))" >/dev/null
	cmake --build $(BUILD_DIR) -j2 --target schemareg

install: install-module

install-module: module
	$(INSTALL_SHLIB) $(BUILD_DIR)/schemareg.so '$(DESTDIR)$(pkglibdir)/schemareg.so'

deps:
	scripts/deps.sh

# libFuzzer targets of the core with ASan and UBSan (tests/fuzz); clang only.
# tests/fuzz/smoke.sh builds them and runs each for a few seconds.
fuzz:
	cmake -S . -B $(FUZZ_BUILD_DIR) -DSCHEMAREG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPG_CONFIG="$$(command -v $(PG_CONFIG))" >/dev/null
	cmake --build $(FUZZ_BUILD_DIR) -j2 --target fuzz

demo:
	scripts/demo.sh

test:
	scripts/test.sh

# The Citus suite alone (tests/citus/run.sh): skipped where Citus is not installed.
test-citus: install
	tests/citus/run.sh; status=$$?; [ $$status -eq 77 ] || exit $$status

bench:
	scripts/bench.sh

clean: clean-build

clean-build:
	rm -rf build results output_iso regression.diffs regression.out
