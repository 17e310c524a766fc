// Timeouts and non-blocking mode (CPython 3.11 behaviour), plus a 16 MiB sendall read
// by a child process. Time bounds are generous: only "not too early, not forever".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { E, Pool, throws, throwsErrno, bytes, text, listener, tcpPair } from './lib/helpers.mjs';

const pool = new Pool();
test.after.each(() => {
  pool.close();
  socket.setdefaulttimeout(null);
});

function elapsed(fn) {
  const t0 = process.hrtime.bigint();
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  return [Number(process.hrtime.bigint() - t0) / 1e9, err];
}

function assertTimeout(err) {
  assert.ok(err instanceof socket.timeout, `expected socket.timeout, got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof socket.error);
  assert.ok(err instanceof Error);
  assert.is(err.message, 'timed out');
  assert.is(err.errno, null);
}

test('settimeout(0.5): recv raises socket.timeout("timed out") after ~0.5 s', () => {
  const [c] = pool.add(...tcpPair());
  c.settimeout(0.5);
  assert.is(c.gettimeout(), 0.5);
  const [dt, err] = elapsed(() => c.recv(1));
  assertTimeout(err);
  assert.ok(dt >= 0.45 && dt < 3, `took ${dt} s`);
});

test('after a timeout the socket still works', () => {
  const [c, a] = pool.add(...tcpPair());
  c.settimeout(0.2);
  assertTimeout(elapsed(() => c.recv(1))[1]);
  a.sendall(bytes('late'));
  assert.is(text(c.recv(10)), 'late');
});

test('settimeout(0): recv raises socket.error EAGAIN (11), not timeout', () => {
  const [c] = pool.add(...tcpPair());
  c.settimeout(0);
  assert.is(c.getblocking(), false);
  const [dt, err] = elapsed(() => c.recv(1));
  assert.ok(err instanceof socket.error, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(!(err instanceof socket.timeout));
  assert.is(err.errno, E.EAGAIN);
  assert.is(err.strerror, 'Resource temporarily unavailable');
  assert.is(err.code, 'EAGAIN');
  assert.is(err.message, '[Errno 11] Resource temporarily unavailable');
  assert.ok(dt < 0.5, `non-blocking recv took ${dt} s`);
});

test('setblocking(false) is settimeout(0); setblocking(true) is settimeout(None)', () => {
  const s = pool.add(socket.socket());
  s.setblocking(false);
  assert.is(s.gettimeout(), 0);
  assert.is(s.getblocking(), false);
  s.setblocking(true);
  assert.is(s.gettimeout(), null);
  assert.is(s.getblocking(), true);
  s.settimeout(1.5);
  assert.is(s.getblocking(), true);
  assert.is(s.gettimeout(), 1.5);
});

test('accept honours a timeout', () => {
  const l = pool.add(listener());
  l.settimeout(0.5);
  const [dt, err] = elapsed(() => l.accept());
  assertTimeout(err);
  assert.ok(dt >= 0.45 && dt < 3, `took ${dt} s`);
});

test('accept honours non-blocking mode (EAGAIN)', () => {
  const l = pool.add(listener());
  l.setblocking(false);
  throwsErrno(() => l.accept(), E.EAGAIN);
});

test('a non-blocking accept succeeds once a connection is pending', () => {
  const l = pool.add(listener());
  l.setblocking(false);
  const c = pool.add(socket.socket());
  c.connect(l.getsockname());
  const [a, addr] = l.accept();
  pool.add(a);
  assert.equal(addr, c.getsockname());
});

test('recvfrom on UDP honours a timeout', () => {
  const u = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u.bind(['127.0.0.1', 0]);
  u.settimeout(0.3);
  const [dt, err] = elapsed(() => u.recvfrom(10));
  assertTimeout(err);
  assert.ok(dt >= 0.25 && dt < 3, `took ${dt} s`);
});

test('connect_ex with a timeout on a refused port still returns 111', () => {
  const s = pool.add(socket.socket());
  s.settimeout(2);
  const p = socket.socket();
  p.bind(['127.0.0.1', 0]);
  const port = p.getsockname()[1];
  p.close();
  assert.is(s.connect_ex(['127.0.0.1', port]), E.ECONNREFUSED);
});

test('connect with a timeout to a listener succeeds', () => {
  const l = pool.add(listener());
  const s = pool.add(socket.socket());
  s.settimeout(2);
  s.connect(l.getsockname());
  assert.equal(s.getpeername(), l.getsockname());
});

test('sendall with a timeout to a peer that never reads raises socket.timeout', () => {
  const [c] = pool.add(...tcpPair());
  c.settimeout(0.5);
  const [dt, err] = elapsed(() => c.sendall(new Uint8Array(64 << 20)));
  assertTimeout(err);
  // CPython: ~0.5-0.9 s (partial sends succeed for a while first).
  assert.ok(dt >= 0.45 && dt < 5, `took ${dt} s`);
});

test('sendall on a non-blocking socket to a peer that never reads raises EAGAIN', () => {
  const [c] = pool.add(...tcpPair());
  c.setblocking(false);
  throwsErrno(() => c.sendall(new Uint8Array(64 << 20)), E.EAGAIN);
});

test('setdefaulttimeout/getdefaulttimeout round-trip and apply to new sockets', () => {
  assert.is(socket.getdefaulttimeout(), null);
  socket.setdefaulttimeout(1.25);
  assert.is(socket.getdefaulttimeout(), 1.25);
  assert.is(pool.add(socket.socket()).gettimeout(), 1.25);
  socket.setdefaulttimeout(null);
  assert.is(socket.getdefaulttimeout(), null);
  assert.is(pool.add(socket.socket()).gettimeout(), null);
  throws(() => socket.setdefaulttimeout(-1), RangeError, { message: 'Timeout value out of range' });
  throws(() => socket.setdefaulttimeout('1'), TypeError);
});

test('setdefaulttimeout(0.4) makes recv of a new connection time out', () => {
  const l = pool.add(listener());
  socket.setdefaulttimeout(0.4);
  const c = pool.add(socket.create_connection(l.getsockname()));
  const [dt, err] = elapsed(() => c.recv(1));
  assertTimeout(err);
  assert.ok(dt >= 0.35 && dt < 3, `took ${dt} s`);
});

// A child process (plain node:net, no wasock) connects, hashes everything it reads and
// reports "<count> <sha256>" at end of stream.
const READER = `
const net = require('node:net'); const crypto = require('node:crypto');
const h = crypto.createHash('sha256'); let n = 0;
const c = net.connect(Number(process.argv[1]), '127.0.0.1');
c.on('data', (d) => { n += d.length; h.update(d); });
c.on('end', () => { process.stdout.write(n + ' ' + h.digest('hex')); c.end(); });
c.on('error', (e) => { process.stderr.write(String(e)); process.exit(2); });
`;

function runReader(port) {
  const child = spawn(process.execPath, ['-e', READER, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, done };
}

test('sendall of 16 MiB delivers every byte (read by a child process)', async () => {
  const l = pool.add(listener());
  l.settimeout(20);
  const { child, done } = runReader(l.getsockname()[1]);
  try {
    const [a] = l.accept();
    pool.add(a);
    a.settimeout(60);
    const data = new Uint8Array(16 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const want = createHash('sha256').update(data).digest('hex');
    assert.is(a.sendall(data), undefined);
    a.close();
    const r = await done;
    assert.is(r.code, 0, r.err);
    assert.is(r.out, `${16 << 20} ${want}`);
  } finally {
    child.kill();
  }
});

test('sendall of 16 MiB in blocking mode (no timeout) also delivers every byte', async () => {
  const l = pool.add(listener());
  l.settimeout(20);
  const { child, done } = runReader(l.getsockname()[1]);
  try {
    const [a] = l.accept();
    pool.add(a);
    a.settimeout(null);
    const data = new Uint8Array(16 << 20).fill(0x5a);
    const want = createHash('sha256').update(data).digest('hex');
    a.sendall(data);
    a.close();
    const r = await done;
    assert.is(r.out, `${16 << 20} ${want}`);
  } finally {
    child.kill();
  }
});

test.run();
