// runGuest's limits and capabilities, with guests from tests/guests/:
//   time limit   a guest that spins forever is stopped (124) on time; every socket it held is closed
//   memory limit a guest growing its memory past maxMemory is stopped (137) whichever host call it
//                makes after growing (a WASI clock, a wasock send); under the limit it exits 0
//   stdio        a guest closing its 0, 1, 2 never closes the embedder's descriptors behind them
//                ('inherit', 'ignore', a number, a Writable), and nothing is closed twice
//   exits        trap (134), proc_exit, return from main with sockets open: all closed
//   listen       preopened listening sockets for a plain wasi-libc program (accept, read, write),
//                after preopened directories, over TCP and unix; the listener serves nothing else
//                and is not counted in maxSockets
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROOT, fdCount, freePort, ask } from './lib/helpers.mjs';
import { buildGuest } from './lib/guest-cc.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const mods = {};
let base = 0;

test.before(async () => {
  const t0 = performance.now();
  const sdk = ['spin', 'grow', 'stdio-close', 'exit-open', 'preopen-misuse'];
  const paths = await Promise.all([...sdk.map((n) => buildGuest(n)), buildGuest('preopen-echo', 'plain')]);
  for (const [i, n] of [...sdk, 'preopen-echo'].entries()) mods[n] = await WebAssembly.compile(readFileSync(paths[i]));
  console.log(`  guests ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // One guest first: the worker machinery's own descriptors exist from now on.
  assert.is(await runGuest(mods.grow, { args: ['1', 'clock'] , stdio: ['ignore', 'ignore', 'ignore'] }), 0);
  base = fdCount();
});

function sink() {
  const s = new Writable({ write(c, _e, cb) { s.text += c; s.emit('text'); cb(); } });
  s.text = '';
  return s;
}

// Runs a guest; resolves { code, out, err, events, ms }.
function run(name, opts = {}) {
  const out = sink();
  const err = sink();
  const events = [];
  let started;
  const start = new Promise((r) => { started = r; });
  const t0 = performance.now();
  const done = runGuest(mods[name], { stdio: ['ignore', out, err], onEvent: (e) => events.push(e), onStart: started, ...opts })
    .then((code) => ({ code, out: out.text, err: err.text, events, ms: performance.now() - t0 }));
  return { done, out, start };
}


// Can the test listen on port now? (A socket still listening there says EADDRINUSE.)
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

// The host's descriptor count returns to the baseline (streams close asynchronously).
async function fdsBack(what) {
  for (let i = 0; i < 50 && fdCount() !== base; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(fdCount(), base, `${what}: host descriptors back to the start`);
}

const waitText = (s, text) => new Promise((resolve) => {
  if (s.text.includes(text)) return resolve();
  s.on('text', () => { if (s.text.includes(text)) resolve(); });
});

test('time limit: a spinning guest is stopped with 124 on time, its sockets closed and its port free', async () => {
  const port = await freePort();
  const g = run('spin', { args: [String(port)], policy: { bind: [`127.0.0.1:${port}`] }, timeLimit: 0.5 });
  await waitText(g.out, 'ready\n');
  assert.is(await portFree(port), false, 'the guest listens while it runs');
  assert.ok(fdCount() >= base + 2, 'its two sockets are open while it runs');
  const r = await g.done;
  assert.is(r.code, 124);
  assert.ok(r.ms >= 450 && r.ms < 1200, `resolved after ${r.ms.toFixed(0)} ms`);
  assert.equal(r.events.map((e) => e.op), ['time-limit']);
  await fdsBack('time limit');
  assert.is(await portFree(port), true, 'its listening port is free again');
});

test('time limit: a guest that keeps calling the host stops at its next call, in its own thread: its --dir descriptor closed too', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wasock-limits-dir-'));
  try {
    const g = run('spin', { args: [String(port), 'calls'], policy: { bind: [`127.0.0.1:${port}`] }, timeLimit: 0.3,
      preopens: { '/data': dir } });
    await waitText(g.out, 'ready\n');
    const r = await g.done;
    assert.is(r.code, 124);
    assert.ok(r.ms < 300 + 250, `stopped at its next host call, before the grace ran out (${r.ms.toFixed(0)} ms)`);
    assert.equal(r.events.map((e) => e.op), ['time-limit']);
    await fdsBack('time limit with a preopened directory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('memory limit: growing past maxMemory stops the guest with 137 after a WASI call or a socket call; under it, 0', async () => {
  for (const how of ['clock', 'send']) {
    const r = await run('grow', { args: ['64', how], maxMemory: 32 * 2 ** 20 }).done;
    assert.is(r.code, 137, `${how}: ${r.out}${r.err}`);
    assert.is(r.out, '', `${how}: stopped before it got there`);
    const ev = r.events.find((e) => e.op === 'memory-limit');
    assert.ok(ev, `${how}: a memory-limit event`);
    assert.match(ev.message, /past its limit of 33554432/);
    assert.ok(r.ms < 5000, `${how}: ${r.ms.toFixed(0)} ms`);
  }
  const ok = await run('grow', { args: ['8', 'send'], maxMemory: 32 * 2 ** 20 }).done;
  assert.is(ok.code, 0, ok.err);
  assert.is(ok.out, 'done 8\n');
  const clock = await run('grow', { args: ['16', 'clock'], maxMemory: 32 * 2 ** 20 }).done;
  assert.is(clock.code, 0, clock.err);
  await fdsBack('memory limit');
});

test('stdio: a guest closing 0, 1, 2 closes none of the embedder\'s descriptors (inherit, ignore, a number, a Writable)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-limits-'));
  const mine = join(dir, 'embedder.txt');
  writeFileSync(mine, 'mine');
  const id = (st) => `${st.dev}:${st.ino}`;
  const stdio0 = [0, 1, 2].map((fd) => id(fstatSync(fd)));
  for (const spec of ['inherit', 'ignore', 'number', 'writable']) {
    const numFile = join(dir, `${spec}.out`);
    const num = spec === 'number' ? openSync(numFile, 'w') : null;
    const s = spec === 'number' ? num : spec === 'writable' ? sink() : spec;
    let f = null;
    // The guest closes its stdio at once, then sleeps 400 ms: the embedder opens a file meanwhile
    // (the lowest free number: one a wrongly closed descriptor would have freed).
    const r = await runGuest(mods['stdio-close'], {
      args: ['400'], stdio: [s, s, s],
      onStart: () => setTimeout(() => { f = openSync(mine, 'r'); }, 150),
    });
    assert.is(r, 0, `${spec}: the guest's closes and new numbers went as POSIX says (exit ${r})`);
    assert.ok(f !== null, `${spec}: the embedder opened its file`);
    assert.is(id(fstatSync(f)), id(statSync(mine)), `${spec}: the embedder's file survived the guest`);
    closeSync(f);
    if (num !== null) {
      assert.is(id(fstatSync(num)), id(statSync(numFile)), 'the descriptor given as stdio is still open, the same file');
      closeSync(num);
    }
    assert.equal([0, 1, 2].map((fd) => id(fstatSync(fd))), stdio0, `${spec}: the process's own stdio is untouched`);
    await fdsBack(`stdio ${spec}`);
  }
});

test('trap, proc_exit and return with sockets open: exit codes 134, 7, 5; every socket closed', async () => {
  for (const [how, want] of [['trap', 134], ['exit', 7], ['return', 5]]) {
    const port = await freePort();
    const r = await run('exit-open', { args: [String(port), how], policy: { bind: [`127.0.0.1:${port}`] } }).done;
    assert.is(r.code, want, `${how}: ${r.err}`);
    await fdsBack(how);
    assert.is(await portFree(port), true, `${how}: the port is free again`);
  }
});

test('listen: a plain wasi-libc program serves on a preopened TCP socket (accept, read, write) with no grant', async () => {
  const imports = WebAssembly.Module.imports(mods['preopen-echo']);
  assert.ok(imports.every((i) => i.module === 'wasi_snapshot_preview1'), 'plain wasi-libc: WASI imports only');
  assert.ok(imports.some((i) => i.name === 'sock_accept'));
  const port = await freePort();
  const g = run('preopen-echo', { args: ['3', '2'], listen: [`127.0.0.1:${port}`] });
  await g.start;
  assert.is(await ask({ port, host: '127.0.0.1' }, 'hello'), 'echo:hello');
  assert.is(await ask({ port, host: '127.0.0.1' }, 'again'), 'echo:again');
  const r = await g.done;
  assert.is(r.code, 0, r.err);
  assert.is(r.out, 'served 2\n');
  assert.equal(r.events, []);
  await fdsBack('listen');
  assert.is(await portFree(port), true, 'the preopened listener is closed after the guest');
});

test('listen: after preopened directories (fd 4 with one --dir); the guest still opens files in its directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-www-'));
  writeFileSync(join(dir, 'page.txt'), 'hello from the dir');
  const port = await freePort();
  const g = run('preopen-echo', { args: ['4', '1', '/www/page.txt'], preopens: { '/www': dir }, listen: [`127.0.0.1:${port}`] });
  await g.start;
  assert.is(await ask({ port, host: '127.0.0.1' }, 'GET / HTTP/1.0\r\n\r\n'), 'HTTP/1.0 200 OK\r\nContent-Length: 18\r\n\r\nhello from the dir');
  const r = await g.done;
  assert.is(r.code, 0, r.err);
  // fd 3 is the directory, not a socket: accept on it fails.
  const wrong = await run('preopen-echo', { args: ['3', '1'], preopens: { '/www': dir }, listen: [`127.0.0.1:${port}`] }).done;
  assert.is(wrong.code, 1);
  assert.match(wrong.err, /^accept: /);
  await fdsBack('listen + dir');
});

test('listen: a unix socket path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-unix-'));
  const path = join(dir, 'app.sock');
  const g = run('preopen-echo', { args: ['3', '1'], listen: [`unix:${path}`] });
  await g.start;
  assert.is(await ask({ path }, 'over unix'), 'echo:over unix');
  const r = await g.done;
  assert.is(r.code, 0, r.err);
  await fdsBack('unix listen');
});

test('listen: the preopened listener reaches nothing else and is outside maxSockets', async () => {
  const port = await freePort();
  const r = await run('preopen-misuse', { args: ['3', String(port)], listen: [`127.0.0.1:${port}`], policy: { maxSockets: 3 } }).done;
  assert.is(r.code, 0, r.err);
  assert.is(r.out, 'connect=EACCES\nsendto=EACCES\nbind=EACCES\nsockets=3 EMFILE\n');
  assert.equal(r.events.map((e) => e.op), ['connect', 'sendto', 'bind', 'socket']);
  await fdsBack('misuse');
});

test.run();
