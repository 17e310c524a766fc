// Compiles the text/byte-order/error-table core files for wasm32 with
// @yowasp/clang, freestanding and without any libc headers (-nostdlibinc),
// links them with no libc into a reactor, checks it has no imports (so no
// libc dependency), and smoke-tests the exports.
//
// @yowasp/clang is not a project dependency (~100 MB); install it elsewhere:
//   mkdir -p /tmp/ywtest && cd /tmp/ywtest && npm init -y && npm i @yowasp/clang
//   node tests/native/wasm-check.mjs /tmp/ywtest      (from the repo root)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
const yowasp = process.argv[2] || '/tmp/ywtest';
const { runClang } = await import(
  pathToFileURL(`${yowasp}/node_modules/@yowasp/clang/gen/bundle.js`).href);
const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const files = ['inet_pton.c', 'inet_ntop.c', 'inet_aton.c', 'inet_ntoa.c', 'byteorder.c',
  'str.c', 'mem_builtins.c', 'errno_table.c', 'gai_strerror.c'];
const tree = {
  inc: { wasock: {
    'core.h': readFileSync(`${root}/core-c/include/wasock/core.h`, 'utf8'),
    'host.h': readFileSync(`${root}/core-c/include/wasock/host.h`, 'utf8') } },
  src: Object.fromEntries(files.map(f => [f, readFileSync(`${root}/core-c/src/${f}`, 'utf8')])),
};
const t0 = Date.now();
const out = await runClang(['clang', '--target=wasm32-wasip1', '-nostdlib', '-nostdlibinc',
  '-ffreestanding', '-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-Iinc',
  '-Wl,--no-entry', '-Wl,--export-all', '-o', 'core.wasm', ...files.map(f => `src/${f}`)], tree);
console.log('compiled+linked in', Date.now() - t0, 'ms');
const wasm = out['core.wasm'];
const mod = await WebAssembly.compile(wasm);
console.log('imports:', JSON.stringify(WebAssembly.Module.imports(mod)));
const { exports: x } = await WebAssembly.instantiate(mod, {});
const mem = () => new Uint8Array(x.memory.buffer);
const base = 65536 * 2; // scratch area
x.memory.grow(4);
const cstr = p => { const m = mem(); let e = p; while (m[e]) e++; return Buffer.from(m.subarray(p, e)).toString(); };
const put = (p, s) => { mem().set([...Buffer.from(s), 0], p); };
let bad = 0;
const eq = (a, b, what) => { if (a !== b) { bad++; console.log('FAIL', what, a, b); } };
put(base, '::ffff:1.2.3.4');
eq(x.wsk_inet_pton(10, base, base + 64), 1, 'pton');
eq(x.wsk_inet_ntop(10, base + 64, base + 128, 64), 0, 'ntop');
eq(cstr(base + 128), '::ffff:1.2.3.4', 'ntop text');
eq(x.wsk_inet_ntop(10, base + 64, base + 128, 14), -28, 'ENOSPC');
put(base, '0x7f.1 junk');
eq(x.wsk_inet_aton(base, base + 64), 1, 'aton');
x.wsk_inet_ntoa(new DataView(x.memory.buffer).getUint32(base + 64, true), base + 128);
eq(cstr(base + 128), '127.0.0.1', 'ntoa');
eq(x.wsk_htonl(0x01020304) >>> 0, 0x04030201, 'htonl');
eq(x.wsk_htons(0x0102), 0x0201, 'htons');
eq(cstr(x.wsk_strerror(111, base, 64)), 'Connection refused', 'strerror');
eq(cstr(x.wsk_strerror(-2147483648, base, 64)), 'Unknown error -2147483648', 'strerror unknown');
eq(cstr(x.wsk_errno_name(104)), 'ECONNRESET', 'errno name');
eq(cstr(x.wsk_gai_strerror(-2)), 'Name or service not known', 'gai');
console.log(bad ? `wasm smoke: ${bad} failures` : 'wasm smoke: ok');
console.log('exports:', WebAssembly.Module.exports(mod).map(e => e.name).join(' '));
// Without mem_builtins.c: does the freestanding code call memcpy/memset at all?
try {
  await runClang(['clang', '--target=wasm32-wasip1', '-nostdlib', '-nostdlibinc', '-ffreestanding',
    '-std=c11', '-O2', '-Iinc', '-Wl,--no-entry', '-Wl,--export-all', '-o', 'x.wasm',
    ...files.filter(f => f !== 'mem_builtins.c').map(f => `src/${f}`)], tree);
  console.log('links without mem_builtins.c too (no implicit mem* calls today)');
} catch (e) { console.log('without mem_builtins.c:', String(e.message || e).split('\n').slice(0, 4).join(' | ')); }
process.exit(bad ? 1 : 0);
