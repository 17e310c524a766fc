// CPython 3.11's Lib/test/test_socket.py, ported case by case: the
// protocol-independent cases that apply to AF_INET/AF_INET6/AF_UNIX on Linux
// and to wasock's API. Each test is named after the CPython test it ports.
// Translation (DESIGN.md): None->null, tuple->array, bytes->Uint8Array,
// keyword arguments -> trailing positional arguments, OSError->socket.error,
// ValueError/OverflowError->RangeError, TypeError->TypeError. CPython's
// client thread is run in the same thread where its logic allows (both ends
// of a loopback connection in one thread), else by a python3 child process.
// Every expectation was checked on /usr/bin/python3 (3.11) on this machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E, tempDir, removeDir, blockFor } from './lib/helpers.mjs';
import {
  HOST, HOSTv4, HOSTv6, MSG, MSG_TEXT, INT_MAX, INT_MIN, UINT_MAX, LOOPBACK_TIMEOUT, find_unused_port, bind_port,
  fdFlags, O_NONBLOCK, eqBytes, concat, b, assertRaises, pythonPeer, withSock, needs, perCase,
} from './lib/cpython-support.mjs';

const { pool, cleanups } = perCase(test, () => socket.setdefaulttimeout(null));

const OSError = socket.error;
const ValueError = RangeError; // and OverflowError
const OverflowError = RangeError;

// ------------------------------------------------------------------ fixtures

// SocketTCPTest: self.serv listening on (HOST, port).
function SocketTCPTest() {
  const serv = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  const port = bind_port(serv);
  serv.listen();
  return { serv, port };
}

// SocketUDPTest: self.serv bound to (HOST, port).
function SocketUDPTest() {
  const serv = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  const port = bind_port(serv);
  return { serv, port };
}

// ThreadedTCPSocketTest: plus self.cli, an unconnected client.
function ThreadedTCPSocketTest() {
  const t = SocketTCPTest();
  t.cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  return t;
}

// SocketConnectedTest: cli_conn (server side, accepted) and serv_conn (client).
// `connect` replaces the client's connect (NetworkConnectionTest uses create_connection).
function SocketConnectedTest(connect = (t) => { t.cli.connect([HOST, t.port]); return t.cli; }) {
  const t = SocketTCPTest();
  t.cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  t.serv_conn = pool.add(connect(t));
  t.cli_conn = pool.add(t.serv.accept()[0]);
  return t;
}

// ======================================================= GeneralModuleTests

test('GeneralModuleTests.test_SocketType_is_socketobject', () => {
  const s = pool.add(socket.socket());
  assert.ok(s instanceof socket.SocketType);
});

test('GeneralModuleTests.test_repr', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  withSock(s, () => {
    const r = () => String(s);
    assert.ok(r().includes(`fd=${s.fileno()}`), r());
    assert.ok(r().includes(`family=${socket.AF_INET}`), r());
    assert.ok(r().includes(`type=${socket.SOCK_STREAM}`), r());
    assert.ok(r().includes('proto=0'), r());
    assert.not.ok(r().includes('raddr'), r());
    s.bind(['127.0.0.1', 0]);
    assert.ok(r().includes('laddr'), r());
    const [host, port] = s.getsockname();
    assert.ok(r().includes(`('${host}', ${port})`), r()); // str(s.getsockname())
  });
  assert.ok(String(s).includes('[closed]'), String(s));
  assert.not.ok(String(s).includes('laddr'), String(s));
});

test.skip('GeneralModuleTests.test_csocket_repr (no _socket module: the repr of the C type)');
test.skip('GeneralModuleTests.test_weakref (weakref.proxy and gc: no JS analogue)');

test('GeneralModuleTests.testSocketError', () => {
  // raise OSError / socket.herror / socket.gaierror: each is caught as OSError
  for (const Cls of [socket.error, socket.herror, socket.gaierror]) {
    assertRaises(OSError, () => { throw new Cls(); });
  }
});

test('GeneralModuleTests.testSendtoErrors', () => {
  const s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  s.bind(['', 0]);
  const sockname = s.getsockname();
  // 2 args
  let e = assertRaises(TypeError, () => s.sendto('\u2620', sockname));
  assert.is(e.message, "a bytes-like object is required, not 'str'");
  e = assertRaises(TypeError, () => s.sendto(5.5, sockname)); // 5j: JS has no complex, a float stands in
  assert.is(e.message, "a bytes-like object is required, not 'float'");
  e = assertRaises(TypeError, () => s.sendto(b('foo'), null));
  assert.ok(e.message.includes('not NoneType'), e.message);
  // 3 args
  e = assertRaises(TypeError, () => s.sendto('\u2620', 0, sockname));
  assert.is(e.message, "a bytes-like object is required, not 'str'");
  e = assertRaises(TypeError, () => s.sendto(5.5, 0, sockname));
  assert.is(e.message, "a bytes-like object is required, not 'float'");
  e = assertRaises(TypeError, () => s.sendto(b('foo'), 0, null));
  assert.ok(e.message.includes('not NoneType'), e.message);
  assertRaises(TypeError, () => s.sendto(b('foo'), 'bar', sockname));
  assertRaises(TypeError, () => s.sendto(b('foo'), null, null));
  // wrong number of args
  e = assertRaises(TypeError, () => s.sendto(b('foo')));
  assert.ok(e.message.includes('(1 given)'), e.message);
  e = assertRaises(TypeError, () => s.sendto(b('foo'), 0, sockname, 4));
  assert.ok(e.message.includes('(4 given)'), e.message);
});

test('GeneralModuleTests.testCrucialConstants', () => {
  for (const k of ['AF_INET', 'AF_INET6', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET',
    'SOL_SOCKET', 'SO_REUSEADDR']) {
    assert.type(socket[k], 'number', k);
  }
  assert.is(socket.has_ipv6, true);
});

test('GeneralModuleTests.testCrucialIpProtoConstants', () => {
  for (const k of ['IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6']) assert.type(socket[k], 'number', k);
});

test('GeneralModuleTests.test_socket_methods', () => {
  // "_accept" is socket.py's internal name: accept here
  for (const name of ['accept', 'bind', 'connect', 'connect_ex', 'getpeername', 'getsockname', 'listen', 'recvfrom',
    'recvfrom_into', 'sendto', 'setsockopt', 'shutdown']) {
    assert.type(socket.socket.prototype[name], 'function', `socket method ${name} is missing`);
  }
});

needs(test, socket, 'gethostbyname')('GeneralModuleTests.testHostnameRes', () => {
  const hostname = socket.gethostname();
  let ip;
  try {
    ip = socket.gethostbyname(hostname);
  } catch (e) {
    if (e instanceof OSError) return; // skipTest('name lookup failure')
    throw e;
  }
  assert.ok(ip.includes('.'), 'Error resolving host to ip.');
  let hname, aliases;
  try {
    [hname, aliases] = socket.gethostbyaddr(ip);
  } catch (e) {
    if (e instanceof OSError) return;
    throw e;
  }
  const all = [hostname, hname, ...aliases];
  const fqhn = socket.getfqdn(ip);
  if (!all.includes(fqhn)) assert.unreachable(`Error testing host resolution mechanisms. (fqdn: ${fqhn}, all: ${all})`);
});

needs(test, socket, 'gethostbyname')('GeneralModuleTests.test_host_resolution', () => {
  for (const addr of [HOSTv4, '10.0.0.1', '255.255.255.255']) assert.is(socket.gethostbyname(addr), addr);
  // HOSTv6 is left out, as CPython does: it may have no name entry (it has none here)
  for (const host of [HOSTv4]) assert.ok(socket.gethostbyaddr(host)[2].includes(host));
});

test.skip('GeneralModuleTests.test_host_resolution_bad_address (non-numeric names go to the DNS server: not loopback)');

test('GeneralModuleTests.testInterfaceNameIndex', () => {
  const interfaces = socket.if_nameindex();
  for (const [index, name] of interfaces) {
    assert.type(index, 'number');
    assert.type(name, 'string');
    assert.ok(index > 0);
    assert.ok(name.length > 0);
    assert.is(socket.if_nametoindex(name), index);
    assert.is(socket.if_indextoname(index), name);
  }
});

test('GeneralModuleTests.testInvalidInterfaceIndexToName', () => {
  assertRaises(OSError, () => socket.if_indextoname(0));
  assertRaises(OverflowError, () => socket.if_indextoname(-1));
  assertRaises(OverflowError, () => socket.if_indextoname(2 ** 1000));
  assertRaises(TypeError, () => socket.if_indextoname('_DEADBEEF'));
});

test('GeneralModuleTests.testInvalidInterfaceNameToIndex', () => {
  assertRaises(TypeError, () => socket.if_nametoindex(0));
  assertRaises(OSError, () => socket.if_nametoindex('_DEADBEEF'));
});

test('GeneralModuleTests.testInterpreterCrash', () => {
  try {
    socket.getnameinfo(['x', 0, 0, 0], 0);
  } catch (e) {
    if (!(e instanceof OSError)) throw e;
  }
});

test('GeneralModuleTests.testNtoH', () => {
  const sizes = [[socket.htonl, 32], [socket.ntohl, 32], [socket.htons, 16], [socket.ntohs, 16]];
  for (const [func, size] of sizes) {
    const mask = 2 ** size - 1;
    const and = (i) => Number(BigInt.asUintN(size, BigInt(i))); // i & mask
    for (const i of [0, 1, 0xffff, ~0xffff, 2, 0x01234567, 0x76543210]) {
      assert.is(and(func(func(and(i)))), and(i), `${func.name}(${i})`);
    }
    const swapped = func(mask);
    assert.is(and(swapped), mask);
    assertRaises(OverflowError, () => func(2 ** 34));
  }
});

test('GeneralModuleTests.testNtoHErrors', () => {
  const s_good_values = [0, 1, 2, 0xffff];
  const l_good_values = [...s_good_values, 0xffffffff];
  const l_bad_values = [-1, -2, 2 ** 32, 1n << 1000n];
  const s_bad_values = [...l_bad_values, INT_MIN - 1, INT_MAX + 1, 1 << 16, INT_MAX];
  for (const k of s_good_values) {
    socket.ntohs(k);
    socket.htons(k);
  }
  for (const k of l_good_values) {
    socket.ntohl(k);
    socket.htonl(k);
  }
  for (const k of s_bad_values) {
    assertRaises(OverflowError, () => socket.ntohs(k));
    assertRaises(OverflowError, () => socket.htons(k));
  }
  for (const k of l_bad_values) {
    assertRaises(OverflowError, () => socket.ntohl(k));
    assertRaises(OverflowError, () => socket.htonl(k));
  }
});

needs(test, socket, 'getservbyname')('GeneralModuleTests.testGetServBy', () => {
  let service, port;
  for (service of ['daytime', 'qotd', 'domain']) {
    try {
      port = socket.getservbyname(service, 'tcp');
      break;
    } catch (e) {
      if (!(e instanceof OSError)) throw e;
    }
  }
  assert.ok(port !== undefined, 'no service found');
  const port2 = socket.getservbyname(service);
  assert.is(port2, port);
  let udpport = null;
  try {
    udpport = socket.getservbyname(service, 'udp');
    assert.is(udpport, port);
  } catch (e) {
    if (!(e instanceof OSError)) throw e;
  }
  assert.is(socket.getservbyport(port2), service);
  assert.is(socket.getservbyport(port, 'tcp'), service);
  if (udpport !== null) assert.is(socket.getservbyport(udpport, 'udp'), service);
  assertRaises(OverflowError, () => socket.getservbyport(-1));
  assertRaises(OverflowError, () => socket.getservbyport(65536));
});

test('GeneralModuleTests.testDefaultTimeout', () => {
  assert.is(socket.getdefaulttimeout(), null);
  withSock(socket.socket(), (s) => assert.is(s.gettimeout(), null));
  socket.setdefaulttimeout(10);
  try {
    assert.is(socket.getdefaulttimeout(), 10);
    withSock(socket.socket(), (sock) => assert.is(sock.gettimeout(), 10));
    socket.setdefaulttimeout(null);
    assert.is(socket.getdefaulttimeout(), null);
    withSock(socket.socket(), (sock) => assert.is(sock.gettimeout(), null));
  } finally {
    socket.setdefaulttimeout(null);
  }
  assertRaises(ValueError, () => socket.setdefaulttimeout(-1));
  assertRaises(TypeError, () => socket.setdefaulttimeout('spam'));
});

test('GeneralModuleTests.testIPv4_inet_aton_fourbytes', () => {
  eqBytes(socket.inet_aton('0.0.0.0'), [0, 0, 0, 0]);
  eqBytes(socket.inet_aton('255.255.255.255'), [255, 255, 255, 255]);
});

test('GeneralModuleTests.testIPv4toString', () => {
  const f = socket.inet_aton;
  const g = (a) => socket.inet_pton(socket.AF_INET, a);
  const assertInvalid = (func, a) => assertRaises([OSError, ValueError], () => func(a));
  eqBytes(f('0.0.0.0'), b('\x00\x00\x00\x00'));
  eqBytes(f('255.0.255.0'), b('\xff\x00\xff\x00'));
  eqBytes(f('170.170.170.170'), b('\xaa\xaa\xaa\xaa'));
  eqBytes(f('1.2.3.4'), b('\x01\x02\x03\x04'));
  eqBytes(f('255.255.255.255'), b('\xff\xff\xff\xff'));
  assertInvalid(f, '0.0.0.');
  assertInvalid(f, '300.0.0.0');
  assertInvalid(f, 'a.0.0.0');
  assertInvalid(f, '1.2.3.4.5');
  assertInvalid(f, '::1');

  eqBytes(g('0.0.0.0'), b('\x00\x00\x00\x00'));
  eqBytes(g('255.0.255.0'), b('\xff\x00\xff\x00'));
  eqBytes(g('170.170.170.170'), b('\xaa\xaa\xaa\xaa'));
  eqBytes(g('255.255.255.255'), b('\xff\xff\xff\xff'));
  assertInvalid(g, '0.0.0.');
  assertInvalid(g, '300.0.0.0');
  assertInvalid(g, 'a.0.0.0');
  assertInvalid(g, '1.2.3.4.5');
  assertInvalid(g, '::1');
});

test('GeneralModuleTests.testIPv6toString', () => {
  const f = (a) => socket.inet_pton(socket.AF_INET6, a);
  const assertInvalid = (a) => assertRaises([OSError, ValueError], () => f(a));
  const z = (n) => '\x00'.repeat(n);
  eqBytes(f('::'), b(z(16)));
  eqBytes(f('0::0'), b(z(16)));
  eqBytes(f('1::'), b('\x00\x01' + z(14)));
  eqBytes(f('45ef:76cb:1a:56ef:afeb:bac:1924:aeae'),
    b('\x45\xef\x76\xcb\x00\x1a\x56\xef\xaf\xeb\x0b\xac\x19\x24\xae\xae'));
  eqBytes(f('ad42:abc::127:0:254:2'), b('\xad\x42\x0a\xbc' + z(4) + '\x01\x27\x00\x00\x02\x54\x00\x02'));
  eqBytes(f('12:a::'), b('\x00\x12\x00\x0a' + z(12)));
  for (const a of ['0x20::', ':::', '::0::', '1::abc::', '1::abc::def', '1:2:3:4:5:6', '1:2:3:4:5:6:',
    '1:2:3:4:5:6:7:8:0', '1:2:3:4:5:6:7:8:']) assertInvalid(a);
  eqBytes(f('::254.42.23.64'), b(z(12) + '\xfe\x2a\x17\x40'));
  eqBytes(f('42::a29b:254.42.23.64'), b('\x00\x42' + z(8) + '\xa2\x9b\xfe\x2a\x17\x40'));
  eqBytes(f('42:a8b9:0:2:ffff:a29b:254.42.23.64'),
    b('\x00\x42\xa8\xb9\x00\x00\x00\x02\xff\xff\xa2\x9b\xfe\x2a\x17\x40'));
  for (const a of ['255.254.253.252', '1::260.2.3.0', '1::0.be.e.0', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4:0',
    '0.100.200.0:3:4:5:6:7:8']) assertInvalid(a);
});

test('GeneralModuleTests.testStringToIPv4', () => {
  const f = socket.inet_ntoa;
  const g = (a) => socket.inet_ntop(socket.AF_INET, a);
  const assertInvalid = (func, a) => assertRaises([OSError, ValueError], () => func(a));
  assert.is(f(b('\x01\x00\x01\x00')), '1.0.1.0');
  assert.is(f(b('\xaa\x55\xaa\x55')), '170.85.170.85');
  assert.is(f(b('\xff\xff\xff\xff')), '255.255.255.255');
  assert.is(f(b('\x01\x02\x03\x04')), '1.2.3.4');
  assertInvalid(f, new Uint8Array(3));
  assertInvalid(f, new Uint8Array(5));
  assertInvalid(f, new Uint8Array(16));
  assert.is(f(Buffer.from([0xaa, 0x55, 0xaa, 0x55])), '170.85.170.85'); // bytearray
  assert.is(g(b('\x01\x00\x01\x00')), '1.0.1.0');
  assert.is(g(b('\xaa\x55\xaa\x55')), '170.85.170.85');
  assert.is(g(b('\xff\xff\xff\xff')), '255.255.255.255');
  assertInvalid(g, new Uint8Array(3));
  assertInvalid(g, new Uint8Array(5));
  assertInvalid(g, new Uint8Array(16));
  assert.is(g(Buffer.from([0xaa, 0x55, 0xaa, 0x55])), '170.85.170.85');
});

test('GeneralModuleTests.testStringToIPv6', () => {
  const f = (a) => socket.inet_ntop(socket.AF_INET6, a);
  const assertInvalid = (a) => assertRaises([OSError, ValueError], () => f(a));
  assert.is(f(new Uint8Array(16)), '::');
  assert.is(f(b('\x00'.repeat(15) + '\x01')), '::1');
  assert.is(f(b('\x0a\xef\x0b\x01\x05\x06\x10\x01\xff\xff\x99\x97\x00\x55\x01\x70')),
    'aef:b01:506:1001:ffff:9997:55:170');
  assert.is(f(Buffer.from(b('\x00'.repeat(15) + '\x01'))), '::1');
  assertInvalid(b('\x12'.repeat(15)));
  assertInvalid(b('\x12'.repeat(17)));
  assertInvalid(b('\x12'.repeat(4)));
});

test('GeneralModuleTests.testSockName', () => {
  const sock = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  let port;
  for (let i = 0; ; i++) {
    port = find_unused_port();
    try {
      sock.bind(['0.0.0.0', port]);
      break;
    } catch (e) {
      if (e.errno !== E.EADDRINUSE || i === 5) throw e;
    }
  }
  const name = sock.getsockname();
  // CPython also accepts gethostbyname(gethostname()); 0.0.0.0 is what Linux gives
  assert.is(name[0], '0.0.0.0');
  assert.is(name[1], port);
});

test('GeneralModuleTests.testGetSockOpt', () => {
  const sock = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  const reuse = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR);
  assert.ok(reuse === 0, 'initial mode is reuse');
});

test('GeneralModuleTests.testSetSockOpt', () => {
  const sock = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  const reuse = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR);
  assert.ok(reuse !== 0, 'failed to set reuse mode');
});

test('GeneralModuleTests.testSendAfterClose', () => {
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  withSock(sock, () => sock.settimeout(1));
  assertRaises(OSError, () => sock.send(b('spam')));
});

test('GeneralModuleTests.testCloseException', () => {
  const sock = socket.socket();
  sock.bind(['127.0.0.1', 0]); // socket._LOCALHOST
  socket.socket(undefined, undefined, undefined, sock.fileno()).close();
  const e = assertRaises(OSError, () => sock.close());
  assert.ok([E.EBADF, E.ENOTSOCK].includes(e.errno), `errno ${e.errno}`);
});

test('GeneralModuleTests.testNewAttributes', () => {
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM), (sock) => {
    assert.is(sock.family, socket.AF_INET);
    assert.ok([socket.SOCK_STREAM | socket.SOCK_CLOEXEC, socket.SOCK_STREAM].includes(sock.type));
    assert.is(sock.proto, 0);
  });
});

test('GeneralModuleTests.test_getsockaddrarg', () => {
  const sock = pool.add(socket.socket());
  let port = find_unused_port();
  assertRaises(OverflowError, () => sock.bind([HOST, port + 65536]));
  assertRaises(OverflowError, () => sock.bind([HOST, port - 65536]));
  for (let i = 0; ; i++) {
    port = find_unused_port();
    try {
      sock.bind([HOST, port]);
      break;
    } catch (e) {
      if (e.errno !== E.EADDRINUSE || i === 5) throw e;
    }
  }
});

test('GeneralModuleTests.testGetaddrinfo', () => {
  socket.getaddrinfo('localhost', 80);
  for (const info of socket.getaddrinfo(HOST, null)) assert.is(info.length, 5);
  socket.getaddrinfo('localhost', 80);
  socket.getaddrinfo('127.0.0.1', 80);
  socket.getaddrinfo(null, 80);
  socket.getaddrinfo('::1', 80);
  socket.getaddrinfo(HOST, 'http');
  socket.getaddrinfo(HOST, 80);
  socket.getaddrinfo(HOST, null);
  // family and socktype filters (the values are plain numbers here, not enums)
  let infos = socket.getaddrinfo(HOST, 80, socket.AF_INET, socket.SOCK_STREAM);
  for (const [family, type] of infos) {
    assert.is(family, socket.AF_INET);
    assert.is(String(family), String(socket.AF_INET));
    assert.is(type, socket.SOCK_STREAM);
    assert.is(String(type), String(socket.SOCK_STREAM));
  }
  infos = socket.getaddrinfo(HOST, null, 0, socket.SOCK_STREAM);
  for (const [, socktype] of infos) assert.is(socktype, socket.SOCK_STREAM);
  // proto and flags arguments
  socket.getaddrinfo(HOST, null, 0, 0, socket.SOL_TCP);
  socket.getaddrinfo(HOST, null, 0, 0, 0, socket.AI_PASSIVE);
  socket.getaddrinfo(null, 0, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE);
  // keyword arguments: trailing positional arguments, omitted ones undefined
  assert.equal(socket.getaddrinfo(HOST, null), socket.getaddrinfo(HOST, null, undefined, undefined, undefined, undefined));
  assert.equal(socket.getaddrinfo(HOST, null, socket.AF_INET), socket.getaddrinfo(HOST, null, socket.AF_INET, undefined));
  assert.equal(socket.getaddrinfo(HOST, null, 0, socket.SOCK_STREAM),
    socket.getaddrinfo(HOST, null, undefined, socket.SOCK_STREAM));
  assert.equal(socket.getaddrinfo(HOST, null, 0, 0, socket.SOL_TCP),
    socket.getaddrinfo(HOST, null, undefined, undefined, socket.SOL_TCP));
  assert.equal(socket.getaddrinfo(HOST, null, 0, 0, 0, socket.AI_PASSIVE),
    socket.getaddrinfo(HOST, null, undefined, undefined, undefined, socket.AI_PASSIVE));
  // Issue #6697: UnicodeEncodeError (a ValueError)
  assertRaises(ValueError, () => socket.getaddrinfo('localhost', '\uD800'));
  try {
    socket.getaddrinfo('localhost', null, 0, 0, 0, socket.AI_NUMERICSERV);
  } catch (e) {
    if (!(e instanceof socket.gaierror)) throw e;
  }
});

test('GeneralModuleTests.test_getnameinfo', () => {
  // only IP addresses are allowed (CPython here: gaierror -2, no lookup)
  assertRaises(OSError, () => socket.getnameinfo(['mail.python.org', 0], 0));
});

test.skip('GeneralModuleTests.test_idna (IDNA codec of host names: not part of the port)');
test.skip('GeneralModuleTests.test_sendall_interrupted* (signal handlers raising during a blocking call)');
test.skip('GeneralModuleTests.test_dealloc_warn (ResourceWarning)');
test.skip('GeneralModuleTests.test_name_closed_socketio (repr of io.BufferedReader)');

test('GeneralModuleTests.test_unusable_closed_socketio', () => {
  withSock(socket.socket(), (sock) => {
    const fp = sock.makefile('rb', 0);
    assert.ok(fp.readable());
    assert.not.ok(fp.writable());
    assert.not.ok(fp.seekable());
    fp.close();
    assertRaises(ValueError, () => fp.readable());
    assertRaises(ValueError, () => fp.writable());
    assertRaises(ValueError, () => fp.seekable());
  });
});

needs(test, socket, 'close')('GeneralModuleTests.test_socket_close', () => {
  const sock = socket.socket();
  try {
    sock.bind([HOST, 0]);
    socket.close(sock.fileno());
    assertRaises(OSError, () => sock.listen(1));
  } finally {
    assertRaises(OSError, () => sock.close());
  }
  assertRaises(TypeError, () => socket.close(null));
  assertRaises(OSError, () => socket.close(-1));
});

test('GeneralModuleTests.test_makefile_mode', () => {
  for (const mode of ['r', 'rb', 'rw', 'w', 'wb']) {
    withSock(socket.socket(), (sock) => {
      const encoding = mode.includes('b') ? null : 'utf-8';
      const fp = sock.makefile(mode, undefined, encoding);
      try {
        assert.is(fp.mode, mode);
      } finally {
        fp.close();
      }
    });
  }
});

test('GeneralModuleTests.test_makefile_invalid_mode', () => {
  for (const mode of ['rt', 'x', '+', 'a']) {
    withSock(socket.socket(), (sock) => {
      const e = assertRaises(ValueError, () => sock.makefile(mode));
      assert.match(e.message, /invalid mode/);
    });
  }
});

test.skip('GeneralModuleTests.test_pickle (pickle)');

test('GeneralModuleTests.test_listen_backlog', () => {
  for (const backlog of [0, -1]) {
    withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM), (srv) => {
      srv.bind([HOST, 0]);
      srv.listen(backlog);
    });
  }
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM), (srv) => {
    srv.bind([HOST, 0]);
    srv.listen();
  });
});

test('GeneralModuleTests.test_listen_backlog_overflow', () => {
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM), (srv) => {
    srv.bind([HOST, 0]);
    assertRaises(OverflowError, () => srv.listen(INT_MAX + 1));
  });
});

test('GeneralModuleTests.test_flowinfo', () => {
  assertRaises(OverflowError, () => socket.getnameinfo([HOSTv6, 0, 0xffffffff], 0));
  withSock(socket.socket(socket.AF_INET6, socket.SOCK_STREAM), (s) => {
    assertRaises(OverflowError, () => s.bind([HOSTv6, 0, -10]));
  });
});

test('GeneralModuleTests.test_getaddrinfo_ipv6_basic', () => {
  const res = socket.getaddrinfo('ff02::1de:c0:face:8D', 1234, socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP);
  assert.is(res.length, 1);
  assert.equal(res[0][4], ['ff02::1de:c0:face:8d', 1234, 0, 0]);
});

needs(test, socket, 'getfqdn')('GeneralModuleTests.test_getfqdn_filter_localhost', () => {
  assert.is(socket.getfqdn('0.0.0.0'), socket.getfqdn());
  assert.is(socket.getfqdn('::'), socket.getfqdn());
});

test('GeneralModuleTests.test_getaddrinfo_ipv6_scopeid_symbolic', () => {
  const [ifindex, test_interface] = socket.if_nameindex()[0];
  const res = socket.getaddrinfo(`ff02::1de:c0:face:8D%${test_interface}`, 1234, socket.AF_INET6, socket.SOCK_DGRAM,
    socket.IPPROTO_UDP);
  assert.is(res.length, 1);
  assert.equal(res[0][4], ['ff02::1de:c0:face:8d', 1234, 0, ifindex]);
});

// CPython runs this one on Windows only ("also works on Linux"); checked on this machine.
test('GeneralModuleTests.test_getaddrinfo_ipv6_scopeid_numeric', () => {
  const ifindex = 42;
  const res = socket.getaddrinfo(`ff02::1de:c0:face:8D%${ifindex}`, 1234, socket.AF_INET6, socket.SOCK_DGRAM,
    socket.IPPROTO_UDP);
  assert.is(res.length, 1);
  assert.equal(res[0][4], ['ff02::1de:c0:face:8d', 1234, 0, ifindex]);
});

test('GeneralModuleTests.test_getnameinfo_ipv6_scopeid_symbolic', () => {
  const [ifindex, test_interface] = socket.if_nameindex()[0];
  const nameinfo = socket.getnameinfo(['ff02::1de:c0:face:8D', 1234, 0, ifindex],
    socket.NI_NUMERICHOST | socket.NI_NUMERICSERV);
  assert.equal(nameinfo, [`ff02::1de:c0:face:8d%${test_interface}`, '1234']);
});

// Windows-only in CPython; on this machine CPython gives '%42'.
test('GeneralModuleTests.test_getnameinfo_ipv6_scopeid_numeric', () => {
  const ifindex = 42;
  const nameinfo = socket.getnameinfo(['ff02::1de:c0:face:8D', 1234, 0, ifindex],
    socket.NI_NUMERICHOST | socket.NI_NUMERICSERV);
  assert.equal(nameinfo, [`ff02::1de:c0:face:8d%${ifindex}`, '1234']);
});

test('GeneralModuleTests.test_str_for_enums', () => {
  // adapted: IntEnum values are plain numbers here; str() of them is the number
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM), (s) => {
    assert.is(s.family, socket.AF_INET);
    assert.is(s.type, socket.SOCK_STREAM);
    assert.is(String(s.family), '2');
    assert.is(String(s.type), '1');
  });
});

test('GeneralModuleTests.test_socket_consistent_sock_type', () => {
  const sock_type = socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC;
  withSock(socket.socket(socket.AF_INET, sock_type), (s) => {
    assert.is(s.type, socket.SOCK_STREAM);
    s.settimeout(1);
    assert.is(s.type, socket.SOCK_STREAM);
    s.settimeout(0);
    assert.is(s.type, socket.SOCK_STREAM);
    s.setblocking(true);
    assert.is(s.type, socket.SOCK_STREAM);
    s.setblocking(false);
    assert.is(s.type, socket.SOCK_STREAM);
  });
});

test('GeneralModuleTests.test_unknown_socket_family_repr', () => {
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const fd = sock.detach();
  // max(AddressFamily)+1 and max(SocketKind minus the flags)+1, from CPython here
  const unknown_family = 43;
  const unknown_type = 6;
  withSock(socket.socket(unknown_family, unknown_type, 23, fd), (s) => {
    assert.is(s.family, unknown_family);
    assert.is(s.type, unknown_type);
    assert.ok([0, 23].includes(s.proto));
  });
});

test.skip('GeneralModuleTests.test__sendfile_use_sendfile (socket.py internals)');

function _test_socket_fileno(s, family, stype) {
  assert.is(s.family, family);
  assert.is(s.type, stype);
  const fd = s.fileno();
  const s2 = pool.add(socket.socket(undefined, undefined, undefined, fd));
  s.detach();
  assert.is(s2.family, family);
  assert.is(s2.type, stype);
  assert.is(s2.fileno(), fd);
}

test('GeneralModuleTests.test_socket_fileno', () => {
  let s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  s.bind([HOSTv4, 0]);
  _test_socket_fileno(s, socket.AF_INET, socket.SOCK_STREAM);
  s = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  s.bind([HOSTv4, 0]);
  _test_socket_fileno(s, socket.AF_INET, socket.SOCK_DGRAM);
  s = pool.add(socket.socket(socket.AF_INET6, socket.SOCK_STREAM));
  s.bind([HOSTv6, 0, 0, 0]);
  _test_socket_fileno(s, socket.AF_INET6, socket.SOCK_STREAM);
  const tmpdir = tempDir();
  cleanups.push(() => removeDir(tmpdir));
  s = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM));
  s.bind(join(tmpdir, 'socket'));
  _test_socket_fileno(s, socket.AF_UNIX, socket.SOCK_STREAM);
});

test('GeneralModuleTests.test_socket_fileno_rejects_float', () => {
  assertRaises(TypeError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, 42.5));
});

test('GeneralModuleTests.test_socket_fileno_rejects_other_types', () => {
  assertRaises(TypeError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, 'foo'));
});

test('GeneralModuleTests.test_socket_fileno_rejects_invalid_socket', () => {
  const e = assertRaises(ValueError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, -1));
  assert.match(e.message, /negative file descriptor/);
});

test('GeneralModuleTests.test_socket_fileno_rejects_negative', () => {
  const e = assertRaises(ValueError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, -42));
  assert.match(e.message, /negative file descriptor/);
});

// os_helper.make_bad_fd(): a descriptor opened then closed.
function make_bad_fd() {
  const fd = openSync('/dev/null', 'r');
  closeSync(fd);
  return fd;
}

test('GeneralModuleTests.test_socket_fileno_requires_valid_fd', () => {
  let e = assertRaises(OSError, () => socket.socket(undefined, undefined, undefined, make_bad_fd()));
  assert.is(e.errno, E.EBADF);
  e = assertRaises(OSError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, make_bad_fd()));
  assert.is(e.errno, E.EBADF);
});

test('GeneralModuleTests.test_socket_fileno_requires_socket_fd', () => {
  const dir = tempDir();
  cleanups.push(() => removeDir(dir));
  const path = join(dir, 'afile');
  writeFileSync(path, '');
  const fd = openSync(path, 'r+');
  cleanups.push(() => closeSync(fd));
  assertRaises(OSError, () => socket.socket(undefined, undefined, undefined, fd));
  const e = assertRaises(OSError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, fd));
  assert.is(e.errno, E.ENOTSOCK);
});

test.skip('GeneralModuleTests.test_{addressfamily,socketkind,msgflag,addressinfo}_enum (IntEnum classes: values are plain numbers)');

// ============================================================ BasicTCPTest

function basicTCP(prefix, connect) {
  test(`${prefix}.testRecv`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    eqBytes(t.cli_conn.recv(1024), MSG);
  });

  test(`${prefix}.testOverFlowRecv`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const seg1 = t.cli_conn.recv(MSG.length - 3);
    const seg2 = t.cli_conn.recv(1024);
    eqBytes(concat(seg1, seg2), MSG);
  });

  test(`${prefix}.testRecvFrom`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const [msg] = t.cli_conn.recvfrom(1024);
    eqBytes(msg, MSG);
  });

  test(`${prefix}.testOverFlowRecvFrom`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const [seg1] = t.cli_conn.recvfrom(MSG.length - 3);
    const [seg2] = t.cli_conn.recvfrom(1024);
    eqBytes(concat(seg1, seg2), MSG);
  });

  test(`${prefix}.testSendAll`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.sendall(b('f'.repeat(2048)));
    t.serv_conn.close(); // clientTearDown
    const parts = [];
    for (;;) {
      const read = t.cli_conn.recv(1024);
      if (read.length === 0) break;
      parts.push(read);
    }
    eqBytes(concat(...parts), b('f'.repeat(2048)));
  });

  test(`${prefix}.testFromFd`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const sock = pool.add(socket.fromfd(t.cli_conn.fileno(), socket.AF_INET, socket.SOCK_STREAM));
    assert.ok(sock instanceof socket.socket);
    eqBytes(sock.recv(1024), MSG);
  });

  test(`${prefix}.testDup`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const sock = pool.add(t.cli_conn.dup());
    eqBytes(sock.recv(1024), MSG);
  });

  test(`${prefix}.testShutdown`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    t.serv_conn.shutdown(2);
    eqBytes(t.cli_conn.recv(1024), MSG);
  });

  test(`${prefix}.testShutdown_overflow`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    assertRaises(OverflowError, () => t.serv_conn.shutdown(INT_MAX + 1));
    assertRaises(OverflowError, () => t.serv_conn.shutdown(2 + (UINT_MAX + 1)));
    t.serv_conn.shutdown(2);
    eqBytes(t.cli_conn.recv(1024), MSG);
  });

  test(`${prefix}.testDetach`, () => {
    const t = SocketConnectedTest(connect);
    t.serv_conn.send(MSG);
    const fileno = t.cli_conn.fileno();
    const f = t.cli_conn.detach();
    assert.is(f, fileno);
    // cli_conn._closed (socket.py's private flag) has no counterpart; fileno() is -1
    assert.is(t.cli_conn.fileno(), -1);
    assertRaises(OSError, () => t.cli_conn.recv(1024));
    t.cli_conn.close();
    const sock = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM, undefined, f));
    eqBytes(sock.recv(1024), MSG);
  });
}

basicTCP('BasicTCPTest');
// NetworkConnectionTest: the client is socket.create_connection((HOST, port)).
basicTCP('BasicTCPTest2', (t) => socket.create_connection([HOST, t.port]));

// ============================================================ BasicUDPTest

test('BasicUDPTest.testSendtoAndRecv', () => {
  const { serv, port } = SocketUDPTest();
  const cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  cli.sendto(MSG, 0, [HOST, port]);
  eqBytes(serv.recv(MSG.length), MSG);
});

test('BasicUDPTest.testRecvFrom', () => {
  const { serv, port } = SocketUDPTest();
  const cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  cli.sendto(MSG, 0, [HOST, port]);
  const [msg] = serv.recvfrom(MSG.length);
  eqBytes(msg, MSG);
});

test('BasicUDPTest.testRecvFromNegative', () => {
  const { serv, port } = SocketUDPTest();
  const cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  cli.sendto(MSG, 0, [HOST, port]);
  assertRaises(ValueError, () => serv.recvfrom(-1));
});

// =========================================================== TCPCloserTest

test('TCPCloserTest.testClose', () => {
  const t = ThreadedTCPSocketTest();
  t.cli.connect([HOST, t.port]);
  const [conn] = t.serv.accept();
  conn.close();
  const sd = t.cli;
  // select.select([sd], [], [], 1.0) == [sd]: readable within 1 s, here a 1 s timeout
  sd.settimeout(1.0);
  eqBytes(sd.recv(1), []);
  conn.close();
  conn.close();
});

// ===================================================== BasicSocketPairTest

function SocketPairTest() {
  const [serv, cli] = socket.socketpair();
  pool.add(serv, cli);
  return { serv, cli };
}

function _check_defaults(sock) {
  assert.ok(sock instanceof socket.socket);
  assert.is(sock.family, socket.AF_UNIX);
  assert.is(sock.type, socket.SOCK_STREAM);
  assert.is(sock.proto, 0);
}

test('BasicSocketPairTest.testDefaults', () => {
  const { serv, cli } = SocketPairTest();
  _check_defaults(serv);
  _check_defaults(cli);
});

test('BasicSocketPairTest.testRecv', () => {
  const { serv, cli } = SocketPairTest();
  cli.send(MSG);
  eqBytes(serv.recv(1024), MSG);
});

test('BasicSocketPairTest.testSend', () => {
  const { serv, cli } = SocketPairTest();
  serv.send(MSG);
  eqBytes(cli.recv(1024), MSG);
});

// ====================================================== NonBlockingTCPTests

function assert_sock_timeout(t, sock, timeout) {
  assert.is(t.serv.gettimeout(), timeout);
  assert.is(sock.getblocking(), timeout !== 0);
  // a socket with a timeout is non-blocking inside; only None is blocking
  const fd_blocking = timeout === null;
  assert.is((fdFlags(sock.fileno()) & O_NONBLOCK) === 0, fd_blocking, `O_NONBLOCK for timeout ${timeout}`);
}

test('NonBlockingTCPTests.testSetBlocking', () => {
  const t = ThreadedTCPSocketTest();
  t.serv.setblocking(true);
  assert_sock_timeout(t, t.serv, null);
  t.serv.setblocking(false);
  assert_sock_timeout(t, t.serv, 0);
  t.serv.settimeout(null);
  assert_sock_timeout(t, t.serv, null);
  t.serv.settimeout(0);
  assert_sock_timeout(t, t.serv, 0);
  t.serv.settimeout(10);
  assert_sock_timeout(t, t.serv, 10);
  t.serv.settimeout(0);
  assert_sock_timeout(t, t.serv, 0);
});

test('NonBlockingTCPTests.testSetBlocking_overflow', () => {
  const t = ThreadedTCPSocketTest();
  t.serv.setblocking(false);
  assert_sock_timeout(t, t.serv, 0);
  t.serv.setblocking(UINT_MAX + 1);
  assert_sock_timeout(t, t.serv, null);
});

test('NonBlockingTCPTests.testInitNonBlocking', () => {
  const t = ThreadedTCPSocketTest();
  t.serv.close();
  t.serv = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK));
  assert_sock_timeout(t, t.serv, 0);
});

test('NonBlockingTCPTests.testInheritFlagsBlocking', () => {
  const t = ThreadedTCPSocketTest();
  socket.setdefaulttimeout(null);
  t.serv.settimeout(10);
  t.cli.connect([HOST, t.port]);
  const [conn] = t.serv.accept();
  pool.add(conn);
  assert.is(conn.gettimeout(), null);
});

test('NonBlockingTCPTests.testInheritFlagsTimeout', () => {
  const t = ThreadedTCPSocketTest();
  const default_timeout = 20.0;
  socket.setdefaulttimeout(default_timeout);
  t.serv.settimeout(10);
  t.cli.connect([HOST, t.port]);
  const [conn] = t.serv.accept();
  pool.add(conn);
  assert.is(conn.gettimeout(), default_timeout);
});

test('NonBlockingTCPTests.testAccept', () => {
  const t = ThreadedTCPSocketTest();
  t.serv.setblocking(false);
  const start = process.hrtime.bigint();
  const e = assertRaises(OSError, () => t.serv.accept()); // BlockingIOError
  assert.is(e.errno, E.EAGAIN);
  assert.ok(Number(process.hrtime.bigint() - start) / 1e9 < 1.0);
  t.cli.connect([HOST, t.port]); // event.set()
  // select for readability: the connection is queued once connect() returns
  const [conn] = t.serv.accept();
  pool.add(conn);
  assert.is(conn.gettimeout(), null);
});

test('NonBlockingTCPTests.testRecv', () => {
  const t = ThreadedTCPSocketTest();
  t.cli.connect([HOST, t.port]);
  const [conn] = t.serv.accept();
  pool.add(conn);
  conn.setblocking(false);
  const e = assertRaises(OSError, () => conn.recv(MSG.length)); // BlockingIOError
  assert.is(e.errno, E.EAGAIN);
  t.cli.sendall(MSG);
  blockFor(50); // select([conn], ...): loopback delivery is immediate; a margin all the same
  eqBytes(conn.recv(MSG.length), MSG);
});

// ================================================== FileObjectClassTestCase

// The variants: [name, bufsize, read_mode, read_msg, write_mode, write_msg, newline]
const fileVariants = [
  ['FileObjectClassTestCase', -1, 'rb', MSG, 'wb', MSG],
  ['UnbufferedFileObjectClassTestCase', 0, 'rb', MSG, 'wb', MSG],
  ['LineBufferedFileObjectClassTestCase', 1, 'rb', MSG, 'wb', MSG],
  ['SmallBufferedFileObjectClassTestCase', 2, 'rb', MSG, 'wb', MSG],
  ['UnicodeReadFileObjectClassTestCase', -1, 'r', MSG_TEXT, 'wb', MSG],
  ['UnicodeWriteFileObjectClassTestCase', -1, 'rb', MSG, 'w', MSG_TEXT],
  ['UnicodeReadWriteFileObjectClassTestCase', -1, 'r', MSG_TEXT, 'w', MSG_TEXT],
];

function eqMsg(got, want) {
  if (typeof want === 'string') assert.is(got, want);
  else eqBytes(got, want);
}
const join2 = (a, c) => (typeof a === 'string' ? a + c : concat(a, c));

function fileObjectTests([name, bufsize, read_mode, read_msg, write_mode, write_msg]) {
  const newline = typeof read_msg === 'string' || typeof write_msg === 'string' ? '' : null;
  function setUp() {
    const t = SocketConnectedTest();
    t.read_file = t.cli_conn.makefile(read_mode, bufsize, 'utf-8', 'strict', newline);
    t.write_file = t.serv_conn.makefile(write_mode, bufsize, 'utf-8', 'strict', newline);
    cleanups.push(() => {
      t.read_file.close();
      t.write_file.close();
    });
    return t;
  }
  const T = (n, fn) => test(`${name}.${n}`, () => fn(setUp()));

  T('testReadAfterTimeout', (t) => {
    t.write_file.write(write_msg.slice(0, 3));
    t.write_file.flush();
    t.cli_conn.settimeout(1);
    t.read_file.read(3);
    assertRaises(socket.timeout, () => t.read_file.read(1));
    const e = assertRaises(OSError, () => t.read_file.read(1));
    assert.ok(e.message.includes('cannot read from timed out object'), e.message);
  });

  T('testSmallRead', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    const first_seg = t.read_file.read(read_msg.length - 3);
    const second_seg = t.read_file.read(3);
    eqMsg(join2(first_seg, second_seg), read_msg);
  });

  T('testFullRead', (t) => {
    t.write_file.write(write_msg);
    t.write_file.close();
    t.serv_conn.close(); // clientTearDown
    eqMsg(t.read_file.read(), read_msg);
  });

  T('testUnbufferedRead', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    t.write_file.close(); // clientTearDown: the loop below reads to EOF
    t.serv_conn.close();
    let buf = typeof read_msg === 'string' ? '' : new Uint8Array(0);
    for (;;) {
      const char = t.read_file.read(1);
      if (char.length === 0) break;
      buf = join2(buf, char);
    }
    eqMsg(buf, read_msg);
  });

  T('testReadline', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    eqMsg(t.read_file.readline(), read_msg);
  });

  T('testCloseAfterMakefile', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    t.write_file.close();
    t.serv_conn.close(); // clientTearDown
    t.cli_conn.close();
    eqMsg(t.read_file.read(), read_msg);
  });

  T('testMakefileAfterMakefileClose', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    t.read_file.close();
    let msg = t.cli_conn.recv(MSG.length);
    if (typeof read_msg === 'string') msg = Buffer.from(msg).toString('utf8');
    eqMsg(msg, read_msg);
  });

  T('testClosedAttr', (t) => {
    assert.ok(!t.read_file.closed);
    assert.ok(!t.write_file.closed);
  });

  T('testAttributes', (t) => {
    assert.is(t.read_file.mode, read_mode);
    assert.is(t.read_file.name, t.cli_conn.fileno());
    assert.is(t.write_file.mode, write_mode);
    assert.is(t.write_file.name, t.serv_conn.fileno());
  });

  T('testRealClose', (t) => {
    t.read_file.close();
    assertRaises(ValueError, () => t.read_file.fileno());
    t.cli_conn.close();
    assertRaises(OSError, () => t.cli_conn.getsockname());
  });

  if (bufsize !== 0) return;

  T('testUnbufferedReadline', (t) => {
    t.write_file.write(concat(b('A. '), write_msg));
    t.write_file.write(concat(b('B. '), write_msg));
    t.write_file.flush();
    let line = t.read_file.readline();
    eqBytes(line, concat(b('A. '), write_msg));
    t.read_file = t.cli_conn.makefile('rb', 0);
    cleanups.push(() => t.read_file.close());
    line = t.read_file.readline();
    eqBytes(line, concat(b('B. '), write_msg));
  });

  T('testMakefileClose', (t) => {
    t.write_file.write(write_msg);
    t.write_file.flush();
    t.cli_conn.close();
    eqMsg(t.cli_conn.recv(1024), read_msg);
    t.read_file.close();
    assertRaises(OSError, () => t.cli_conn.recv(1024));
  });

  test.skip(`${name}.testMakefileCloseSocketDestroy (sys.getrefcount)`);

  T('testSmallReadNonBlocking', (t) => {
    t.cli_conn.setblocking(false);
    assert.is(t.read_file.readinto(new Uint8Array(10)), null);
    assert.is(t.read_file.read(read_msg.length - 3), null);
    t.write_file.write(write_msg);
    t.write_file.flush();
    blockFor(50);
    const first_seg = t.read_file.read(read_msg.length - 3);
    const buf = new Uint8Array(10);
    const n = t.read_file.readinto(buf);
    assert.is(n, 3);
    eqMsg(concat(first_seg, buf.subarray(0, n)), read_msg);
    assert.is(t.read_file.readinto(new Uint8Array(16)), null);
    assert.is(t.read_file.read(1), null);
  });

  T('testWriteNonBlocking', (t) => {
    t.serv_conn.setblocking(false);
    const BIG = new Uint8Array(16777217).fill(0x78); // support.SOCK_MAX_SIZE
    let n = t.write_file.write(BIG);
    assert.ok(n > 0);
    let saturated = false;
    for (let i = 0; i < 10; i++) {
      n = t.write_file.write(BIG);
      if (n === null) {
        saturated = true;
        break;
      }
      assert.ok(n > 0);
    }
    assert.ok(saturated, 'failed to saturate the socket buffer');
  });
}

for (const v of fileVariants) fileObjectTests(v);

// ================================================ NetworkConnectionNoServer

test('NetworkConnectionNoServer.test_connect', () => {
  const port = find_unused_port();
  const cli = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  const e = assertRaises(OSError, () => cli.connect([HOST, port]));
  assert.is(e.errno, E.ECONNREFUSED);
});

test('NetworkConnectionNoServer.test_create_connection', () => {
  const port = find_unused_port();
  const e = assertRaises(OSError, () => socket.create_connection([HOST, port]));
  assert.ok([E.ECONNREFUSED, 101, E.EADDRNOTAVAIL].includes(e.errno), `errno ${e.errno}`);
});

// Python's ExceptionGroup is JavaScript's AggregateError; all_errors is the fourth positional.
test('NetworkConnectionNoServer.test_create_connection_all_errors', () => {
  const port = find_unused_port();
  let eg = null;
  try {
    socket.create_connection([HOST, port], undefined, null, true);
  } catch (e) {
    eg = e;
  }
  assert.ok(eg instanceof AggregateError, 'expected connection to fail');
  for (const e of eg.errors) assert.ok(e instanceof socket.error);
  // an exception for each address
  assert.is(eg.errors.length, socket.getaddrinfo('localhost', port, 0, socket.SOCK_STREAM).length);
});
test.skip('NetworkConnectionNoServer.test_create_connection_timeout (monkeypatches socket.socket)');

// =========================================== NetworkConnectionAttributesTest

function attributesTest(name, client) {
  test(`NetworkConnectionAttributesTest.${name}`, () => {
    const t = SocketTCPTest();
    t.source_port = find_unused_port();
    const cli = client(t);
    pool.add(cli);
    const [conn] = t.serv.accept(); // _justAccept
    conn.close();
  });
}

attributesTest('testFamily', (t) => {
  const cli = socket.create_connection([HOST, t.port], LOOPBACK_TIMEOUT);
  assert.is(cli.family, 2);
  return cli;
});

attributesTest('testSourceAddress', (t) => {
  const cli = socket.create_connection([HOST, t.port], LOOPBACK_TIMEOUT, ['', t.source_port]);
  assert.is(cli.getsockname()[1], t.source_port);
  return cli;
});

attributesTest('testTimeoutDefault', (t) => {
  assert.is(socket.getdefaulttimeout(), null);
  socket.setdefaulttimeout(42);
  let cli;
  try {
    cli = socket.create_connection([HOST, t.port]);
  } finally {
    socket.setdefaulttimeout(null);
  }
  assert.is(cli.gettimeout(), 42);
  return cli;
});

attributesTest('testTimeoutNone', (t) => {
  assert.is(socket.getdefaulttimeout(), null);
  socket.setdefaulttimeout(30);
  let cli;
  try {
    cli = socket.create_connection([HOST, t.port], null);
  } finally {
    socket.setdefaulttimeout(null);
  }
  assert.is(cli.gettimeout(), null);
  return cli;
});

attributesTest('testTimeoutValueNamed', (t) => {
  const cli = socket.create_connection([HOST, t.port], 30);
  assert.is(cli.gettimeout(), 30);
  return cli;
});

attributesTest('testTimeoutValueNonamed', (t) => {
  const cli = socket.create_connection([HOST, t.port], 30);
  assert.is(cli.gettimeout(), 30);
  return cli;
});

// ============================================ NetworkConnectionBehaviourTest

test('NetworkConnectionBehaviourTest.testInsideTimeout', async () => {
  const t = SocketTCPTest();
  // the server (a python3 child with the listener as fd 3): accept, sleep, send
  const peer = pythonPeer([
    'import socket, time',
    's = socket.socket(fileno=3)',
    'conn, addr = s.accept()',
    'time.sleep(3)',
    'conn.send(b"done!")',
    'conn.close()',
  ].join('\n'), [t.serv.fileno()]);
  const sock = pool.add(socket.create_connection([HOST, t.port]));
  const data = sock.recv(5);
  eqBytes(data, b('done!'));
  await peer;
});

test('NetworkConnectionBehaviourTest.testOutsideTimeout', () => {
  const t = SocketTCPTest();
  const sock = pool.add(socket.create_connection([HOST, t.port], 1));
  const [conn] = t.serv.accept();
  pool.add(conn); // the server sleeps 3 s before sending: nothing arrives in 1 s
  assertRaises(socket.timeout, () => sock.recv(5));
});

// ============================================================ TCPTimeoutTest

test('TCPTimeoutTest.testTCPTimeout', () => {
  const { serv } = SocketTCPTest();
  assertRaises(socket.timeout, () => {
    serv.settimeout(1.0);
    serv.accept();
  });
});

test('TCPTimeoutTest.testTimeoutZero', () => {
  const { serv } = SocketTCPTest();
  let ok = false;
  try {
    serv.settimeout(0.0);
    serv.accept();
  } catch (e) {
    if (e instanceof socket.timeout) assert.unreachable('caught timeout instead of error (TCP)');
    if (!(e instanceof OSError)) assert.unreachable('caught unexpected exception (TCP)');
    ok = true;
  }
  if (!ok) assert.unreachable('accept() returned success when we did not expect it');
});

test.skip('TCPTimeoutTest.testInterruptedTimeout (signal.alarm handler raising inside accept())');

// ============================================================ UDPTimeoutTest

test('UDPTimeoutTest.testUDPTimeout', () => {
  const { serv } = SocketUDPTest();
  assertRaises(socket.timeout, () => {
    serv.settimeout(1.0);
    serv.recv(1024);
  });
});

test('UDPTimeoutTest.testTimeoutZero', () => {
  const { serv } = SocketUDPTest();
  let ok = false;
  try {
    serv.settimeout(0.0);
    serv.recv(1024);
  } catch (e) {
    if (e instanceof socket.timeout) assert.unreachable('caught timeout instead of error (UDP)');
    if (!(e instanceof OSError)) assert.unreachable('caught unexpected exception (UDP)');
    ok = true;
  }
  if (!ok) assert.unreachable('recv() returned success when we did not expect it');
});

// ============================================================ TestExceptions

test('TestExceptions.testExceptionTree', () => {
  assert.ok(socket.error.prototype instanceof Error); // issubclass(OSError, Exception)
  assert.ok(socket.herror.prototype instanceof socket.error);
  assert.ok(socket.gaierror.prototype instanceof socket.error);
  assert.ok(socket.timeout.prototype instanceof socket.error);
  // socket.error is OSError and socket.timeout is TimeoutError: no separate builtins here
});

test('TestExceptions.test_setblocking_invalidfd', () => {
  const sock0 = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0);
  const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, sock0.fileno());
  sock0.close();
  try {
    assertRaises(OSError, () => sock.setblocking(false));
  } finally {
    sock.detach();
  }
});

// ================================================ TestLinuxAbstractNamespace

const UNIX_PATH_MAX = 108;

test('TestLinuxAbstractNamespace.testLinuxAbstractNamespace', () => {
  const address = b('\x00python-test-hello\x00\xff');
  withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s1) => {
    s1.bind(address);
    s1.listen();
    withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s2) => {
      s2.connect(s1.getsockname());
      withSock(s1.accept()[0], () => {
        eqBytes(s1.getsockname(), address);
        eqBytes(s2.getpeername(), address);
      });
    });
  });
});

test('TestLinuxAbstractNamespace.testMaxName', () => {
  const address = b('\x00' + 'h'.repeat(UNIX_PATH_MAX - 1));
  withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s) => {
    s.bind(address);
    eqBytes(s.getsockname(), address);
  });
});

test('TestLinuxAbstractNamespace.testNameOverflow', () => {
  const address = '\x00' + 'h'.repeat(UNIX_PATH_MAX);
  withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s) => {
    assertRaises(OSError, () => s.bind(address));
  });
});

test('TestLinuxAbstractNamespace.testStrName', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind('\x00python\x00test\x00');
    eqBytes(s.getsockname(), b('\x00python\x00test\x00'));
  } finally {
    s.close();
  }
});

test('TestLinuxAbstractNamespace.testBytearrayName', () => {
  withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s) => {
    s.bind(Buffer.from(b('\x00python\x00test\x00')));
    eqBytes(s.getsockname(), b('\x00python\x00test\x00'));
  });
});

test('TestLinuxAbstractNamespace.testAutobind', () => {
  const abstract_address = /^\0[0-9a-f]{5}/;
  const latin = (u8) => Buffer.from(u8).toString('latin1');
  withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s1) => {
    s1.bind('');
    assert.ok(s1.getsockname() instanceof Uint8Array);
    assert.match(latin(s1.getsockname()), abstract_address);
    withSock(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), (s2) => {
      s2.bind('');
      assert.match(latin(s2.getsockname()), abstract_address);
      assert.is.not(latin(s1.getsockname()), latin(s2.getsockname()));
    });
  });
});

// ============================================================ TestUnixDomain

function TestUnixDomain() {
  const sock = pool.add(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM));
  const dir = tempDir();
  cleanups.push(() => removeDir(dir));
  return { sock, dir };
}

test('TestUnixDomain.testUnbound', () => {
  const { sock } = TestUnixDomain();
  assert.ok(['', null].includes(sock.getsockname()), String(sock.getsockname()));
});

test('TestUnixDomain.testStrAddr', () => {
  const { sock, dir } = TestUnixDomain();
  const path = join(dir, '@test_tmp');
  sock.bind(path);
  assert.is(sock.getsockname(), path);
});

test('TestUnixDomain.testBytesAddr', () => {
  const { sock, dir } = TestUnixDomain();
  const path = join(dir, '@test_tmp');
  sock.bind(new Uint8Array(Buffer.from(path)));
  assert.is(sock.getsockname(), path);
});

// adapted: a str with surrogateescape'd bytes has no JS form; a non-ASCII str (TESTFN_UNICODE) instead
test('TestUnixDomain.testSurrogateescapeBind', () => {
  const { sock, dir } = TestUnixDomain();
  const path = join(dir, '@test_tmp-\u00e0\u00f2\u0258\u0141\u011f');
  sock.bind(path);
  assert.is(sock.getsockname(), path);
});

test.skip('TestUnixDomain.testUnencodableAddr (TESTFN_UNENCODABLE has a lone surrogate: no JS/UTF-8 form)');
test.skip('TestUnixDomain.testEmptyAddress (CPython skips it on Linux)');

// ============================================================== BufferIOTest

function bufferIO(name, fn, send = (t) => t.serv_conn.send(MSG)) {
  test(`BufferIOTest.${name}`, () => {
    const t = SocketConnectedTest();
    send(t);
    fn(t);
  });
}

bufferIO('testRecvIntoArray', (t) => {
  const buf = new Uint8Array(MSG.length); // array.array('B')
  const nbytes = t.cli_conn.recv_into(buf);
  assert.is(nbytes, MSG.length);
  eqBytes(buf.subarray(0, MSG.length), MSG);
});

bufferIO('testRecvIntoBytearray', (t) => {
  const buf = Buffer.alloc(1024);
  const nbytes = t.cli_conn.recv_into(buf);
  assert.is(nbytes, MSG.length);
  eqBytes(buf.subarray(0, MSG.length), MSG);
});

bufferIO('testRecvIntoMemoryview', (t) => {
  const ab = new ArrayBuffer(1024);
  const nbytes = t.cli_conn.recv_into(new DataView(ab)); // memoryview(buf)
  assert.is(nbytes, MSG.length);
  eqBytes(new Uint8Array(ab, 0, MSG.length), MSG);
});

bufferIO('testRecvFromIntoArray', (t) => {
  const buf = new Uint8Array(MSG.length);
  const [nbytes] = t.cli_conn.recvfrom_into(buf);
  assert.is(nbytes, MSG.length);
  eqBytes(buf.subarray(0, MSG.length), MSG);
});

bufferIO('testRecvFromIntoBytearray', (t) => {
  const buf = Buffer.alloc(1024);
  const [nbytes] = t.cli_conn.recvfrom_into(buf);
  assert.is(nbytes, MSG.length);
  eqBytes(buf.subarray(0, MSG.length), MSG);
});

bufferIO('testRecvFromIntoMemoryview', (t) => {
  const ab = new ArrayBuffer(1024);
  const [nbytes] = t.cli_conn.recvfrom_into(new DataView(ab));
  assert.is(nbytes, MSG.length);
  eqBytes(new Uint8Array(ab, 0, MSG.length), MSG);
});

bufferIO('testRecvFromIntoSmallBuffer', (t) => {
  const buf = Buffer.alloc(8);
  assertRaises(ValueError, () => t.cli_conn.recvfrom_into(buf, 1024));
});

bufferIO('testRecvFromIntoEmptyBuffer', (t) => {
  const buf = Buffer.alloc(0);
  t.cli_conn.recvfrom_into(buf);
  t.cli_conn.recvfrom_into(buf, 0);
});

// ======================================================== ContextManagersTest

// `with sock:` is try/finally sock.close() ([Symbol.dispose]); sock._closed is fileno() == -1.
test('ContextManagersTest.testSocketClass', () => {
  let sock = socket.socket();
  try {
    assert.is.not(sock.fileno(), -1);
  } finally {
    sock[Symbol.dispose]();
  }
  assert.is(sock.fileno(), -1);
  sock = socket.socket();
  try {
    sock.close();
  } finally {
    sock[Symbol.dispose]();
  }
  assert.is(sock.fileno(), -1);
  sock = socket.socket();
  try {
    assertRaises(OSError, () => sock.sendall(b('foo')));
  } finally {
    sock[Symbol.dispose]();
  }
  assert.is(sock.fileno(), -1);
});

test('ContextManagersTest.testCreateConnectionBase', () => {
  const { serv } = SocketTCPTest();
  const address = serv.getsockname();
  const sock = socket.create_connection(address);
  try {
    assert.is.not(sock.fileno(), -1);
    sock.sendall(b('foo'));
    const [conn] = serv.accept();
    pool.add(conn);
    conn.sendall(conn.recv(1024));
    eqBytes(sock.recv(1024), b('foo'));
  } finally {
    sock[Symbol.dispose]();
  }
  assert.is(sock.fileno(), -1);
});

test('ContextManagersTest.testCreateConnectionClose', () => {
  const { serv } = SocketTCPTest();
  const address = serv.getsockname();
  const sock = socket.create_connection(address);
  try {
    sock.close();
  } finally {
    sock[Symbol.dispose]();
  }
  assert.is(sock.fileno(), -1);
  assertRaises(OSError, () => sock.sendall(b('foo')));
});

// ============================================================ InheritanceTest

needs(test, socket.socket.prototype, 'get_inheritable')('InheritanceTest.test_SOCK_CLOEXEC', () => {
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC), (s) => {
    assert.is(s.type, socket.SOCK_STREAM);
    assert.is(s.get_inheritable(), false);
  });
});

needs(test, socket.socket.prototype, 'get_inheritable')('InheritanceTest.test_default_inheritable', () => {
  withSock(socket.socket(), (sock) => assert.is(sock.get_inheritable(), false));
});

needs(test, socket.socket.prototype, 'get_inheritable')('InheritanceTest.test_dup', () => {
  withSock(socket.socket(), (sock) => {
    const newsock = sock.dup();
    sock.close();
    withSock(newsock, () => assert.is(newsock.get_inheritable(), false));
  });
});

needs(test, socket.socket.prototype, 'set_inheritable')('InheritanceTest.test_set_inheritable', () => {
  withSock(socket.socket(), (sock) => {
    sock.set_inheritable(true);
    assert.is(sock.get_inheritable(), true);
    sock.set_inheritable(false);
    assert.is(sock.get_inheritable(), false);
  });
});

needs(test, socket.socket.prototype, 'get_inheritable')('InheritanceTest.test_socketpair', () => {
  const [s1, s2] = pool.add(...socket.socketpair());
  assert.is(s1.get_inheritable(), false);
  assert.is(s2.get_inheritable(), false);
});

// The descriptor-level half of InheritanceTest, without get_inheritable: FD_CLOEXEC is set
// (O_CLOEXEC in /proc's flags) on every socket wasock makes.
test('InheritanceTest (descriptors are close-on-exec: socket, SOCK_CLOEXEC, dup, socketpair, accept)', () => {
  const cloexec = (s) => (fdFlags(s.fileno()) & 0o2000000) !== 0;
  const s = pool.add(socket.socket());
  assert.ok(cloexec(s), 'socket()');
  assert.ok(cloexec(pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC))), 'SOCK_CLOEXEC');
  assert.ok(cloexec(pool.add(s.dup())), 'dup()');
  const [a, c] = pool.add(...socket.socketpair());
  assert.ok(cloexec(a) && cloexec(c), 'socketpair()');
  const [cli, conn] = (() => {
    const { serv, port } = SocketTCPTest();
    const k = pool.add(socket.socket());
    k.connect([HOST, port]);
    return [k, pool.add(serv.accept()[0])];
  })();
  assert.ok(cloexec(cli) && cloexec(conn), 'accept()');
});

// ======================================================= NonblockConstantTest

function checkNonblock(s, nonblock = true, timeout = 0.0) {
  assert.is(s.type, socket.SOCK_STREAM);
  if (nonblock) {
    assert.is(s.gettimeout(), timeout);
    assert.ok(fdFlags(s.fileno()) & O_NONBLOCK);
    assert.is(s.getblocking(), timeout !== 0);
  } else {
    assert.is(s.gettimeout(), null);
    assert.not.ok(fdFlags(s.fileno()) & O_NONBLOCK);
    assert.ok(s.getblocking());
  }
}

test('NonblockConstantTest.test_SOCK_NONBLOCK', () => {
  withSock(socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK), (s) => {
    checkNonblock(s);
    s.setblocking(true);
    checkNonblock(s, false);
    s.setblocking(false);
    checkNonblock(s);
    s.settimeout(null);
    checkNonblock(s, false);
    s.settimeout(2.0);
    checkNonblock(s, true, 2.0);
    s.setblocking(true);
    checkNonblock(s, false);
  });
  const t = socket.getdefaulttimeout();
  socket.setdefaulttimeout(0.0);
  withSock(socket.socket(), (s) => checkNonblock(s));
  socket.setdefaulttimeout(null);
  withSock(socket.socket(), (s) => checkNonblock(s, false));
  socket.setdefaulttimeout(2.0);
  withSock(socket.socket(), (s) => checkNonblock(s, true, 2.0));
  socket.setdefaulttimeout(null);
  withSock(socket.socket(), (s) => checkNonblock(s, false));
  socket.setdefaulttimeout(t);
});

test.skip('Ported elsewhere: sendmsg/recvmsg/SCM_RIGHTS/RFC3542/UDPLITE/send_fds (tests/cpython_msg.test.mjs), ' +
  'sendfile (tests/sendfile.test.mjs), CAN/ALG/VSOCK (tests/vm-families.test.mjs, in the VM), create_server and ' +
  'CMSG_* (tests/create_server.test.mjs). Not ported: RDS, QIPCRTR, Bluetooth (no kernel support to run them), ' +
  'TIPC (tests/tipc.test.mjs has its own cases), SCTP (EPROTONOSUPPORT here), Windows/macOS-only classes, ' +
  'InterruptedTimeoutBase (signals)');

test.run();
