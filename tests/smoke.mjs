#!/usr/bin/env node
// A smoke check of a build, run by .ci/run after each build of the core (one per wasm
// toolchain): wasm/wasock-core.wasm instantiates, imports only from module "wasock", and its
// exports work (raw calls through linear memory, every import stubbed to fail); then, once dist/
// exists, the same through the public API, which loads this very .wasm.
//
//   node tests/smoke.mjs        (exit 1 with "smoke: FAIL: ..." on the first failure)
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const fail = (m) => {
  console.error(`smoke: FAIL: ${m}`);
  process.exit(1);
};

const mod = new WebAssembly.Module(fs.readFileSync(new URL('wasm/wasock-core.wasm', root)));
const imports = WebAssembly.Module.imports(mod);
const foreign = imports.filter((i) => i.module !== 'wasock');
if (foreign.length) fail(`imports outside module "wasock": ${foreign.map((i) => `${i.module}.${i.name}`)}`);
const stubs = Object.fromEntries(imports.map((i) => [i.name, () => 38 /* ENOSYS */]));
const { exports: e } = new WebAssembly.Instance(mod, { wasock: stubs });
for (const name of ['memory', 'wsk_htons', 'wsk_inet_pton', 'wsk_inet_ntop']) {
  if (!(name in e)) fail(`no export ${name}`);
}
if (e.wsk_htons(0x1234) !== 0x3412) fail('wsk_htons(0x1234)');
// Scratch space past the data and stack: __heap_base (exported by the Makefile's link flags).
const base = e.__heap_base?.value ?? 1 << 20;
const mem = () => new Uint8Array(e.memory.buffer);
mem().set(new TextEncoder().encode('2001:db8::1\0'), base);
if (e.wsk_inet_pton(10, base, base + 64) !== 1) fail('wsk_inet_pton(AF_INET6, "2001:db8::1") != 1');
const got = Buffer.from(mem().subarray(base + 64, base + 80)).toString('hex');
if (got !== '20010db8000000000000000000000001') fail(`wsk_inet_pton wrote ${got}`);
if (e.wsk_inet_ntop(10, base + 64, base + 128, 64) !== 0) fail('wsk_inet_ntop');
const text = new TextDecoder().decode(mem().subarray(base + 128, mem().indexOf(0, base + 128)));
if (text !== '2001:db8::1') fail(`wsk_inet_ntop gave ${text}`);
console.log(`smoke: core ok (${imports.length} imports, ${Object.keys(e).length} exports)`);

const index = new URL('dist/index.js', root);
if (fs.existsSync(fileURLToPath(index))) {
  const socket = await import(index.href);
  const b = socket.inet_pton(socket.AF_INET6, '2001:db8::1');
  if (Buffer.from(b).toString('hex') !== got) fail('socket.inet_pton through dist/');
  if (socket.inet_ntop(socket.AF_INET, socket.inet_aton('127.1')) !== '127.0.0.1') {
    fail('socket.inet_ntop(inet_aton("127.1"))');
  }
  console.log('smoke: dist API ok (inet_pton, inet_aton, inet_ntop)');
}
