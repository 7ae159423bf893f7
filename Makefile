# kubeiam: thin wrapper over CMake + Ninja. `make run`, `make test`, `make bench`.
BUILD        ?= build
BUILD_ASAN   ?= build-asan
BUILD_FUZZ   ?= build-fuzz
CMAKE_FLAGS  ?=
JOBS         ?= $(shell nproc)

.PHONY: all deps build run test test-sanitize bench soak fuzz clean package install

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the seed lab (examples/demo), offline on loopback: the authenticator, the local
# STS, the EKS access API and the Kubernetes API front that kubectl talks to.
run: build
	@sed -n '/^## Try it/,/^## The server/p' README.md | sed '$$d'
	$(BUILD)/kubeiam serve --config examples/demo/config.yaml

# A .deb of the stripped binary, the systemd unit, the docs and a starter /etc/kubeiam/config.yaml.
package: build
	cd $(BUILD) && cpack -G DEB

install: build
	cmake --install $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

$(BUILD_ASAN)/build.ninja:
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKUBEIAM_SANITIZE=ON -DKUBEIAM_BENCH=OFF $(CMAKE_FLAGS)

test-sanitize: deps $(BUILD_ASAN)/build.ninja
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	bench/run-benchmarks $(BUILD)
	bench/run-authenticate-bench $(BUILD)
	bench/run-live-analysis-bench $(BUILD)
	bench/run-replicas-bench $(BUILD)

# One million TokenReviews (cache off and on) and one million SubjectAccessReviews; fails if RSS
# or open descriptors grow after warm-up. Not part of make test.
soak: build
	bench/soak $(BUILD) $${SOAK_REQUESTS:-1000000}

$(BUILD_FUZZ)/build.ninja:
	CXX=clang++-16 cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKUBEIAM_FUZZ=ON -DKUBEIAM_BENCH=OFF $(CMAKE_FLAGS)

fuzz: deps $(BUILD_FUZZ)/build.ninja
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	tests/fuzz/run-fuzzers $(BUILD_FUZZ) $${FUZZ_SECONDS:-20}

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
