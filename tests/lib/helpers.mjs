// Shared helpers for the wasock tests: assertions on thrown errors, loopback
// socket fixtures, descriptor counting and the CPython oracle.
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env.WASOCK_PYTHON || '/usr/bin/python3';
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Linux errno values (what CPython reports on this machine).
export const E = {
  EPERM: 1, ENOENT: 2, EBADF: 9, EAGAIN: 11, EACCES: 13, EFAULT: 14, EINVAL: 22, EPIPE: 32,
  ENAMETOOLONG: 36, ENOTSOCK: 88, EPROTOTYPE: 91, ENOPROTOOPT: 92, EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ECONNRESET: 104,
  EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111, EINPROGRESS: 115,
};

// Runs fn, asserts it throws an instance of Cls, checks the given fields
// (errno, strerror, code, message — a RegExp or exact value) and returns the error.
export function throws(fn, Cls, fields = {}) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (err === undefined) assert.unreachable(`expected ${Cls.name} to be thrown, nothing was`);
  if (!(err instanceof Cls)) {
    assert.unreachable(`expected ${Cls.name}, got ${err?.constructor?.name}: ${err?.message}`);
  }
  for (const [k, want] of Object.entries(fields)) {
    const got = err[k];
    if (want instanceof RegExp) assert.match(String(got), want, `${k}: ${got} !~ ${want}`);
    else assert.is(got, want, `${k}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return err;
}

// Asserts a socket.error with a given errno.
export function throwsErrno(fn, errno, Cls = socket.error) {
  return throws(fn, Cls, { errno });
}

export function bytes(s) {
  return typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'latin1')) : new Uint8Array(s);
}

export function text(u8) {
  assert.ok(u8 instanceof Uint8Array, `expected a Uint8Array, got ${u8?.constructor?.name}`);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('latin1');
}

// Sockets to close at the end of a test.
export class Pool {
  items = [];
  add(...socks) {
    for (const s of socks) this.items.push(s);
    return socks.length === 1 ? socks[0] : socks;
  }
  close() {
    for (const s of this.items.splice(0)) {
      try { s.close(); } catch { /* already gone */ }
    }
  }
}

// A listening TCP socket on loopback, port 0.
export function listener(family = socket.AF_INET, host = family === socket.AF_INET6 ? '::1' : '127.0.0.1') {
  const l = socket.socket(family, socket.SOCK_STREAM);
  l.bind([host, 0]);
  l.listen(8);
  return l;
}

// A connected TCP pair [client, server-side, listener] over loopback.
export function tcpPair(family = socket.AF_INET) {
  const l = listener(family);
  const c = socket.socket(family, socket.SOCK_STREAM);
  c.connect(l.getsockname());
  const [a] = l.accept();
  return [c, a, l];
}

// A port on 127.0.0.1 that nothing listens on (bound then closed).
export function closedPort(family = socket.AF_INET) {
  const s = socket.socket(family, socket.SOCK_STREAM);
  s.bind([family === socket.AF_INET6 ? '::1' : '127.0.0.1', 0]);
  const port = s.getsockname()[1];
  s.close();
  return port;
}

export function fdCount() {
  return readdirSync('/proc/self/fd').length;
}

export function tempDir(prefix = 'wasock-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(d) {
  rmSync(d, { recursive: true, force: true });
}

export function python(code, input) {
  return execFileSync(PYTHON, ['-c', code], { encoding: 'utf8', input, maxBuffer: 64 << 20 });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Blocks the thread for ms (used only to give a child process time; no assertion on it).
export function blockFor(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// A loopback TCP port nothing listens on now (the kernel's pick).
export async function freePort() {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// One request on a fresh connection (net.connect options: a port or a unix path): the
// whole answer, retried while nothing listens there yet.
export async function ask(where, msg) {
  const net = await import('node:net');
  for (let i = 0; ; i++) {
    try {
      return await new Promise((resolve, reject) => {
        const s = net.connect(where);
        let d = '';
        s.on('connect', () => s.write(msg));
        s.on('data', (b) => { d += b; });
        s.on('end', () => resolve(d));
        s.on('error', reject);
      });
    } catch (e) {
      if (i > 200 || (e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT')) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
