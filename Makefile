# The two commands of the README:
#   make demo   set up, build, create the demo ERP and the webstore, and run the main job
#   make test   set up, build and run every test (unit + integration, real SQLite/PostgreSQL/ODBC, the package)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: setup configure build test test-unit test-asan test-sanitized demo deb format clean

setup:
	@scripts/bootstrap.sh

$(BUILD_DIR)/build.ninja: | setup
	cmake --preset $(PRESET) >/dev/null

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test on the chosen build, then a fast subset under AddressSanitizer + UndefinedBehaviorSanitizer.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
ifneq ($(PRESET),asan-ubsan)
	$(MAKE) test-sanitized
endif

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	$(MAKE) test PRESET=asan-ubsan

# The fast subset CI runs under the sanitizers: the unit tests and the pipeline's in-process integration tests
# (real SQLite and PostgreSQL, no child processes to wait for).
SANITIZED_TARGETS := audit_unit_test config_test conflict_test connector_test jobs_test model_test odbc_unit_test \
	pricing_unit_test schedule_test store_unit_test sync_unit_test pull_pipeline_test conflict_audit_test \
	thrift_wire_test connector_host_test file_drop_unit_test app_unit_test
SANITIZED_TESTS := 'pg_cluster|PullPipelineTest|ConflictAuditTest|AuditTamperTest'
test-sanitized: setup
	cmake --preset asan-ubsan >/dev/null
	cmake --build build/asan-ubsan -j $(JOBS) --target $(SANITIZED_TARGETS)
	ctest --preset asan-ubsan --output-on-failure -j $(JOBS) -L unit
	ctest --preset asan-ubsan --output-on-failure -j $(JOBS) -R $(SANITIZED_TESTS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)

# The Debian package (docs/install.md), from the package preset (no fault-test crash points), with the installed
# targets only: build/package/package/syncline_<version>-1_<arch>.deb. `make test` builds one from its own build
# tree instead, to check the packaging without a second build (tests/package/deb_test.cpp).
deb: setup
	cmake --preset package >/dev/null
	cmake --build build/package -j $(JOBS) --target syncline syncline_man syncline_completion
	cpack --config build/package/CPackConfig.cmake

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build var
