// Cold start in a fresh process, in ms (lower is better); prints one JSON line { rate }.
//
//   RUNTIME bench/cold.mjs first SPEC    import(SPEC) to a first socket made and closed (Node,
//                                        Deno, Bun), timed from a program file as CPython's is
//                                        after its import system is up
//   node bench/cold.mjs esm              import of a module of one export: what one more module
//                                        costs the ES module loader
//   node bench/cold.mjs exports          import of a module of as many `export const` as
//                                        dist/constants.js has: what Python's constants cost as
//                                        named exports
//   node bench/cold.mjs addon            loading the native addon
//   node bench/cold.mjs wasm             the core's first WebAssembly compile in a process
//
// The last four are parts of `cold`'s figure that any package of this shape pays, whatever its
// JavaScript does: docs/performance.md ("Cold start") adds them up against CPython's import.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [, , part, spec] = process.argv;
const now = () => performance.now();

// A module to import, written before the clock starts.
function module(text) {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-cold-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'm.mjs');
  writeFileSync(file, text);
  return pathToFileURL(file).href;
}

const parts = {
  async first() {
    const t0 = now();
    const s = await import(spec);
    s.socket().close();
    return now() - t0;
  },
  async esm() {
    const url = module('export const ONE = 1;\n');
    const t0 = now();
    await import(url);
    return now() - t0;
  },
  async exports() {
    const names = /export \{([^}]*)\}/.exec(readFileSync(join(root, 'dist/constants.js'), 'utf8'))[1]
      .split(',').map((s) => s.trim()).filter(Boolean);
    const url = module(names.map((n, i) => `export const ${n} = ${i};`).join('\n'));
    const t0 = now();
    await import(url);
    return now() - t0;
  },
  async addon() {
    const file = ['prebuilds/linux-x64/node.napi.glibc.node', 'ts-bindings/native/build/Release/wasock.node']
      .map((p) => join(root, p)).find(existsSync);
    const require = createRequire(import.meta.url);
    const t0 = now();
    require(file);
    return now() - t0;
  },
  async wasm() {
    const bytes = readFileSync(join(root, 'wasm/wasock-core.wasm'));
    const t0 = now();
    new WebAssembly.Module(bytes);
    return now() - t0;
  },
};

if (!parts[part]) {
  console.error('usage: bench/cold.mjs first SPEC | esm | exports | addon | wasm');
  process.exit(2);
}
console.log(JSON.stringify({ rate: await parts[part]() }));
