// CPython 3.11's Lib/test/test_timeout.py, ported case by case (see
// cpython_socket.test.mjs for the translation rules). TCPTimeoutTestCase's
// remote peer (www.python.org, the pythontest.net blackhole) is replaced by
// loopback peers; testConnectTimeout needs the blackhole and is not ported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { Pool } from './lib/helpers.mjs';
import { HOST, bind_port, assertRaises } from './lib/cpython-support.mjs';

const pool = new Pool();
test.after.each(() => pool.close());

// ========================================================== CreationTestCase

function CreationTestCase() {
  return pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
}

test('CreationTestCase.testObjectCreation', () => {
  const sock = CreationTestCase();
  assert.is(sock.gettimeout(), null, 'timeout not disabled by default');
});

test('CreationTestCase.testFloatReturnValue', () => {
  const sock = CreationTestCase();
  sock.settimeout(7.345);
  assert.is(sock.gettimeout(), 7.345);
  sock.settimeout(3);
  assert.is(sock.gettimeout(), 3);
  sock.settimeout(null);
  assert.is(sock.gettimeout(), null);
});

test('CreationTestCase.testReturnType', () => {
  // type(gettimeout()) is float: a JS number either way
  const sock = CreationTestCase();
  sock.settimeout(1);
  assert.type(sock.gettimeout(), 'number');
  sock.settimeout(3.9);
  assert.type(sock.gettimeout(), 'number');
});

test('CreationTestCase.testTypeCheck', () => {
  const sock = CreationTestCase();
  sock.settimeout(0);
  sock.settimeout(0);
  sock.settimeout(0.0);
  sock.settimeout(null);
  // "", (), [], {} and 0j: str, tuple and list (both JS arrays), dict (an object); no complex in JS
  for (const [v, name] of [['', 'str'], ['', 'str'], [[], 'tuple'], [[], 'tuple'], [{}, 'dict']]) {
    const e = assertRaises(TypeError, () => sock.settimeout(v));
    assert.is(e.message, `'${name}' object cannot be interpreted as an integer`); // CPython's text here
  }
});

test('CreationTestCase.testRangeCheck', () => {
  const sock = CreationTestCase();
  assertRaises(RangeError, () => sock.settimeout(-1));
  assertRaises(RangeError, () => sock.settimeout(-1));
  assertRaises(RangeError, () => sock.settimeout(-1.0));
});

test('CreationTestCase.testTimeoutThenBlocking', () => {
  const sock = CreationTestCase();
  sock.settimeout(10);
  sock.setblocking(true);
  assert.is(sock.gettimeout(), null);
  sock.setblocking(false);
  assert.is(sock.gettimeout(), 0.0);

  sock.settimeout(10);
  sock.setblocking(false);
  assert.is(sock.gettimeout(), 0.0);
  sock.setblocking(true);
  assert.is(sock.gettimeout(), null);
});

test('CreationTestCase.testBlockingThenTimeout', () => {
  const sock = CreationTestCase();
  sock.setblocking(false);
  sock.settimeout(1);
  assert.is(sock.gettimeout(), 1);
  sock.setblocking(true);
  sock.settimeout(1);
  assert.is(sock.gettimeout(), 1);
});

// =========================================================== TimeoutTestCase

const fuzz = 2.0;
const localhost = HOST;

// TimeoutTestCase._sock_operation: run `method` at most `count` times; it must
// raise socket.timeout, within timeout + fuzz and after timeout - 1.0 seconds.
function _sock_operation(sock, count, timeout, method, ...args) {
  sock.settimeout(timeout);
  let delta;
  for (let i = 0; i < count; i++) {
    const t1 = process.hrtime.bigint();
    try {
      sock[method](...args);
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
      delta = Number(process.hrtime.bigint() - t1) / 1e9;
      break;
    }
  }
  if (delta === undefined) assert.unreachable('TimeoutError was not raised');
  assert.ok(delta < timeout + fuzz, `took ${delta} s`);
  assert.ok(delta > timeout - 1.0, `took ${delta} s`);
}

// ======================================================== TCPTimeoutTestCase

function TCPTimeoutTestCase() {
  return pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
}

test.skip('TCPTimeoutTestCase.testConnectTimeout (needs the pythontest.net blackhole: not loopback)');

// addr_remote (www.python.org:80) replaced by a loopback listener that never sends
test('TCPTimeoutTestCase.testRecvTimeout', () => {
  const sock = TCPTimeoutTestCase();
  const serv = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  bind_port(serv, localhost);
  serv.listen();
  sock.connect(serv.getsockname());
  _sock_operation(sock, 1, 1.5, 'recv', 1024);
});

test('TCPTimeoutTestCase.testAcceptTimeout', () => {
  const sock = TCPTimeoutTestCase();
  bind_port(sock, localhost);
  sock.listen();
  _sock_operation(sock, 1, 1.5, 'accept');
});

function connectedToSilentServer(sock) {
  const serv = pool.add(socket.socket(socket.AF_INET, socket.SOCK_STREAM));
  bind_port(serv, localhost);
  serv.listen();
  sock.connect(serv.getsockname());
  return serv;
}

const X200000 = new Uint8Array(200000).fill(0x58);

test('TCPTimeoutTestCase.testSend', () => {
  const sock = TCPTimeoutTestCase();
  connectedToSilentServer(sock);
  _sock_operation(sock, 100, 1.5, 'send', X200000);
});

test('TCPTimeoutTestCase.testSendto', () => {
  const sock = TCPTimeoutTestCase();
  const serv = connectedToSilentServer(sock);
  // The address argument is ignored since we already connected.
  _sock_operation(sock, 100, 1.5, 'sendto', X200000, serv.getsockname());
});

test('TCPTimeoutTestCase.testSendall', () => {
  const sock = TCPTimeoutTestCase();
  connectedToSilentServer(sock);
  _sock_operation(sock, 100, 1.5, 'sendall', X200000);
});

// ======================================================== UDPTimeoutTestCase

test('UDPTimeoutTestCase.testRecvfromTimeout', () => {
  const sock = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  bind_port(sock, localhost);
  _sock_operation(sock, 1, 1.5, 'recvfrom', 1024);
});

test.run();
