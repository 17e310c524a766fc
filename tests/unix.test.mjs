// AF_UNIX: filesystem paths, bytes paths, Linux abstract names, autobind, datagrams
// (each expectation observed on CPython 3.11 first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { E, Pool, throws, throwsErrno, bytes, text, tempDir, removeDir } from './lib/helpers.mjs';

const pool = new Pool();
let dir;
test.before(() => { dir = tempDir('wasock-unix-'); });
test.after(() => removeDir(dir));
test.after.each(() => pool.close());

let n = 0;
const path = () => join(dir, `s${n++}`);
const uniq = () => `wasock-test-${process.pid}-${n++}`;

test('AF_UNIX stream over a filesystem path', () => {
  const p = path();
  const l = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM));
  l.bind(p);
  assert.ok(existsSync(p));
  l.listen();
  assert.is(l.getsockname(), p);
  const c = pool.add(socket.socket(socket.AF_UNIX));
  c.connect(p);
  const [a, addr] = l.accept();
  pool.add(a);
  assert.is(addr, '');                  // an unbound client: CPython gives ''
  assert.is(c.getsockname(), '');
  assert.is(c.getpeername(), p);
  assert.equal([a.family, a.type, a.proto], [socket.AF_UNIX, socket.SOCK_STREAM, 0]);
  c.sendall(bytes('over unix'));
  assert.is(text(a.recv(100)), 'over unix');
});

test("getsockname of an unbound AF_UNIX socket is ''", () => {
  const s = pool.add(socket.socket(socket.AF_UNIX));
  assert.is(s.getsockname(), '');
});

test('a Uint8Array filesystem path binds; getsockname gives it back as a string', () => {
  const p = path();
  const s = pool.add(socket.socket(socket.AF_UNIX));
  s.bind(new Uint8Array(Buffer.from(p)));
  assert.is(s.getsockname(), p);
  assert.ok(existsSync(p));
});

test('a Buffer path works for connect', () => {
  const p = path();
  const l = pool.add(socket.socket(socket.AF_UNIX));
  l.bind(p);
  l.listen();
  const c = pool.add(socket.socket(socket.AF_UNIX));
  c.connect(Buffer.from(p));
  assert.is(c.getpeername(), p);
});

test('abstract names (leading NUL) come back from getsockname as a Uint8Array', () => {
  const name = '\0' + uniq();
  const s = pool.add(socket.socket(socket.AF_UNIX));
  s.bind(new Uint8Array(Buffer.from(name, 'latin1')));
  const got = s.getsockname();
  assert.ok(got instanceof Uint8Array, `got ${typeof got} ${JSON.stringify(got)}`);
  assert.is(text(got), name);
  // A string abstract name is also returned as bytes.
  const name2 = '\0' + uniq();
  const t = pool.add(socket.socket(socket.AF_UNIX));
  t.bind(name2);
  const got2 = t.getsockname();
  assert.ok(got2 instanceof Uint8Array);
  assert.is(text(got2), name2);
});

test('connect to an abstract name; the peer name is the abstract bytes', () => {
  const name = Buffer.from('\0' + uniq(), 'latin1');
  const l = pool.add(socket.socket(socket.AF_UNIX));
  l.bind(name);
  l.listen();
  const c = pool.add(socket.socket(socket.AF_UNIX));
  c.connect(name);
  const peer = c.getpeername();
  assert.ok(peer instanceof Uint8Array);
  assert.equal([...peer], [...name]);
  const [a] = l.accept();
  pool.add(a);
  a.sendall(bytes('abs'));
  assert.is(text(c.recv(10)), 'abs');
});

test("autobind: bind('') gives an abstract name (NUL + 5 hex digits)", () => {
  for (const type of [socket.SOCK_STREAM, socket.SOCK_DGRAM]) {
    const s = pool.add(socket.socket(socket.AF_UNIX, type));
    s.bind('');
    const got = s.getsockname();
    assert.ok(got instanceof Uint8Array, `got ${typeof got} ${JSON.stringify(got)}`);
    assert.is(got.length, 6);
    assert.is(got[0], 0);
    assert.match(text(got.subarray(1)), /^[0-9a-f]{5}$/);
  }
});

test("'AF_UNIX path too long' beyond sun_path (107 bytes + NUL); an abstract name may use 108", () => {
  const s = pool.add(socket.socket(socket.AF_UNIX));
  for (const p of ['a'.repeat(200), '/tmp/' + 'a'.repeat(103)]) {
    const e = throws(() => s.bind(p), socket.error, { message: 'AF_UNIX path too long' });
    assert.is(e.errno, null);
  }
  throws(() => s.bind(Buffer.from('\0' + 'x'.repeat(108), 'latin1')), socket.error,
    { message: 'AF_UNIX path too long' });
  const abs = Buffer.from('\0' + 'x'.repeat(107), 'latin1');
  s.bind(abs);
  assert.is(s.getsockname().length, 108);
});

test('a 107-byte filesystem path is accepted', () => {
  const s = pool.add(socket.socket(socket.AF_UNIX));
  // /tmp/ + 102 = 107 bytes: fits with the NUL; the directory exists, so bind either
  // succeeds or fails with an OS error, never 'path too long'.
  const p = '/tmp/' + `w${process.pid}`.padEnd(102, 'a');
  try {
    s.bind(p);
    assert.is(s.getsockname(), p);
  } finally {
    removeDir(p);
  }
});

test('AF_UNIX addresses of the wrong type are TypeErrors', () => {
  const s = pool.add(socket.socket(socket.AF_UNIX));
  throws(() => s.bind(['a', 1]), TypeError, { message: "a bytes-like object is required, not 'tuple'" });
  throws(() => s.bind(5), TypeError, { message: "a bytes-like object is required, not 'int'" });
  throws(() => s.bind(null), TypeError, { message: "a bytes-like object is required, not 'NoneType'" });
});

test('connect to a missing path is ENOENT (2); a second bind is EADDRINUSE (98)', () => {
  const s = pool.add(socket.socket(socket.AF_UNIX));
  const e = throwsErrno(() => s.connect(join(dir, 'nope')), E.ENOENT);
  assert.is(e.strerror, 'No such file or directory');
  assert.is(e.code, 'ENOENT');
  const p = path();
  pool.add(socket.socket(socket.AF_UNIX)).bind(p);
  throwsErrno(() => pool.add(socket.socket(socket.AF_UNIX)).bind(p), E.EADDRINUSE);
});

test('AF_UNIX datagrams: recvfrom reports the sender path, or null for an unbound sender', () => {
  const p1 = path();
  const p2 = path();
  const d1 = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
  const d2 = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
  d1.bind(p1);
  d2.bind(p2);
  assert.is(d1.sendto(bytes('hey'), p2), 3);
  const [data, addr] = d2.recvfrom(10);
  assert.is(text(data), 'hey');
  assert.is(addr, p1);
  const d3 = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
  d3.sendto(bytes('anon'), p2);
  const [data2, addr2] = d2.recvfrom(10);
  assert.is(text(data2), 'anon');
  assert.is(addr2, null);
});

test('AF_UNIX datagrams keep message boundaries and truncate', () => {
  const [a, b] = pool.add(...socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM));
  assert.is(a.type, socket.SOCK_DGRAM);
  a.send(bytes('0123456789'));
  a.send(bytes('second'));
  assert.is(text(b.recv(4)), '0123');
  assert.is(text(b.recv(100)), 'second');
});

test("socketpair: names are '' and stream recvfrom gives a null address", () => {
  const [a, b] = pool.add(...socket.socketpair());
  assert.is(a.getsockname(), '');
  assert.is(a.getpeername(), '');
  a.sendall(bytes('x'));
  const [d, addr] = b.recvfrom(10);
  assert.is(text(d), 'x');
  assert.is(addr, null);
});

test('socketpair(AF_INET6) is EOPNOTSUPP; a bad type is EINVAL', () => {
  throwsErrno(() => socket.socketpair(socket.AF_INET6), E.EOPNOTSUPP);
  throwsErrno(() => socket.socketpair(socket.AF_UNIX, 99), E.EINVAL);
});

test('an abstract datagram exchange reports the abstract sender as a Uint8Array', () => {
  const n1 = Buffer.from('\0' + uniq(), 'latin1');
  const n2 = Buffer.from('\0' + uniq(), 'latin1');
  const d1 = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
  const d2 = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM));
  d1.bind(n1);
  d2.bind(n2);
  d1.sendto(bytes('q'), n2);
  const [, addr] = d2.recvfrom(10);
  assert.ok(addr instanceof Uint8Array);
  assert.equal([...addr], [...n1]);
});

test.run();
