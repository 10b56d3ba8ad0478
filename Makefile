# The two commands of the README:
#   make demo   set up, build, create the demo ERP and the webstore, and run the main job
#   make test   set up, build and run every test (unit + integration, real SQLite/PostgreSQL/ODBC)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: setup configure build test test-unit test-asan demo format clean

setup:
	@scripts/bootstrap.sh

$(BUILD_DIR)/build.ninja: | setup
	cmake --preset $(PRESET) >/dev/null

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	$(MAKE) test PRESET=asan-ubsan

demo: build
	@scripts/demo.sh $(BUILD_DIR)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build var
