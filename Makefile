# Two commands for a fresh Debian 12 machine: `make demo` and `make test`.
# Both install what they need (`make deps`), configure, build, then run.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 600
JOBS ?= $(shell nproc)
CTEST_ARGS ?= -LE long

# Every Debian 12 package the build, the tests and the packaging need.
DEBIAN_PACKAGES := build-essential cmake pkg-config ca-certificates openssl tzdata \
  libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libyaml-cpp-dev \
  libsqlitecpp-dev libsqlite3-dev libpugixml-dev libcurl4-openssl-dev \
  libhowardhinnant-date-dev libsystemd-dev libcli11-dev libgtest-dev libgmock-dev \
  libbenchmark-dev libsimdjson-dev libjemalloc-dev python3 python3-aiosmtpd systemd curl dpkg-dev file

.PHONY: all deps deps-check configure build test unit integration long demo install package bench clean \
  fuzz fuzz-build

all: build

# Lists the Debian packages of DEBIAN_PACKAGES that are not installed (empty when all are).
MISSING_CMD = for p in $(DEBIAN_PACKAGES); do \
    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
  done

# `make deps-check`: report only, exit 1 when something is missing (installs nothing).
deps-check:
	@command -v dpkg-query >/dev/null || { echo "make deps-check: dpkg-query not found: this build expects Debian 12" >&2; exit 1; }
	@missing=$$($(MISSING_CMD)); \
	if [ -n "$$missing" ]; then echo "make deps-check: missing Debian packages:" $$missing; exit 1; \
	else echo "make deps-check: all Debian packages present"; fi

# `make deps`: installs what is missing (apt-get update once, then one apt-get install);
# as root directly, otherwise through sudo. Present packages are left alone.
deps:
	@command -v dpkg-query >/dev/null || { echo "make deps: dpkg-query not found: this build expects Debian 12 (install the packages listed in the Makefile by hand)" >&2; exit 1; }
	@missing=$$($(MISSING_CMD)); \
	if [ -z "$$missing" ]; then echo "make deps: all Debian packages present"; exit 0; fi; \
	echo "make deps: installing:" $$missing; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null; then SUDO=sudo; \
	else echo "make deps: not root and no sudo: run 'make deps' as root" >&2; exit 1; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing && \
	still=$$($(MISSING_CMD)) && \
	if [ -n "$$still" ]; then echo "make deps: still missing after apt-get:" $$still >&2; exit 1; fi

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)
	@if command -v clang++ >/dev/null; then \
	  $(MAKE) --no-print-directory fuzz-build && cd $(FUZZ_DIR) && ctest --output-on-failure -j $(JOBS) -L fuzz; \
	else echo "make test: clang++ not found: the short fuzz runs (label fuzz) are skipped"; fi

# The libFuzzer targets (tests/fuzz/): clang, ASan + UBSan, in their own build folder.
fuzz-build: deps
	@command -v clang++ >/dev/null || { echo "make fuzz: clang++ not found (apt-get install clang)" >&2; exit 1; }
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOZW_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS)

# `make fuzz`: every target for FUZZ_SECONDS (default 600) in turn; a line of figures each.
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L integration

# The long runs (label long): the crash suite with 100 SIGKILLs. Not part of `make test`.
long: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L long

# The demo needs the binary only, not the tests and benchmarks.
demo: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target ozonwatch
	$(BUILD_DIR)/daemon/ozonwatch demo

bench: build
	bash bench/run.sh $(BUILD_DIR)

install: build
	cmake --install $(BUILD_DIR)

package: build
	cd $(BUILD_DIR) && cpack -G DEB

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
