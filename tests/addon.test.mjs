// Tests of the raw N-API addon (ts-bindings/native) on real loopback sockets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const require = createRequire(import.meta.url);
const A = require('../ts-bindings/native/build/Release/wasock.node');

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000;
const SOL_SOCKET = 1, SO_TYPE = 3, SO_REUSEADDR = 2;
const IPPROTO_TCP = 6, TCP_NODELAY = 1;
const SHUT_WR = 1, POLLIN = 1, POLLOUT = 4;
const EBADF = 9, EAGAIN = 11, EFAULT = 14, EINVAL = 22, EPIPE = 32, ENODEV = 19, ENXIO = 6;
const O_CLOEXEC = 0o2000000;

const fds = [];
const track = (fd) => { assert.ok(fd >= 0, `fd ${fd}`); fds.push(fd); return fd; };
test.after.each(() => { while (fds.length) A.close(fds.pop()); });

function sin(port = 0, addr = [127, 0, 0, 1]) {
  const b = new Uint8Array(16);
  b[0] = AF_INET; b[2] = port >> 8; b[3] = port & 255; b.set(addr, 4);
  return b;
}
function sockname(fd) {
  const m = new Uint8Array(132);
  new DataView(m.buffer).setUint32(128, 128, true);
  assert.is(A.getsockname(fd, m, 0, 128), 0);
  return m.slice(0, new DataView(m.buffer).getUint32(128, true));
}
function cloexec(fd) {
  const t = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  return (parseInt(/flags:\s*([0-7]+)/.exec(t)[1], 8) & O_CLOEXEC) !== 0;
}
function tcpPair() {
  const l = track(A.socket(AF_INET, SOCK_STREAM, 0));
  assert.is(A.bind(l, sin(), 0, 16), 0);
  assert.is(A.listen(l, 8), 0);
  const c = track(A.socket(AF_INET, SOCK_STREAM, 0));
  const addr = sockname(l);
  assert.is(A.connect(c, addr, 0, addr.length), 0);
  const m = new Uint8Array(36);
  new DataView(m.buffer).setUint32(32, 32, true);
  const s = track(A.accept4(l, m, 0, 32, 0));
  const n = new DataView(m.buffer).getUint32(32, true);
  assert.is(n, 16);
  assert.equal(m.slice(0, 16), sockname(c)); // peer address of the accepted socket
  return { l, c, s };
}

test('exports', () => {
  assert.is(A.version, 1);
  for (const k of ['socket', 'socketpair', 'bind', 'connect', 'listen', 'accept4', 'sendto', 'send', 'recvfrom',
    'recv', 'shutdown', 'close', 'getsockopt', 'setsockopt', 'getsockname', 'getpeername', 'poll', 'setNonblock',
    'getNonblock', 'dup', 'fdType', 'gethostname', 'ifNameToIndex', 'ifIndexToName', 'ifNameIndex', 'getaddrinfo',
    'clockNs']) assert.type(A[k], 'function', k);
});

test('TCP echo, peer names, TCP_NODELAY', () => {
  const { c, s } = tcpPair();
  const one = new Int32Array([1]);
  assert.is(A.setsockopt(c, IPPROTO_TCP, TCP_NODELAY, one, 0, 4), 0);
  const msg = Buffer.from('hello wasock');
  assert.is(A.send(c, msg, 0, msg.length, 0), msg.length);
  const buf = Buffer.alloc(64);
  assert.is(A.recv(s, buf, 10, 54, 0), msg.length);
  assert.is(buf.toString('utf8', 10, 10 + msg.length), 'hello wasock');
  // echo back from an ArrayBuffer and receive into a view with an offset
  const ab = new ArrayBuffer(64);
  new Uint8Array(ab).set(msg, 5);
  assert.is(A.send(s, ab, 5, msg.length, 0), msg.length);
  const view = new Uint8Array(ab, 32, 32);
  assert.is(A.recv(c, view, 1, 31, 0), msg.length);
  assert.is(Buffer.from(ab, 33, msg.length).toString(), 'hello wasock');
  const pm = new Uint8Array(20);
  new DataView(pm.buffer).setUint32(16, 16, true);
  assert.is(A.getpeername(c, pm, 0, 16), 0);
  assert.equal(pm.slice(0, 16), sockname(s));
});

test('UDP sendto/recvfrom with the sender address', () => {
  const a = track(A.socket(AF_INET, SOCK_DGRAM, 0));
  const b = track(A.socket(AF_INET, SOCK_DGRAM, 0));
  assert.is(A.bind(a, sin(), 0, 16), 0);
  assert.is(A.bind(b, sin(), 0, 16), 0);
  const addrB = sockname(b);
  const mem = new Uint8Array(64);
  mem.set(addrB, 8);
  const data = new TextEncoder().encode('datagram');
  assert.is(A.sendto(a, data, 0, data.length, 0, mem, 8, 16), data.length);
  const out = new Uint8Array(100);
  const m = new Uint8Array(40);
  new DataView(m.buffer).setUint32(36, 28, true);
  assert.is(A.recvfrom(b, out, 0, 100, 0, m, 4, 36), data.length);
  assert.is(new TextDecoder().decode(out.subarray(0, data.length)), 'datagram');
  assert.is(new DataView(m.buffer).getUint32(36, true), 16);
  assert.equal(m.slice(4, 20), sockname(a));
  // NULL address variants
  assert.is(A.sendto(a, data, 0, 3, 0, mem, 8, 16), 3);
  assert.is(A.recvfrom(b, out, 0, 100, 0, m, -1, -1), 3);
});

test('bad offsets and lengths -> -EFAULT', () => {
  const { c } = tcpPair();
  const b = Buffer.alloc(16);
  assert.is(A.send(c, b, 0, 17, 0), -EFAULT);
  assert.is(A.send(c, b, 17, 0, 0), -EFAULT);
  assert.is(A.send(c, b, -1, 1, 0), -EFAULT);
  assert.is(A.send(c, b, 0, -1, 0), -EFAULT);
  assert.is(A.send(c, b, 1.5, 1, 0), -EFAULT);
  assert.is(A.send(c, b, NaN, 1, 0), -EFAULT);
  assert.is(A.send(c, b, 2 ** 53, 2 ** 53, 0), -EFAULT);
  assert.is(A.recv(c, b, 8, 9, 0), -EFAULT);
  // view offsets are relative to the view
  const v = new Uint8Array(new ArrayBuffer(64), 48, 16);
  assert.is(A.recv(c, v, 0, 17, 0), -EFAULT);
  assert.is(A.send(c, new DataView(v.buffer, 60), 0, 5, 0), -EFAULT);
  assert.is(A.send(c, new DataView(v.buffer, 60), 0, 4, 0), 4);
  assert.is(A.send(c, b, 16, 0, 0), 0);
  // struct arguments
  assert.is(A.bind(c, b, 8, 16), -EFAULT);
  assert.is(A.getsockname(c, b, 0, 14), -EFAULT); // length word out of bounds
  const m = new Uint8Array(8);
  new DataView(m.buffer).setUint32(0, 100, true);
  assert.is(A.getsockname(c, m, 4, 0), -EFAULT); // claimed length past the end
  assert.is(A.poll(m, 0, 2, 0), -EFAULT);
  assert.is(A.socketpair(AF_UNIX, SOCK_STREAM, 0, m, 1), -EFAULT);
  assert.is(A.getsockopt(c, SOL_SOCKET, SO_TYPE, m, 4, 0), -EFAULT);
  assert.is(A.setsockopt(c, SOL_SOCKET, SO_REUSEADDR, m, 6, 4), -EFAULT);
  assert.is(A.sendto(c, b, 0, 1, 0, m, 0, 16), -EFAULT);
});

test('wrong argument types -> -EINVAL', () => {
  assert.is(A.send(0, 'str', 0, 1, 0), -EINVAL);
  assert.is(A.send('x', Buffer.alloc(1), 0, 1, 0), -EINVAL);
  assert.is(A.recv(0, Buffer.alloc(1), '0', 1, 0), -EINVAL);
  assert.is(A.socket(), -EINVAL);
  assert.is(A.close({}), -EINVAL);
});

test('closed fd -> -EBADF', () => {
  const fd = A.socket(AF_INET, SOCK_STREAM, 0);
  assert.ok(fd >= 0);
  assert.is(A.close(fd), 0);
  assert.is(A.close(fd), -EBADF);
  assert.is(A.send(fd, Buffer.alloc(4), 0, 4, 0), -EBADF);
  assert.is(A.recv(fd, Buffer.alloc(4), 0, 4, 0), -EBADF);
  assert.is(A.listen(fd, 1), -EBADF);
  assert.is(A.getNonblock(fd), -EBADF);
  assert.is(A.dup(fd), -EBADF);
  assert.is(A.fdType(fd), -EBADF);
});

test('writing to a closed peer -> -EPIPE, no SIGPIPE', () => {
  const m = new Int32Array(2);
  assert.is(A.socketpair(AF_UNIX, SOCK_STREAM, 0, m, 0), 0);
  assert.is(A.close(m[1]), 0);
  track(m[0]);
  assert.is(A.send(m[0], Buffer.alloc(8), 0, 8, 0), -EPIPE);
  const { c } = tcpPair();
  assert.is(A.shutdown(c, SHUT_WR), 0);
  assert.is(A.send(c, Buffer.alloc(8), 0, 8, 0), -EPIPE);
  assert.is(A.sendto(c, Buffer.alloc(8), 0, 8, 0, m, -1, 0), -EPIPE);
});

test('close-on-exec on every created fd', () => {
  const { l, c, s } = tcpPair();
  for (const fd of [l, c, s]) assert.ok(cloexec(fd), `fd ${fd}`);
  const m = new Int32Array(2);
  assert.is(A.socketpair(AF_UNIX, SOCK_DGRAM, 0, m, 0), 0);
  track(m[0]); track(m[1]);
  assert.ok(cloexec(m[0]) && cloexec(m[1]));
  const d = track(A.dup(c));
  assert.ok(d !== c && cloexec(d));
  const nb = track(A.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  assert.ok(cloexec(nb));
  assert.is(A.getNonblock(nb), 1);
});

test('poll readiness', () => {
  const { c, s } = tcpPair();
  const pfd = new ArrayBuffer(24);
  const dv = new DataView(pfd);
  dv.setInt32(8, s, true); dv.setInt16(12, POLLIN, true);
  dv.setInt32(16, c, true); dv.setInt16(20, POLLOUT, true);
  assert.is(A.poll(pfd, 8, 1, 0), 0);
  assert.is(dv.getInt16(14, true), 0);
  assert.is(A.poll(pfd, 16, 1, 0), 1);
  assert.is(dv.getInt16(22, true) & POLLOUT, POLLOUT);
  assert.is(A.send(c, Buffer.from('x'), 0, 1, 0), 1);
  assert.is(A.poll(pfd, 8, 2, 1000), 2);
  assert.is(dv.getInt16(14, true) & POLLIN, POLLIN);
  const t0 = A.clockNs();
  dv.setInt32(8, c, true); dv.setInt16(12, POLLIN, true);
  assert.is(A.poll(pfd, 8, 1, 30), 0); // times out
  assert.ok(A.clockNs() - t0 >= 25e6);
});

test('socketpair, non-blocking mode', () => {
  const mem = new Uint8Array(12);
  assert.is(A.socketpair(AF_UNIX, SOCK_STREAM, 0, mem, 3), 0);
  const dv = new DataView(mem.buffer);
  const a = track(dv.getInt32(3, true)), b = track(dv.getInt32(7, true));
  assert.is(A.getNonblock(a), 0);
  assert.is(A.setNonblock(a, 1), 0);
  assert.is(A.getNonblock(a), 1);
  assert.is(A.recv(a, Buffer.alloc(4), 0, 4, 0), -EAGAIN);
  assert.is(A.send(b, Buffer.from('abc'), 0, 3, 0), 3);
  const out = Buffer.alloc(4);
  assert.is(A.recv(a, out, 0, 4, 0), 3);
  assert.is(out.toString('utf8', 0, 3), 'abc');
  assert.is(A.setNonblock(a, false), 0);
  assert.is(A.getNonblock(a), 0);
  assert.is(A.fdType(a), 0o140000); // S_IFSOCK
});

test('getsockopt SO_TYPE, setsockopt', () => {
  const t = track(A.socket(AF_INET, SOCK_STREAM, 0));
  const u = track(A.socket(AF_INET6, SOCK_DGRAM, 0));
  const m = new Uint8Array(16);
  const dv = new DataView(m.buffer);
  for (const [fd, want] of [[t, SOCK_STREAM], [u, SOCK_DGRAM]]) {
    dv.setUint32(8, 4, true);
    assert.is(A.getsockopt(fd, SOL_SOCKET, SO_TYPE, m, 1, 8), 0);
    assert.is(dv.getInt32(1, true), want);
    assert.is(dv.getUint32(8, true), 4);
  }
  dv.setInt32(0, 1, true);
  assert.is(A.setsockopt(t, SOL_SOCKET, SO_REUSEADDR, m, 0, 4), 0);
  dv.setUint32(8, 4, true);
  assert.is(A.getsockopt(t, SOL_SOCKET, SO_REUSEADDR, m, 4, 8), 0);
  assert.is(dv.getInt32(4, true), 1);
  assert.is(A.getsockopt(t, SOL_SOCKET, 9999, m, 4, 8), -92); // ENOPROTOOPT
});

test('names: hostname, interfaces, getaddrinfo, clock', () => {
  assert.is(A.gethostname(), os.hostname());
  const lo = A.ifNameToIndex('lo');
  assert.ok(lo > 0);
  assert.is(A.ifIndexToName(lo), 'lo');
  assert.is(A.ifNameToIndex('nosuchif0'), -ENODEV);
  assert.is(A.ifIndexToName(0x7ffffff0), -ENXIO);
  assert.ok(A.ifNameIndex().some(([i, n]) => i === lo && n === 'lo'));
  const r = A.getaddrinfo('127.0.0.1', '80', AF_INET, SOCK_STREAM, 0, 0);
  assert.ok(Array.isArray(r) && r.length >= 1);
  const [fam, type, proto, canon, sa] = r[0];
  assert.equal([fam, type, proto, canon], [AF_INET, SOCK_STREAM, IPPROTO_TCP, '']);
  assert.instance(sa, Uint8Array);
  assert.equal(sa, sin(80));
  const c = A.getaddrinfo('localhost', null, AF_INET, SOCK_DGRAM, 0, 2 /* AI_CANONNAME */);
  assert.is(c[0][3], 'localhost');
  assert.is(A.getaddrinfo('no-such-host.invalid', null, 0, 0, 0, 4 /* AI_NUMERICHOST */), -2); // EAI_NONAME
  assert.is(A.getaddrinfo(null, 'no-such-service', 0, SOCK_STREAM, 0, 0), -8); // EAI_SERVICE
  assert.equal(A.getaddrinfo(42, null, 0, 0, 0, 0), [-11, EINVAL]); // EAI_SYSTEM form
  const t0 = A.clockNs(), t1 = A.clockNs();
  assert.type(t0, 'number');
  assert.ok(t1 >= t0 && t0 > 0);
});

test.run();
