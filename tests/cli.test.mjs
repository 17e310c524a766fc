// The `wasock` command: --help, exit codes, one-line errors, `wasock cc` and
// `wasock run` with and without grants.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, freePort, ask } from './lib/helpers.mjs';
import { buildGuest } from './lib/guest-cc.mjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const CLI = join(ROOT, 'dist', 'cli.js');
const OUT = join(ROOT, 'tests', '.tmp', 'cli');
const wasock = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: OUT });

test.before(() => mkdirSync(OUT, { recursive: true }));

test('--help and --version', () => {
  const h = wasock('--help');
  assert.is(h.status, 0);
  assert.match(h.stdout, /wasock run GUEST\.wasm/);
  assert.match(h.stdout, /--allow-connect=ADDR/);
  assert.is(wasock('run', '--help').status, 0);
  assert.match(wasock('--version').stdout, /^wasock \d+\.\d+\.\d+\n$/);
  assert.is(wasock().status, 2);
});

test('one-line errors: missing file, non-Wasm file, unknown flag, unknown command, bad grant', () => {
  writeFileSync(join(OUT, 'text.wasm'), 'hello, not wasm\n');
  writeFileSync(join(OUT, 'broken.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9, 9]));
  const cases = [
    [['run', 'missing.wasm'], /^wasock: error: missing\.wasm: no such file\n$/],
    [['run', 'text.wasm'], /^wasock: error: text\.wasm: not a WebAssembly module\n$/],
    [['run', 'broken.wasm'], /^wasock: error: broken\.wasm: invalid WebAssembly module \(.*\)\n$/],
    [['run', '--bogus', 'x.wasm'], /^wasock: error: unknown option --bogus \(see wasock --help\)\n$/],
    [['run', '-x', 'x.wasm'], /^wasock: error: unknown option -x \(see wasock --help\)\n$/],
    [['run'], /^wasock: error: no guest file/],
    [['frob'], /^wasock: error: unknown command frob/],
    [['run', '--allow-family=ipx', 'x.wasm'], /^wasock: error: unknown family ipx/],
    [['run', '--allow-connect', 'x.wasm'], /^wasock: error: --allow-connect needs a value/],
  ];
  for (const [args, re] of cases) {
    const r = wasock(...args);
    assert.is(r.status, 2, `${args.join(' ')}: status ${r.status}`);
    assert.match(r.stderr, re, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('wasock cc builds a guest; wasock run passes args and the exit code, with and without grants', async () => {
  const src = join(OUT, 'prog.c');
  writeFileSync(src, `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) { printf("%s %d\\n", strerror(errno), errno == EACCES); return 42; }
  write(s, "hi", 2);
  close(s);
  printf("ok %s\\n", argv[2]);
  return 0;
}
`);
  const c = wasock('cc', '-o', 'prog.wasm', 'prog.c');
  assert.is(c.status, 0, c.stderr);
  const srv = createServer((sock) => sock.on('data', () => {}));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  const runIt = (...a) => new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'run', ...a], { cwd: OUT });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, out, err }));
  });
  const ok = await runIt('prog.wasm', `--allow-connect=127.0.0.1:${port}`, '--', String(port), 'two words');
  assert.is(ok.status, 0, ok.err);
  assert.is(ok.out, 'ok two words\n');
  const denied = await runIt('prog.wasm', '--', String(port), 'x');
  assert.is(denied.status, 42);
  assert.is(denied.out, 'Permission denied 1\n');
  assert.is(denied.err, `wasock: guest prog.wasm: denied connect 127.0.0.1:${port} (EACCES; grant with --allow-connect=127.0.0.1:${port})\n`);
  const quiet = await runIt('--quiet', 'prog.wasm', '--', String(port), 'x');
  assert.is(quiet.err, '');
  const net = await runIt('--allow-net', 'prog.wasm', '--', String(port), 'n');
  assert.is(net.status, 0);
  srv.close();
});

function runCli(args, opts = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [CLI, 'run', ...args], { cwd: OUT, ...opts });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, out, err, ms: performance.now() - t0 }));
  });
}


const g = {};
test('--time-limit, --max-memory, --listen: exit codes 124 and 137, a preopened socket served', async () => {
  const [spin, grow, echo] = await Promise.all([buildGuest('spin'), buildGuest('grow'), buildGuest('preopen-echo', 'plain')]);
  Object.assign(g, { spin, grow, echo });
  const port = await freePort();
  const t = await runCli([spin, `--allow-bind=127.0.0.1:${port}`, '--time-limit=0.5', '--', String(port)]);
  assert.is(t.status, 124, t.err);
  assert.is(t.out, 'ready\n');
  assert.match(t.err, /stopped after its time limit of 0\.5 s/);
  assert.ok(t.ms < 4000, `${t.ms} ms`);
  const m = await runCli(['--max-memory=32M', grow, '--', '64', 'clock']);
  assert.is(m.status, 137, m.err);
  assert.is(m.out, '');
  assert.match(m.err, /past its limit of 33554432/);
  const ok = await runCli([`--max-memory=${32 * 1024}K`, grow, '--', '8', 'clock']);
  assert.is(ok.status, 0, ok.err);
  assert.is(ok.out, 'done 8\n');
  // A plain wasi-libc program on the socket --listen made, with no grant; after a --dir.
  const dir = mkdtempSync(join(tmpdir(), 'wasock-cli-'));
  writeFileSync(join(dir, 'page.txt'), 'from the dir');
  const p2 = await freePort();
  const served = runCli([`--listen=127.0.0.1:${p2}`, echo, '--', '3', '1']);
  assert.is(await ask({ port: p2, host: '127.0.0.1' }, 'ping'), 'echo:ping');
  const s = await served;
  assert.is(s.status, 0, s.err);
  assert.is(s.out, 'served 1\n');
  assert.is(s.err, '');
  const withDir = runCli([`--dir=/www:${dir}`, `--listen=127.0.0.1:${p2}`, echo, '--', '4', '1', '/www/page.txt']);
  assert.is(await ask({ port: p2, host: '127.0.0.1' }, 'GET /\r\n\r\n'), 'HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nfrom the dir');
  assert.is((await withDir).status, 0);
  const path = join(dir, 'app.sock');
  const unix = runCli([`--listen=unix:${path}`, echo, '--', '3', '1']);
  assert.is(await ask({ path }, 'u'), 'echo:u');
  assert.is((await unix).status, 0);
});

test('--time-limit, --max-memory, --listen: usage errors for bad values (exit 2, one line)', () => {
  const cases = [
    ['--time-limit=0', /^wasock: error: --time-limit=0: not a number of seconds\n$/],
    ['--time-limit=-1', /^wasock: error: --time-limit=-1: not a number of seconds\n$/],
    ['--time-limit=abc', /^wasock: error: --time-limit=abc: not a number of seconds\n$/],
    ['--time-limit=Infinity', /^wasock: error: --time-limit=Infinity: not a number of seconds\n$/],
    ['--time-limit', /^wasock: error: --time-limit needs a value/],
    ['--max-memory=12X', /^wasock: error: --max-memory=12X: expected BYTES with an optional K, M or G\n$/],
    ['--max-memory=-5', /^wasock: error: --max-memory=-5: expected BYTES/],
    ['--max-memory=0', /^wasock: error: --max-memory=0: must be more than 0\n$/],
    ['--max-memory=', /^wasock: error: --max-memory needs a value/],
    ['--listen=bogus', /^wasock: error: --listen=bogus: expected HOST:PORT, \[V6\]:PORT or unix:PATH\n$/],
    ['--listen=127.0.0.1:70000', /^wasock: error: --listen=127\.0\.0\.1:70000: expected/],
    ['--listen=unix:', /^wasock: error: --listen=unix:: expected/],
    ['--listen=', /^wasock: error: --listen needs a value/],
  ];
  for (const [flag, re] of cases) {
    const r = wasock('run', flag, 'x.wasm');
    assert.is(r.status, 2, `${flag}: status ${r.status} ${r.stderr}`);
    assert.match(r.stderr, re, `${flag}: ${r.stderr}`);
    assert.is(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('--time-limit beyond setTimeout\'s range does not stop the guest at once', async () => {
  const r = await runCli(['--time-limit=1e10', g.grow ?? await buildGuest('grow'), '--', '1', 'clock']);
  assert.is(r.status, 0, r.err);
  assert.is(r.out, 'done 1\n');
});

test.run();
