// socket.makefile(): binary and text file objects over a socket, as CPython 3.11 behaves
// (SocketIO behind BufferedReader/BufferedWriter/BufferedRWPair or TextIOWrapper).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { E, Pool, throws, throwsErrno, bytes, text } from './lib/helpers.mjs';

const pool = new Pool();
test.after.each(() => pool.close());

// A connected pair where `peer` has already written `data` and shut down writing.
function fed(data) {
  const [a, b] = pool.add(...socket.socketpair());
  b.sendall(typeof data === 'string' ? bytes(data) : data);
  b.shutdown(socket.SHUT_WR);
  return [a, b];
}

const strs = (arr) => arr.map((x) => (typeof x === 'string' ? x : text(x)));

test("'rb': readline, read(n), read() and empty at EOF", () => {
  const [a] = fed('line1\nline2\r\nline3\nrest');
  const f = a.makefile('rb');
  assert.is(f.mode, 'rb');
  assert.is(text(f.readline()), 'line1\n');
  assert.is(text(f.readline()), 'line2\r\n');     // binary: no newline translation
  assert.is(text(f.read(3)), 'lin');
  assert.is(text(f.read()), 'e3\nrest');
  assert.is(f.read().length, 0);
  assert.is(f.readline().length, 0);
  assert.ok(f.read() instanceof Uint8Array);
  f.close();
});

test("'rb' reads are Buffers, as recv()'s are, each its own copy", () => {
  const [a] = fed('one\ntwo\nthree');
  const f = a.makefile('rb');
  const one = f.readline();
  const two = f.read(4);
  assert.ok(Buffer.isBuffer(one) && Buffer.isBuffer(two), 'readline and read(n)');
  assert.ok(Buffer.isBuffer(f.read()), 'read()');
  assert.ok(one.buffer !== two.buffer || one.byteOffset + one.length <= two.byteOffset, 'no overlap');
  one.fill(0);
  assert.is(text(two), 'two\n');
  f.close();
});

test("'rb': readable() true, writable() false; fileno() is the socket's", () => {
  const [a] = fed('');
  const f = a.makefile('rb');
  assert.is(f.readable(), true);
  assert.is(f.writable(), false);
  assert.is(f.fileno(), a.fileno());
  f.close();
});

test("'rb': readline(limit)", () => {
  const [a] = fed('a\nbb\nccc\n');
  const f = a.makefile('rb');
  assert.is(text(f.readline(1)), 'a');
  assert.is(text(f.readline(5)), '\n');
  assert.is(text(f.readline(1)), 'b');
  assert.is(text(f.readline()), 'b\n');
});

test("'rb': readlines() and readlines(hint)", () => {
  const [a] = fed('x\ny\nz');
  assert.equal(strs(a.makefile('rb').readlines()), ['x\n', 'y\n', 'z']);
  const [b] = fed('a\nbb\nccc\n');
  const f = b.makefile('rb');
  assert.is(text(f.readline()), 'a\n');
  assert.equal(strs(f.readlines(1)), ['bb\n']);
  assert.equal(strs(f.readlines()), ['ccc\n']);
});

test("'rb': iteration yields lines", () => {
  const [a] = fed('x\ny\nz');
  const lines = [];
  for (const line of a.makefile('rb')) lines.push(line);
  assert.ok(lines.every((l) => l instanceof Uint8Array));
  assert.equal(strs(lines), ['x\n', 'y\n', 'z']);
});

test("'rb': readinto", () => {
  const [a] = fed('0123456789');
  const f = a.makefile('rb');
  const buf = new Uint8Array(4);
  assert.is(f.readinto(buf), 4);
  assert.is(text(buf), '0123');
});

test("'rb': a 1 MiB stream read back whole by read()", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const f = a.makefile('rb');
  const data = new Uint8Array(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  // Write in pieces the socket buffer can hold, reading as we go.
  let got = [];
  for (let off = 0; off < data.length; off += 65536) {
    b.sendall(data.subarray(off, off + 65536));
    got.push(f.read(65536));
  }
  b.shutdown(socket.SHUT_WR);
  assert.is(f.read().length, 0);
  const all = Buffer.concat(got);
  assert.is(all.length, data.length);
  assert.ok(Buffer.from(data).equals(all));
});

test('closing the file leaves the socket open', () => {
  const [a, b] = pool.add(...socket.socketpair());
  const f = a.makefile('rb');
  f.close();
  assert.is(f.closed, true);
  assert.ok(a.fileno() >= 0);
  b.sendall(bytes('still'));
  assert.is(text(a.recv(10)), 'still');
  f.close(); // twice is fine
});

test('reading a closed file is a RangeError (CPython ValueError)', () => {
  const [a] = fed('abc\n');
  const f = a.makefile('rb');
  f.close();
  throws(() => f.read(), RangeError);
  throws(() => f.readline(), RangeError);
  const w = a.makefile('wb');
  w.close();
  throws(() => w.write(bytes('x')), RangeError);
});

test('closing the socket while a file is open keeps the descriptor until the file closes', () => {
  // The seed: closing the file won't close the socket unless all file objects are closed
  // and socket.close() was called. CPython: fileno() stays valid, the file still reads.
  const [a, b] = pool.add(...socket.socketpair());
  const f = a.makefile('rb');
  a.close();
  assert.ok(a.fileno() >= 0, 'CPython keeps the fd while a makefile() file is open');
  b.sendall(bytes('still\n'));
  assert.is(text(f.readline()), 'still\n');
  f.close();
  assert.is(a.fileno(), -1);
});

test("'wb': write returns the length and buffers until flush", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const w = a.makefile('wb');
  assert.is(w.mode, 'wb');
  assert.is(w.writable(), true);
  assert.is(w.readable(), false);
  assert.is(w.write(bytes('abc')), 3);
  assert.is(w.write(new Uint8Array([0x64, 0x65])), 2);
  b.setblocking(false);
  throwsErrno(() => b.recv(10), E.EAGAIN);
  w.flush();
  assert.is(text(b.recv(10)), 'abcde');
  w.write(bytes('zz'));
  w.close();
  assert.is(text(b.recv(10)), 'zz');     // close flushes
  assert.ok(a.fileno() >= 0);            // and leaves the socket open
});

test("'wb' with buffering=0 writes straight through", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const w = a.makefile('wb', 0);
  w.write(bytes('x'));
  b.setblocking(false);
  assert.is(text(b.recv(10)), 'x');
});

test("'wb': writing a str is a TypeError", () => {
  const [a] = pool.add(...socket.socketpair());
  throws(() => a.makefile('wb').write('s'), TypeError, { message: "a bytes-like object is required, not 'str'" });
});

test("writing to 'rb' / reading from 'wb' throws (io.UnsupportedOperation in CPython)", () => {
  const [a] = pool.add(...socket.socketpair());
  const e1 = throws(() => a.makefile('rb').write(bytes('s')), Error);
  assert.match(e1.message, /writ/);
  const e2 = throws(() => a.makefile('wb').read(), Error);
  assert.match(e2.message, /read/);
});

test("'rwb': write then read on one file", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const rw = a.makefile('rwb');
  rw.write(bytes('ping\n'));
  rw.flush();
  assert.is(text(b.recv(10)), 'ping\n');
  b.sendall(bytes('pong\n'));
  assert.is(text(rw.readline()), 'pong\n');
});

test("'w' (text): write returns the number of characters, encodes UTF-8", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const t = a.makefile('w');
  assert.is(t.mode, 'w');
  assert.is(t.write('héllo\n'), 6);
  t.flush();
  assert.equal([...b.recv(20)], [...Buffer.from('héllo\n', 'utf8')]);
});

test("'w' with encoding latin-1", () => {
  const [a, b] = pool.add(...socket.socketpair());
  const t = a.makefile('w', null, 'latin-1');
  t.write('é');
  t.close();
  assert.equal([...b.recv(10)], [0xe9]);
});

test("'w' (text): writing bytes is a TypeError", () => {
  const [a] = pool.add(...socket.socketpair());
  throws(() => a.makefile('w').write(bytes('x')), TypeError);
});

test("'r' (text): universal newlines, readline and read", () => {
  const [a] = fed(Buffer.from('wörld\r\nx\n', 'utf8'));
  const r = a.makefile('r');
  assert.is(r.mode, 'r');
  assert.is(r.readline(), 'wörld\n');
  assert.is(r.readline(), 'x\n');
  assert.is(r.read(), '');
  const [b] = fed('a\rb\r\nc');
  assert.is(b.makefile('r').read(), 'a\nb\nc');
});

test("'r' (text): read(n) counts characters; multi-byte characters split across sends", () => {
  const [a] = fed('abcdef');
  assert.is(a.makefile('r').read(2), 'ab');
  const [x, y] = pool.add(...socket.socketpair());
  y.sendall(new Uint8Array([0x61, 0xc3]));
  y.sendall(new Uint8Array([0xa9, 0x62]));
  y.shutdown(socket.SHUT_WR);
  assert.is(x.makefile('r').read(), 'aéb');
});

test("'r' (text): iteration and readlines", () => {
  const [a] = fed('a\nb\n');
  assert.equal([...a.makefile('r')], ['a\n', 'b\n']);
  const [b] = fed('p\nq');
  assert.equal(b.makefile('r').readlines(), ['p\n', 'q']);
});

test('makefile: a bad mode is a RangeError, a non-str mode a TypeError', () => {
  const [a] = pool.add(...socket.socketpair());
  throws(() => a.makefile('x'), RangeError, { message: "invalid mode 'x' (only r, w, b allowed)" });
  throws(() => a.makefile('rt'), RangeError, { message: "invalid mode 'rt' (only r, w, b allowed)" });
  throws(() => a.makefile(1), TypeError);
});

test('makefile of a closed socket: reading raises EBADF', () => {
  const [a] = pool.add(...socket.socketpair());
  a.close();
  throwsErrno(() => a.makefile('rb').read(1), E.EBADF);
});

test('Symbol.dispose on the file closes the file, not the socket', () => {
  const [a] = pool.add(...socket.socketpair());
  const f = a.makefile('rb');
  f[Symbol.dispose]();
  assert.is(f.closed, true);
  assert.ok(a.fileno() >= 0);
});

test('a makefile over TCP: line protocol both ways', () => {
  const l = pool.add(socket.socket());
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const c = pool.add(socket.create_connection(l.getsockname()));
  const [s] = l.accept();
  pool.add(s);
  const cf = c.makefile('rw');
  const sf = s.makefile('rw');
  cf.write('HELLO 1\n');
  cf.flush();
  assert.is(sf.readline(), 'HELLO 1\n');
  sf.write('OK\nBYE\n');
  sf.flush();
  assert.is(cf.readline(), 'OK\n');
  assert.is(cf.readline(), 'BYE\n');
});

test.run();
