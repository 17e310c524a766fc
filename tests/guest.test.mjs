// Wasm guests: Python's documented echo examples and an HTTP server as C guests built with
// `wasock cc`, run with runGuest() on loopback with and without grants; denied addresses in
// every spelling; hostile calls (wild pointers and lengths, forged/closed descriptors,
// oversized iovec counts). Each denial is an errno for the guest, never a host crash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROOT, freePort } from './lib/helpers.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const OUT = join(ROOT, 'tests', '.tmp', 'guests');
const CLI = join(ROOT, 'dist', 'cli.js');
const wasm = (n) => join(OUT, `${n}.wasm`);

function cc(src, name) {
  const r = spawnSync(process.execPath, [CLI, 'cc', '-o', wasm(name), src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasock cc ${src}: ${r.stderr}`);
}

test.before(() => {
  mkdirSync(OUT, { recursive: true });
  for (const n of ['echo-server', 'echo-client', 'echo-server-dual', 'echo-client-dual', 'http-server'])
    cc(join(ROOT, 'examples', 'guests', `${n}.c`), n);
  cc(join(ROOT, 'tests', 'guests', 'probe.c'), 'probe');
});

function sink() {
  const s = new Writable({ write(c, _e, cb) { s.text += c; cb(); } });
  s.text = '';
  return s;
}

function run(name, args, policy, extra = {}) {
  const out = sink();
  const err = sink();
  const events = [];
  const done = runGuest(wasm(name), { args, policy, stdio: ['inherit', out, err], onEvent: (e) => events.push(e), ...extra })
    .then((code) => ({ code, out: out.text, err: err.text, events }));
  return { done, out, err, events };
}


async function waitListening(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const sock = require_net().connect(port, '127.0.0.1');
      sock.on('connect', () => { sock.destroy(); resolve(true); });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}
import * as net from 'node:net';
const require_net = () => net;

// The server's listen is observed through /proc, so no probe connection is spent.
async function waitListen(port) {
  const { readFileSync } = await import('node:fs');
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (let i = 0; i < 400; i++) {
    for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const lines = readFileSync(f, 'utf8').split('\n');
      if (lines.some((l) => { const x = l.trim().split(/\s+/); return x[1]?.endsWith(`:${hex}`) && x[3] === '0A'; })) return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

test('IPv4 echo server and client guests talk on loopback with grants', async () => {
  const port = await freePort();
  const server = run('echo-server', [String(port)], { bind: [`0.0.0.0:${port}`] });
  await waitListen(port);
  const client = await run('echo-client', ['127.0.0.1', String(port)], { connect: [`127.0.0.1:${port}`] }).done;
  const s = await server.done;
  assert.is(client.code, 0, client.err);
  assert.is(client.out, "Received 'Hello, world'\n");
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^Connected by \('127\.0\.0\.1', \d+\)\n$/);
  assert.equal(client.events, []);
});

test('dual-stack echo guests: a wildcard bind granted by name, localhost through the hosts file', async () => {
  const port = await freePort();
  // `*:PORT` does not cover the wildcard address: the grant names it (both families: dual-stack).
  const denied = await run('echo-server-dual', [String(port)], { bind: [`*:${port}`] }).done;
  assert.is(denied.code, 1);
  assert.is(denied.events[0]?.op, 'bind');
  const server = run('echo-server-dual', [String(port)], { bind: [`[::]:${port}`, `0.0.0.0:${port}`] });
  await waitListen(port);
  const client = await run('echo-client-dual', ['localhost', String(port)],
    { connect: [`127.0.0.1:${port}`, `[::1]:${port}`] }).done;
  const s = await server.done;
  assert.is(client.code, 0, client.err);
  assert.is(client.out, "Received 'Hello, world'\n");
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^Connected by \('(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)', \d+\)\n$/);
});

test('without grants: EACCES for the guest, an event for the embedder, the host keeps running', async () => {
  const port = await freePort();
  const c = await run('echo-client', ['127.0.0.1', String(port)], {}).done;
  assert.is(c.code, 1);
  assert.match(c.err, /connect: Permission denied/);
  assert.is(c.events.length, 1);
  assert.is(c.events[0].op, 'connect');
  assert.is(c.events[0].errno, 13);
  assert.is(c.events[0].address, `127.0.0.1:${port}`);
  assert.match(c.events[0].message, /^wasock: guest echo-client\.wasm: denied connect 127\.0\.0\.1:(\d+) \(EACCES; grant with --allow-connect=127\.0\.0\.1:\1\)$/);
  const s = await run('echo-server', [String(port)], { bind: [`127.0.0.1:${port}`] }).done;
  assert.is(s.code, 1);
  assert.match(s.err, /bind: Permission denied/);
  assert.is(s.events[0].address, `0.0.0.0:${port}`, 'a wildcard bind is not covered by a loopback grant');
  // Still alive: a granted pair works afterwards.
  const server = run('echo-server', [String(port)], { bind: [`0.0.0.0:${port}`] });
  await waitListen(port);
  const ok = await run('echo-client', ['127.0.0.1', String(port)], { connect: [`127.0.0.0/8:${port}`] }).done;
  assert.is(ok.code, 0);
  assert.is((await server.done).code, 0);
});

test('denied addresses in every spelling', async () => {
  const port = 9;
  const r = await run('probe', [
    `c4:127.0.0.1:${port}`, `c4:127.0.0.2:${port}`, `c4:0.0.0.0:${port}`, `c4:127.0.0.1:${port + 1}`,
    `c6:::ffff:127.0.0.1:${port}`, `c6:::ffff:127.0.0.2:${port}`, `c6:::1:${port}`, `c6::::${port}`,
    `c6:::ffff:0.0.0.0:${port}`, 'b4:127.0.0.1:0', 'b4:0.0.0.0:0', 'b6::::0', 'b6only::::0', 'b6:::ffff:0.0.0.0:0',
    `s4:10.1.2.3:${port}`, `s4:127.0.0.1:${port}`, `s6:::ffff:10.1.2.3:${port}`,
    'raw', 'netlink', 'packet', 'listen',
    'uc:/tmp/wasock-guest-ok/../escape', 'uc:@abstract', 'ub:/tmp/wasock-guest-x',
  ], { connect: [`127.0.0.1:${port}`], bind: ['127.0.0.1:0'], sendto: [], accept: [] }, { }).done;
  const got = Object.fromEntries(r.out.trim().split('\n').map((l) => l.split('=')));
  assert.equal(got, {
    [`c4:127.0.0.1:${port}`]: 'OK', [`c4:127.0.0.2:${port}`]: 'EACCES', [`c4:0.0.0.0:${port}`]: 'OK',
    [`c4:127.0.0.1:${port + 1}`]: 'EACCES',
    [`c6:::ffff:127.0.0.1:${port}`]: 'OK', [`c6:::ffff:127.0.0.2:${port}`]: 'EACCES', [`c6:::1:${port}`]: 'EACCES',
    [`c6::::${port}`]: 'EACCES', [`c6:::ffff:0.0.0.0:${port}`]: 'OK',
    'b4:127.0.0.1:0': 'OK', 'b4:0.0.0.0:0': 'EACCES', 'b6::::0': 'EACCES', 'b6only::::0': 'EACCES',
    'b6:::ffff:0.0.0.0:0': 'EACCES',
    [`s4:10.1.2.3:${port}`]: 'EACCES', [`s4:127.0.0.1:${port}`]: 'OK', [`s6:::ffff:10.1.2.3:${port}`]: 'EACCES',
    raw: 'EPERM', netlink: 'EACCES', packet: 'EPERM', listen: 'EACCES',
    'uc:/tmp/wasock-guest-ok/../escape': 'EACCES', 'uc:@abstract': 'EACCES', 'ub:/tmp/wasock-guest-x': 'EACCES',
  });
  assert.ok(r.events.every((e) => e.guest === 'probe.wasm' && (e.errno === 13 || e.errno === 1)));
  assert.ok(r.events.some((e) => e.op === 'bind' && e.address === '0.0.0.0:0'));
});

test('a unix prefix grant is judged by the real path (.. and symlinks)', async () => {
  const { mkdtempSync, symlinkSync, mkdirSync: mk } = await import('node:fs');
  const dir = mkdtempSync('/tmp/wasock-guest-');
  mk(join(dir, 'ok'));
  symlinkSync('/tmp', join(dir, 'ok', 'link'));
  const r = await run('probe', [`ub:${dir}/ok/s`, `ub:${dir}/ok/../s2`, `ub:${dir}/ok/link/s3`],
    { bind: [`unix:${dir}/ok/`] }).done;
  assert.is(r.out, `ub:${dir}/ok/s=OK\nub:${dir}/ok/../s2=EACCES\nub:${dir}/ok/link/s3=EACCES\n`);
});

test('families, --allow-net and the socket limit', async () => {
  const r = await run('probe', ['many:10', 'c4:127.0.0.1:9', 'netlink'], { maxSockets: 5, net: true, families: ['netlink'] }).done;
  assert.is(r.out, 'many:10=EMFILE\nc4:127.0.0.1:9=OK\nnetlink=OK\n');
});

test('hostile calls: wild pointers and lengths, forged and closed descriptors, huge iovec counts', async () => {
  const r = await run('probe', ['closed', 'forged', 'stdin-sock', 'negfd', 'wild'], {}).done;
  assert.is(r.code, 0, r.err);
  const got = Object.fromEntries(r.out.trim().split('\n').map((l) => l.split('=')));
  assert.equal(got, {
    closed: 'EBADF', forged: 'EBADF', 'stdin-sock': 'ENOTSOCK', negfd: 'EBADF',
    'wild-connect': 'EFAULT', 'wild-bind-len': 'EINVAL', 'wild-recv': 'EFAULT', 'wild-send': 'EFAULT',
    'wild-out': 'EFAULT', 'wild-salen': 'EFAULT', 'wild-poll': 'EFAULT', 'huge-poll': 'EINVAL',
    'wild-accept': 'EFAULT', 'big-sockaddr': 'EINVAL', 'wild-gso': 'EFAULT', 'wild-sso': 'EFAULT',
    'wild-rfile': 'EFAULT', 'bad-family': 'EAFNOSUPPORT', 'iov-huge': '1', 'iov-wild': '1', 'msg-huge': 'EMSGSIZE',
    wild: 'OK',
  });
});

test('HTTP/1.0 server guest answers curl', async () => {
  const curl = spawnSync('curl', ['--version']);
  if (curl.status !== 0) return console.log('  (no curl: skipped)');
  const port = await freePort();
  const server = run('http-server', [String(port), '2'], { bind: [`127.0.0.1:${port}`] });
  await waitListen(port);
  const get = spawnSync('curl', ['-s', '-i', `http://127.0.0.1:${port}/hello`], { encoding: 'utf8' });
  const head = spawnSync('curl', ['-s', '-I', `http://127.0.0.1:${port}/x`], { encoding: 'utf8' });
  const s = await server.done;
  assert.match(get.stdout, /^HTTP\/1\.0 200 OK\r\n/);
  assert.match(get.stdout, /<h1>Hello from a wasock guest<\/h1><p>\/hello<\/p>/);
  assert.match(head.stdout, /^HTTP\/1\.0 200 OK\r\n/);
  assert.is(s.code, 0);
  assert.is(s.out, `listening on 127.0.0.1:${port}\nGET /hello\nHEAD /x\n`);
});

test('exit codes propagate; a trap is 134', async () => {
  const r = await run('echo-client', ['no.such.name.invalid', '1'], {}).done;
  assert.is(r.code, 1);
  assert.match(r.err, /getaddrinfo: /);
});

test.run();
