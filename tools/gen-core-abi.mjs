#!/usr/bin/env node
// Generates ts-bindings/src/host/core-abi.generated.ts: everything the TypeScript library shares with
// the C core (wasm/wasock-core.wasm), taken from the C sources, never typed by hand.
//
//   node tools/gen-core-abi.mjs [out.ts]
//
// 1. Names, read from the headers (core-c/include/wasock/*.h, core-c/src/scratch.h): every
//    object-like WSK_* macro whose body is an integer expression, every WSK_* enumerator, and
//    every `struct wsk_*` with its members.
// 2. Values, from the compiler: one C file that includes those headers and lists each constant,
//    and each struct's offsetof()s and sizeof, as int64s in a static array, is compiled for
//    wasm32 with the project's toolchain (tools/wasm-cc.mjs) and instantiated here; the array
//    is read from its memory. So every number is what clang computes for wasm32.
// 3. The core's exports: each `WSK_EXPORT("name")` definition in core-c/src/*.c, typed from its
//    C prototype (int64_t -> bigint, void -> void, any other scalar or pointer -> number).
// 4. Linux errno numbers (EAGAIN, ...), from the core's own table (core-c/src/errno_table.c,
//    itself generated from the Linux headers): the numbering every core and host call uses.
//
// Output: `export interface CoreExports`, then `export const NAME = value;` for the constants
// (their C names), the errno names, and one `export const WSK_<TAG> = { size, <member>: offset }`
// object per struct (struct wsk_gai_entry -> WSK_GAI_ENTRY), whose keys are the C member names.
// tests/core-abi.test.mjs checks the file against a separately compiled C program.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outPath = resolve(process.argv[2] ?? join(root, 'ts-bindings', 'src', 'host', 'core-abi.generated.ts'));
const incDir = join(root, 'core-c', 'include');
const srcDir = join(root, 'core-c', 'src');

const HEADERS = [
  ...readdirSync(join(incDir, 'wasock')).filter((f) => f.endsWith('.h')).sort().map((f) => join(incDir, 'wasock', f)),
  join(srcDir, 'scratch.h'),
];

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

// ---- 1. names from the headers ----------------------------------------------------------------

const constants = []; // { name, header }
const structs = [];   // { tag, header, members: [name] }
const seen = new Set();

for (const file of HEADERS) {
  const header = relative(root, file);
  const text = stripComments(readFileSync(file, 'utf8')).replace(/\\\n/g, ' ');
  // Object-like macros with an integer-expression body (no strings, no calls).
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(WSK_\w+)(?![\w(])[ \t]*(.*)$/gm)) {
    const [, name, body] = m;
    if (!/^[\w\s()+\-*/%<>|&^~]+$/.test(body.trim())) continue;
    if (/\b(?!WSK_)[A-Za-z_]\w*\b/.test(body.replace(/\b0[xX][0-9a-fA-F]+[uUlL]*\b|\b\d+[uUlL]*\b/g, ''))) continue;
    if (!seen.has(name)) constants.push({ name, header });
    seen.add(name);
  }
  // Enumerators.
  for (const m of text.matchAll(/\benum\b[^{;]*\{([^}]*)\}/g)) {
    for (const item of m[1].split(',')) {
      const name = item.trim().split(/[\s=]/)[0];
      if (!/^WSK_\w+$/.test(name) || seen.has(name)) continue;
      constants.push({ name, header });
      seen.add(name);
    }
  }
  // Struct definitions: members are `type name[...], name2;` lines (no nested definitions).
  for (const m of text.matchAll(/\bstruct[ \t]+(wsk_\w+)[ \t\n]*\{([^{}]*)\}[ \t\n]*;/g)) {
    const [, tag, body] = m;
    const members = [];
    for (const decl of body.split(';')) {
      const d = decl.trim();
      if (!d) continue;
      // The declarators follow the type: split off everything up to the first declarator.
      const first = d.match(/^(?:(?:const|unsigned|signed|struct|enum)\s+)*\w+(?:\s*\*)*\s*(.*)$/s);
      if (!first) throw new Error(`${header}: struct ${tag}: cannot read member "${d}"`);
      for (const declarator of first[1].split(',')) {
        const name = declarator.replace(/\[[^\]]*\]/g, '').replace(/[*\s]/g, '');
        if (!/^\w+$/.test(name)) throw new Error(`${header}: struct ${tag}: cannot read member "${d}"`);
        members.push(name);
      }
    }
    structs.push({ tag, header, members });
  }
}

const structConst = (tag) => tag.toUpperCase();
for (const s of structs) {
  if (seen.has(structConst(s.tag))) throw new Error(`struct ${s.tag}: ${structConst(s.tag)} is also a constant`);
  seen.add(structConst(s.tag));
}

// ---- 2. values from the compiler (wasm32) ------------------------------------------------------

const exprs = [];
for (const c of constants) exprs.push(`(long long)(${c.name})`);
for (const s of structs) {
  exprs.push(`(long long)sizeof(struct ${s.tag})`);
  for (const m of s.members) exprs.push(`(long long)__builtin_offsetof(struct ${s.tag}, ${m})`);
}
const program = [
  '/* Generated by tools/gen-core-abi.mjs: the wasm32 values of the core ABI. */',
  // By their names under the -I folders, not by host paths: @yowasp/clang sees only those folders.
  ...HEADERS.map((h) => `#include "${relative(h.startsWith(incDir) ? incDir : srcDir, h)}"`),
  `static const long long values[${exprs.length}] = {`,
  ...exprs.map((e) => `\t${e},`),
  '};',
  '__attribute__((export_name("values"))) const long long *abi_values(void) { return values; }',
  '',
].join('\n');

function wasmValues() {
  const work = mkdtempSync(join(tmpdir(), 'wasock-gen-core-abi-'));
  try {
    const src = join(work, 'abi.c');
    const wasm = join(work, 'abi.wasm');
    writeFileSync(src, program);
    const r = spawnSync(process.execPath, [join(root, 'tools', 'wasm-cc.mjs'), '-O1', '-std=c11', '-nostdlib',
      '-ffreestanding', `-I${incDir}`, `-I${srcDir}`, '-Wl,--no-entry', '-o', wasm, src],
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(r.stderr ?? '');
      throw new Error(`gen-core-abi: compiling the layout program failed (${r.status})`);
    }
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {});
    const at = exports.abi_values ?? exports.values;
    const p = at();
    const dv = new DataView(exports.memory.buffer);
    return exprs.map((_, i) => dv.getBigInt64(p + 8 * i, true));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const values = wasmValues();
const num = (v) => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`value ${v} too large`);
  return String(Number(v));
};

// ---- 3. the core's exports ----------------------------------------------------------------------

const exportsList = [];
for (const f of readdirSync(srcDir).filter((x) => x.endsWith('.c')).sort()) {
  const text = stripComments(readFileSync(join(srcDir, f), 'utf8'));
  for (const m of text.matchAll(/WSK_EXPORT\("(\w+)"\)\s*([^(;{]*?)\b(\w+)\s*\(([^)]*)\)/g)) {
    const [, exportName, ret, fn, params] = m;
    if (exportName !== fn) throw new Error(`core-c/src/${f}: WSK_EXPORT("${exportName}") names ${fn}`);
    const tsType = (cType) => {
      const t = cType.replace(/\bconst\b/g, '').trim();
      if (/\*/.test(t)) return 'number';
      if (/^(u?int64_t|long long|unsigned long long)$/.test(t)) return 'bigint';
      if (t === 'void') return 'void';
      return 'number';
    };
    const args = params.trim() === 'void' || params.trim() === '' ? [] : params.split(',').map((p) => {
      const pm = p.trim().match(/^(.*?)(\w+)\s*(\[[^\]]*\])?$/s);
      if (!pm) throw new Error(`core-c/src/${f}: ${fn}: cannot read parameter "${p}"`);
      return `${pm[2]}: ${pm[3] ? 'number' : tsType(pm[1])}`;
    });
    exportsList.push({ fn, file: f, sig: `${fn}(${args.join(', ')}): ${tsType(ret)}` });
  }
}
exportsList.sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0));

// ---- 4. errno ------------------------------------------------------------------------------------

const errnos = [];
for (const m of readFileSync(join(srcDir, 'errno_table.c'), 'utf8').matchAll(/^\s*\[(\d+)\]\s*=\s*\{\s*"(E\w+)"/gm)) {
  errnos.push([m[2], Number(m[1])]);
}
if (errnos.length < 100) throw new Error('gen-core-abi: core-c/src/errno_table.c: too few errno names');

// ---- output --------------------------------------------------------------------------------------

const out = [
  '// GENERATED by tools/gen-core-abi.mjs from core-c/include/wasock/*.h, core-c/src/scratch.h,',
  '// the WSK_EXPORT definitions in core-c/src/*.c and core-c/src/errno_table.c. Do not edit.',
  '// Layouts and values are wasm32\'s, as clang computes them for the core.',
  '',
  '// The core\'s exports (core-c/src/*.c), as the TypeScript side calls them.',
  'export interface CoreExports {',
  '  memory: WebAssembly.Memory;',
  ...exportsList.map((e) => `  ${e.sig}; // ${e.file}`),
  '}',
  '',
];
let i = 0;
let lastHeader = '';
for (const c of constants) {
  if (c.header !== lastHeader) out.push(`// ${c.header}`);
  lastHeader = c.header;
  out.push(`export const ${c.name} = ${num(values[i++])};`);
}
out.push('', '// Linux errno numbers (core-c/src/errno_table.c).');
for (const [name, n] of errnos) out.push(`export const ${name} = ${n};`);
out.push('', '// Struct layouts: size, and each member\'s offset under its C name.');
for (const s of structs) {
  const size = num(values[i++]);
  const fields = s.members.map((m) => `${m}: ${num(values[i++])}`);
  out.push(`// struct ${s.tag} (${s.header})`);
  out.push(`export const ${structConst(s.tag)} = { size: ${size}, ${fields.join(', ')} } as const;`);
}
out.push('');
const text = out.join('\n');
let old = null;
try {
  old = readFileSync(outPath, 'utf8');
} catch { /* none yet */ }
if (old !== text) writeFileSync(outPath, text);
