// The generated core ABI (ts-bindings/src/host/core-abi.generated.ts, by tools/gen-core-abi.mjs) against
// the C it stands for, checked by other means than the generator's:
//   - a C program, compiled here for wasm32 with the project's toolchain (tools/wasm-cc.mjs),
//     prints (through an import) every WSK_* constant and every offsetof/sizeof the file states,
//     each named as the file names it; every printed value must equal the file's;
//   - a native C program prints the errno numbers of the system's <errno.h> (Linux numbering);
//   - CoreExports lists exactly the wsk_* functions wasm/wasock-core.wasm exports, each with the
//     number of parameters the export has.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'ts-bindings', 'src', 'host', 'core-abi.generated.ts');
const coreWasm = join(root, 'wasm', 'wasock-core.wasm');

// The generated file, read as data.
function readGenerated() {
  const text = readFileSync(generated, 'utf8');
  const constants = new Map(); // WSK_* -> value
  const errnos = new Map();
  const structs = [];          // { tag, header, fields: [[member, value]] }
  let pending = null;
  for (const line of text.split('\n')) {
    const sm = line.match(/^\/\/ struct (wsk_\w+) \((.+)\)$/);
    if (sm) {
      pending = { tag: sm[1], header: sm[2] };
      continue;
    }
    const om = line.match(/^export const (WSK_\w+) = \{ (.*) \} as const;$/);
    if (om) {
      assert.ok(pending, `${om[1]}: no struct comment before it`);
      assert.is(om[1], pending.tag.toUpperCase());
      const fields = om[2].split(', ').map((kv) => {
        const [k, v] = kv.split(': ');
        return [k, Number(v)];
      });
      structs.push({ ...pending, fields });
      pending = null;
      continue;
    }
    const cm = line.match(/^export const (\w+) = (-?\d+);$/);
    if (cm) (cm[1].startsWith('WSK_') ? constants : errnos).set(cm[1], Number(cm[2]));
  }
  const exportsBlock = text.match(/export interface CoreExports \{\n([\s\S]*?)\n\}/)[1];
  const signatures = new Map();
  for (const m of exportsBlock.matchAll(/^ {2}(wsk_\w+)\(([^)]*)\): (\w+);/gm)) {
    signatures.set(m[1], { params: m[2] === '' ? 0 : m[2].split(',').length, ret: m[3] });
  }
  return { constants, errnos, structs, signatures };
}

const gen = readGenerated();

test('the generated file states the layouts and numbers the TypeScript side reads', () => {
  const tags = gen.structs.map((s) => s.tag);
  for (const t of ['wsk_gai_out', 'wsk_gai_entry', 'wsk_hostent', 'wsk_haddr', 'wsk_servent', 'wsk_addr_text',
    'wsk_addr_tuple', 'wsk_scratch']) assert.ok(tags.includes(t), t);
  for (const c of ['WSK_GAI_LOOKUP', 'WSK_ETIMEOUT', 'WSK_ADDR_NAME', 'WSK_RFILE_HOSTS', 'WSK_RFILE_GAI',
    'WSK_LOOKUP_HEADER', 'WSK_SCRATCH_TEXT_SIZE']) assert.ok(gen.constants.has(c), c);
  for (const e of ['EAGAIN', 'EINTR', 'EBADF', 'EINPROGRESS', 'ETIMEDOUT', 'ENAMETOOLONG']) assert.ok(gen.errnos.has(e), e);
});

test('every constant, offsetof and sizeof equals what clang computes for wasm32', () => {
  const entries = []; // [label, C expression, generated value]
  for (const [name, v] of gen.constants) entries.push([name, `(long long)(${name})`, v]);
  const headers = new Set();
  for (const s of gen.structs) {
    headers.add(s.header);
    for (const [member, v] of s.fields) {
      const expr = member === 'size' ? `sizeof(struct ${s.tag})` : `offsetof(struct ${s.tag}, ${member})`;
      entries.push([`${s.tag}.${member}`, `(long long)${expr}`, v]);
    }
  }
  const program = [
    '#include <stddef.h>', '#include <stdint.h>',
    // By their names under the -I folders: @yowasp/clang sees only those folders, not host paths.
    ...[...headers].map((h) => `#include "${h.replace(/^core-c\/(include|src)\//, '')}"`),
    // Every header the constants come from (the generator's list).
    '#include <wasock/core.h>', '#include <wasock/host.h>', '#include <wasock/linux.h>', '#include <wasock/netdb.h>',
    '#include <wasock/resolv.h>', '#include <wasock/sockaddr.h>', '#include "scratch.h"',
    '__attribute__((import_module("abi"), import_name("print"))) void print(const char *label, long long value);',
    '__attribute__((export_name("run"))) void run(void) {',
    ...entries.map(([label, expr]) => `\tprint("${label}", ${expr});`),
    '}',
    '',
  ].join('\n');
  const work = mkdtempSync(join(tmpdir(), 'wasock-core-abi-test-'));
  try {
    writeFileSync(join(work, 'print.c'), program);
    const r = spawnSync(process.execPath, [join(root, 'tools', 'wasm-cc.mjs'), '-std=c11', '-nostdlib', '-ffreestanding',
      `-I${join(root, 'core-c', 'include')}`, `-I${join(root, 'core-c', 'src')}`, '-Wl,--no-entry',
      '-Wl,--allow-undefined', '-o', join(work, 'print.wasm'), join(work, 'print.c')], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    let memory;
    const printed = new Map();
    const print = (label, value) => {
      const u8 = new Uint8Array(memory.buffer);
      let end = label;
      while (u8[end] !== 0) end++;
      printed.set(Buffer.from(u8.subarray(label, end)).toString(), Number(value));
    };
    const mod = new WebAssembly.Module(readFileSync(join(work, 'print.wasm')));
    const inst = new WebAssembly.Instance(mod, { abi: { print } });
    memory = inst.exports.memory;
    inst.exports.run();
    assert.is(printed.size, entries.length);
    const wrong = entries.filter(([label, , v]) => printed.get(label) !== v)
      .map(([label, , v]) => `${label}: generated ${v}, wasm32 ${printed.get(label)}`);
    assert.equal(wrong, []);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("errno numbers are the system <errno.h>'s (Linux numbering)", () => {
  const names = [...gen.errnos.keys()];
  const program = ['#include <errno.h>', '#include <stdio.h>', 'int main(void) {',
    ...names.map((n) => `#ifdef ${n}\n\tprintf("${n} %d\\n", ${n});\n#endif`), '\treturn 0;', '}', ''].join('\n');
  const work = mkdtempSync(join(tmpdir(), 'wasock-core-abi-errno-'));
  try {
    writeFileSync(join(work, 'errno.c'), program);
    execFileSync(process.env.CC || 'cc', ['-o', join(work, 'errno'), join(work, 'errno.c')]);
    const out = execFileSync(join(work, 'errno'), { encoding: 'utf8' });
    const system = new Map(out.trim().split('\n').map((l) => l.split(' ')).map(([n, v]) => [n, Number(v)]));
    assert.ok(system.size > 100, `only ${system.size} errno names found`);
    const wrong = names.filter((n) => system.has(n) && system.get(n) !== gen.errnos.get(n));
    assert.equal(wrong, []);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('CoreExports is exactly the core\'s exported functions, with their parameter counts', () => {
  assert.ok(existsSync(coreWasm), 'build the core first (make)');
  const mod = new WebAssembly.Module(readFileSync(coreWasm));
  const imports = {};
  for (const i of WebAssembly.Module.imports(mod)) {
    assert.is(i.kind, 'function');
    (imports[i.module] ??= {})[i.name] = () => 0;
  }
  const inst = new WebAssembly.Instance(mod, imports);
  const exported = WebAssembly.Module.exports(mod).filter((e) => e.kind === 'function' && e.name.startsWith('wsk_'))
    .map((e) => e.name).sort();
  assert.equal([...gen.signatures.keys()].sort(), exported);
  for (const [name, sig] of gen.signatures) assert.is(inst.exports[name].length, sig.params, name);
});

test.run();
