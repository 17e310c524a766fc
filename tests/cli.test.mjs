// The `wasock` command (issue 4): --help, exit codes, one-line errors, `wasock cc` and
// `wasock run` with and without grants.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './lib/helpers.mjs';

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

test.run();
