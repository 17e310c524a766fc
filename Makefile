# wasock build (GNU make). `make` builds everything `npm install` needs:
#
#   wasm      wasm/wasock-core.wasm, the C core (tools/wasm-cc.mjs picks the toolchain:
#             wasi-sdk, system clang + wasm-ld, or @yowasp/clang; WASOCK_TOOLCHAIN forces one)
#   addon     ts-bindings/native/build/Release/wasock.node (node-gyp)
#   dist      ts-bindings/src/host/{constants,core-abi}.generated.ts, then dist/*.js (tools/bundle.mjs, esbuild) and dist/*.d.ts (tsc)
#   sdk       the guest SDK: wasm/sdk/include (headers), wasm/sdk/lib/wasock.o, toolchain, README
#   clean     removes all of the above
#   test-native  runs tests/native/run.sh when it exists
#
# A second `make` does nothing; deleting any file it made makes the next `make` build it again
# (tests/build.test.mjs checks both). `make wasm -B` rebuilds the core (e.g. with another toolchain).

.DEFAULT_GOAL := all
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

# One recipe that makes several files is the rule of its first file (or of a stamp); the others
# depend on it with no recipe. $(call missing,FILES) is FORCE when one of FILES does not exist,
# as a prerequisite of that rule: the recipe then runs again and makes them all.
missing = $(if $(strip $(foreach f,$1,$(if $(wildcard $f),,$f))),FORCE)
.PHONY: FORCE
FORCE:

NODE    ?= node
TSC     ?= node_modules/.bin/tsc

# npm puts node-gyp on PATH in lifecycle scripts; elsewhere use the copy bundled with npm.
NODE_GYP ?= $(or $(shell command -v node-gyp 2>/dev/null),$(NODE) $(shell \
	d=$$(dirname "$$(readlink -f "$$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js; \
	[ -f "$$d" ] && readlink -f "$$d"))
# Outside npm, node-gyp does not see npm's `nodedir` setting: use the headers installed beside
# node (e.g. /usr/include/node) so that nothing is downloaded.
NODE_PREFIX := $(shell dirname "$$(dirname "$$(readlink -f "$$(command -v $(NODE))")")")
NODE_GYP_FLAGS ?= $(if $(npm_config_nodedir),,$(if $(wildcard $(NODE_PREFIX)/include/node/node_api.h),--nodedir=$(NODE_PREFIX)))

# ---- the core, compiled to Wasm --------------------------------------------------------------

CORE_WASM := wasm/wasock-core.wasm
CORE_SRC  := $(sort $(wildcard core-c/src/*.c))
CORE_HDR  := $(sort $(wildcard core-c/include/*.h core-c/include/*/*.h core-c/src/*.h))

# No libc: the core is freestanding and defines what the compiler may call (memcpy, ...).
# Exports come from export_name attributes; imports from <wasock/host.h> (module "wasock").
WASM_CFLAGS  ?= -O2 -g0 -std=c11 -Wall -Wextra
WASM_CFLAGS  += -nostdlib -ffreestanding -Icore-c/include
# 128 KiB stack, 16 MiB initial memory, growable (no maximum); no DWARF, no name section;
# __heap_base exported (free memory past the data and the stack).
WASM_LDFLAGS ?= -s -Wl,--no-entry -Wl,-z,stack-size=131072 -Wl,--initial-memory=16777216 \
	-Wl,--export=__heap_base

# ---- the N-API addon ---------------------------------------------------------------------------

ADDON     := ts-bindings/native/build/Release/wasock.node
# wasock.c includes <wasock/host.h> (the ABI's record layouts and ioctl numbers).
ADDON_SRC := ts-bindings/native/binding.gyp $(sort $(wildcard ts-bindings/native/*.c ts-bindings/native/*.h)) \
	core-c/include/wasock/host.h

# ---- the TypeScript library ------------------------------------------------------------------------

CONSTANTS  := ts-bindings/src/host/constants.generated.ts
# struct cmsghdr's size and alignment (CMSG_LEN/CMSG_SPACE), made by the same generator.
CMSG       := ts-bindings/src/host/cmsg.generated.ts
# The core's ABI as TypeScript sees it: exports, constants, wasm32 struct layouts (from core-c/).
CORE_ABI   := ts-bindings/src/host/core-abi.generated.ts
TS_SRC     := $(sort $(filter-out $(CONSTANTS) $(CMSG) $(CORE_ABI),$(shell find -L ts-bindings/src -name '*.ts'))) \
	$(CONSTANTS) $(CMSG) $(CORE_ABI)
# Entry points: index (sync API), promises, cli and guest (runGuest and the guest worker's entry).
TS_ENTRIES := $(addprefix ts-bindings/src/,index.ts promises.ts cli.ts guest.ts)
DIST_JS    := $(patsubst ts-bindings/src/%.ts,dist/%.js,$(TS_ENTRIES))
DIST_DTS   := $(patsubst %.js,%.d.ts,$(filter-out dist/cli.js,$(DIST_JS)))
DIST_STAMP := dist/.stamp
# Everything the last build put in dist/, as its stamp lists it: chunk names change with their
# contents, and tsc writes a .d.ts for every source.
DIST_MADE  := $(if $(wildcard $(DIST_STAMP)),$(file <$(DIST_STAMP)))

.PHONY: all wasm addon dist constants clean test-native
all: wasm addon dist
wasm: $(CORE_WASM)
addon: $(ADDON)
constants: $(CONSTANTS)
dist: $(DIST_STAMP) $(DIST_JS) $(DIST_DTS)

$(CORE_WASM): $(CORE_SRC) $(CORE_HDR) tools/wasm-cc.mjs
	@mkdir -p $(@D)
	$(NODE) tools/wasm-cc.mjs $(WASM_CFLAGS) $(WASM_LDFLAGS) -o $@.tmp $(CORE_SRC)
	@mv -f $@.tmp $@

$(ADDON): $(ADDON_SRC)
	$(NODE_GYP) rebuild --directory=ts-bindings/native $(NODE_GYP_FLAGS)
	@touch $@

$(CONSTANTS) $(CMSG) &: tools/gen-constants.mjs
	$(NODE) tools/gen-constants.mjs $(CONSTANTS)
	@touch $(CONSTANTS) $(CMSG)

$(CORE_ABI): tools/gen-core-abi.mjs tools/wasm-cc.mjs $(CORE_SRC) $(CORE_HDR)
	$(NODE) tools/gen-core-abi.mjs $@
	@touch $@

# tools/bundle.mjs: one esbuild run for all entry points with code splitting, so 'wasock' and
# 'wasock/promises' share one copy of the library, and the constants as dist/constants.js. Chunks
# sit in dist/ itself: the library finds ../wasm/ and ../ts-bindings/ relative to its own URL.
# The addon is loaded at run time (createRequire), never bundled. dist/ is made afresh, so it
# holds only what this build made; the stamp lists that.
$(DIST_STAMP): $(TS_SRC) ts-bindings/tsconfig.json tools/bundle.mjs Makefile
	@rm -rf dist
	$(NODE) tools/bundle.mjs dist $(TS_ENTRIES)
	$(if $(filter dist/cli.js,$(DIST_JS)),@{ head -c2 dist/cli.js | grep -q '#!' || \
		sed -i '1i #!/usr/bin/env node' dist/cli.js; } && chmod +x dist/cli.js)
	$(TSC) -p ts-bindings/tsconfig.json
	@find dist -type f ! -name .stamp | sort > $@

$(DIST_STAMP): $(call missing,$(DIST_JS) $(DIST_DTS) $(DIST_MADE))
$(DIST_JS) $(DIST_DTS): $(DIST_STAMP)

clean:
	rm -rf dist $(CORE_WASM) ts-bindings/native/build $(CONSTANTS) $(CMSG) $(CORE_ABI)

test-native:
	@if [ -f tests/native/run.sh ]; then bash tests/native/run.sh; else echo "tests/native/run.sh: none"; fi

# ---- the guest SDK: wasm/sdk/include (POSIX socket headers, Linux numbering, and <wasock/*.h>),
# wasm/sdk/lib/wasock.o (the core + the libc shim), and wasm/sdk/toolchain and README, built by
# core-c/guest/wasock-cc.mjs with the toolchain `wasock cc` uses (a system clang needs
# wasi-libc; else @yowasp/clang).
SDK_OBJ   := wasm/sdk/lib/wasock.o
GUEST_HDR := $(sort $(wildcard core-c/include/guest/*.h core-c/include/guest/*/*.h))
SDK_FILES := $(SDK_OBJ) wasm/sdk/toolchain wasm/sdk/README \
	$(patsubst core-c/include/guest/%,wasm/sdk/include/%,$(GUEST_HDR)) \
	$(patsubst core-c/include/%,wasm/sdk/include/%,$(wildcard core-c/include/wasock/*.h))
.PHONY: sdk clean-sdk
all: sdk
sdk: $(SDK_FILES)
$(SDK_OBJ): $(CORE_SRC) $(CORE_HDR) $(GUEST_HDR) $(wildcard core-c/guest/*.c core-c/guest/*.h core-c/guest/*.mjs) tools/wasm-cc.mjs
	$(NODE) core-c/guest/wasock-cc.mjs --build-sdk wasm/sdk
$(SDK_OBJ): $(call missing,$(SDK_FILES))
$(filter-out $(SDK_OBJ),$(SDK_FILES)): $(SDK_OBJ)
clean: clean-sdk
clean-sdk:
	rm -rf wasm/sdk
