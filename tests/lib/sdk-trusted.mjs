// Runs an SDK guest on the library's own host imports (host.ts, the trusted
// instance's: real descriptors, with the external window) under node:wasi,
// in this process: what a guest's SDK calls do when nothing stands between
// them and the addon. Usage: node tests/lib/sdk-trusted.mjs GUEST.wasm
// (the guest's stdout is this process's). For tests only: a guest run this
// way is not sandboxed at all.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { ROOT_DIR } from './sdk-root.mjs';

const out = join(ROOT_DIR, 'tests', '.tmp', 'host-trusted.mjs');
const r = await build({
  entryPoints: [join(ROOT_DIR, 'ts-bindings', 'src', 'host.ts')], bundle: true, write: false,
  format: 'esm', platform: 'node', external: ['*.node'], logLevel: 'warning',
});
const addonPath = join(ROOT_DIR, 'ts-bindings', 'native', 'build', 'Release', 'wasock.node');
mkdirSync(join(ROOT_DIR, 'tests', '.tmp'), { recursive: true });
writeFileSync(out, r.outputFiles[0].text.replace('../ts-bindings/native/build/Release/wasock.node', addonPath));
const { hostImports, HostMemory } = await import(out);

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
