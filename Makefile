# The two commands of the README: `make demo` and `make test`. Both install dependencies, build and run.
BUILD ?= build
SANITIZE_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
# ccache hits across clones in different folders (CI builds a fresh clone).
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

.PHONY: all deps build build-sanitize build-tsan demo test test-long test-sanitize test-tsan bench clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

build-sanitize: deps
	cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBASALT_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)

build-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBASALT_TSAN=ON $(CMAKE_FLAGS)
	cmake --build $(TSAN_BUILD) -j $(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)

test: build
	bash scripts/run-tests.sh $(BUILD)

# The long mode of the storage tests: 200 crash trials, 1,000 crash trials with concurrent writers, 100
# corruption trials, 100 seeds of the differential test against SQLite.
test-long: build
	CRASH_TRIALS=200 CONCURRENT_CRASH_TRIALS=1000 CORRUPTION_TRIALS=100 BASALT_DIFFERENTIAL_SEEDS=100 \
		bash scripts/run-tests.sh $(BUILD)

test-sanitize: build-sanitize
	BASALT_SANITIZED=1 bash scripts/run-tests.sh $(SANITIZE_BUILD)

# ThreadSanitizer: the unit tests, the SQL tests on 2 threads and the concurrent sessions' crash test; any race
# report fails the run.
test-tsan: build-tsan
	bash scripts/run-tsan-tests.sh $(TSAN_BUILD)

bench: build
	bash bench/tpch/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(TSAN_BUILD)
