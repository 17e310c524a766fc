// Emscripten guests: Python's documented echo examples (examples/guests/*.c) built with
// Debian's emcc -sSTANDALONE_WASM get real sockets through env.__syscall_* under the same
// policy as SDK guests. Skipped when emcc is not installed, except under CI=true (.ci/run
// installs it), where that fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROOT, freePort } from './lib/helpers.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const OUT = join(ROOT, 'tests', '.tmp', 'emscripten');
const wasm = (n) => join(OUT, `${n}.wasm`);
const haveEmcc = spawnSync('emcc', ['--version']).status === 0;
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (!haveEmcc && ci) throw new Error('CI=true and no emcc (.ci/run installs emscripten)');
// Without emcc every test is reported skipped, never passed.
const it = haveEmcc ? test : (name) => test.skip(name, () => {});

test.before(() => {
  mkdirSync(OUT, { recursive: true });
  for (const n of ['echo-server', 'echo-client', 'echo-server-dual', 'echo-client-dual']) {
    const r = spawnSync('emcc', ['-O2', '-sSTANDALONE_WASM', '-o', wasm(n), join(ROOT, 'examples', 'guests', `${n}.c`)],
      { encoding: 'utf8', cwd: OUT });
    if (r.status !== 0) throw new Error(`emcc ${n}: ${r.stderr}`);
  }
});

function sink() {
  const s = new Writable({ write(c, _e, cb) { s.text += c; cb(); } });
  s.text = '';
  return s;
}

function run(name, args, policy) {
  const out = sink();
  const err = sink();
  const events = [];
  return runGuest(wasm(name), { args, policy, stdio: ['inherit', out, err], onEvent: (e) => events.push(e) })
    .then((code) => ({ code, out: out.text, err: err.text, events }));
}


async function waitListen(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (let i = 0; i < 400; i++) {
    for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (readFileSync(f, 'utf8').split('\n').some((l) => { const x = l.trim().split(/\s+/); return x[1]?.endsWith(`:${hex}`) && x[3] === '0A'; })) return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

it('emscripten modules import the __syscall_* socket family', () => {
  const names = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm('echo-server'))))
    .filter((i) => i.module === 'env').map((i) => i.name);
  for (const n of ['__syscall_socket', '__syscall_bind', '__syscall_listen', '__syscall_accept4'])
    assert.ok(names.includes(n), `${n} in ${names}`);
});

it('emscripten echo server and client on loopback with grants', async () => {
  const port = await freePort();
  const server = run('echo-server', [String(port)], { bind: [`0.0.0.0:${port}`] });
  await waitListen(port);
  const c = await run('echo-client', ['localhost', String(port)], { connect: [`127.0.0.1:${port}`] });
  const s = await server;
  assert.is(c.code, 0, c.err);
  assert.is(c.out, "Received 'Hello, world'\n");
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^Connected by \('127\.0\.0\.1', \d+\)\n$/);
});

it('emscripten dual-stack pair: a wildcard bind granted by name', async () => {
  const port = await freePort();
  // `*:PORT` does not cover the wildcard address: the grant names it (both families).
  const server = run('echo-server-dual', [String(port)], { bind: [`[::]:${port}`, `0.0.0.0:${port}`] });
  await waitListen(port);
  const c = await run('echo-client-dual', ['127.0.0.1', String(port)], { connect: [`127.0.0.1:${port}`] });
  const s = await server;
  assert.is(c.code, 0, c.err);
  assert.is(c.out, "Received 'Hello, world'\n");
  assert.is(s.code, 0, s.err);
});

it('emscripten guest without grants: EACCES, an event, and the host keeps running', async () => {
  const port = await freePort();
  const c = await run('echo-client', ['127.0.0.1', String(port)], {});
  assert.is(c.code, 1);
  assert.match(c.err, /connect: Permission denied/);
  assert.is(c.events[0]?.op, 'connect');
  assert.is(c.events[0]?.address, `127.0.0.1:${port}`);
  const s = await run('echo-server', [String(port)], { bind: [`127.0.0.1:${port}`] });
  assert.match(s.err, /bind: Permission denied/);
});

test.run();
