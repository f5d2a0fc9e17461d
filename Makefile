# The README's two commands: `make run` (demo on a generated market) and `make test`.
BUILD ?= build
TEST_BUILD ?= build-test
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DEMO ?= demo
TAPEWATCH = $(BUILD)/tapewatch

.PHONY: deps build run test test-sanitize eval-gate bench format format-check clean

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPEWATCH_TESTS=OFF -DTAPEWATCH_BENCH=OFF
	cmake --build $(BUILD) -j $(JOBS) --target tapewatch

# Generates a one-hour, three-symbol market with injected manipulation and runs every rule on it.
run: build
	$(TAPEWATCH) generate --symbols 3 --accounts 500 --hours 1 --seed 1 --out $(DEMO)
	$(TAPEWATCH) run $(DEMO)/trades.csv --owners $(DEMO)/owners.toml --db tapewatch.db \
	  --dead-letter $(DEMO)/rejects.jsonl

# Builds everything with warnings as errors and runs the whole suite (unit, real data, end to
# end), the detection gate (every rule's F1 on a short evaluation), then the same suite again
# under AddressSanitizer and UndefinedBehaviorSanitizer.
test: deps
	cmake -S . -B $(TEST_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPEWATCH_WERROR=ON \
	  -DTAPEWATCH_TESTS=ON -DTAPEWATCH_BENCH=ON
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900
	scripts/eval-gate.sh $(TEST_BUILD)/tapewatch
	$(MAKE) test-sanitize
	$(MAKE) format-check

test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
	  -DTAPEWATCH_SANITIZE=ON -DTAPEWATCH_WERROR=ON -DTAPEWATCH_TESTS=ON -DTAPEWATCH_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

# Fails, naming the rule, when a rule's F1 drops below 0.85 on a short evaluation
# (docs/DETECTION.md).
eval-gate:
	scripts/eval-gate.sh $(BUILD)/tapewatch

bench: build
	$(TAPEWATCH) bench --rows 5000000

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# Fails when a tracked source file differs from what clang-format (with .clang-format) writes.
format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(ASAN_BUILD)
