// CPython 3.11's Lib/test/test_socket.py, the sendmsg()/recvmsg()/recvmsg_into()
// half, ported case by case: CmsgMacroTests, SendmsgTests and its stream and
// connectionless variants, RecvmsgGenericTests/RecvmsgTests/RecvmsgIntoTests
// and RecvmsgGenericStreamTests, SCMRightsTest, RFC3542AncillaryTest and
// SendRecvFdsTests, over every concrete class of theirs that applies on Linux
// (UDP, UDP6, UDPLITE, UDPLITE6, TCP, AF_UNIX stream). Each test is named after
// the CPython class and case it ports, and runs twice: on the sync API and, with
// " [promises]" in its name, on wasock/promises.
//
// Translation (DESIGN.md): None->null, tuple->array, bytes/bytearray->Uint8Array,
// array.array("i", ...)->Int32Array, memoryview slices->subarray, a generator
// stays a generator, OSError->socket.error, TimeoutError->socket.timeout,
// ValueError/OverflowError->RangeError, TypeError->TypeError. CPython runs the
// client half (_testFoo) in a thread next to the server half (testFoo); here both
// halves run in one thread, the client's first unless the server must act first
// (the RFC 3542 cases enable the ancillary data before the client sends, where
// CPython waits on misc_event). Every expectation holds on /usr/bin/python3 (3.11)
// on this machine: the original classes pass there (none of their cases draws
// CPython's "malformed or improperly-truncated ancillary data" RuntimeWarning on
// Linux), and the two sections before the 'not ported' list compare the exact
// outcomes of the SCM_RIGHTS and RFC 3542 cases with python3's, run live.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as syncSocket from 'wasock';
import * as promSocket from 'wasock/promises';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, removeDir, python, fdCount } from './lib/helpers.mjs';
import { HOST, HOSTv6, MSG, LOOPBACK_TIMEOUT, eqBytes, concat, b, perCase } from './lib/cpython-support.mjs';

const APIS = [['sync', syncSocket], ['promises', promSocket]];
const SIZEOF_INT = 4; // array.array("i").itemsize
const FAIL_TIMEOUT = LOOPBACK_TIMEOUT; // SendrecvmsgBase.fail_timeout
// A Promise API case still waiting after this has hung: it fails instead of stopping
// the file. Nothing waits longer than the server's fail_timeout, which reports itself.
const HANG_LIMIT_MS = (FAIL_TIMEOUT + 1) * 1000;

syncSocket.socket().close();
promSocket.socket().close();
const fdsBefore = fdCount();

const { pool, cleanups } = perCase(test);

// self.assertRaises(Cls, fn) for both APIs: a throw or a rejected Promise.
async function raises(Cls, fn) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (err === undefined) assert.unreachable(`expected ${Cls.name}, nothing was thrown`);
  if (!(err instanceof Cls)) assert.unreachable(`expected ${Cls.name}, got ${err?.constructor?.name}: ${err?.message}`);
  return err;
}

// array.array("i", ints).tobytes()
const intBytes = (ints) => new Uint8Array(new Int32Array(ints).buffer);

// array.array("i").frombytes(data[:len(data) - len(data) % itemsize]): the complete ints.
function intsOf(data) {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = [];
  for (let off = 0; off + SIZEOF_INT <= bytes.length; off += SIZEOF_INT) out.push(bytes.readInt32LE(off));
  return out;
}

// A JS generator, where CPython passes one: an iterable that is not an array.
function* generate(items) {
  yield* items;
}

// ------------------------------------------------------------------ fixtures

// The concrete classes' bases: how the two sockets are made and addressed.
const BASES = {
  // UDPTestBase / UDP6TestBase / UDPLITETestBase / UDPLITE6TestBase with SendrecvmsgDgramFlagsBase
  // and SendrecvmsgConnectionlessBase.
  UDP: { family: 'AF_INET', type: 'SOCK_DGRAM', host: HOST, dgram: true },
  UDP6: { family: 'AF_INET6', type: 'SOCK_DGRAM', host: HOSTv6, dgram: true },
  UDPLITE: { family: 'AF_INET', type: 'SOCK_DGRAM', proto: 'IPPROTO_UDPLITE', host: HOST, dgram: true },
  UDPLITE6: { family: 'AF_INET6', type: 'SOCK_DGRAM', proto: 'IPPROTO_UDPLITE', host: HOSTv6, dgram: true },
  // TCPTestBase / UnixStreamBase with ConnectedStreamTestMixin and SendrecvmsgConnectedBase.
  TCP: { family: 'AF_INET', type: 'SOCK_STREAM', host: HOST },
  UnixStream: { family: 'AF_UNIX', type: 'SOCK_STREAM' },
};

// The fixture of one concrete class: `t` carries CPython's attributes (serv, cli,
// serv_sock, cli_sock, serv_addr, cli_addr) and methods (sendToServer,
// sendmsgToServer, doRecvmsg, checkRecvmsgAddress, checkFlags).
//   into: RecvmsgIntoMixin (doRecvmsg through recvmsg_into)
//   serverTimeout: SendrecvmsgServerTimeoutBase (serv_sock.settimeout(fail_timeout))
//   scm: SCMRightsTest's registerRecvmsgResult (received descriptors closed afterwards)
async function setUp(S, baseName, { into = false, serverTimeout = false, scm = false } = {}) {
  const base = BASES[baseName];
  const newSocket = () => pool.add(S.socket(S[base.family], S[base.type], base.proto ? S[base.proto] : 0));
  let bindSock;
  if (base.family === 'AF_UNIX') {
    // UnixSocketTestBase: paths in a private directory.
    const dir = tempDir('wasock-msg-');
    cleanups.push(() => removeDir(dir));
    let n = 0;
    bindSock = (sock) => sock.bind(join(dir, `s${n++}`));
  } else {
    bindSock = (sock) => sock.bind([base.host, 0]); // socket_helper.bind_port(sock, host)
  }
  // requireAttrs(socket.socket, "sendmsg", "recvmsg", "recvmsg_into"): a missing method fails here,
  // where its TypeError would otherwise pass the bad-argument cases.
  for (const m of ['sendmsg', 'recvmsg', 'recvmsg_into']) assert.type(S.SocketType.prototype[m], 'function', m);
  const t = { S };
  t.serv = newSocket();
  bindSock(t.serv);
  t.serv_addr = t.serv.getsockname();
  t.cli = newSocket();
  bindSock(t.cli);
  t.cli_addr = t.cli.getsockname();
  if (base.dgram) {
    t.serv_sock = t.serv;
    t.cli_sock = t.cli;
    t.sendmsg_to_server_defaults = [[], [], 0, t.serv_addr];
    t.sendToServer = (msg) => t.cli_sock.sendto(msg, t.serv_addr);
  } else {
    t.serv.listen();
    const connecting = t.cli.connect(t.serv_addr); // a Promise on wasock/promises, done on the sync API
    t.cli_conn = pool.add((await t.serv.accept())[0]);
    await connecting;
    t.serv_conn = t.cli;
    t.serv_sock = t.cli_conn;
    t.cli_sock = t.serv_conn;
    t.sendmsg_to_server_defaults = [];
    t.sendToServer = (msg) => t.cli_sock.send(msg);
  }
  // sendmsgToServer(*args): the missing trailing arguments from sendmsg_to_server_defaults.
  t.sendmsgToServer = (...args) =>
    t.cli_sock.sendmsg(...args, ...t.sendmsg_to_server_defaults.slice(args.length));
  t.registerRecvmsgResult = scm ? (result) => cleanups.push(() => closeRecvmsgFDs(result)) : () => {};
  t.doRecvmsg = async (sock, bufsize, ...args) => {
    if (!into) {
      const result = await sock.recvmsg(bufsize, ...args);
      t.registerRecvmsgResult(result);
      return result;
    }
    const buf = new Uint8Array(bufsize);
    const result = await sock.recvmsg_into([buf], ...args);
    t.registerRecvmsgResult(result);
    assert.ok(result[0] >= 0 && result[0] <= bufsize, `recvmsg_into gave ${result[0]} for ${bufsize}`);
    return [buf.slice(0, result[0]), ...result.slice(1)];
  };
  // Connected sockets: the address is unspecified; UDP6: compared without the scope id.
  const compared = base.family === 'AF_INET6' ? (addr) => addr.slice(0, -1) : (addr) => addr;
  t.checkRecvmsgAddress = base.dgram ? (a1, a2) => assert.equal(compared(a1), compared(a2)) : () => {};
  // SendrecvmsgBase.checkFlags: MSG_CTRUNC and MSG_OOB normally unset; datagrams set MSG_TRUNC
  // when the record was cut (msg_flags_non_eor_indicator).
  t.checkFlags = (flags, { eor = null, checkset = 0, checkunset = 0, ignore = 0 } = {}) => {
    let defaultset = 0;
    let defaultunset = S.MSG_CTRUNC | S.MSG_OOB;
    const nonEor = base.dgram ? S.MSG_TRUNC : 0;
    if (eor) defaultunset |= nonEor;
    else if (eor !== null) defaultset |= nonEor;
    defaultset &= ~checkunset;
    defaultunset &= ~checkset;
    checkset |= defaultset;
    checkunset |= defaultunset;
    const inboth = checkset & checkunset & ~ignore;
    if (inboth) throw new Error(`contradictory set, unset requirements for flags 0x${inboth.toString(16)}`);
    const mask = (checkset | checkunset) & ~ignore;
    assert.is(flags & mask, checkset & mask, `msg_flags 0x${flags.toString(16)}`);
  };
  if (serverTimeout) t.serv_sock.settimeout(FAIL_TIMEOUT);
  return t;
}

// Why a base's sockets cannot be made on this kernel (HAVE_SOCKET_UDPLITE, requireSocket), or null.
const unavailable = new Map(Object.entries(BASES).map(([name, base]) => {
  try {
    syncSocket.socket(syncSocket[base.family], syncSocket[base.type], base.proto ? syncSocket[base.proto] : 0).close();
    return [name, null];
  } catch (e) {
    return [name, `socket(${base.family}, ${base.type}, ${base.proto ?? 0}): ${e.message}`];
  }
}));
const CI = process.env.CI === 'true' || process.env.CI === '1';

// Registers `cases` (name -> async (t) => ...) as CPython's `cls`, on both APIs; skipped with the
// reason when the kernel lacks the base's sockets (a failure on CI, where every class must run).
function defineClass(cls, baseName, options, ...caseSets) {
  const reason = unavailable.get(baseName);
  if (reason && !CI) {
    test.skip(`${cls} (${reason})`);
    return;
  }
  for (const [api, S] of APIS) {
    for (const cases of caseSets) {
      for (const [name, body] of Object.entries(cases)) {
        defineCase(`${cls}.${name}`, api, S, async () => body(await setUp(S, baseName, options)));
      }
    }
  }
}

// One uvu test: " [promises]" added on the Promise API, where a hang fails the case after
// HANG_LIMIT_MS.
function defineCase(label, api, S, body) {
  const name = api === 'sync' ? label : `${label} [promises]`;
  test(name, api === 'sync' ? body : () => {
    let timer;
    const hang = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still waiting after ${HANG_LIMIT_MS} ms`)), HANG_LIMIT_MS);
    });
    return Promise.race([body(), hang]).finally(() => clearTimeout(timer));
  });
}

// ======================================================= CmsgMacroTests

// socketmodule.c's socklen_t limit: min(0x7fffffff, INT_MAX).
const socklen_t_limit = 0x7fffffff;

for (const [api, S] of APIS) {
  defineCase('CmsgMacroTests.testCMSG_LEN', api, S, () => {
    const toobig = socklen_t_limit - S.CMSG_LEN(0) + 1;
    const values = [];
    for (let n = 0; n < 257; n++) values.push(n);
    for (let n = toobig - 257; n < toobig; n++) values.push(n);
    // struct cmsghdr has at least three members, two of which are ints
    assert.ok(S.CMSG_LEN(0) > SIZEOF_INT * 2);
    for (const n of values) {
      const ret = S.CMSG_LEN(n);
      // This is how recvmsg() calculates the data size
      assert.is(ret - S.CMSG_LEN(0), n);
      assert.ok(ret <= socklen_t_limit);
    }
    assert.throws(() => S.CMSG_LEN(-1), RangeError);
    // sendmsg() shares code with these functions, and requires that it reject values over the limit.
    assert.throws(() => S.CMSG_LEN(toobig), RangeError);
    assert.throws(() => S.CMSG_LEN(2n ** 63n - 1n), RangeError); // sys.maxsize
  });

  defineCase('CmsgMacroTests.testCMSG_SPACE', api, S, () => {
    const toobig = socklen_t_limit - S.CMSG_SPACE(1) + 1;
    const values = [];
    for (let n = 0; n < 257; n++) values.push(n);
    for (let n = toobig - 257; n < toobig; n++) values.push(n);
    let last = S.CMSG_SPACE(0);
    assert.ok(last > SIZEOF_INT * 2);
    for (const n of values) {
      const ret = S.CMSG_SPACE(n);
      assert.ok(ret >= last);
      assert.ok(ret >= S.CMSG_LEN(n));
      assert.ok(ret >= n + S.CMSG_LEN(0));
      assert.ok(ret <= socklen_t_limit);
      last = ret;
    }
    assert.throws(() => S.CMSG_SPACE(-1), RangeError);
    assert.throws(() => S.CMSG_SPACE(toobig), RangeError);
    assert.throws(() => S.CMSG_SPACE(2n ** 63n - 1n), RangeError);
  });
}

// ======================================================= SendmsgTests

// Sendmsg tests: `serverTimeout` fixtures (SendrecvmsgServerTimeoutBase).
const SendmsgTests = {
  // Send a simple message with sendmsg().
  async testSendmsg(t) {
    assert.is(await t.sendmsgToServer([MSG]), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Send from buffer obtained from a generator (not a sequence).
  async testSendmsgDataGenerator(t) {
    assert.is(await t.sendmsgToServer(generate([MSG])), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Gather (empty) ancillary data from a generator.
  async testSendmsgAncillaryGenerator(t) {
    assert.is(await t.sendmsgToServer([MSG], generate([])), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Send data from an array instead of the usual bytes object: another kind of view.
  async testSendmsgArray(t) {
    const array = new DataView(new Uint8Array(MSG).buffer);
    assert.is(await t.sendmsgToServer([array]), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Send message data from more than one buffer (gather write).
  async testSendmsgGather(t) {
    assert.is(await t.sendmsgToServer([MSG.subarray(0, 3), MSG.subarray(3)]), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Check that sendmsg() rejects invalid arguments.
  async testSendmsgBadArgs(t) {
    await raises(TypeError, () => t.cli_sock.sendmsg());
    // b"not in an iterable": a Uint8Array iterates over numbers, which are not buffers either
    await raises(TypeError, () => t.sendmsgToServer(b('not in an iterable')));
    await raises(TypeError, () => t.sendmsgToServer({}));
    await raises(TypeError, () => t.sendmsgToServer([{}]));
    await raises(TypeError, () => t.sendmsgToServer([MSG, {}]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], {}));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [], {}));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [], 0, {}));
    await t.sendToServer(b('done'));
    eqBytes(await t.serv_sock.recv(1000), b('done'));
  },

  // Check that invalid ancillary data items are rejected.
  async testSendmsgBadCmsg(t) {
    await raises(TypeError, () => t.sendmsgToServer([MSG], [{}]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[{}, 0, b('data')]]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[0, {}, b('data')]]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[0, 0, {}]]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[0, 0]]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[0, 0, b('data'), 42]]));
    await t.sendToServer(b('done'));
    eqBytes(await t.serv_sock.recv(1000), b('done'));
  },

  // Check that invalid ancillary data items are rejected when more than one item is present.
  async testSendmsgBadMultiCmsg(t) {
    await raises(TypeError, () => t.sendmsgToServer([MSG], [0, 0, b('')]));
    await raises(TypeError, () => t.sendmsgToServer([MSG], [[0, 0, b('')], {}]));
    await t.sendToServer(b('done'));
    eqBytes(await t.serv_sock.recv(1000), b('done'));
  },

  // Check that sendmsg() rejects excess ancillary data items when the number that can be sent is
  // limited: CMSG_SPACE exists, so nothing is limited and only "done" is sent.
  async testSendmsgExcessCmsgReject(t) {
    assert.type(t.S.CMSG_SPACE, 'function');
    await t.sendToServer(b('done'));
    eqBytes(await t.serv_sock.recv(1000), b('done'));
  },

  // Check that sendmsg() fails on a closed socket.
  async testSendmsgAfterClose(t) {
    t.cli_sock.close();
    await raises(t.S.error, () => t.sendmsgToServer([MSG]));
  },
};

// Tests for sendmsg() which require a stream socket.
const SendmsgStreamTests = {
  // Check that peer address can be specified as None.
  async testSendmsgExplicitNoneAddr(t) {
    assert.is(await t.sendmsgToServer([MSG], [], 0, null), MSG.length);
    eqBytes(await t.serv_sock.recv(MSG.length), MSG);
  },

  // Check that timeout works with sendmsg().
  async testSendmsgTimeout(t) {
    const a512 = new Uint8Array(512).fill(0x61);
    t.cli_sock.settimeout(0.03);
    let raised = null;
    try {
      for (;;) await t.sendmsgToServer([a512]);
    } catch (e) {
      raised = e;
    }
    // ENOMEM instead of the timeout is tolerated, as CPython does (seen on loaded CI machines)
    const enomem = raised instanceof t.S.error && raised.errno === 12;
    assert.ok(raised instanceof t.S.timeout || enomem, `TimeoutError not raised: ${raised}`);
    eqBytes(await t.serv_sock.recv(512), a512);
  },

  // Check that MSG_DONTWAIT in flags causes non-blocking behaviour (Linux supports it when sending).
  async testSendmsgDontWait(t) {
    const a512 = new Uint8Array(512).fill(0x61);
    const e = await raises(t.S.error, async () => {
      for (;;) await t.sendmsgToServer([a512], [], t.S.MSG_DONTWAIT);
    });
    assert.ok([11 /* EAGAIN, EWOULDBLOCK */, 12 /* ENOMEM */].includes(e.errno), `errno ${e.errno}`);
    eqBytes(await t.serv_sock.recv(512), a512);
  },
};

// Tests for sendmsg() which require a connectionless-mode (datagram) socket.
const SendmsgConnectionlessTests = {
  // Check that sendmsg() fails when no destination address is given for unconnected socket.
  async testSendmsgNoDestAddr(t) {
    await raises(t.S.error, () => t.cli_sock.sendmsg([MSG]));
    await raises(t.S.error, () => t.cli_sock.sendmsg([MSG], [], 0, null));
  },
};

// ======================================================= RecvmsgGenericTests

// Expect MSG with no ancillary data and a complete record.
function checkPlain(t, [msg, ancdata, flags, addr], want = MSG) {
  eqBytes(msg, want);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  assert.equal(ancdata, []);
  t.checkFlags(flags, { eor: true });
}

// The same for recvmsg_into's result: nbytes, then `got` (what the buffers hold) as the data.
function checkPlainInto(t, [nbytes, ...rest], got, want = MSG) {
  assert.is(nbytes, want.length);
  checkPlain(t, [got, ...rest], want);
}

// Tests for recvmsg() which can also be emulated using recvmsg_into().
const RecvmsgGenericTests = {
  // Receive a simple message with recvmsg[_into]().
  async testRecvmsg(t) {
    await t.sendToServer(MSG);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length));
  },

  // Test recvmsg[_into]() with default arguments provided explicitly.
  async testRecvmsgExplicitDefaults(t) {
    await t.sendToServer(MSG);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length, 0, 0));
  },

  // Receive a message smaller than buffer.
  async testRecvmsgShorter(t) {
    await t.sendToServer(MSG);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length + 42));
  },

  // Receive part of message, check for truncation indicators.
  async testRecvmsgTrunc(t) {
    await t.sendToServer(MSG);
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length - 3);
    eqBytes(msg, MSG.subarray(0, -3));
    t.checkRecvmsgAddress(addr, t.cli_addr);
    assert.equal(ancdata, []);
    t.checkFlags(flags, { eor: false });
  },

  // Test ancillary data buffer too small to hold any ancillary data.
  async testRecvmsgShortAncillaryBuf(t) {
    await t.sendToServer(MSG);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length, 1));
  },

  // Test large ancillary data buffer.
  async testRecvmsgLongAncillaryBuf(t) {
    await t.sendToServer(MSG);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length, 10240));
  },

  // Check that recvmsg[_into]() fails on a closed socket.
  async testRecvmsgAfterClose(t) {
    t.serv_sock.close();
    await raises(t.S.error, () => t.doRecvmsg(t.serv_sock, 1024));
  },

  // Check that timeout works.
  async testRecvmsgTimeout(t) {
    t.serv_sock.settimeout(0.03);
    await raises(t.S.timeout, () => t.doRecvmsg(t.serv_sock, MSG.length));
  },

  // Check that MSG_PEEK in flags enables examination of pending data without consuming it.
  async testRecvmsgPeek(t) {
    const S = t.S;
    await t.sendToServer(MSG);
    // Receive part of data with MSG_PEEK.
    let [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length - 3, 0, S.MSG_PEEK);
    eqBytes(msg, MSG.subarray(0, -3));
    t.checkRecvmsgAddress(addr, t.cli_addr);
    assert.equal(ancdata, []);
    // Ignoring MSG_TRUNC here (so this test is the same for stream and datagram sockets).
    t.checkFlags(flags, { eor: false, ignore: S.MSG_TRUNC });
    // Receive all data with MSG_PEEK.
    [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, 0, S.MSG_PEEK);
    checkPlain(t, [msg, ancdata, flags, addr]);
    // Check that the same data can still be received normally.
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length));
  },

  // Test receiving with recvmsg[_into]() when message is sent using sendmsg().
  async testRecvmsgFromSendmsg(t) {
    t.serv_sock.settimeout(FAIL_TIMEOUT);
    assert.is(await t.sendmsgToServer([MSG.subarray(0, 3), MSG.subarray(3)]), MSG.length);
    checkPlain(t, await t.doRecvmsg(t.serv_sock, MSG.length));
  },
};

// Tests which require a stream socket and can use either recvmsg() or recvmsg_into().
const RecvmsgGenericStreamTests = {
  // Receive end-of-stream indicator (b"", peer socket closed).
  async testRecvmsgEOF(t) {
    t.cli_sock.close();
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, 1024);
    eqBytes(msg, b(''));
    t.checkRecvmsgAddress(addr, t.cli_addr);
    assert.equal(ancdata, []);
    t.checkFlags(flags, { eor: null }); // Might not have end-of-record marker
  },

  // Receive a message in more than one chunk.
  async testRecvmsgOverflow(t) {
    await t.sendToServer(MSG);
    let [seg1, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length - 3);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    assert.equal(ancdata, []);
    t.checkFlags(flags, { eor: false });
    let seg2;
    [seg2, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, 1024);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    assert.equal(ancdata, []);
    t.checkFlags(flags, { eor: true });
    eqBytes(concat(seg1, seg2), MSG);
  },
};

// Tests for recvmsg() which can use any socket type.
const RecvmsgTests = {
  ...RecvmsgGenericTests,

  // Check that recvmsg() rejects invalid arguments.
  async testRecvmsgBadArgs(t) {
    const sock = t.serv_sock;
    await t.sendToServer(MSG);
    await raises(TypeError, () => sock.recvmsg());
    await raises(RangeError, () => sock.recvmsg(-1, 0, 0));
    await raises(RangeError, () => sock.recvmsg(MSG.length, -1, 0));
    await raises(TypeError, () => sock.recvmsg([new Uint8Array(10)], 0, 0));
    await raises(TypeError, () => sock.recvmsg({}, 0, 0));
    await raises(TypeError, () => sock.recvmsg(MSG.length, {}, 0));
    await raises(TypeError, () => sock.recvmsg(MSG.length, 0, {}));
    checkPlain(t, await sock.recvmsg(MSG.length, 0, 0));
  },
};

// Tests for recvmsg_into() which can use any socket type (with RecvmsgIntoMixin).
const RecvmsgIntoTests = {
  ...RecvmsgGenericTests,

  // Check that recvmsg_into() rejects invalid arguments.
  async testRecvmsgIntoBadArgs(t) {
    const sock = t.serv_sock;
    await t.sendToServer(MSG);
    const buf = new Uint8Array(MSG.length);
    await raises(TypeError, () => sock.recvmsg_into());
    await raises(TypeError, () => sock.recvmsg_into(MSG.length, 0, 0));
    await raises(TypeError, () => sock.recvmsg_into(buf, 0, 0)); // iterates over numbers, not buffers
    await raises(TypeError, () => sock.recvmsg_into([{}], 0, 0));
    // b"I'm not writable": JS has no read-only bytes; a str is not a read-write buffer in CPython either
    await raises(TypeError, () => sock.recvmsg_into(["I'm not writable"], 0, 0));
    await raises(TypeError, () => sock.recvmsg_into([buf, {}], 0, 0));
    await raises(RangeError, () => sock.recvmsg_into([buf], -1, 0));
    await raises(TypeError, () => sock.recvmsg_into([buf], {}, 0));
    await raises(TypeError, () => sock.recvmsg_into([buf], 0, {}));
    checkPlainInto(t, await sock.recvmsg_into([buf], 0, 0), buf);
  },

  // Receive into buffer obtained from a generator (not a sequence).
  async testRecvmsgIntoGenerator(t) {
    await t.sendToServer(MSG);
    const buf = new Uint8Array(MSG.length);
    checkPlainInto(t, await t.serv_sock.recvmsg_into(generate([buf])), buf);
  },

  // Receive into an array rather than the usual bytearray: a view of another element type.
  async testRecvmsgIntoArray(t) {
    await t.sendToServer(MSG);
    const buf = new Uint16Array(MSG.length / 2);
    checkPlainInto(t, await t.serv_sock.recvmsg_into([buf]), new Uint8Array(buf.buffer));
  },

  // Receive into multiple buffers (scatter write).
  async testRecvmsgIntoScatter(t) {
    await t.sendToServer(b('Mary had a little lamb'));
    const b1 = b('----');
    const b2 = b('0123456789');
    const b3 = b('--------------');
    const result = await t.serv_sock.recvmsg_into([b1, b2.subarray(2, 9), b3]);
    eqBytes(b1, b('Mary'));
    eqBytes(b2, b('01 had a 9'));
    eqBytes(b3, b('little lamb---'));
    checkPlainInto(t, result, concat(b1, b2.subarray(2, 9), b3.subarray(0, 11)), b('Mary had a little lamb'));
  },
};

// ======================================================= SCMRightsTest

// Invalid file descriptor value that's unlikely to evaluate to a real FD even if one of its
// bytes is replaced with a different value.
const badfd = -0x5555;

// A list of n descriptors of new files holding their list indices as ASCII numbers.
function newFDs(n) {
  const dir = tempDir('wasock-fds-');
  cleanups.push(() => removeDir(dir));
  const fds = [];
  for (let i = 0; i < n; i++) {
    const fd = openSync(join(dir, String(i)), 'w+');
    cleanups.push(() => closeSync(fd));
    writeSync(fd, String(i));
    fds.push(fd);
  }
  return fds;
}

// The descriptors hold their correct list indices (read from offset 0, as after lseek).
function checkFDs(fds) {
  fds.forEach((fd, n) => {
    const buf = Buffer.alloc(1024);
    const got = readSync(fd, buf, 0, buf.length, 0);
    assert.is(buf.subarray(0, got).toString(), String(n), `descriptor ${fd}`);
  });
}

// Closes the descriptors a recvmsg()/recvmsg_into() result received.
function closeRecvmsgFDs(result) {
  for (const [level, type, data] of result[1]) {
    if (level === syncSocket.SOL_SOCKET && type === syncSocket.SCM_RIGHTS) for (const fd of intsOf(data)) closeSync(fd);
  }
}

// Sends n new descriptors from newFDs() with MSG as the data.
async function createAndSendFDs(t, n) {
  const S = t.S;
  assert.is(await t.sendmsgToServer([MSG], [[S.SOL_SOCKET, S.SCM_RIGHTS, new Int32Array(newFDs(n))]]), MSG.length);
}

// MSG with numfds descriptors in at most maxcmsgs control messages of complete ints;
// MSG_CTRUNC unset unless in ignoreflags.
function checkRecvmsgFDs(t, numfds, [msg, ancdata, flags, addr], maxcmsgs = 1, ignoreflags = 0) {
  const S = t.S;
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  t.checkFlags(flags, { eor: true, checkunset: S.MSG_CTRUNC, ignore: ignoreflags });
  assert.ok(Array.isArray(ancdata));
  assert.ok(ancdata.length <= maxcmsgs, `${ancdata.length} control messages`);
  const fds = [];
  for (const item of ancdata) {
    assert.ok(Array.isArray(item));
    const [cmsg_level, cmsg_type, cmsg_data] = item;
    assert.is(cmsg_level, S.SOL_SOCKET);
    assert.is(cmsg_type, S.SCM_RIGHTS);
    assert.instance(cmsg_data, Uint8Array);
    assert.is(cmsg_data.length % SIZEOF_INT, 0);
    fds.push(...intsOf(cmsg_data));
  }
  assert.is(fds.length, numfds);
  checkFDs(fds);
}

// The client half of testFDPassSeparate*: two new descriptors in two separate arrays.
async function sendSeparateFDs(t) {
  const S = t.S;
  const [fd0, fd1] = newFDs(2);
  assert.is(await t.sendmsgToServer([MSG], [
    [S.SOL_SOCKET, S.SCM_RIGHTS, new Int32Array([fd0])],
    [S.SOL_SOCKET, S.SCM_RIGHTS, new Int32Array([fd1])],
  ]), MSG.length);
}

// Tries to send msg with ancdata; if the system call fails, sends msg alone.
async function sendAncillaryIfPossible(t, msg, ancdata) {
  let nbytes;
  try {
    nbytes = await t.sendmsgToServer([msg], ancdata);
  } catch (e) {
    assert.instance(e, t.S.error);
    assert.type(e.errno, 'number'); // it was the system call that failed
    nbytes = await t.sendmsgToServer([msg]);
  }
  assert.is(nbytes, msg.length);
}

// No ancillary data items when data is truncated inside the cmsghdr structure.
function checkTruncatedHeader(t, [msg, ancdata, flags, addr], ignoreflags = 0) {
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  assert.equal(ancdata, []);
  t.checkFlags(flags, { eor: true, checkset: t.S.MSG_CTRUNC, ignore: ignoreflags });
}

// Descriptor data truncated to between mindata and maxdata bytes with an ancbuf-byte buffer;
// any complete descriptor numbers are valid.
async function checkTruncatedArray(t, ancbuf, maxdata, mindata = 0) {
  const S = t.S;
  const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, ancbuf);
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  t.checkFlags(flags, { eor: true, checkset: S.MSG_CTRUNC });
  if (mindata === 0 && ancdata.length === 0) return;
  assert.is(ancdata.length, 1);
  const [cmsg_level, cmsg_type, cmsg_data] = ancdata[0];
  assert.is(cmsg_level, S.SOL_SOCKET);
  assert.is(cmsg_type, S.SCM_RIGHTS);
  assert.ok(cmsg_data.length >= mindata);
  assert.ok(cmsg_data.length <= maxdata, `${cmsg_data.length} > ${maxdata}`);
  checkFDs(intsOf(cmsg_data));
}

const SCMRightsTest = {
  // Pass a single FD (array read from bytes object).
  async testFDPassSimple(t) {
    const S = t.S;
    assert.is(await t.sendmsgToServer([MSG], [[S.SOL_SOCKET, S.SCM_RIGHTS, intBytes(newFDs(1))]]), MSG.length);
    checkRecvmsgFDs(t, 1, await t.doRecvmsg(t.serv_sock, MSG.length, 10240));
  },

  // Pass multiple FDs in a single array.
  async testMultipleFDPass(t) {
    await createAndSendFDs(t, 4);
    checkRecvmsgFDs(t, 4, await t.doRecvmsg(t.serv_sock, MSG.length, 10240));
  },

  // Test using CMSG_SPACE() to calculate ancillary buffer size.
  async testFDPassCMSG_SPACE(t) {
    await createAndSendFDs(t, 4);
    checkRecvmsgFDs(t, 4, await t.doRecvmsg(t.serv_sock, MSG.length, t.S.CMSG_SPACE(4 * SIZEOF_INT)));
  },

  // Test using CMSG_LEN() to calculate ancillary buffer size. RFC 3542 says implementations may
  // set MSG_CTRUNC if there isn't enough space for trailing padding.
  async testFDPassCMSG_LEN(t) {
    await createAndSendFDs(t, 1);
    checkRecvmsgFDs(t, 1, await t.doRecvmsg(t.serv_sock, MSG.length, t.S.CMSG_LEN(4 * SIZEOF_INT)), 1, t.S.MSG_CTRUNC);
  },

  // Pass two FDs in two separate arrays. Arrays may be combined into a single control message by the OS.
  async testFDPassSeparate(t) {
    await sendSeparateFDs(t);
    checkRecvmsgFDs(t, 2, await t.doRecvmsg(t.serv_sock, MSG.length, 10240), 2);
  },

  // Pass two FDs in two separate arrays, receiving them into the minimum space for two arrays.
  async testFDPassSeparateMinSpace(t) {
    const S = t.S;
    await sendSeparateFDs(t);
    const num_fds = 2;
    checkRecvmsgFDs(t, num_fds,
      await t.doRecvmsg(t.serv_sock, MSG.length, S.CMSG_SPACE(SIZEOF_INT) + S.CMSG_LEN(SIZEOF_INT * num_fds)),
      2, S.MSG_CTRUNC);
  },

  // Try to pass an empty FD array. Can receive either no array or an empty array.
  async testFDPassEmpty(t) {
    const S = t.S;
    await sendAncillaryIfPossible(t, MSG, [[S.SOL_SOCKET, S.SCM_RIGHTS, b('')]]);
    checkRecvmsgFDs(t, 0, await t.doRecvmsg(t.serv_sock, MSG.length, 10240), 1, S.MSG_CTRUNC);
  },

  // Try to pass a truncated FD array.
  async testFDPassPartialInt(t) {
    const S = t.S;
    await sendAncillaryIfPossible(t, MSG, [[S.SOL_SOCKET, S.SCM_RIGHTS, intBytes([badfd]).subarray(0, -1)]]);
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, 10240);
    eqBytes(msg, MSG);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    t.checkFlags(flags, { eor: true, ignore: S.MSG_CTRUNC });
    assert.ok(ancdata.length <= 1);
    for (const [cmsg_level, cmsg_type, cmsg_data] of ancdata) {
      assert.is(cmsg_level, S.SOL_SOCKET);
      assert.is(cmsg_type, S.SCM_RIGHTS);
      assert.ok(cmsg_data.length < SIZEOF_INT);
    }
  },

  // Try to pass two FD arrays, the first of which is truncated.
  async testFDPassPartialIntInMiddle(t) {
    const S = t.S;
    const [fd0, fd1] = newFDs(2);
    await sendAncillaryIfPossible(t, MSG, [
      [S.SOL_SOCKET, S.SCM_RIGHTS, intBytes([fd0, badfd]).subarray(0, -1)],
      [S.SOL_SOCKET, S.SCM_RIGHTS, new Int32Array([fd1])],
    ]);
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, 10240);
    eqBytes(msg, MSG);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    t.checkFlags(flags, { eor: true, ignore: S.MSG_CTRUNC });
    assert.ok(ancdata.length <= 2);
    const fds = [];
    // Arrays may have been combined in a single control message
    for (const [cmsg_level, cmsg_type, cmsg_data] of ancdata) {
      assert.is(cmsg_level, S.SOL_SOCKET);
      assert.is(cmsg_type, S.SCM_RIGHTS);
      fds.push(...intsOf(cmsg_data));
    }
    assert.ok(fds.length <= 2);
    checkFDs(fds);
  },

  // Check that no ancillary data is received when no buffer size is specified. (BSD seems to set
  // MSG_CTRUNC only if an item has been partially received.)
  async testCmsgTruncNoBufSize(t) {
    await createAndSendFDs(t, 1);
    checkTruncatedHeader(t, await t.doRecvmsg(t.serv_sock, MSG.length), t.S.MSG_CTRUNC);
  },

  // Check that no ancillary data is received when buffer size is 0.
  async testCmsgTrunc0(t) {
    await createAndSendFDs(t, 1);
    checkTruncatedHeader(t, await t.doRecvmsg(t.serv_sock, MSG.length, 0), t.S.MSG_CTRUNC);
  },

  // Check that no ancillary data is returned for various non-zero (but still too small) buffer sizes.
  async testCmsgTrunc1(t) {
    await createAndSendFDs(t, 1);
    checkTruncatedHeader(t, await t.doRecvmsg(t.serv_sock, MSG.length, 1));
  },

  // The cmsghdr structure has at least three members, two of which are ints, so we still
  // shouldn't see any ancillary data.
  async testCmsgTrunc2Int(t) {
    await createAndSendFDs(t, 1);
    checkTruncatedHeader(t, await t.doRecvmsg(t.serv_sock, MSG.length, SIZEOF_INT * 2));
  },

  async testCmsgTruncLen0Minus1(t) {
    await createAndSendFDs(t, 1);
    checkTruncatedHeader(t, await t.doRecvmsg(t.serv_sock, MSG.length, t.S.CMSG_LEN(0) - 1));
  },

  // The following tests try to truncate the control message in the middle of the FD array.

  async testCmsgTruncLen0(t) {
    await createAndSendFDs(t, 1);
    await checkTruncatedArray(t, t.S.CMSG_LEN(0), 0);
  },

  async testCmsgTruncLen0Plus1(t) {
    await createAndSendFDs(t, 2);
    await checkTruncatedArray(t, t.S.CMSG_LEN(0) + 1, 1);
  },

  async testCmsgTruncLen1(t) {
    await createAndSendFDs(t, 2);
    await checkTruncatedArray(t, t.S.CMSG_LEN(SIZEOF_INT), SIZEOF_INT);
  },

  async testCmsgTruncLen2Minus1(t) {
    await createAndSendFDs(t, 2);
    await checkTruncatedArray(t, t.S.CMSG_LEN(2 * SIZEOF_INT) - 1, 2 * SIZEOF_INT - 1);
  },
};

// ======================================================= RFC3542AncillaryTest

// Test value to use when setting hop limit of packet.
const hop_limit = 2;
// Test value to use when setting traffic class of packet; -1 means "use kernel default".
const traffic_class = -1;

// A mapping from "level,type" to cmsg_data; no (level, type) pair appears more than once.
function ancillaryMapping(ancdata) {
  const d = new Map();
  for (const [cmsg_level, cmsg_type, cmsg_data] of ancdata) {
    const key = `${cmsg_level},${cmsg_type}`;
    assert.not.ok(d.has(key), `${key} twice`);
    d.set(key, cmsg_data);
  }
  return d;
}

// One int of ancillary data, between 0 and max.
function checkIntItem(data, max) {
  assert.instance(data, Uint8Array);
  assert.is(data.length, SIZEOF_INT);
  const [v] = intsOf(data);
  assert.ok(v >= 0 && v <= max, `${v} not in 0..${max}`);
}

// The server enables IPV6_RECVHOPLIMIT (and IPV6_RECVTCLASS), then the client sends (CPython's
// client waits on misc_event for this), then the server receives.
async function enableAndSend(t, options, client) {
  const S = t.S;
  for (const opt of options) t.serv_sock.setsockopt(S.IPPROTO_IPV6, S[opt], 1);
  await client();
}

const sendMSG = (t) => () => t.sendToServer(MSG);

// Hop limit received into ancbufsize bytes: MSG, untruncated (but for ignoreflags), hop limit 0..maxhop.
async function checkHopLimit(t, client, ancbufsize, maxhop = 255, ignoreflags = 0) {
  const S = t.S;
  await enableAndSend(t, ['IPV6_RECVHOPLIMIT'], client);
  const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, ancbufsize);
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  t.checkFlags(flags, { eor: true, checkunset: S.MSG_CTRUNC, ignore: ignoreflags });
  assert.is(ancdata.length, 1);
  assert.ok(Array.isArray(ancdata[0]));
  const [cmsg_level, cmsg_type, cmsg_data] = ancdata[0];
  assert.is(cmsg_level, S.IPPROTO_IPV6);
  assert.is(cmsg_type, S.IPV6_HOPLIMIT);
  checkIntItem(cmsg_data, maxhop);
}

// Traffic class and hop limit received into ancbufsize bytes.
async function checkTrafficClassAndHopLimit(t, client, ancbufsize, maxhop = 255, ignoreflags = 0) {
  const S = t.S;
  await enableAndSend(t, ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], client);
  const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, ancbufsize);
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  t.checkFlags(flags, { eor: true, checkunset: S.MSG_CTRUNC, ignore: ignoreflags });
  assert.is(ancdata.length, 2);
  const ancmap = ancillaryMapping(ancdata);
  checkIntItem(ancmap.get(`${S.IPPROTO_IPV6},${S.IPV6_TCLASS}`), 255);
  checkIntItem(ancmap.get(`${S.IPPROTO_IPV6},${S.IPV6_HOPLIMIT}`), maxhop);
}

// Hop limit into a buffer too small for the header (null: no ancbufsize argument): MSG,
// MSG_CTRUNC set (unless ignored), no ancillary data.
async function checkHopLimitTruncatedHeader(t, ancbufsize, ignoreflags = 0) {
  await enableAndSend(t, ['IPV6_RECVHOPLIMIT'], sendMSG(t));
  const args = ancbufsize === null ? [] : [ancbufsize];
  const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, ...args);
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  assert.equal(ancdata, []);
  t.checkFlags(flags, { eor: true, checkset: t.S.MSG_CTRUNC, ignore: ignoreflags });
}

// Traffic class and hop limit into a buffer holding the first item but not the second's
// header: MSG, MSG_CTRUNC set (unless ignored), exactly one item.
async function checkTruncatedSecondHeader(t, ancbufsize, ignoreflags = 0) {
  const S = t.S;
  await enableAndSend(t, ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], sendMSG(t));
  const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, ancbufsize);
  eqBytes(msg, MSG);
  t.checkRecvmsgAddress(addr, t.cli_addr);
  t.checkFlags(flags, { eor: true, checkset: S.MSG_CTRUNC, ignore: ignoreflags });
  assert.is(ancdata.length, 1);
  const [cmsg_level, cmsg_type, cmsg_data] = ancdata[0];
  assert.is(cmsg_level, S.IPPROTO_IPV6);
  assert.ok([S.IPV6_TCLASS, S.IPV6_HOPLIMIT].includes(cmsg_type));
  checkIntItem(cmsg_data, 255);
}

const RFC3542AncillaryTest = {
  // Test receiving the packet hop limit as ancillary data.
  async testRecvHopLimit(t) {
    await checkHopLimit(t, sendMSG(t), 10240);
  },

  // Test receiving hop limit, using CMSG_SPACE to calculate buffer size.
  async testRecvHopLimitCMSG_SPACE(t) {
    await checkHopLimit(t, sendMSG(t), t.S.CMSG_SPACE(SIZEOF_INT));
  },

  // Test setting hop limit on outgoing packet and receiving it at the other end.
  async testSetHopLimit(t) {
    const S = t.S;
    await checkHopLimit(t, async () => {
      assert.is(await t.sendmsgToServer([MSG], [[S.IPPROTO_IPV6, S.IPV6_HOPLIMIT, new Int32Array([hop_limit])]]),
        MSG.length);
    }, 10240, hop_limit);
  },

  // Test receiving traffic class and hop limit as ancillary data.
  async testRecvTrafficClassAndHopLimit(t) {
    await checkTrafficClassAndHopLimit(t, sendMSG(t), 10240);
  },

  // Test receiving traffic class and hop limit, using CMSG_SPACE() to calculate buffer size.
  async testRecvTrafficClassAndHopLimitCMSG_SPACE(t) {
    await checkTrafficClassAndHopLimit(t, sendMSG(t), t.S.CMSG_SPACE(SIZEOF_INT) * 2);
  },

  // Test setting traffic class and hop limit on outgoing packet, and receiving them at the other end.
  async testSetTrafficClassAndHopLimit(t) {
    const S = t.S;
    await checkTrafficClassAndHopLimit(t, async () => {
      assert.is(await t.sendmsgToServer([MSG], [
        [S.IPPROTO_IPV6, S.IPV6_TCLASS, new Int32Array([traffic_class])],
        [S.IPPROTO_IPV6, S.IPV6_HOPLIMIT, new Int32Array([hop_limit])],
      ]), MSG.length);
    }, 10240, hop_limit);
  },

  // Try to send ancillary data with first item one byte too long. Fall back to sending with
  // correct size if this fails, and check that second item was handled correctly.
  async testOddCmsgSize(t) {
    const S = t.S;
    await checkTrafficClassAndHopLimit(t, async () => {
      try {
        await t.sendmsgToServer([MSG], [
          [S.IPPROTO_IPV6, S.IPV6_TCLASS, concat(intBytes([traffic_class]), [0])],
          [S.IPPROTO_IPV6, S.IPV6_HOPLIMIT, new Int32Array([hop_limit])],
        ]);
      } catch (e) {
        assert.instance(e, S.error);
        assert.type(e.errno, 'number');
        const nbytes = await t.sendmsgToServer([MSG], [
          [S.IPPROTO_IPV6, S.IPV6_TCLASS, new Int32Array([traffic_class])],
          [S.IPPROTO_IPV6, S.IPV6_HOPLIMIT, new Int32Array([hop_limit])],
        ]);
        assert.is(nbytes, MSG.length);
      }
    }, 10240, hop_limit);
  },

  // Tests for proper handling of truncated ancillary data.

  // Check that no ancillary data is received when no ancillary buffer size is provided. (BSD
  // seems to set MSG_CTRUNC only if an item has been partially received.)
  async testCmsgTruncNoBufSize(t) {
    await checkHopLimitTruncatedHeader(t, null, t.S.MSG_CTRUNC);
  },

  // Check that no ancillary data is received when ancillary buffer size is zero.
  async testSingleCmsgTrunc0(t) {
    await checkHopLimitTruncatedHeader(t, 0, t.S.MSG_CTRUNC);
  },

  // Check that no ancillary data is returned for various non-zero (but still too small) buffer sizes.
  async testSingleCmsgTrunc1(t) {
    await checkHopLimitTruncatedHeader(t, 1);
  },

  async testSingleCmsgTrunc2Int(t) {
    await checkHopLimitTruncatedHeader(t, 2 * SIZEOF_INT);
  },

  async testSingleCmsgTruncLen0Minus1(t) {
    await checkHopLimitTruncatedHeader(t, t.S.CMSG_LEN(0) - 1);
  },

  // Test truncation of a control message inside its associated data. The message may be
  // returned with its data truncated, or not returned at all.
  async testSingleCmsgTruncInData(t) {
    const S = t.S;
    await enableAndSend(t, ['IPV6_RECVHOPLIMIT'], sendMSG(t));
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length, S.CMSG_LEN(SIZEOF_INT) - 1);
    eqBytes(msg, MSG);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    t.checkFlags(flags, { eor: true, checkset: S.MSG_CTRUNC });
    assert.ok(ancdata.length <= 1);
    if (ancdata.length) {
      const [cmsg_level, cmsg_type, cmsg_data] = ancdata[0];
      assert.is(cmsg_level, S.IPPROTO_IPV6);
      assert.is(cmsg_type, S.IPV6_HOPLIMIT);
      assert.ok(cmsg_data.length < SIZEOF_INT);
    }
  },

  // Try the truncated second header with various buffer sizes.

  async testSecondCmsgTrunc0(t) {
    await checkTruncatedSecondHeader(t, t.S.CMSG_SPACE(SIZEOF_INT), t.S.MSG_CTRUNC);
  },

  async testSecondCmsgTrunc1(t) {
    await checkTruncatedSecondHeader(t, t.S.CMSG_SPACE(SIZEOF_INT) + 1);
  },

  async testSecondCmsgTrunc2Int(t) {
    await checkTruncatedSecondHeader(t, t.S.CMSG_SPACE(SIZEOF_INT) + 2 * SIZEOF_INT);
  },

  async testSecondCmsgTruncLen0Minus1(t) {
    await checkTruncatedSecondHeader(t, t.S.CMSG_SPACE(SIZEOF_INT) + t.S.CMSG_LEN(0) - 1);
  },

  // Test truncation of the second of two control messages inside its associated data.
  async testSecondCmsgTruncInData(t) {
    const S = t.S;
    await enableAndSend(t, ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], sendMSG(t));
    const [msg, ancdata, flags, addr] = await t.doRecvmsg(t.serv_sock, MSG.length,
      S.CMSG_SPACE(SIZEOF_INT) + S.CMSG_LEN(SIZEOF_INT) - 1);
    eqBytes(msg, MSG);
    t.checkRecvmsgAddress(addr, t.cli_addr);
    t.checkFlags(flags, { eor: true, checkset: S.MSG_CTRUNC });
    const cmsg_types = new Set([S.IPV6_TCLASS, S.IPV6_HOPLIMIT]);
    let [cmsg_level, cmsg_type, cmsg_data] = ancdata.shift();
    assert.is(cmsg_level, S.IPPROTO_IPV6);
    assert.ok(cmsg_types.delete(cmsg_type));
    checkIntItem(cmsg_data, 255);
    if (ancdata.length) {
      [cmsg_level, cmsg_type, cmsg_data] = ancdata.shift();
      assert.is(cmsg_level, S.IPPROTO_IPV6);
      assert.ok(cmsg_types.delete(cmsg_type));
      assert.ok(cmsg_data.length < SIZEOF_INT);
    }
    assert.equal(ancdata, []);
  },
};

// ======================================================= the concrete classes

const timeout = { serverTimeout: true };
for (const [suffix, base] of [['UDP', 'UDP'], ['UDP6', 'UDP6'], ['UDPLITE', 'UDPLITE'], ['UDPLITE6', 'UDPLITE6']]) {
  defineClass(`Sendmsg${suffix}Test`, base, timeout, SendmsgTests, SendmsgConnectionlessTests);
  defineClass(`Recvmsg${suffix}Test`, base, {}, RecvmsgTests);
  defineClass(`RecvmsgInto${suffix}Test`, base, { into: true }, RecvmsgIntoTests);
}
for (const v6 of ['UDP6', 'UDPLITE6']) {
  defineClass(`RecvmsgRFC3542Ancillary${v6}Test`, v6, timeout, RFC3542AncillaryTest);
  defineClass(`RecvmsgIntoRFC3542Ancillary${v6}Test`, v6, { ...timeout, into: true }, RFC3542AncillaryTest);
}
for (const base of ['TCP', 'UnixStream']) {
  defineClass(`Sendmsg${base}Test`, base, timeout, SendmsgTests, SendmsgStreamTests);
  defineClass(`Recvmsg${base}Test`, base, {}, RecvmsgTests, RecvmsgGenericStreamTests);
  defineClass(`RecvmsgInto${base}Test`, base, { into: true }, RecvmsgIntoTests, RecvmsgGenericStreamTests);
}
defineClass('RecvmsgSCMRightsStreamTest', 'UnixStream', { ...timeout, scm: true }, SCMRightsTest);
defineClass('RecvmsgIntoSCMRightsStreamTest', 'UnixStream', { ...timeout, scm: true, into: true }, SCMRightsTest);

// ======================================================= SendRecvFdsTests

// os.pipe() has no Node counterpart: each "pipe" is a socketpair, read through its
// descriptor with read(2) as os.read does.
for (const [api, S] of APIS) {
  defineCase('SendRecvFdsTests.testSendAndRecvFds', api, S, async () => {
    // send 10 file descriptors
    const pipes = [];
    for (let i = 0; i < 10; i++) pipes.push(pool.add(...syncSocket.socketpair()));
    const fds = pipes.map(([rfd]) => rfd.fileno());
    // use a UNIX socket pair to exchange file descriptors locally
    const [sock1, sock2] = pool.add(...S.socketpair(S.AF_UNIX, S.SOCK_STREAM));
    await S.send_fds(sock1, [MSG], fds);
    // request more data and file descriptors than expected
    const [msg, fds2, flags] = await S.recv_fds(sock2, MSG.length * 2, fds.length * 2);
    cleanups.push(() => fds2.forEach((fd) => closeSync(fd)));
    sock1.close();
    sock2.close();
    eqBytes(msg, MSG);
    assert.is(fds2.length, fds.length);
    assert.is(flags, 0);
    // don't test addr
    // test that file descriptors are connected
    pipes.forEach(([, wfd], index) => wfd.send(b(String(index))));
    fds2.forEach((rfd, index) => {
      const buf = Buffer.alloc(100);
      assert.is(buf.subarray(0, readSync(rfd, buf, 0, 100, null)).toString(), String(index));
    });
  });
}

// ======================================================= CPython on this machine

// SCMRightsTest's truncation and partial-int cases accept several outcomes; Linux gives one.
// Each scenario runs in /usr/bin/python3 and in wasock, over a socketpair, and the outcomes
// (bytes sent or errno, data length, each item's level, type and data length, msg_flags) must
// be the same.
const SCENARIOS = {
  testFDPassEmpty: { send: [['empty']], ancbuf: '10240' },
  testFDPassPartialInt: { send: [['partial']], ancbuf: '10240' },
  testFDPassPartialIntInMiddle: { send: [['partialMiddle'], ['fds', 1]], ancbuf: '10240' },
  testFDPassSeparate: { send: [['fds', 1], ['fds', 1]], ancbuf: '10240' },
  testFDPassSeparateMinSpace: { send: [['fds', 1], ['fds', 1]], ancbuf: 'CMSG_SPACE(4) + CMSG_LEN(8)' },
  testFDPassCMSG_LEN: { send: [['fds', 1]], ancbuf: 'CMSG_LEN(16)' },
  testCmsgTruncNoBufSize: { send: [['fds', 1]], ancbuf: null },
  testCmsgTrunc0: { send: [['fds', 1]], ancbuf: '0' },
  testCmsgTrunc1: { send: [['fds', 1]], ancbuf: '1' },
  testCmsgTrunc2Int: { send: [['fds', 1]], ancbuf: '8' },
  testCmsgTruncLen0Minus1: { send: [['fds', 1]], ancbuf: 'CMSG_LEN(0) - 1' },
  testCmsgTruncLen0: { send: [['fds', 1]], ancbuf: 'CMSG_LEN(0)' },
  testCmsgTruncLen0Plus1: { send: [['fds', 2]], ancbuf: 'CMSG_LEN(0) + 1' },
  testCmsgTruncLen1: { send: [['fds', 2]], ancbuf: 'CMSG_LEN(4)' },
  testCmsgTruncLen2Minus1: { send: [['fds', 2]], ancbuf: 'CMSG_LEN(8) - 1' },
};

// recvmsg's arguments after bufsize: none for a null ancbuf, else its expression (written once for
// both languages) over this API's CMSG_LEN/CMSG_SPACE.
function ancbufArgs(S, expr) {
  return expr === null ? [] : [Function('CMSG_LEN', 'CMSG_SPACE', `return ${expr}`)(S.CMSG_LEN, S.CMSG_SPACE)];
}

const PY_OUTCOMES = JSON.parse(python(`import socket, array, os, json
from socket import CMSG_LEN, CMSG_SPACE
MSG = 'Michael Gilfix was here\\u1234\\r\\n'.encode()
R = (socket.SOL_SOCKET, socket.SCM_RIGHTS)
def item(kind, n=0):
    if kind == 'empty': return R + (b'',)
    if kind == 'partial': return R + (array.array('i', [${badfd}]).tobytes()[:-1],)
    r, w = os.pipe(); os.close(w)
    if kind == 'partialMiddle': return R + (array.array('i', [r, ${badfd}]).tobytes()[:-1],)
    return R + (array.array('i', [r] + [os.dup(r) for _ in range(n - 1)]),)
out = {}
for name, sc in json.loads(${JSON.stringify(JSON.stringify(SCENARIOS))}).items():
    a, b = socket.socketpair()
    try:
        sent = a.sendmsg([MSG], [item(*i) for i in sc['send']])
    except OSError as e:
        sent = ['error', e.errno]
    args = () if sc['ancbuf'] is None else (eval(sc['ancbuf']),)
    msg, anc, flags, addr = b.recvmsg(len(MSG), *args)
    out[name] = [sent, len(msg), [[l, t, len(d)] for l, t, d in anc], flags]
    a.close(); b.close()
print(json.dumps(out))`));

// The same scenario's items for wasock: pipes become files from newFDs().
function scenarioItems(S, send) {
  return send.map(([kind, n]) => {
    if (kind === 'empty') return [S.SOL_SOCKET, S.SCM_RIGHTS, b('')];
    if (kind === 'partial') return [S.SOL_SOCKET, S.SCM_RIGHTS, intBytes([badfd]).subarray(0, -1)];
    if (kind === 'partialMiddle') return [S.SOL_SOCKET, S.SCM_RIGHTS, intBytes([newFDs(1)[0], badfd]).subarray(0, -1)];
    return [S.SOL_SOCKET, S.SCM_RIGHTS, new Int32Array(newFDs(n))];
  });
}

for (const [api, S] of APIS) {
  for (const [name, sc] of Object.entries(SCENARIOS)) {
    defineCase(`SCMRightsTest.${name} (outcome as python3's)`, api, S, async () => {
      const [a, c] = pool.add(...S.socketpair());
      let sent;
      try {
        sent = await a.sendmsg([MSG], scenarioItems(S, sc.send));
      } catch (e) {
        if (!(e instanceof S.error)) throw e;
        sent = ['error', e.errno];
      }
      const args = ancbufArgs(S, sc.ancbuf);
      const result = await c.recvmsg(MSG.length, ...args);
      closeRecvmsgFDs(result);
      const [msg, anc, flags] = result;
      assert.equal([sent, msg.length, anc.map(([l, t, d]) => [l, t, d.length]), flags], PY_OUTCOMES[name]);
    });
  }
}

// RFC3542AncillaryTest's cases over UDP6 the same way, with the items' data compared too (the
// hop limit and traffic class the kernel reports on loopback): which item a short buffer keeps,
// how much of a cut one is returned, and the errno that refuses an odd-sized item, then the
// fallback send CPython's testOddCmsgSize makes.
const HOPLIMIT_ITEM = '[41, 52, hop(2)]';
const RFC3542_SCENARIOS = {
  testCmsgTruncNoBufSize: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: null },
  testSingleCmsgTrunc0: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: '0' },
  testSingleCmsgTrunc1: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: '1' },
  testSingleCmsgTrunc2Int: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: '8' },
  testSingleCmsgTruncLen0Minus1: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: 'CMSG_LEN(0) - 1' },
  testSingleCmsgTruncInData: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: 'CMSG_LEN(4) - 1' },
  testRecvHopLimit: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: '10240' },
  testRecvHopLimitCMSG_SPACE: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: 'CMSG_SPACE(4)' },
  testSetHopLimit: { recv: ['IPV6_RECVHOPLIMIT'], ancbuf: '10240', send: [HOPLIMIT_ITEM] },
  testRecvTrafficClassAndHopLimit: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: '10240' },
  testRecvTrafficClassAndHopLimitCMSG_SPACE: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4) * 2' },
  testSetTrafficClassAndHopLimit: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: '10240',
    send: ['[41, 67, hop(-1)]', HOPLIMIT_ITEM] },
  testOddCmsgSize: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: '10240',
    send: ['[41, 67, odd(-1)]', HOPLIMIT_ITEM], fallback: ['[41, 67, hop(-1)]', HOPLIMIT_ITEM] },
  testSecondCmsgTrunc0: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4)' },
  testSecondCmsgTrunc1: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4) + 1' },
  testSecondCmsgTrunc2Int: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4) + 8' },
  testSecondCmsgTruncLen0Minus1: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4) + CMSG_LEN(0) - 1' },
  testSecondCmsgTruncInData: { recv: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], ancbuf: 'CMSG_SPACE(4) + CMSG_LEN(4) - 1' },
};

const PY_RFC3542 = JSON.parse(python(`import socket, array, json
from socket import CMSG_LEN, CMSG_SPACE
MSG = 'Michael Gilfix was here\\u1234\\r\\n'.encode()
hop = lambda v: array.array('i', [v]).tobytes()
odd = lambda v: hop(v) + b'\\0'
out = {}
for name, sc in json.loads(${JSON.stringify(JSON.stringify(RFC3542_SCENARIOS))}).items():
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('::1', 0))
    c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); c.bind(('::1', 0))
    for opt in sc['recv']: s.setsockopt(socket.IPPROTO_IPV6, getattr(socket, opt), 1)
    try:
        sent = c.sendmsg([MSG], [eval(i) for i in sc.get('send', [])], 0, s.getsockname())
    except OSError as e:
        sent = ['error', e.errno, c.sendmsg([MSG], [eval(i) for i in sc['fallback']], 0, s.getsockname())]
    args = () if sc['ancbuf'] is None else (eval(sc['ancbuf']),)
    msg, anc, flags, addr = s.recvmsg(len(MSG), *args)
    out[name] = [sent, len(msg), [[l, t, d.hex()] for l, t, d in anc], flags]
    s.close(); c.close()
print(json.dumps(out))`));

// A scenario's item expression ("[41, 52, hop(2)]") for wasock.
function rfc3542Item(expr) {
  const hop = (v) => intBytes([v]);
  const odd = (v) => concat(intBytes([v]), [0]);
  return Function('hop', 'odd', `return ${expr}`)(hop, odd);
}

for (const [api, S] of APIS) {
  for (const [name, sc] of Object.entries(RFC3542_SCENARIOS)) {
    defineCase(`RFC3542AncillaryTest.${name} (outcome as python3's)`, api, S, async () => {
      const s = pool.add(S.socket(S.AF_INET6, S.SOCK_DGRAM));
      s.bind([HOSTv6, 0]);
      s.settimeout(FAIL_TIMEOUT);
      const c = pool.add(S.socket(S.AF_INET6, S.SOCK_DGRAM));
      c.bind([HOSTv6, 0]);
      for (const opt of sc.recv) s.setsockopt(S.IPPROTO_IPV6, S[opt], 1);
      let sent;
      try {
        sent = await c.sendmsg([MSG], (sc.send ?? []).map(rfc3542Item), 0, s.getsockname());
      } catch (e) {
        if (!(e instanceof S.error) || !sc.fallback) throw e;
        sent = ['error', e.errno, await c.sendmsg([MSG], sc.fallback.map(rfc3542Item), 0, s.getsockname())];
      }
      const args = ancbufArgs(S, sc.ancbuf);
      const [msg, anc, flags] = await s.recvmsg(MSG.length, ...args);
      assert.equal([sent, msg.length, anc.map(([l, t, d]) => [l, t, Buffer.from(d).toString('hex')]), flags], PY_RFC3542[name]);
    });
  }
}

// Every socket, file and received descriptor the cases made was closed again (the count is taken
// once both APIs have made their first socket, so their own lasting descriptors are in it).
test('no descriptor left open by the cases', () => {
  assert.is(fdCount(), fdsBefore);
});

// ======================================================= not ported

test.skip('Not ported: SendmsgSCTPStreamTest, RecvmsgSCTPStreamTest, RecvmsgIntoSCTPStreamTest (this kernel ' +
  'has no SCTP: socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails with EPROTONOSUPPORT, and CPython skips them here); ' +
  'InterruptedSendTimeoutTest.testInterruptedSendmsgTimeout and InterruptedRecvTimeoutTest.testInterruptedRecvmsg*' +
  'Timeout (a signal handler raising inside a blocking call); RDSTest.testPeekFromSendmsg/testSendmsg* (no RDS ' +
  'module); AF_ALG sendmsg_afalg (no AF_ALG in wasock)');

test.run();
