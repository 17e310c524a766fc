// Runs an SDK guest on the library's own host imports (host/imports.ts, the trusted
// instance's: real descriptors, with the external window) under node:wasi,
// in this process: what a guest's SDK calls do when nothing stands between
// them and the addon. Usage: node tests/lib/sdk-trusted.mjs GUEST.wasm
// (the guest's stdout is this process's). For tests only: a guest run this
// way is not sandboxed at all.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { bundleGuestParts } from './guest-bundle.mjs';

const { hostImports, HostMemory } = await bundleGuestParts("export { hostImports, HostMemory } from './imports.ts';\n", 'host-trusted', 'host');

const mem = new HostMemory();
const wasi = new WASI({ version: 'preview1', args: ['guest'], returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(process.argv[2]));
const instance = await WebAssembly.instantiate(module, {
  // The library's host resolves for itself; guests ask theirs (lookup_*): not offered here.
  wasock: { ...hostImports(mem, { buf: null }), lookup_name: () => 38, lookup_addr: () => 38 },
  wasi_snapshot_preview1: wasi.wasiImport,
});
mem.attach(instance.exports.memory);
process.exitCode = wasi.start(instance);
