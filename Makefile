# wasock build (GNU make). `make` builds everything `npm install` needs:
#
#   wasm      wasm/wasock-core.wasm, the C core (tools/wasm-cc.mjs picks the toolchain:
#             wasi-sdk, system clang + wasm-ld, or @yowasp/clang; WASOCK_TOOLCHAIN forces one)
#   addon     ts-bindings/native/build/Release/wasock.node (node-gyp)
#   dist      ts-bindings/src/constants.generated.ts, then dist/*.js (esbuild) and dist/*.d.ts (tsc)
#   clean     removes all of the above
#   test-native  runs tests/native/run.sh when it exists
#
# A second `make` does nothing. `make wasm -B` rebuilds the core (e.g. with another toolchain).

.DEFAULT_GOAL := all
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

NODE    ?= node
ESBUILD ?= node_modules/.bin/esbuild
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
# 128 KiB stack, 2 MiB initial memory, growable (no maximum); no DWARF, no name section.
WASM_LDFLAGS ?= -s -Wl,--no-entry -Wl,-z,stack-size=131072 -Wl,--initial-memory=16777216 \
	-Wl,--export=__heap_base

# ---- the N-API addon ---------------------------------------------------------------------------

ADDON     := ts-bindings/native/build/Release/wasock.node
ADDON_SRC := ts-bindings/native/binding.gyp $(sort $(wildcard ts-bindings/native/*.c ts-bindings/native/*.h))

# ---- the TypeScript library ------------------------------------------------------------------------

CONSTANTS  := ts-bindings/src/constants.generated.ts
# The core's ABI as TypeScript sees it: exports, constants, wasm32 struct layouts (from core-c/).
CORE_ABI   := ts-bindings/src/core-abi.generated.ts
TS_SRC     := $(sort $(filter-out $(CONSTANTS) $(CORE_ABI),$(wildcard ts-bindings/src/*.ts ts-bindings/src/guest/*.ts))) \
	$(CONSTANTS) $(CORE_ABI)
# Entry points: index (sync API), promises, cli and guest (runGuest and the guest worker's entry).
TS_ENTRIES := $(addprefix ts-bindings/src/,index.ts promises.ts cli.ts guest.ts)
DIST_JS    := $(patsubst ts-bindings/src/%.ts,dist/%.js,$(TS_ENTRIES))
DIST_DTS   := $(patsubst %.js,%.d.ts,$(filter-out dist/cli.js,$(DIST_JS)))
DIST_STAMP := dist/.stamp

.PHONY: all wasm addon dist constants clean test-native FORCE
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

$(CONSTANTS): tools/gen-constants.mjs
	$(NODE) tools/gen-constants.mjs $@
	@touch $@

$(CORE_ABI): tools/gen-core-abi.mjs tools/wasm-cc.mjs $(CORE_SRC) $(CORE_HDR)
	$(NODE) tools/gen-core-abi.mjs $@
	@touch $@

# One esbuild call for all entry points with code splitting, so 'wasock' and 'wasock/promises'
# share one copy of the library (one core instance, one set of exception classes). Chunks sit
# in dist/ itself: the library finds ../wasm/ and ../ts-bindings/ relative to its own URL.
# The addon is loaded at run time (createRequire), never bundled.
$(DIST_STAMP): $(TS_SRC) ts-bindings/tsconfig.json Makefile
	@rm -f dist/chunk-*.js
	$(ESBUILD) $(TS_ENTRIES) --bundle --splitting --platform=node --format=esm --target=node20 \
		--external:*.node --outdir=dist --log-level=warning
	$(if $(filter dist/cli.js,$(DIST_JS)),@{ head -c2 dist/cli.js | grep -q '#!' || \
		sed -i '1i #!/usr/bin/env node' dist/cli.js; } && chmod +x dist/cli.js)
	$(TSC) -p ts-bindings/tsconfig.json
	@touch $@

# The stamp's recipe makes all of these; if one is missing, it runs again.
DIST_MISSING := $(strip $(foreach f,$(DIST_JS) $(DIST_DTS),$(if $(wildcard $f),,$f)))
$(DIST_STAMP): $(if $(DIST_MISSING),FORCE)
$(DIST_JS) $(DIST_DTS): $(DIST_STAMP)
FORCE:

clean:
	rm -rf dist $(CORE_WASM) ts-bindings/native/build $(CONSTANTS) $(CORE_ABI)

test-native:
	@if [ -f tests/native/run.sh ]; then bash tests/native/run.sh; else echo "tests/native/run.sh: none"; fi

# ---- the guest SDK (issue 4): wasm/sdk/include (POSIX socket headers, Linux numbering) and
# wasm/sdk/lib/wasock.o (the core + the libc shim), built by core-c/guest/wasock-cc.mjs with
# the toolchain `wasock cc` uses (a system clang needs wasi-libc; else @yowasp/clang).
SDK_OBJ := wasm/sdk/lib/wasock.o
.PHONY: sdk clean-sdk
all: sdk
sdk: $(SDK_OBJ)
$(SDK_OBJ): $(CORE_SRC) $(CORE_HDR) $(wildcard core-c/guest/*.c core-c/guest/*.h core-c/guest/*.mjs core-c/include/guest/*.h core-c/include/guest/*/*.h) tools/wasm-cc.mjs
	$(NODE) core-c/guest/wasock-cc.mjs --build-sdk wasm/sdk
clean: clean-sdk
clean-sdk:
	rm -rf wasm/sdk
