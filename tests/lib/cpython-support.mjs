// The pieces of CPython's test.support / socket_helper that the ported
// test_socket.py and test_timeout.py cases use, translated for wasock.
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PYTHON, Pool } from './helpers.mjs';

// socket_helper.HOST / HOSTv4 / HOSTv6; test_socket's MSG.
export const HOST = 'localhost';
export const HOSTv4 = '127.0.0.1';
export const HOSTv6 = '::1';
export const MSG = new Uint8Array(Buffer.from('Michael Gilfix was here\u1234\r\n', 'utf8'));
export const MSG_TEXT = 'Michael Gilfix was here\u1234\r\n';

// support.LOOPBACK_TIMEOUT, _testcapi's limits.
export const LOOPBACK_TIMEOUT = 5.0;
export const INT_MAX = 2 ** 31 - 1;
export const INT_MIN = -(2 ** 31);
export const UINT_MAX = 2 ** 32 - 1;

// socket_helper.find_unused_port(): bind port 0, note it, close.
export function find_unused_port(family = socket.AF_INET, socktype = socket.SOCK_STREAM) {
  const s = socket.socket(family, socktype);
  try {
    s.bind([family === socket.AF_INET6 ? '::' : '0.0.0.0', 0]);
    return s.getsockname()[1];
  } finally {
    s.close();
  }
}

// socket_helper.bind_port(sock, host=HOST).
export function bind_port(sock, host = HOST) {
  sock.bind([host, 0]);
  return sock.getsockname()[1];
}

// fcntl(fd, F_GETFL) & O_NONBLOCK / F_GETFD & FD_CLOEXEC, read from /proc.
export function fdFlags(fd) {
  const t = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  return parseInt(/flags:\s*([0-7]+)/.exec(t)[1], 8);
}
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

// bytes equality with a readable failure.
export function eqBytes(got, want, msg) {
  assert.ok(got instanceof Uint8Array, `expected a Uint8Array, got ${got?.constructor?.name}`);
  assert.is(Buffer.from(got).toString('hex'), Buffer.from(want).toString('hex'), msg);
}

export function concat(...parts) {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

export const b = (s) => new Uint8Array(Buffer.from(s, 'latin1'));

// self.assertRaises(Cls, fn): returns the error.
export function assertRaises(Cls, fn) {
  try {
    fn();
  } catch (e) {
    if (Array.isArray(Cls) ? Cls.some((c) => e instanceof c) : e instanceof Cls) return e;
    assert.unreachable(`expected ${[Cls].flat().map((c) => c.name).join('|')}, got ${e?.constructor?.name}: ${e?.message}`);
  }
  assert.unreachable(`expected ${[Cls].flat().map((c) => c.name).join('|')}, nothing was thrown`);
}

// A peer in another process (CPython's client/server thread): /usr/bin/python3
// running `code`, with the given descriptors as its fds 3, 4, ... Returns a
// Promise of its exit; stderr is collected for the failure message.
export function pythonPeer(code, fds = []) {
  const child = spawn(PYTHON, ['-c', code], { stdio: ['ignore', 'ignore', 'pipe', ...fds] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`peer exited ${code}: ${err}`))));
  });
}

// `with sock:` — closes on the way out, whatever happens.
export function withSock(sock, fn) {
  try {
    return fn(sock);
  } finally {
    sock.close();
  }
}

// A test function that is skipped (with a note) when wasock lacks `name`.
export function needs(test, obj, name) {
  return typeof obj[name] === 'function' ? test : (label, fn) => test.skip(`${label} (needs ${name}, not exported yet)`, fn);
}

// Each ported case's sockets and cleanups, undone after it as CPython's tearDown
// does (plus `after`, e.g. resetting the default timeout); WASOCK_TEST_TRACE
// names each case as it starts.
export function perCase(test, after = () => {}) {
  const pool = new Pool();
  const cleanups = [];
  if (process.env.WASOCK_TEST_TRACE) test.before.each((ctx) => console.error(`\n> ${ctx.__test__}`));
  test.after.each(() => {
    pool.close();
    while (cleanups.length) cleanups.pop()();
    after();
  });
  return { pool, cleanups };
}
