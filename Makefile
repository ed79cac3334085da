# SPDX-License-Identifier: GPL-2.0-or-later
#
# Thin wrapper over meson/ninja.  The two commands of the README:
#   make run    install what is missing, build, assemble the demo guest, boot it
#   make check  install what is missing, build, run every default test suite
# Other targets: all (default), check-slow, check-asan, bench, screenshot, clean.

BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_TEST = meson test --print-errorlogs --num-processes 2
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1

.PHONY: all deps run check check-slow check-asan bench screenshot clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)

$(ASAN_BUILD)/build.ninja:
	./configure --builddir=$(ASAN_BUILD) --enable-sanitizers

deps:
	scripts/install-deps.sh

run: deps
	$(MAKE) all
	scripts/run-demo.sh $(BUILD)

# The default suites on the normal build, then the unit suite under ASan
# and UBSan; the last line is "N passed, N failed[, N skipped]".
check: deps
	$(MAKE) all
	$(MAKE) $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	rm -f $(BUILD)/meson-logs/testlog.json $(ASAN_BUILD)/meson-logs/testlog.json
	-$(MESON_TEST) -C $(BUILD) --no-suite slow
	-$(MESON_TEST) -C $(ASAN_BUILD) --suite unit
	-@scripts/ui-screenshot.sh $(BUILD) >/dev/null 2>&1
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json \
	    $(ASAN_BUILD)/meson-logs/testlog.json

check-slow: deps
	$(MAKE) all
	rm -f $(BUILD)/meson-logs/testlog.json
	-$(MESON_TEST) -C $(BUILD) --suite slow --timeout-multiplier 4
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json

check-asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	rm -f $(ASAN_BUILD)/meson-logs/testlog.json
	-$(MESON_TEST) -C $(ASAN_BUILD) --suite unit
	@python3 scripts/test-summary.py $(ASAN_BUILD)/meson-logs/testlog.json

# README's picture of a notification, taken from the real window on Xvfb:
# generated, never stored in git (make check makes it too).
screenshot: all
	scripts/ui-screenshot.sh $(BUILD)

bench: all
	scripts/run-benchmarks.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
