# PINS Hub build. `make` builds bin/; `make run` serves locally; `make test` runs the whole suite.
# Everything comes from Debian's -dev packages through pkg-config; nothing is vendored.

CC       ?= cc
PKGS     := libulfius libmicrohttpd jansson libpq rdkafka libjwt libcrypto
BUILD    ?= build/release
BIN      ?= bin
CSTD     := -std=c17 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT      ?= -O2 -g
SAN      ?=
CFLAGS   := $(CSTD) $(WARN) $(OPT) $(SAN) -Iinternal -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS  := $(SAN)

LIB_SRC  := $(sort $(wildcard internal/*/*.c))
LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/gen/embedded.o
PROGRAMS := pins-api pins-relay pins-token pins-dev-kafka
TARGETS  := $(addprefix $(BIN)/,$(PROGRAMS))
EMBEDDED := $(sort $(wildcard sql/migrations/*.sql)) $(sort $(wildcard data/reference/*.csv data/reference/*.json))

.SECONDARY:
.PHONY: all deps run test test-unit test-api test-asan lint lint-spec clean bench format fuzz fuzz-build fuzz-harnesses

all: $(TARGETS)

deps:
	@bash scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Migrations and the default reference data are compiled into the binary, so a deployment is one file.
# The list of them is kept in a file rewritten only when it changes, so that removing or renaming
# one rebuilds the binaries too (a removed migration once stayed embedded in bin/).
EMBED_LIST := $(BUILD)/gen/embedded.list
$(shell mkdir -p $(BUILD)/gen && (echo '$(EMBEDDED)' | cmp -s - $(EMBED_LIST) || echo '$(EMBEDDED)' > $(EMBED_LIST)))
$(BUILD)/gen/embedded.c: scripts/embed.sh $(EMBEDDED) $(EMBED_LIST)
	@mkdir -p $(dir $@)
	bash scripts/embed.sh $(EMBEDDED) > $@

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CSTD) -O0 $(SAN) -Iinternal -c $< -o $@

$(BUILD)/libpins.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%: $(BUILD)/cmd/%/main.o $(BUILD)/libpins.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

-include $(shell find build -name '*.d' 2>/dev/null)

run: deps all
	@bash scripts/run.sh

# Unit tests (cmocka), then the black-box suite against a release build, then again under ASan+UBSan.
test: deps
	@bash scripts/test.sh

# Each tests/unit/test_*.c is its own cmocka program.
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

test-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libpins.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
	  --inline-suppr --suppress=missingIncludeSystem --include=/usr/include/jansson.h -Iinternal internal cmd

lint-spec:
	@bash scripts/lint-spec.sh

format:
	clang-format -i $(LIB_SRC) $(wildcard cmd/*/*.c) $(wildcard internal/*/*.h) $(UNIT_SRC)

bench: deps
	@bash bench/run.sh

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built by clang in their own BUILD dir: the library with
# -fsanitize=fuzzer-no-link (instrumented for coverage, no main), each harness linked with
# -fsanitize=fuzzer. `make fuzz` runs each for FUZZ_SECONDS on a scratch copy of its corpus.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

fuzz-build: deps
	@$(MAKE) --no-print-directory fuzz-harnesses CC=clang BUILD=$(FUZZ_BUILD) OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)"

fuzz-harnesses: $(addprefix $(BUILD)/fuzzers/,$(FUZZ_NAMES))

$(BUILD)/fuzzers/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/libpins.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(LDLIBS) -o $@

fuzz: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_BUILD)/fuzzers $(FUZZ_SECONDS) $(FUZZ_NAMES)

clean:
	rm -rf build bin
