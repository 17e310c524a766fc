// sendmsg, recvmsg, recvmsg_into, send_fds and recv_fds on real sockets, in
// both APIs. The scenarios of tests/lib/msg-scenarios.py run here too and
// their answers, reduced to what does not vary between runs (the shape of
// the ancillary data, its deterministic values, the flags), must equal
// CPython's; the rest checks what only this process can see (the received
// descriptor works, credentials name this process, nothing leaks) and the
// argument errors, against CPython's messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import * as asock from 'wasock/promises';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { blockFor, E, fdCount, PYTHON, ROOT, throws, throwsErrno } from './lib/helpers.mjs';

const S = socket;
const UDP_SEGMENT = 103, UDP_GRO = 104;
const i32 = (d) => new DataView(d.buffer, d.byteOffset, d.byteLength).getInt32(0, true);
const int32 = (...v) => new Uint8Array(Int32Array.from(v).buffer);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// [level, type, length] per item, and its value where the scenario gives a reader.
function ancShape(anc, values = {}) {
  return anc.map(([level, type, data]) => {
    const item = [level, type, data.length];
    const read = values[`${level},${type}`];
    if (read) item.push(read(data));
    return item;
  });
}

function udpPair(family, host) {
  const r = S.socket(family, S.SOCK_DGRAM);
  r.bind([host, 0]);
  return [r, S.socket(family, S.SOCK_DGRAM)];
}

// Two spare descriptors to pass (a socketpair's, detached).
function spareFds() {
  const [x, y] = S.socketpair();
  return [x.detach(), y.detach()];
}

const closeAll = (...fds) => fds.forEach((fd) => S.close(fd));

const V4 = [S.AF_INET, '127.0.0.1'], V6 = [S.AF_INET6, '::1'];

// One datagram to a receiver with recvopt on, the sender with sendopt set or
// anc as the message's control data: the one item it gets back.
function single([family, host], recvopt, sendopt, anc, [level, type], read) {
  const [r, w] = udpPair(family, host);
  r.setsockopt(...recvopt, 1);
  if (sendopt) w.setsockopt(...sendopt);
  w.sendmsg([Buffer.from('x')], anc, 0, r.getsockname());
  const [, ancdata, flags] = r.recvmsg(10, S.CMSG_SPACE(4));
  r.close(); w.close();
  return { anc: ancShape(ancdata, { [`${level},${type}`]: read }), flags };
}

// The scenarios, as msg-scenarios.py has them.
const scenarios = {
  rights() {
    const [a, b] = S.socketpair();
    const [x, y] = spareFds();
    const n = a.sendmsg([Buffer.from('ab'), Buffer.from('cd')], [[S.SOL_SOCKET, S.SCM_RIGHTS, int32(x, y)]]);
    const [data, anc, flags, addr] = b.recvmsg(10, S.CMSG_SPACE(8));
    closeAll(x, y, ...new Int32Array(new Uint8Array(anc[0][2]).buffer));
    a.close(); b.close();
    return { n, data: Buffer.from(data).toString('hex'), anc: ancShape(anc), flags, addr };
  },
  creds() {
    const [a, b] = S.socketpair();
    b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
    a.sendmsg([Buffer.from('x')]);
    const [, anc, flags, addr] = b.recvmsg(10, S.CMSG_SPACE(12));
    a.close(); b.close();
    const ucred = (d) => [...new Uint32Array(new Uint8Array(d).buffer)].slice(1);
    return { anc: ancShape(anc, { [`${S.SOL_SOCKET},${S.SCM_CREDENTIALS}`]: ucred }), flags, addr };
  },
  ctrunc() {
    const [a, b] = S.socketpair();
    const [x, y] = spareFds();
    a.sendmsg([Buffer.from('x')], [[S.SOL_SOCKET, S.SCM_RIGHTS, int32(x, y)]]);
    const [, anc, flags] = b.recvmsg(10, S.CMSG_LEN(4));
    closeAll(x, y, i32(anc[0][2]));
    a.close(); b.close();
    return { anc: ancShape(anc), flags };
  },
  credtrunc() {
    const [a, b] = S.socketpair();
    b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
    const out = [S.CMSG_LEN(4), S.CMSG_LEN(0) - 1, 1].map((size) => {
      a.sendmsg([Buffer.from('x')]);
      const [, anc, flags] = b.recvmsg(10, size);
      return [ancShape(anc), flags];
    });
    a.close(); b.close();
    return out;
  },
  trunc() {
    const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
    w.sendto(Buffer.alloc(100, 'z'), r.getsockname());
    const [data, , flags, addr] = r.recvmsg(10);
    w.sendto(Buffer.alloc(100, 'z'), r.getsockname());
    const [n2, , flags2] = r.recvmsg_into([new Uint8Array(4), new Uint8Array(6)], 0, S.MSG_TRUNC);
    const out = { len: data.length, flags, addr: addr[1] === w.getsockname()[1], n2, flags2 };
    r.close(); w.close();
    return out;
  },
  scatter() {
    const [a, b] = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM);
    a.sendmsg([Buffer.from('hello'), Buffer.from(' '), Buffer.from('world!')]);
    const bufs = [new Uint8Array(3), new Uint8Array(4), new Uint8Array(10)];
    const [n, , flags, addr] = b.recvmsg_into(bufs);
    a.close(); b.close();
    return { n, bufs: bufs.map((x) => Buffer.from(x).toString('hex')), flags, addr };
  },
  pktinfo4() {
    const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
    r.setsockopt(S.IPPROTO_IP, S.IP_PKTINFO, 1);
    w.sendmsg([Buffer.from('p')], [], 0, r.getsockname());
    const [, anc, flags, addr] = r.recvmsg(10, 256);
    const info = (d) => [i32(d), S.inet_ntoa(d.subarray(4, 8)), S.inet_ntoa(d.subarray(8, 12))];
    const out = { anc: ancShape(anc, { [`${S.IPPROTO_IP},${S.IP_PKTINFO}`]: info }), flags,
      addr: addr[1] === w.getsockname()[1] };
    r.close(); w.close();
    return out;
  },
  pktinfo6() {
    const [r, w] = udpPair(S.AF_INET6, '::1');
    r.setsockopt(S.IPPROTO_IPV6, S.IPV6_RECVPKTINFO, 1);
    w.sendmsg([Buffer.from('p')], [], 0, r.getsockname());
    const [, anc, flags, addr] = r.recvmsg(10, 256);
    const info = (d) => [S.inet_ntop(S.AF_INET6, d.subarray(0, 16)), i32(d.subarray(16))];
    const out = { anc: ancShape(anc, { [`${S.IPPROTO_IPV6},${S.IPV6_PKTINFO}`]: info }), flags,
      addr: addr[1] === w.getsockname()[1] };
    r.close(); w.close();
    return out;
  },
  ttl: () => single(V4, [S.IPPROTO_IP, S.IP_RECVTTL], [S.IPPROTO_IP, S.IP_TTL, 42], [], [S.IPPROTO_IP, S.IP_TTL], i32),
  hoplimit: () => single(V6, [S.IPPROTO_IPV6, S.IPV6_RECVHOPLIMIT], [S.IPPROTO_IPV6, S.IPV6_UNICAST_HOPS, 33], [],
    [S.IPPROTO_IPV6, S.IPV6_HOPLIMIT], i32),
  // IP_TOS and IPV6_TCLASS as control messages of the send.
  tos: () => single(V4, [S.IPPROTO_IP, S.IP_RECVTOS], null, [[S.IPPROTO_IP, S.IP_TOS, int32(0x28)]],
    [S.IPPROTO_IP, S.IP_TOS], (d) => d[0]),
  tclass: () => single(V6, [S.IPPROTO_IPV6, S.IPV6_RECVTCLASS], null, [[S.IPPROTO_IPV6, S.IPV6_TCLASS, int32(0x20)]],
    [S.IPPROTO_IPV6, S.IPV6_TCLASS], i32),
  timestamps() {
    const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
    r.setsockopt(S.SOL_SOCKET, S.SO_TIMESTAMP, 1);
    w.sendto(Buffer.from('1'), r.getsockname());
    const a1 = r.recvmsg(10, 64)[1];
    r.setsockopt(S.SOL_SOCKET, S.SO_TIMESTAMP, 0);
    r.setsockopt(S.SOL_SOCKET, S.SO_TIMESTAMPNS, 1);
    w.sendto(Buffer.from('2'), r.getsockname());
    const a2 = r.recvmsg(10, 64)[1];
    r.close(); w.close();
    const sec = (d) => Math.abs(Number(new DataView(d.buffer, d.byteOffset).getBigInt64(0, true)) - Date.now() / 1000) < 60;
    return { us: ancShape(a1, { [`${S.SOL_SOCKET},${S.SO_TIMESTAMP}`]: sec }),
      ns: ancShape(a2, { [`${S.SOL_SOCKET},${S.SO_TIMESTAMPNS}`]: sec }) };
  },
  recverr() {
    const closed = S.socket(S.AF_INET, S.SOCK_DGRAM);
    closed.bind(['127.0.0.1', 0]);
    const port = closed.getsockname()[1];
    closed.close();
    const w = S.socket(S.AF_INET, S.SOCK_DGRAM);
    w.setsockopt(S.IPPROTO_IP, S.IP_RECVERR, 1);
    w.sendto(Buffer.from('e'), ['127.0.0.1', port]);
    blockFor(100);
    const [data, anc, flags, addr] = w.recvmsg(10, 512, S.MSG_ERRQUEUE);
    w.close();
    const ee = (d) => [new DataView(d.buffer, d.byteOffset).getUint32(0, true), d[4], d[5], d[6], d[7]];
    return { data: Buffer.from(data).toString('hex'), anc: ancShape(anc, { [`${S.IPPROTO_IP},${S.IP_RECVERR}`]: ee }),
      flags, addr: addr[0] };
  },
  gso() {
    const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
    w.sendmsg([Buffer.alloc(3000, 's')], [[S.IPPROTO_UDP, UDP_SEGMENT, new Uint8Array(new Uint16Array([1000]).buffer)]],
      0, r.getsockname());
    const sizes = [0, 1, 2].map(() => r.recvmsg(4000)[0].length);
    r.close(); w.close();
    return { sizes };
  },
  gro() {
    const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
    r.setsockopt(S.IPPROTO_UDP, UDP_GRO, 1);
    w.sendmsg([Buffer.alloc(3000, 's')], [[S.IPPROTO_UDP, UDP_SEGMENT, new Uint8Array(new Uint16Array([1000]).buffer)]],
      0, r.getsockname());
    const [data, anc, flags] = r.recvmsg(4000, 64);
    r.close(); w.close();
    return { len: data.length, anc: ancShape(anc, { [`${S.IPPROTO_UDP},${UDP_GRO}`]: i32 }), flags };
  },
};

function runJs(name) {
  try {
    return scenarios[name]();
  } catch (e) {
    if (e instanceof S.error && e.errno !== null) return { errno: e.errno };
    throw e;
  }
}

const names = Object.keys(scenarios);
const fromPython = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'tests/lib/msg-scenarios.py'), ...names],
  { encoding: 'utf8' }));

for (const name of names) {
  test(`CPython and wasock agree: ${name}`, () => {
    const py = fromPython[name];
    const js = JSON.parse(JSON.stringify(runJs(name)));
    // A kernel without UDP GSO/GRO fails both the same way (an errno): still a match.
    assert.equal(js, py);
  });
}

test('SCM_RIGHTS: the received descriptor is a new number for the same open file, close-on-exec', () => {
  const [a, b] = S.socketpair();
  const [x, y] = S.socketpair();
  const sent = x.detach();
  const n = S.send_fds(a, [Buffer.from('fd')], [sent]);
  assert.is(n, 2);
  const [data, fds, flags, addr] = S.recv_fds(b, 10, 4);
  assert.is(Buffer.from(data).toString(), 'fd');
  assert.is(fds.length, 1);
  assert.is.not(fds[0], sent);
  assert.is(flags, 0);
  assert.is(addr, null);
  const got = S.socket(S.AF_UNIX, S.SOCK_STREAM, 0, fds[0]);
  assert.is(got.get_inheritable(), false);
  got.sendall(Buffer.from('through the passed socket'));
  assert.is(Buffer.from(y.recv(100)).toString(), 'through the passed socket');
  S.close(sent);
  got.close(); y.close(); a.close(); b.close();
});

test('SCM_RIGHTS of a file: readable through the new descriptor', () => {
  const [a, b] = S.socketpair();
  const fd = openSync(join(ROOT, 'package.json'), 'r');
  S.send_fds(a, [Buffer.from('f')], [fd]);
  const [, [nfd]] = S.recv_fds(b, 1, 1);
  assert.is.not(nfd, fd);
  const buf = Buffer.alloc(1);
  readSync(nfd, buf, 0, 1, 0);
  assert.is(buf.toString(), '{');
  closeSync(fd); closeSync(nfd);
  a.close(); b.close();
});

test('SCM_CREDENTIALS names this process', () => {
  const [a, b] = S.socketpair();
  b.setsockopt(S.SOL_SOCKET, S.SO_PASSCRED, 1);
  a.sendmsg([Buffer.from('c')]);
  const [, [[level, type, data]]] = b.recvmsg(1, S.CMSG_SPACE(12));
  assert.equal([level, type], [S.SOL_SOCKET, S.SCM_CREDENTIALS]);
  const [pid, uid, gid] = new Uint32Array(new Uint8Array(data).buffer);
  assert.equal([pid, uid, gid], [process.pid, process.getuid(), process.getgid()]);
  // Credentials sent explicitly come back as sent.
  a.sendmsg([Buffer.from('c')], [[S.SOL_SOCKET, S.SCM_CREDENTIALS, new Uint8Array(new Uint32Array([pid, uid, gid]).buffer)]]);
  assert.ok(same(b.recvmsg(1, S.CMSG_SPACE(12))[1][0][2], data));
  a.close(); b.close();
});

test('MSG_CTRUNC: descriptors that did not fit are not left open in this process', () => {
  const [a, b] = S.socketpair();
  const [x, y] = spareFds();
  const before = fdCount();
  a.sendmsg([Buffer.from('x')], [[S.SOL_SOCKET, S.SCM_RIGHTS, int32(x, y, x, y)]]);
  const [, anc, flags] = b.recvmsg(1, S.CMSG_LEN(4));
  assert.is(flags & S.MSG_CTRUNC, S.MSG_CTRUNC);
  assert.is(anc[0][2].length, 4);
  assert.is(fdCount(), before + 1);
  closeAll(i32(anc[0][2]), x, y);
  a.close(); b.close();
});

test('ancillary data received stays the caller\'s when the next recvmsg reuses the buffer', () => {
  const [r, w] = udpPair(S.AF_INET, '127.0.0.1');
  r.setsockopt(S.IPPROTO_IP, S.IP_RECVTTL, 1);
  const got = [41, 42].map((ttl) => {
    w.setsockopt(S.IPPROTO_IP, S.IP_TTL, ttl);
    w.sendto(Buffer.from('t'), r.getsockname());
    return r.recvmsg(1, S.CMSG_SPACE(4))[1][0][2];
  });
  assert.equal(got.map(i32), [41, 42]);
  assert.ok(Buffer.isBuffer(got[0]));
  r.close(); w.close();
});

test('recvmsg_into scatters into the caller\'s buffers (views included), no copy', () => {
  const [a, b] = S.socketpair();
  const backing = new Uint8Array(16);
  const bufs = [backing.subarray(0, 2), new DataView(backing.buffer, 4, 3), backing.subarray(10, 16)];
  assert.is(a.sendmsg(['abc', 'defgh', 'ijk'].map((s) => Buffer.from(s))), 11);
  const [n] = b.recvmsg_into(bufs);
  assert.is(n, 11);
  assert.is(Buffer.from(backing).toString('latin1'), 'ab\0\0cde\0\0\0fghijk');
  a.close(); b.close();
});

test('sendmsg gathers any iterable of bytes-like objects; more than UIO_MAXIOV buffers is EMSGSIZE', () => {
  const [a, b] = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM);
  function* parts() { yield Buffer.from('ge'); yield new Uint16Array([0x656e]); yield new ArrayBuffer(1); }
  assert.is(a.sendmsg(parts()), 5);
  assert.is(Buffer.from(b.recv(10)).toString('latin1'), 'gene\0');
  throwsErrno(() => a.sendmsg(Array(1025).fill(Buffer.from('x'))), 90);
  assert.is(a.sendmsg(Array(1024).fill(Buffer.from('x'))), 1024);
  a.close(); b.close();
});

test('timeouts and non-blocking mode, as recv\'s', () => {
  const [a, b] = S.socketpair();
  b.settimeout(0.05);
  const t0 = Date.now();
  throws(() => b.recvmsg(10), S.timeout, { message: 'timed out' });
  assert.ok(Date.now() - t0 >= 45);
  b.setblocking(false);
  throwsErrno(() => b.recvmsg_into([new Uint8Array(4)]), E.EAGAIN);
  // A full send buffer: sendmsg waits, then times out.
  a.settimeout(0.05);
  const big = Buffer.alloc(1 << 16);
  throws(() => { for (;;) a.sendmsg([big]); }, S.timeout);
  a.setblocking(false);
  throwsErrno(() => a.sendmsg([big]), E.EAGAIN);
  a.close(); b.close();
});

test('the sync wait (the core\'s loop): a datagram that arrives while recvmsg waits', () => {
  const r = S.socket(S.AF_INET, S.SOCK_DGRAM);
  r.bind(['127.0.0.1', 0]);
  r.setsockopt(S.IPPROTO_IP, S.IP_RECVTTL, 1);
  r.settimeout(30);
  const port = r.getsockname()[1];
  const child = spawn(PYTHON, ['-c', `import socket, time
time.sleep(0.2)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'late', ('127.0.0.1', ${port}))`]);
  const t0 = Date.now();
  const [data, anc, flags, addr] = r.recvmsg(10, S.CMSG_SPACE(4));
  assert.ok(Date.now() - t0 >= 100, 'it waited');
  assert.is(Buffer.from(data).toString(), 'late');
  assert.equal(ancShape(anc), [[S.IPPROTO_IP, S.IP_TTL, 4]]);
  assert.is(flags, 0);
  assert.is(addr[0], '127.0.0.1');
  child.kill();
  r.close();
});

test('a closed socket is EBADF, after the argument checks', () => {
  const [a, b] = S.socketpair();
  a.close();
  throwsErrno(() => a.sendmsg([Buffer.from('x')]), E.EBADF);
  throwsErrno(() => a.recvmsg(1), E.EBADF);
  throwsErrno(() => a.recvmsg_into([new Uint8Array(1)]), E.EBADF);
  throws(() => a.sendmsg([5]), TypeError, { message: "a bytes-like object is required, not 'int'" });
  throws(() => a.recvmsg(-1), RangeError, { message: 'negative buffer size in recvmsg()' });
  b.close();
});

// The argument errors, each against CPython's class and message.
const errorCases = [
  ['sendmsg(5)', (s) => s.sendmsg(5)],
  ['sendmsg([5])', (s) => s.sendmsg([5])],
  ["sendmsg(['ab'])", (s) => s.sendmsg(['ab'])],
  ["sendmsg([b'a'], 5)", (s) => s.sendmsg([Buffer.from('a')], 5)],
  ["sendmsg([b'a'], [5])", (s) => s.sendmsg([Buffer.from('a')], [5])],
  ["sendmsg([b'a'], [(1,2)])", (s) => s.sendmsg([Buffer.from('a')], [[1, 2]])],
  ["sendmsg([b'a'], [(1,2,3)])", (s) => s.sendmsg([Buffer.from('a')], [[1, 2, 3]])],
  ["sendmsg([b'a'], [(1,2,b'',4)])", (s) => s.sendmsg([Buffer.from('a')], [[1, 2, Buffer.alloc(0), 4]])],
  ["sendmsg([b'a'], [('1',2,b'')])", (s) => s.sendmsg([Buffer.from('a')], [['1', 2, Buffer.alloc(0)]])],
  ["sendmsg([b'a'], [(2**31,2,b'')])", (s) => s.sendmsg([Buffer.from('a')], [[2 ** 31, 2, Buffer.alloc(0)]])],
  ["sendmsg([b'a'], [], 'x')", (s) => s.sendmsg([Buffer.from('a')], [], 'x')],
  ["sendmsg([b'a'], [], 0, 5)", (s) => s.sendmsg([Buffer.from('a')], [], 0, 5)],
  ["sendmsg([b'a'], None)", (s) => s.sendmsg([Buffer.from('a')], null)],
  ["sendmsg([b'a'], [], None)", (s) => s.sendmsg([Buffer.from('a')], [], null)],
  ["sendmsg(b'abc')", (s) => s.sendmsg(Buffer.from('abc'))],
  ['recvmsg(-1)', (s) => s.recvmsg(-1)],
  ["recvmsg('x')", (s) => s.recvmsg('x')],
  ['recvmsg(1, -1)', (s) => s.recvmsg(1, -1)],
  ["recvmsg(1, 'x')", (s) => s.recvmsg(1, 'x')],
  ['recvmsg(1, 2**31)', (s) => s.recvmsg(1, 2 ** 31)],
  ["recvmsg(1, 0, 'x')", (s) => s.recvmsg(1, 0, 'x')],
  ['recvmsg_into(5)', (s) => s.recvmsg_into(5)],
  ['recvmsg_into([5])', (s) => s.recvmsg_into([5])],
  ['recvmsg_into([bytearray(1)], -1)', (s) => s.recvmsg_into([new Uint8Array(1)], -1)],
  ['recvmsg_into(bytearray(3))', (s) => s.recvmsg_into(new Uint8Array(3))],
  ["socket.send_fds(s, [b'a'], 5)", (s) => S.send_fds(s, [Buffer.from('a')], 5)],
  ["socket.send_fds(s, [b'a'], None)", (s) => S.send_fds(s, [Buffer.from('a')], null)],
  ["socket.send_fds(s, [b'a'], [2**31])", (s) => S.send_fds(s, [Buffer.from('a')], [2 ** 31])],
  ["socket.send_fds(s, [b'a'], [1.5])", (s) => S.send_fds(s, [Buffer.from('a')], [1.5])],
  ['socket.recv_fds(s, 10, 1.5)', (s) => S.recv_fds(s, 10, 1.5)],
  ["socket.recv_fds(s, 10, 'x')", (s) => S.recv_fds(s, 10, 'x')],
  ['socket.recv_fds(s, 10, 2**62)', (s) => S.recv_fds(s, 10, 2n ** 62n)],
  ['socket.recv_fds(s, -1, 1)', (s) => S.recv_fds(s, -1, 1)],
  ['socket.recv_fds(s, 10, -1)', (s) => S.recv_fds(s, 10, -1)],
];
const PY_CLASS = { TypeError: 'TypeError', ValueError: 'RangeError', OverflowError: 'RangeError', OSError: 'error' };

test('argument errors: CPython\'s classes and messages', () => {
  const code = `import socket, sys
s, t = socket.socketpair()
for src in sys.stdin.read().split('\\n'):
    try:
        eval(src if src.startswith('socket.') else 's.' + src)
        print('ok')
    except Exception as e:
        print(type(e).__name__ + ': ' + str(e))`;
  const out = execFileSync(PYTHON, ['-c', code], { input: errorCases.map(([src]) => src).join('\n'), encoding: 'utf8' })
    .trim().split('\n');
  const [s, t] = S.socketpair();
  s.setblocking(false);
  errorCases.forEach(([src, call], i) => {
    const [cls, ...msg] = out[i].split(': ');
    let got = 'ok';
    try {
      call(s);
    } catch (e) {
      got = `${e instanceof S.error ? 'error' : e.constructor.name}: ${e.message}`;
    }
    assert.is(got, cls === 'ok' ? 'ok' : `${PY_CLASS[cls] ?? cls}: ${msg.join(': ')}`, src);
  });
  s.close(); t.close();
});

// The addon's calls, as the TypeScript layer never makes them: bad values are -errno, not a crash.
test('addon sendmsg/recvmsg: bad arguments are -EINVAL/-EFAULT/-EMSGSIZE', () => {
  const A = createRequire(import.meta.url)('../ts-bindings/native/build/Release/wasock.node');
  const [a, b] = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM);
  const mem = new Uint8Array(64);
  const x = Buffer.from('x');
  assert.is(A.sendmsg(a.fileno(), 'x', null, 0, mem, -1, 0), -22);
  assert.is(A.sendmsg(a.fileno(), [x, 5], null, 0, mem, -1, 0), -22);
  assert.is(A.sendmsg(a.fileno(), [x], 5, 0, mem, -1, 0), -22);
  assert.is(A.sendmsg(a.fileno(), [x], null, 0, mem, 60, 16), -14);
  assert.is(A.sendmsg(a.fileno(), [x], null, 0, mem, 0.5, 0), -14);
  assert.is(A.sendmsg(a.fileno(), Array(1025).fill(x), null, 0, mem, -1, 0), -90);
  assert.is(A.sendmsg(-1, [x], null, 0, mem, -1, 0), -9);
  // A control buffer the kernel refuses (cmsg_len 0): EINVAL from sendmsg(2) itself.
  assert.is(A.sendmsg(a.fileno(), [x], new Uint8Array(16), 0, mem, -1, 0), -22);
  assert.is(A.sendmsg(a.fileno(), [x], null, 0, mem, -1, 0), 1);
  assert.is(A.recvmsg(b.fileno(), [x], null, 0, mem, -1, 0, 60), -14);
  assert.is(A.recvmsg(b.fileno(), [x], null, 0, mem, 0, 62, 0), -14);
  assert.is(A.recvmsg(b.fileno(), {}, null, 0, mem, -1, 0, 0), -22);
  assert.is(A.recvmsg(b.fileno(), [new Uint8Array(4)], null, 0, mem, -1, 0, 0), 1);
  a.close(); b.close();
});

// ---- the Promise API ------------------------------------------------------------------------

test('Promise API: sendmsg/recvmsg/recvmsg_into, send_fds/recv_fds, waiting on the event loop', async () => {
  const [a, b] = asock.socketpair();
  const pending = b.recvmsg(10, S.CMSG_SPACE(4));
  const [x, y] = spareFds();
  assert.is(await a.sendmsg([Buffer.from('hi')], [[S.SOL_SOCKET, S.SCM_RIGHTS, int32(x)]]), 2);
  const [data, anc, flags, addr] = await pending;
  assert.is(Buffer.from(data).toString(), 'hi');
  assert.equal(ancShape(anc), [[S.SOL_SOCKET, S.SCM_RIGHTS, 4]]);
  assert.is(flags, 0);
  assert.is(addr, null);
  closeAll(i32(anc[0][2]));
  const fdsP = asock.recv_fds(b, 10, 2);
  assert.is(await asock.send_fds(a, [Buffer.from('fd')], [x, y]), 2);
  const [, fds] = await fdsP;
  assert.is(fds.length, 2);
  closeAll(...fds, x, y);
  const bufs = [new Uint8Array(1), new Uint8Array(5)];
  const into = b.recvmsg_into(bufs);
  await a.sendmsg([Buffer.from('abc')]);
  assert.is((await into)[0], 3);
  assert.is(Buffer.from(bufs[1]).toString('latin1'), 'bc\0\0\0');
  a.close(); b.close();
});

test('Promise API: AbortSignal, timeout, bad arguments reject', async () => {
  const [a, b] = asock.socketpair();
  const ac = new AbortController();
  const p = b.recvmsg(10, 0, 0, ac.signal);
  ac.abort();
  await p.then(() => assert.unreachable('resolved'), (e) => assert.is(e.name, 'AbortError'));
  const p2 = b.recvmsg_into([new Uint8Array(4)], AbortSignal.abort());
  await p2.then(() => assert.unreachable('resolved'), (e) => assert.is(e.name, 'AbortError'));
  // Still usable after the abort.
  await a.sendmsg([Buffer.from('ok')]);
  assert.is(Buffer.from((await b.recvmsg(10))[0]).toString(), 'ok');
  b.settimeout(0.05);
  await b.recvmsg(10).then(() => assert.unreachable('resolved'), (e) => assert.ok(e instanceof S.timeout));
  await a.sendmsg(5).then(() => assert.unreachable('resolved'), (e) => assert.ok(e instanceof TypeError));
  await asock.recv_fds(b, 1, -1).then(() => assert.unreachable('resolved'), (e) => assert.ok(e instanceof RangeError));
  a.close(); b.close();
});

test.run();
