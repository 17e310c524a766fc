// The socket object over loopback: each expectation below was observed on CPython 3.11
// (/usr/bin/python3) on this machine first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import {
  E, Pool, throws, throwsErrno, bytes, text, listener, tcpPair, closedPort,
} from './lib/helpers.mjs';

const pool = new Pool();
test.after.each(() => pool.close());

// ---------------------------------------------------------------- construction

test('socket.socket() works without new and returns a SocketType', () => {
  const s = pool.add(socket.socket());
  assert.ok(s instanceof socket.SocketType);
  assert.ok(s instanceof socket.socket);
  assert.ok(s.fileno() >= 0);
});

test('new socket.socket() works and returns a SocketType', () => {
  const s = pool.add(new socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  assert.ok(s instanceof socket.SocketType);
  assert.ok(s instanceof socket.socket);
  assert.is(s.type, socket.SOCK_DGRAM);
});

test('family/type/proto: defaults are AF_INET, SOCK_STREAM, 0', () => {
  const s = pool.add(socket.socket());
  assert.equal([s.family, s.type, s.proto], [2, 1, 0]);
});

test('family/type/proto: AF_INET6 SOCK_DGRAM and an explicit IPPROTO_UDP', () => {
  const a = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
  assert.equal([a.family, a.type, a.proto], [10, 2, 0]);
  const b = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP));
  assert.equal([b.family, b.type, b.proto], [2, 2, 17]);
});

test('SOCK_NONBLOCK is not part of .type and makes the socket non-blocking (timeout 0)', () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK));
  assert.is(s.type, socket.SOCK_STREAM);
  assert.is(s.gettimeout(), 0);
  assert.is(s.getblocking(), false);
});

test('socket(): bad family / type / proto are OS errors (97, 22, 93)', () => {
  throwsErrno(() => socket.socket(-5), E.EAFNOSUPPORT);
  throwsErrno(() => socket.socket(socket.AF_INET, 99), E.EINVAL);
  throwsErrno(() => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 99), E.EPROTONOSUPPORT);
});

test('socket(fileno=-1) is a RangeError, an unused fd is EBADF', () => {
  throws(() => socket.socket(undefined, undefined, undefined, -1), RangeError, { message: 'negative file descriptor' });
  throwsErrno(() => socket.socket(undefined, undefined, undefined, 99999), E.EBADF);
});

test('socket(fileno=fd) of an existing socket asks the kernel for family/type/proto', () => {
  const a = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
  const fd = a.detach();
  const b = pool.add(socket.socket(undefined, undefined, undefined, fd));
  assert.is(b.fileno(), fd);
  assert.equal([b.family, b.type, b.proto], [10, 2, 17]);
});

// ---------------------------------------------------------------- recv / peer close

test('recv after the peer closes gives the data, then empty forever', () => {
  const [c, a, l] = pool.add(...tcpPair());
  a.sendall(bytes('hello'));
  a.close();
  assert.is(text(c.recv(100)), 'hello');
  for (let i = 0; i < 3; i++) {
    const r = c.recv(100);
    assert.ok(r instanceof Uint8Array);
    assert.is(r.length, 0);
  }
  l.close();
});

test('recv(-1) is a RangeError; recv(0) is empty', () => {
  const [c] = pool.add(...tcpPair());
  throws(() => c.recv(-1), RangeError, { message: 'negative buffersize in recv' });
  const r = c.recv(0);
  assert.ok(r instanceof Uint8Array);
  assert.is(r.length, 0);
});

test('recvfrom(-1) is a RangeError', () => {
  const [c] = pool.add(...tcpPair());
  throws(() => c.recvfrom(-1), RangeError, { message: 'negative buffersize in recvfrom' });
});

test('recv_into: nbytes 0 fills the whole buffer; nbytes n reads at most n', () => {
  const [c, a] = pool.add(...tcpPair());
  a.sendall(bytes('abcdefgh'));
  const buf = new Uint8Array(4);
  assert.is(c.recv_into(buf), 4);
  assert.is(text(buf), 'abcd');
  const buf2 = new Uint8Array(8).fill(0x2e);
  assert.is(c.recv_into(buf2, 2), 2);
  assert.is(text(buf2), 'ef......');
  assert.is(c.recv_into(buf2, 0), 2);
  assert.is(text(buf2.subarray(0, 2)), 'gh');
});

test('recv_into writes into a subarray view in place', () => {
  const [c, a] = pool.add(...tcpPair());
  a.sendall(bytes('xyz'));
  const whole = new Uint8Array(8);
  assert.is(c.recv_into(whole.subarray(2, 5)), 3);
  assert.equal([...whole], [0, 0, 0x78, 0x79, 0x7a, 0, 0, 0]);
});

test('recv_into: nbytes larger than the buffer or negative is a RangeError', () => {
  const [c] = pool.add(...tcpPair());
  const buf = new Uint8Array(4);
  throws(() => c.recv_into(buf, 5), RangeError, { message: 'buffer too small for requested bytes' });
  throws(() => c.recv_into(buf, -1), RangeError, { message: 'negative buffersize in recv_into' });
  throws(() => c.recvfrom_into(buf, 5), RangeError,
    { message: 'nbytes is greater than the length of the buffer' });
});

test('recv_into of a non-buffer is a TypeError', () => {
  const [c] = pool.add(...tcpPair());
  throws(() => c.recv_into('abcd'), TypeError);
  throws(() => c.recv_into(4), TypeError);
});

// ---------------------------------------------------------------- connect / connect_ex

test('connect_ex returns ECONNREFUSED (111) on a closed port', () => {
  const port = closedPort();
  const s = pool.add(socket.socket());
  assert.is(s.connect_ex(['127.0.0.1', port]), E.ECONNREFUSED);
});

test('connect_ex returns EISCONN (106) when already connected; connect raises it', () => {
  const l = pool.add(listener());
  const s = pool.add(socket.socket());
  assert.is(s.connect_ex(l.getsockname()), 0);
  assert.is(s.connect_ex(l.getsockname()), E.EISCONN);
  const e = throwsErrno(() => s.connect(l.getsockname()), E.EISCONN);
  assert.is(e.strerror, 'Transport endpoint is already connected');
  assert.is(e.code, 'EISCONN');
});

test('a refused connect carries errno, strerror, code and the CPython message', () => {
  const port = closedPort();
  const s = pool.add(socket.socket());
  const e = throws(() => s.connect(['127.0.0.1', port]), socket.error);
  assert.is(e.errno, 111);
  assert.is(e.strerror, 'Connection refused');
  assert.is(e.code, 'ECONNREFUSED');
  assert.is(e.message, '[Errno 111] Connection refused');
  assert.ok(!(e instanceof socket.timeout));
  // As Node's system errors: the call, and the address it was given.
  assert.is(e.syscall, 'connect');
  assert.is(e.address, '127.0.0.1');
  assert.is(e.port, port);
});

test('errors name their call: bind, sendto (with its address), recv, getpeername', () => {
  const a = pool.add(socket.socket());
  a.bind(['127.0.0.1', 0]);
  const b = pool.add(socket.socket());
  let e = throws(() => b.bind(a.getsockname()), socket.error);
  assert.is([e.errno, e.syscall, e.address, e.port].join(' '), `98 bind 127.0.0.1 ${a.getsockname()[1]}`);
  const u = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  e = throws(() => u.sendto(new Uint8Array(70000), ['127.0.0.1', 9]), socket.error);
  assert.is([e.code, e.syscall, e.address, e.port].join(' '), 'EMSGSIZE sendto 127.0.0.1 9');
  e = throws(() => b.recv(1), socket.error);
  assert.is([e.code, e.syscall].join(' '), 'ENOTCONN recv');
  assert.is(e.address, undefined);
  e = throws(() => b.getpeername(), socket.error);
  assert.is([e.code, e.syscall].join(' '), 'ENOTCONN getpeername');
  u.settimeout(0.01);
  e = throws(() => u.recvfrom(1), socket.timeout);
  assert.is([e.message, e.syscall].join(' '), 'timed out recvfrom');
});

test('util.inspect shows what repr() shows in Python', async () => {
  const { inspect } = await import('node:util');
  const s = pool.add(socket.socket());
  s.bind(['127.0.0.1', 0]);
  const port = s.getsockname()[1];
  assert.is(inspect(s), `<socket.socket fd=${s.fileno()}, family=2, type=1, proto=0, laddr=('127.0.0.1', ${port})>`);
  assert.is(inspect(s), String(s));
  s.close();
  assert.is(inspect(s), '<socket.socket [closed] fd=-1, family=2, type=1, proto=0>');
});

test('connect to a name from /etc/hosts (localhost) works', () => {
  const l = pool.add(listener());
  const s = pool.add(socket.socket());
  s.connect(['localhost', l.getsockname()[1]]);
  assert.equal(s.getpeername(), l.getsockname());
});

// ---------------------------------------------------------------- errors

test('error hierarchy: herror, gaierror, timeout extend error; error is an Error', () => {
  assert.ok(socket.herror.prototype instanceof socket.error);
  assert.ok(socket.gaierror.prototype instanceof socket.error);
  assert.ok(socket.timeout.prototype instanceof socket.error);
  assert.ok(socket.error.prototype instanceof Error);
  assert.ok(new socket.timeout('timed out') instanceof Error);
  assert.ok(!(new socket.error('x') instanceof socket.timeout));
});

test('error(errno, strerror) formats like OSError', () => {
  const e = new socket.error(111, 'Connection refused');
  assert.is(e.errno, 111);
  assert.is(e.strerror, 'Connection refused');
  assert.is(e.message, '[Errno 111] Connection refused');
});

// ---------------------------------------------------------------- sockopts

test('SO_REUSEADDR round-trips through setsockopt/getsockopt', () => {
  const s = pool.add(socket.socket());
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, true);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
});

test('setsockopt with a bytes value; a short one is EINVAL', () => {
  const s = pool.add(socket.socket());
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, new Uint8Array([1, 0, 0, 0]));
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  throwsErrno(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, new Uint8Array([1])), E.EINVAL);
});

test('setsockopt: str / None / float / >32-bit values are TypeErrors', () => {
  const s = pool.add(socket.socket());
  const msg = (t) => `a bytes-like object is required, not '${t}'`;
  throws(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 'x'), TypeError, { message: msg('str') });
  throws(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null), TypeError, { message: msg('NoneType') });
  throws(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1.5), TypeError, { message: msg('float') });
  throws(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 40), TypeError, { message: msg('int') });
});

test('setsockopt(level, opt, None, optlen) passes NULL: EFAULT', () => {
  const s = pool.add(socket.socket());
  throwsErrno(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, null, 4), E.EFAULT);
});

test('getsockopt with buflen returns a Uint8Array of that length', () => {
  const s = pool.add(socket.socket());
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  const r = s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 4);
  assert.ok(r instanceof Uint8Array, `got ${r?.constructor?.name}`);
  assert.equal([...r], [1, 0, 0, 0]);
  // The kernel trims to the option's size (CPython: b'...' of 4 bytes for buflen 1024).
  const big = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024);
  assert.is(big.length, 4);
  assert.is(Buffer.from(big).readInt32LE(0), s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF));
});

test('getsockopt buflen out of range (-1, 1025) is socket.error without errno', () => {
  const s = pool.add(socket.socket());
  for (const n of [-1, 1025]) {
    const e = throws(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, n), socket.error,
      { message: 'getsockopt buflen out of range' });
    assert.is(e.errno, null);
  }
});

test('getsockopt of an unknown option is ENOPROTOOPT (92)', () => {
  const s = pool.add(socket.socket());
  throwsErrno(() => s.getsockopt(socket.SOL_SOCKET, 9999), E.ENOPROTOOPT);
});

test('SO_TYPE / SO_ERROR read back as ints', () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_DGRAM);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
});

// ---------------------------------------------------------------- names / bind

test("getsockname before bind is ['0.0.0.0', 0], after bind the bound address", () => {
  const s = pool.add(socket.socket());
  assert.equal(s.getsockname(), ['0.0.0.0', 0]);
  s.bind(['127.0.0.1', 0]);
  const [host, port] = s.getsockname();
  assert.is(host, '127.0.0.1');
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
});

test("bind(['', 0]) binds INADDR_ANY", () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  s.bind(['', 0]);
  assert.is(s.getsockname()[0], '0.0.0.0');
});

test('a second bind to the same address is EADDRINUSE (98)', () => {
  const a = pool.add(socket.socket());
  a.bind(['127.0.0.1', 0]);
  const b = pool.add(socket.socket());
  const e = throwsErrno(() => b.bind(a.getsockname()), E.EADDRINUSE);
  assert.is(e.strerror, 'Address already in use');
  assert.is(e.code, 'EADDRINUSE');
});

test('getpeername of an unconnected socket is ENOTCONN (107)', () => {
  const s = pool.add(socket.socket());
  throwsErrno(() => s.getpeername(), E.ENOTCONN);
});

test('accept returns the peer address as the client sees itself', () => {
  const l = pool.add(listener());
  const c = pool.add(socket.socket());
  c.connect(l.getsockname());
  const [a, addr] = l.accept();
  pool.add(a);
  assert.ok(a instanceof socket.SocketType);
  assert.equal(addr, c.getsockname());
  assert.equal(a.getpeername(), c.getsockname());
  assert.equal([a.family, a.type, a.proto], [2, 1, 0]);
});

// ---------------------------------------------------------------- listen

test('listen(0), listen(-1) and listen() are all fine and accept connections', () => {
  for (const args of [[0], [-1], []]) {
    const l = pool.add(socket.socket());
    l.bind(['127.0.0.1', 0]);
    l.listen(...args);
    const c = pool.add(socket.socket());
    c.connect(l.getsockname());
    const [a] = l.accept();
    pool.add(a);
  }
});

// ---------------------------------------------------------------- shutdown

test('shutdown(SHUT_WR): the peer reads empty, the sender can still receive, send is EPIPE', () => {
  const [c, a] = pool.add(...tcpPair());
  c.shutdown(socket.SHUT_WR);
  assert.is(a.recv(10).length, 0);
  a.sendall(bytes('back'));
  assert.is(text(c.recv(10)), 'back');
  const e = throwsErrno(() => c.send(bytes('x')), E.EPIPE);
  assert.is(e.strerror, 'Broken pipe');
  assert.is(e.code, 'EPIPE');
  throwsErrno(() => c.sendall(bytes('x')), E.EPIPE);
});

test('shutdown of an unconnected socket is ENOTCONN; bad how is EINVAL', () => {
  const s = pool.add(socket.socket());
  throwsErrno(() => s.shutdown(socket.SHUT_RD), E.ENOTCONN);
  throwsErrno(() => s.shutdown(5), E.EINVAL);
  throwsErrno(() => s.shutdown(-1), E.EINVAL);
});

// ---------------------------------------------------------------- socketpair

test('socketpair() defaults to AF_UNIX, SOCK_STREAM, proto 0 and is connected', () => {
  const [a, b] = pool.add(...socket.socketpair());
  for (const s of [a, b]) {
    assert.ok(s instanceof socket.SocketType);
    assert.equal([s.family, s.type, s.proto], [socket.AF_UNIX, socket.SOCK_STREAM, 0]);
  }
  a.sendall(bytes('ping'));
  assert.is(text(b.recv(10)), 'ping');
  b.sendall(bytes('pong'));
  assert.is(text(a.recv(10)), 'pong');
});

test('socketpair(AF_INET) is EOPNOTSUPP (95)', () => {
  const e = throwsErrno(() => socket.socketpair(socket.AF_INET), E.EOPNOTSUPP);
  assert.is(e.strerror, 'Operation not supported');
});

// ---------------------------------------------------------------- closed sockets

test('a closed socket: fileno() -1, close twice is fine', () => {
  const s = socket.socket();
  assert.ok(s.fileno() >= 0);
  s.close();
  assert.is(s.fileno(), -1);
  s.close();
  assert.is(s.fileno(), -1);
});

test('a closed socket: every other call raises error EBADF (9)', () => {
  const s = socket.socket();
  s.close();
  const calls = {
    getsockname: () => s.getsockname(),
    getpeername: () => s.getpeername(),
    recv: () => s.recv(1),
    recvfrom: () => s.recvfrom(1),
    recv_into: () => s.recv_into(new Uint8Array(4)),
    recvfrom_into: () => s.recvfrom_into(new Uint8Array(4)),
    send: () => s.send(bytes('x')),
    sendall: () => s.sendall(bytes('x')),
    sendto: () => s.sendto(bytes('x'), ['127.0.0.1', 9]),
    bind: () => s.bind(['127.0.0.1', 0]),
    connect: () => s.connect(['127.0.0.1', 1]),
    listen: () => s.listen(),
    accept: () => s.accept(),
    getsockopt: () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
    setsockopt: () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1),
    shutdown: () => s.shutdown(socket.SHUT_RDWR),
    settimeout: () => s.settimeout(1),
    setblocking: () => s.setblocking(true),
    dup: () => s.dup(),
  };
  const bad = [];
  for (const [name, fn] of Object.entries(calls)) {
    try {
      fn();
      bad.push(`${name}: no error`);
    } catch (e) {
      if (!(e instanceof socket.error) || e.errno !== E.EBADF) {
        bad.push(`${name}: ${e?.constructor?.name} errno=${e?.errno} ${e?.message}`);
      }
    }
  }
  assert.ok(bad.length === 0, `CPython raises OSError(9) for each:\n  ${bad.join('\n  ')}`);
});

test('a closed socket: connect_ex returns 9, detach returns -1, gettimeout/getblocking still work', () => {
  const s = socket.socket();
  s.close();
  assert.is(s.connect_ex(['127.0.0.1', 1]), E.EBADF);
  assert.is(s.detach(), -1);
  assert.is(s.gettimeout(), null);
  assert.is(s.getblocking(), true);
});

test('Symbol.dispose closes the socket', () => {
  const s = socket.socket();
  assert.is(typeof s[Symbol.dispose], 'function');
  s[Symbol.dispose]();
  assert.is(s.fileno(), -1);
  throwsErrno(() => s.getsockname(), E.EBADF);
});

test('detach gives up the descriptor without closing it', () => {
  const s = socket.socket();
  const fd = s.detach();
  assert.ok(fd >= 0);
  assert.is(s.fileno(), -1);
  const again = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd));
  assert.equal(again.getsockname(), ['0.0.0.0', 0]);
});

// ---------------------------------------------------------------- default timeout inheritance

test('accepted sockets and create_connection take the default timeout, not the listener\'s', () => {
  socket.setdefaulttimeout(2.5);
  try {
    const l = pool.add(listener());
    l.settimeout(7);
    assert.is(pool.add(socket.socket()).gettimeout(), 2.5);
    const c = pool.add(socket.create_connection(l.getsockname()));
    const [a] = l.accept();
    pool.add(a);
    assert.is(l.gettimeout(), 7);
    assert.is(c.gettimeout(), 2.5);
    assert.is(a.gettimeout(), 2.5);
    assert.is(pool.add(socket.create_connection(l.getsockname(), 4)).gettimeout(), 4);
    assert.is(pool.add(socket.create_connection(l.getsockname(), null)).gettimeout(), null);
  } finally {
    socket.setdefaulttimeout(null);
  }
});

test('a socket accepted from a non-blocking listener is blocking (default timeout None)', () => {
  const l = pool.add(listener());
  const c = pool.add(socket.socket());
  c.connect(l.getsockname());
  l.setblocking(false);
  const [a] = l.accept();
  pool.add(a);
  assert.is(a.gettimeout(), null);
  assert.is(a.getblocking(), true);
});

// ---------------------------------------------------------------- create_connection / fromfd

test('create_connection with timeout and source_address', () => {
  const l = pool.add(listener());
  const c = pool.add(socket.create_connection(l.getsockname(), 3, ['127.0.0.1', 0]));
  assert.is(c.gettimeout(), 3);
  assert.is(c.getsockname()[0], '127.0.0.1');
  assert.equal(c.getpeername(), l.getsockname());
  const [a, addr] = l.accept();
  pool.add(a);
  assert.equal(addr, c.getsockname());
});

test('create_connection with a fixed source port binds it', () => {
  const l = pool.add(listener());
  const port = closedPort();
  const c = pool.add(socket.create_connection(l.getsockname(), null, ['127.0.0.1', port]));
  assert.equal(c.getsockname(), ['127.0.0.1', port]);
});

test('create_connection to a closed port raises ECONNREFUSED', () => {
  const port = closedPort();
  const e = throwsErrno(() => socket.create_connection(['127.0.0.1', port]), E.ECONNREFUSED);
  assert.is(e.code, 'ECONNREFUSED');
});

test('fromfd duplicates: both sockets are usable, closing one leaves the other', () => {
  const [c, a] = pool.add(...tcpPair());
  const d = pool.add(socket.fromfd(c.fileno(), socket.AF_INET, socket.SOCK_STREAM));
  assert.ok(d.fileno() >= 0 && d.fileno() !== c.fileno());
  assert.equal(d.getsockname(), c.getsockname());
  assert.equal([d.family, d.type, d.proto], [2, 1, 0]);
  d.sendall(bytes('ab'));
  c.sendall(bytes('cd'));
  let got = '';
  while (got.length < 4) got += text(a.recv(10));
  assert.is(got, 'abcd');
  d.close();
  c.sendall(bytes('ef'));
  assert.is(text(a.recv(10)), 'ef');
});

test('fromfd(-1) is EBADF', () => {
  throwsErrno(() => socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM), E.EBADF);
});

test('dup() shares the connection', () => {
  const [c, a] = pool.add(...tcpPair());
  const d = pool.add(c.dup());
  assert.ok(d.fileno() !== c.fileno());
  c.close();
  d.sendall(bytes('via dup'));
  assert.is(text(a.recv(100)), 'via dup');
});

// ---------------------------------------------------------------- UDP

test('UDP sendto/recvfrom reports the sender address tuple', () => {
  const u1 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const u2 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u1.bind(['127.0.0.1', 0]);
  u2.bind(['127.0.0.1', 0]);
  assert.is(u1.sendto(bytes('datagram'), u2.getsockname()), 8);
  const [data, addr] = u2.recvfrom(100);
  assert.is(text(data), 'datagram');
  assert.equal(addr, u1.getsockname());
  // The (data, flags, address) form.
  assert.is(u2.sendto(bytes('abc'), 0, u1.getsockname()), 3);
  const [d2, a2] = u1.recvfrom(100);
  assert.is(text(d2), 'abc');
  assert.equal(a2, u2.getsockname());
});

test('UDP recvfrom_into reports the count and the sender', () => {
  const u1 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const u2 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u1.bind(['127.0.0.1', 0]);
  u2.bind(['127.0.0.1', 0]);
  u1.sendto(bytes('hello'), u2.getsockname());
  const buf = new Uint8Array(16);
  const [n, addr] = u2.recvfrom_into(buf);
  assert.is(n, 5);
  assert.is(text(buf.subarray(0, 5)), 'hello');
  assert.equal(addr, u1.getsockname());
});

test('recv(4) of a 10-byte datagram truncates to 4 bytes and drops the rest', () => {
  const u1 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const u2 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u2.bind(['127.0.0.1', 0]);
  u1.sendto(bytes('0123456789'), u2.getsockname());
  assert.is(text(u2.recv(4)), '0123');
  u2.setblocking(false);
  throwsErrno(() => u2.recv(4), E.EAGAIN);
});

test('connected UDP: send/recv without addresses', () => {
  const u1 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const u2 = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u1.bind(['127.0.0.1', 0]);
  u2.bind(['127.0.0.1', 0]);
  u1.connect(u2.getsockname());
  assert.is(u1.send(bytes('hi')), 2);
  assert.is(text(u2.recv(10)), 'hi');
  assert.equal(u1.getpeername(), u2.getsockname());
});

test('sendto / send / sendall of a string is a TypeError', () => {
  const u = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const msg = "a bytes-like object is required, not 'str'";
  throws(() => u.sendto('abc', ['127.0.0.1', 9]), TypeError, { message: msg });
  throws(() => u.send('abc'), TypeError, { message: msg });
  throws(() => u.sendall('abc'), TypeError, { message: msg });
});

test('send accepts any ArrayBufferView (DataView, Uint16Array, Buffer)', () => {
  const [c, a] = pool.add(...tcpPair());
  assert.is(c.send(new DataView(new Uint8Array([1, 2, 3]).buffer)), 3);
  assert.is(c.send(new Uint16Array([0x0504])), 2);
  assert.is(c.send(Buffer.from([6])), 1);
  let got = [];
  while (got.length < 6) got = got.concat([...a.recv(10)]);
  assert.equal(got, [1, 2, 3, 4, 5, 6]);
});

// ---------------------------------------------------------------- '<broadcast>'

test("bind(['<broadcast>', 0]) on UDP binds 255.255.255.255 (CPython does)", () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  s.bind(['<broadcast>', 0]);
  assert.is(s.getsockname()[0], '255.255.255.255');
});

test("'<broadcast>' on AF_INET6 is error('address family mismatched')", () => {
  const s = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
  const e = throws(() => s.bind(['<broadcast>', 0]), socket.error, { message: 'address family mismatched' });
  assert.is(e.errno, null);
});

test("sendto '<broadcast>' without SO_BROADCAST is EACCES (nothing is sent); SO_BROADCAST round-trips", () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  throwsErrno(() => s.sendto(bytes('x'), ['<broadcast>', 9]), E.EACCES);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 0);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
  assert.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1);
});

// ---------------------------------------------------------------- argument checks

test('wrong types are TypeErrors', () => {
  const s = pool.add(socket.socket());
  throws(() => s.recv('1'), TypeError, { message: "'str' object cannot be interpreted as an integer" });
  throws(() => s.recv(1.5), TypeError, { message: "'float' object cannot be interpreted as an integer" });
  throws(() => s.recv(null), TypeError, { message: "'NoneType' object cannot be interpreted as an integer" });
  throws(() => s.bind('127.0.0.1'), TypeError, { message: 'bind(): AF_INET address must be tuple, not str' });
  throws(() => s.connect(['127.0.0.1', '80']), TypeError);
  throws(() => s.bind([1, 0]), TypeError);
  throws(() => s.settimeout('1'), TypeError);
  throws(() => s.listen('1'), TypeError);
  throws(() => socket.socket('x'), TypeError);
  throws(() => socket.socket(socket.AF_INET, 1.5), TypeError);
});

test('out-of-range ports, timeouts and sizes are RangeErrors', () => {
  const s = pool.add(socket.socket());
  throws(() => s.bind(['127.0.0.1', 65536]), RangeError, { message: 'bind(): port must be 0-65535.' });
  throws(() => s.bind(['127.0.0.1', -1]), RangeError, { message: 'bind(): port must be 0-65535.' });
  throws(() => s.connect(['127.0.0.1', 70000]), RangeError, { message: 'connect(): port must be 0-65535.' });
  throws(() => s.settimeout(-1), RangeError, { message: 'Timeout value out of range' });
  throws(() => s.settimeout(NaN), RangeError, { message: 'Invalid value NaN (not a number)' });
  throws(() => s.settimeout(Infinity), RangeError);
  throws(() => s.recv(2 ** 63), RangeError, { message: 'Python int too large to convert to C ssize_t' });
  throws(() => s.listen(2 ** 40), RangeError, { message: 'signed integer is greater than maximum' });
  throws(() => socket.socket(2 ** 40), RangeError);
  throws(() => socket.setdefaulttimeout(-1), RangeError, { message: 'Timeout value out of range' });
});

test('a bad AF_INET address pair is a TypeError with CPython\'s text', () => {
  const s = pool.add(socket.socket());
  throws(() => s.bind(['127.0.0.1']), TypeError, { message: 'AF_INET address must be a pair (host, port)' });
  throws(() => s.bind(['127.0.0.1', 0, 0]), TypeError, { message: 'AF_INET address must be a pair (host, port)' });
});

// ---------------------------------------------------------------- IPv6

test('IPv6 on ::1: getsockname is a 4-tuple (host, port, flowinfo, scope_id)', () => {
  const s = pool.add(socket.socket(socket.AF_INET6));
  assert.equal(s.getsockname(), ['::', 0, 0, 0]);
  s.bind(['::1', 0]);
  const n = s.getsockname();
  assert.is(n.length, 4);
  assert.is(n[0], '::1');
  assert.ok(n[1] > 0);
  assert.is(n[2], 0);
  assert.is(n[3], 0);
});

test('IPv6 connect/accept: addresses are 4-tuples and match', () => {
  const l = pool.add(listener(socket.AF_INET6));
  const c = pool.add(socket.create_connection(['::1', l.getsockname()[1]]));
  assert.is(c.family, socket.AF_INET6);
  const [a, addr] = l.accept();
  pool.add(a);
  assert.equal(addr, c.getsockname());
  assert.is(addr.length, 4);
  assert.is(c.getpeername()[0], '::1');
  c.sendall(bytes('v6'));
  assert.is(text(a.recv(10)), 'v6');
});

test('IPv6 bind with flowinfo/scope_id 4-tuple; flowinfo > 0xfffff is a RangeError', () => {
  const s = pool.add(socket.socket(socket.AF_INET6));
  s.bind(['::1', 0, 5, 0]);
  assert.equal(s.getsockname().slice(2), [0, 0]);
  const t = pool.add(socket.socket(socket.AF_INET6));
  throws(() => t.bind(['::1', 0, 0x100000, 0]), RangeError, { message: 'bind(): flowinfo must be 0-1048575.' });
});

test("IPv6 bind(['', 0]) binds '::'", () => {
  const s = pool.add(socket.socket(socket.AF_INET6));
  s.bind(['', 0]);
  const n = s.getsockname();
  assert.is(n[0], '::');
  assert.ok(n[1] > 0);
});

test('an IPv4 literal on an AF_INET6 socket is gaierror -9 (EAI_ADDRFAMILY)', () => {
  const s = pool.add(socket.socket(socket.AF_INET6));
  const e = throws(() => s.bind(['127.0.0.1', 0]), socket.gaierror);
  assert.is(e.errno, -9);
  assert.is(e.message, '[Errno -9] Address family for hostname not supported');
});

test('IPv6 UDP recvfrom gives a 4-tuple sender', () => {
  const u1 = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
  const u2 = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
  u1.bind(['::1', 0]);
  u2.bind(['::1', 0]);
  u1.sendto(bytes('six'), u2.getsockname());
  const [d, addr] = u2.recvfrom(10);
  assert.is(text(d), 'six');
  assert.equal(addr, u1.getsockname());
});

test.run();
