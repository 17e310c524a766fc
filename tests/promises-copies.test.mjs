// Two copies of the library's JS on one thread that load the same native
// addon file (an app bundle that embeds wasock next to the installed package;
// two dist/ trees whose addon path resolves to one .node): the runtime's
// require cache hands both one addon, whose readiness state is per thread.
// Every wait of either copy must be woken, on both readiness backends (libuv;
// the epoll thread, which Deno and Bun always use) and on every runtime; a
// copy that cannot share the thread's readiness must fail its import with a
// clear error rather than lose wake-ups. Each run is a child process
// (tests/lib/two-copies.mjs) under a time limit, so a lost wake-up fails
// instead of hanging the suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, tempDir, removeDir } from './lib/helpers.mjs';
import { available, runtimes } from './lib/runtimes.mjs';

const CHILD = join(ROOT, 'tests', 'lib', 'two-copies.mjs');
const ADDON = 'ts-bindings/native/build/Release/wasock.node';
const WASM = 'wasm/wasock-core.wasm';

const dir = tempDir('wasock-copies-');

// A second package root: its own copy of dist/ (so its modules are not the
// real ones: another copy of the library), and the core Wasm and the addon as
// symlinks to this checkout's (so the runtime resolves both copies' addon
// path to one file). `edit(text, file)` may change the copied bundle.
function copyOf(name, edit) {
  const root = join(dir, name);
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  for (const rel of [WASM, ADDON]) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    symlinkSync(join(ROOT, rel), join(root, rel));
  }
  if (edit) {
    for (const f of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js'))) {
      const p = join(root, 'dist', f);
      writeFileSync(p, edit(readFileSync(p, 'utf8'), f));
    }
  }
  return root;
}

const copy = copyOf('copy');

const hosts = [
  { name: 'node (libuv)', bin: process.execPath, args: [], env: { WASOCK_POLL: '' } },
  { name: 'node (WASOCK_POLL=thread)', bin: process.execPath, args: [], env: { WASOCK_POLL: 'thread' } },
  ...Object.entries(runtimes).map(([name, rt]) => ({ name, ...rt, env: {} })),
];

function run(host, ...args) {
  const r = spawnSync(host.bin, [...host.args, CHILD, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60000, env: { ...process.env, ...host.env } });
  return { ...r, report: `${host.name} ${args[0]}: exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}` };
}

for (const host of hosts) {
  if (host.bin !== process.execPath && !available(host)) {
    if (process.env.CI) {
      test(`${host.name}: installed`, () => assert.unreachable(`${host.name} not found: .ci/run installs it with npm run runtimes`));
      continue;
    }
    console.log(`promises-copies: ${host.name} not installed (npm run runtimes, or ${host.env}=path): skipped`);
    test.skip(`${host.name}: two copies on one addon, both orders`, () => {});
    continue;
  }
  for (const [order, first, second] of [['installed first', ROOT, copy], ['copy first', copy, ROOT]]) {
    test(`${host.name}, ${order}: every wait of both copies is woken, with the right data`, () => {
      const r = run(host, 'work', first, second);
      assert.ok(r.stdout.includes('ok control: two copies, one addon'), `the control did not hold: ${r.report}`);
      assert.ok(r.status === 0 && r.stdout.trim().endsWith('COPIES OK'), r.report);
    });
  }
}

test('node: the same on this thread and on a worker thread at once (each thread its own readiness)', () => {
  const r = run(hosts[0], 'workers', ROOT, copy);
  assert.ok(r.status === 0 && r.stdout.split('COPIES OK').length === 3, r.report);
});

// A copy whose readiness contract differs (another version of wasock) cannot
// share the thread's readiness: its import fails, in either order.
let edited = 0;
const other = copyOf('other', (text) => text.replace(/\b(READINESS_CONTRACT\d* = )1;/, (_, decl) => {
  edited++;
  return `${decl}2;`;
}));
test('a copy that speaks another readiness contract fails its import, saying so', () => {
  assert.is(edited, 1, 'the copy\'s contract was changed in one place');
  for (const [first, second, made, needs] of [[ROOT, other, 1, 2], [other, ROOT, 2, 1]]) {
    const r = run(hosts[0], 'import', first, second);
    assert.ok(r.status === 0, r.report);
    assert.match(r.stdout, new RegExp(`import failed: wasock: another copy of wasock on this thread .* contract ${made}, ` +
      `and this copy needs ${needs}: the Promise API of this copy would never be woken`));
  }
});

// The addon's readiness set up by code that does not share it (a wasock that
// predates the sharing): the addon answers EEXIST, and the import fails.
test('readiness set up by a copy that does not share it: import fails, saying so', () => {
  for (const host of hosts.slice(0, 2)) {
    const r = run(host, 'old', ROOT);
    assert.ok(r.status === 0, r.report);
    assert.match(r.stdout, /import failed: wasock: the native addon's readiness on this thread was set up by a copy of wasock that does not share it/);
  }
});

test.after(() => removeDir(dir));

test.run();
