// The Makefile's build graph: after a full build `make -q` is satisfied, and deleting any one
// file the build made (anything in dist/, the core .wasm, any file of the guest SDK, the addon,
// the generated TypeScript) makes `make -q` false, with the recipe that makes that file in
// `make -n`. Nothing is deleted in the tree itself: make runs in a shadow of it, built of
// symbolic links (make reads the times of what they point to), where one link at a time goes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

// Each build output (a directory: every file in it) and the recipe that makes it, as `make -n`
// prints it.
const OUTPUTS = [
  ['dist', 'tools/bundle.mjs'],
  ['wasm/wasock-core.wasm', 'wasm-cc.mjs'],
  ['wasm/sdk', '--build-sdk'],
  ['ts-bindings/native/build/Release/wasock.node', 'rebuild --directory=ts-bindings/native'],
  ['ts-bindings/src/host/constants.generated.ts', 'gen-constants.mjs'],
  ['ts-bindings/src/host/cmsg.generated.ts', 'gen-constants.mjs'],
  ['ts-bindings/src/host/core-abi.generated.ts', 'gen-core-abi.mjs'],
];

function filesOf(rel) {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs.readdirSync(abs, { recursive: true })
    .map((f) => path.join(rel, f))
    .filter((f) => fs.statSync(path.join(ROOT, f)).isFile())
    .sort();
}

// The shadow: the directories that lead to an output are made, every other entry is a link
// to the tree's own; so deleting a link there leaves the tree alone.
function shadow(outputs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasock-build-'));
  const made = new Set(['']);
  for (const f of outputs) {
    for (let d = path.dirname(f); d !== '.'; d = path.dirname(d)) made.add(d);
  }
  const mirror = (rel) => {
    fs.mkdirSync(path.join(dir, rel), { recursive: true });
    for (const name of fs.readdirSync(path.join(ROOT, rel))) {
      if (rel === '' && name === '.git') continue;
      const r = path.join(rel, name);
      if (made.has(r)) mirror(r);
      else fs.symlinkSync(path.join(ROOT, r), path.join(dir, r));
    }
  };
  mirror('');
  return dir;
}

const make = (cwd, ...args) => spawnSync('make', ['--no-print-directory', ...args], { cwd, encoding: 'utf8' });

const outputs = OUTPUTS.map(([rel, recipe]) => ({ rel, recipe, files: filesOf(rel) }));
const all = outputs.flatMap((o) => o.files);
let dir;

test.before(() => {
  dir = shadow(all);
});

test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('every output is there (the tree is built)', () => {
  for (const o of outputs) assert.ok(o.files.length > 0, `${o.rel}: not built (run make)`);
});

test('after a full build, make -q has nothing to do', () => {
  const r = make(dir, '-q');
  assert.is(r.status, 0, `make -q: exit ${r.status}; make -n says:\n${make(dir, '-n').stdout}`);
});

test('deleting any one file the build made makes make -q false and make rebuild it', () => {
  const bad = [];
  for (const o of outputs) {
    for (const f of o.files) {
      const link = path.join(dir, f);
      fs.unlinkSync(link);
      try {
        const q = make(dir, '-q');
        const n = q.status === 1 ? make(dir, '-n') : null;
        if (q.status !== 1) bad.push(`${f}: make -q exit ${q.status} ${q.stderr.trim()}`);
        else if (!n.stdout.includes(o.recipe)) bad.push(`${f}: make -n does not run ${o.recipe}:\n${n.stdout}`);
      } finally {
        fs.symlinkSync(path.join(ROOT, f), link);
      }
    }
  }
  assert.is(bad.length, 0, `of ${all.length} files:\n  ${bad.join('\n  ')}`);
});

test.run();
