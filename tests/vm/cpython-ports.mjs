// CPython 3.11's own AF_CAN, AF_ALG and AF_VSOCK test cases (Lib/test/test_socket.py: BasicCANTest,
// CANTest, ISOTPTest, J1939Test, LinuxKernelCryptoAPI, BasicVSOCKTest,
// ThreadedVSOCKSocketStreamTest), ported case by case to wasock with their assertions kept. Run
// inside the VM by tests/vm/families-guest.mjs (one boot with the families scenarios). CPython's
// threaded pairs (testX on the server side, _testX on the client side) become a second socket in
// the same process: the client's half runs first when it only sends, the server's when it must
// be listening (runPortsAsync() runs the threaded classes through the Promise API, both halves at
// once). runPorts() returns { 'Class.case': ['pass'] | ['fail', message] | ['skip', why] },
// and runCpython() the same cases' outcomes from CPython's own unittest run in the VM.
import * as socket from 'wasock';
import * as promises from 'wasock/promises';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PYTHON } from '../lib/helpers.mjs';

const T = socket;
const b = (s) => Buffer.from(s);
const hex = (u8) => Buffer.from(u8).toString('hex');
const h = (s) => Buffer.from(s, 'hex');

class Skip extends Error {}

function assertEqual(a, c, what = '') {
  const j = (v) => JSON.stringify(v instanceof Uint8Array ? hex(v) : v);
  if (j(a) !== j(c)) throw new Error(`${what} ${j(a)} != ${j(c)}`);
}

// unittest's assertRaises/assertRaisesRegex: the class (and the errno, for CPython's OSError
// subclasses such as FileNotFoundError) and a match in the message.
function assertRaises(cls, f, { regex, errno } = {}) {
  try {
    f();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`${e?.constructor?.name} raised, not ${cls.name}: ${e?.message}`);
    if (regex && !regex.test(e.message)) throw new Error(`"${e.message}" does not match ${regex}`);
    if (errno !== undefined && e.errno !== errno) throw new Error(`errno ${e.errno}, not ${errno}`);
    return;
  }
  throw new Error(`${cls.name} not raised`);
}

// Python's `with socket.socket(...) as s:`.
function withSocket(args, f) {
  const s = socket.socket(...args);
  try {
    return f(s);
  } finally {
    s.close();
  }
}

// Constants that must exist as numbers (CPython's "just reference them" checks).
function constants(...names) {
  for (const n of names) if (typeof T[n] !== 'number') throw new Error(`socket.${n} missing`);
}

const INTERFACE = 'vcan0';
const BUFSIZE = 128;
const ENOENT = 2;

// SocketCANTest's struct formats: can_frame '=IB3x8s'; bcm_msg_head '@3I4l2I' padded to 8.
function buildCanFrame(canId, data) {
  const f = Buffer.alloc(16);
  f.writeUInt32LE(canId, 0);
  f[4] = data.length;
  Buffer.from(data).copy(f, 8);
  return f;
}
function dissectCanFrame(f) {
  const buf = Buffer.from(f);
  return [buf.readUInt32LE(0), buf[4], buf.subarray(8, 8 + buf[4])];
}
function bcmHead(opcode, flags, count, ivals, canId, nframes) {
  const head = Buffer.alloc(56);
  head.writeUInt32LE(opcode, 0);
  head.writeUInt32LE(flags, 4);
  head.writeUInt32LE(count, 8);
  ivals.forEach((v, i) => head.writeBigInt64LE(BigInt(v), 16 + 8 * i));
  head.writeUInt32LE(canId, 48);
  head.writeUInt32LE(nframes, 52);
  return head;
}

const rawArgs = [T.PF_CAN, T.SOCK_RAW, T.CAN_RAW];

const BasicCANTest = {
  testCrucialConstants: () => constants('AF_CAN', 'PF_CAN', 'CAN_RAW'),
  testBCMConstants: () => constants('CAN_BCM', 'CAN_BCM_TX_SETUP', 'CAN_BCM_TX_DELETE', 'CAN_BCM_TX_READ',
    'CAN_BCM_TX_SEND', 'CAN_BCM_RX_SETUP', 'CAN_BCM_RX_DELETE', 'CAN_BCM_RX_READ', 'CAN_BCM_TX_STATUS',
    'CAN_BCM_TX_EXPIRED', 'CAN_BCM_RX_STATUS', 'CAN_BCM_RX_TIMEOUT', 'CAN_BCM_RX_CHANGED', 'CAN_BCM_SETTIMER',
    'CAN_BCM_STARTTIMER', 'CAN_BCM_TX_COUNTEVT', 'CAN_BCM_TX_ANNOUNCE', 'CAN_BCM_TX_CP_CAN_ID',
    'CAN_BCM_RX_FILTER_ID', 'CAN_BCM_RX_CHECK_DLC', 'CAN_BCM_RX_NO_AUTOTIMER', 'CAN_BCM_RX_ANNOUNCE_RESUME',
    'CAN_BCM_TX_RESET_MULTI_IDX', 'CAN_BCM_RX_RTR_FRAME'),
  testCreateSocket: () => withSocket(rawArgs, () => {}),
  testCreateBCMSocket: () => withSocket([T.PF_CAN, T.SOCK_DGRAM, T.CAN_BCM], () => {}),
  testBindAny: () => withSocket(rawArgs, (s) => {
    const address = [''];
    s.bind(address);
    assertEqual(s.getsockname(), address);
  }),
  testTooLongInterfaceName: () => withSocket(rawArgs, (s) => {
    assertRaises(T.error, () => s.bind(['x'.repeat(1024)]), { regex: /interface name too long/ });
  }),
  testLoopback: () => withSocket(rawArgs, (s) => {
    for (const loopback of [0, 1]) {
      s.setsockopt(T.SOL_CAN_RAW, T.CAN_RAW_LOOPBACK, loopback);
      assertEqual(loopback, s.getsockopt(T.SOL_CAN_RAW, T.CAN_RAW_LOOPBACK));
    }
  }),
  testFilter: () => {
    const canFilter = Buffer.alloc(8);
    canFilter.writeUInt32LE(0x200, 0);
    canFilter.writeUInt32LE(0x700, 4);
    withSocket(rawArgs, (s) => {
      s.setsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, canFilter);
      assertEqual(canFilter, s.getsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, 8));
      // CPython's bytearray: a fresh Uint8Array here.
      s.setsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, new Uint8Array(canFilter));
    });
  },
};

// ThreadedCANSocketTest: the server's raw socket (self.s) and the client's (self.cli), both on
// vcan0; the client sends first, the server's recvfrom then finds the frames queued.
function canPair(f) {
  const s = socket.socket(...rawArgs);
  const cli = socket.socket(...rawArgs);
  try {
    try {
      s.bind([INTERFACE]);
    } catch (e) {
      throw new Skip(`network interface \`${INTERFACE}\` does not exist (${e.message})`);
    }
    cli.bind([INTERFACE]);
    s.settimeout(5);
    cli.settimeout(5);
    f(s, cli);
  } finally {
    s.close();
    cli.close();
  }
}

const CANTest = {
  testSendFrame: () => canPair((s, cli) => {
    const cf = buildCanFrame(0x00, b('\x01\x02\x03\x04\x05'));
    cli.send(cf);
    const [got, addr] = s.recvfrom(BUFSIZE);
    assertEqual(cf, got);
    assertEqual(addr[0], INTERFACE);
  }),
  testSendMaxFrame: () => canPair((s, cli) => {
    const cf = buildCanFrame(0x00, Buffer.alloc(8, 7));
    cli.send(cf);
    assertEqual(cf, s.recvfrom(BUFSIZE)[0]);
  }),
  testSendMultiFrames: () => canPair((s, cli) => {
    const cf1 = buildCanFrame(0x07, h('44332211'));
    cli.send(cf1);
    const cf2 = buildCanFrame(0x12, h('992233'));
    cli.send(cf2);
    assertEqual(cf1, s.recvfrom(BUFSIZE)[0]);
    assertEqual(cf2, s.recvfrom(BUFSIZE)[0]);
  }),
  // testBCM sends the TX_SEND; _testBCM, the client, receives the frame on the bus.
  testBCM: () => canPair((s, cli) => withSocket([T.PF_CAN, T.SOCK_DGRAM, T.CAN_BCM], (bcm) => {
    bcm.connect([INTERFACE]);
    const canId = 0x123;
    const data = Buffer.from([0xc0, 0xff, 0xee]);
    const cf = buildCanFrame(canId, data);
    assertEqual(cf.length, 16);
    const header = bcmHead(T.CAN_BCM_TX_SEND, 0, 0, [0, 0, 0, 0], 0x0222, 1);
    const headerPlusFrame = Buffer.concat([header, cf]);
    assertEqual(bcm.send(headerPlusFrame), headerPlusFrame.length);
    const [got] = cli.recvfrom(BUFSIZE);
    assertEqual(cf, got);
    const [id, , payload] = dissectCanFrame(got);
    assertEqual(canId, id);
    assertEqual(data, payload);
  })),
};

// OSError ENODEV: CPython skips the case (no vcan0), anything else is a failure.
function unlessNoDevice(f) {
  try {
    f();
  } catch (e) {
    if (e instanceof T.error && e.errno === 19) throw new Skip(`network interface \`${INTERFACE}\` does not exist`);
    throw e;
  }
}

const isotpArgs = [T.PF_CAN, T.SOCK_DGRAM, T.CAN_ISOTP];
const ISOTPTest = {
  testCrucialConstants: () => constants('AF_CAN', 'PF_CAN', 'CAN_ISOTP', 'SOCK_DGRAM'),
  testCreateSocket: () => withSocket(rawArgs, () => {}),
  testCreateISOTPSocket: () => withSocket(isotpArgs, () => {}),
  testTooLongInterfaceName: () => withSocket(isotpArgs, (s) => {
    assertRaises(T.error, () => s.bind(['x'.repeat(1024), 1, 2]), { regex: /interface name too long/ });
  }),
  testBind: () => unlessNoDevice(() => withSocket(isotpArgs, (s) => {
    const addr = [INTERFACE, 0x123, 0x456];
    s.bind(addr);
    assertEqual(s.getsockname(), addr);
  })),
};

const J1939Test = {
  testJ1939Constants: () => constants('CAN_J1939', 'J1939_MAX_UNICAST_ADDR', 'J1939_IDLE_ADDR', 'J1939_NO_ADDR',
    'J1939_NO_NAME', 'J1939_PGN_REQUEST', 'J1939_PGN_ADDRESS_CLAIMED', 'J1939_PGN_ADDRESS_COMMANDED',
    'J1939_PGN_PDU1_MAX', 'J1939_PGN_MAX', 'J1939_NO_PGN', 'SO_J1939_FILTER', 'SO_J1939_PROMISC',
    'SO_J1939_SEND_PRIO', 'SO_J1939_ERRQUEUE', 'SCM_J1939_DEST_ADDR', 'SCM_J1939_DEST_NAME', 'SCM_J1939_PRIO',
    'SCM_J1939_ERRQUEUE', 'J1939_NLA_PAD', 'J1939_NLA_BYTES_ACKED', 'J1939_EE_INFO_NONE', 'J1939_EE_INFO_TX_ABORT',
    'J1939_FILTER_MAX'),
  testCreateJ1939Socket: () => withSocket([T.PF_CAN, T.SOCK_DGRAM, T.CAN_J1939], () => {}),
  testBind: () => unlessNoDevice(() => withSocket([T.PF_CAN, T.SOCK_DGRAM, T.CAN_J1939], (s) => {
    const addr = [INTERFACE, T.J1939_NO_NAME, T.J1939_NO_PGN, T.J1939_NO_ADDR];
    s.bind(addr);
    assertEqual(s.getsockname(), addr);
  })),
};

// create_alg: an algorithm the kernel lacks (FileNotFoundError) skips the case.
function createAlg(typ, name) {
  const sock = socket.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
  try {
    sock.bind([typ, name]);
  } catch (e) {
    sock.close();
    if (e instanceof T.error && e.errno === ENOENT) throw new Skip(`${e.message} ${typ} ${name}`);
    throw e;
  }
  return sock;
}
function withAlg(typ, name, f) {
  const algo = createAlg(typ, name);
  try {
    f(algo);
  } finally {
    algo.close();
  }
}
function withOp(algo, f) {
  const [op] = algo.accept();
  try {
    op.settimeout(10);
    return f(op);
  } finally {
    op.close();
  }
}

const LinuxKernelCryptoAPI = {
  test_sha256: () => withAlg('hash', 'sha256', (algo) => {
    const expected = h('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    withOp(algo, (op) => {
      op.sendall(b('abc'));
      assertEqual(op.recv(512), expected);
    });
    withOp(algo, (op) => {
      op.send(b('a'), T.MSG_MORE);
      op.send(b('b'), T.MSG_MORE);
      op.send(b('c'), T.MSG_MORE);
      op.send(b(''));
      assertEqual(op.recv(512), expected);
    });
  }),
  test_hmac_sha1: () => withAlg('hash', 'hmac(sha1)', (algo) => {
    algo.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, b('Python loves AF_ALG'));
    withOp(algo, (op) => {
      op.sendall(b('what do ya want for nothing?'));
      assertEqual(op.recv(512), h('193dbb43c6297b47ea6277ec0ce67119a3f3aa66'));
    });
  }),
  test_aes_cbc: () => withAlg('skcipher', 'cbc(aes)', (algo) => {
    const key = h('06a9214036b8a15b512e03d534120006');
    const iv = h('3dafba429d9eb430b422da802c9fac41');
    const msg = b('Single block msg');
    const ciphertext = h('e353779c1079aeb82708942dbe77181a');
    const msglen = msg.length;
    algo.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key);
    withOp(algo, (op) => {
      op.sendmsg_afalg(undefined, T.ALG_OP_ENCRYPT, iv, undefined, T.MSG_MORE);
      op.sendall(msg);
      assertEqual(op.recv(msglen), ciphertext);
    });
    withOp(algo, (op) => {
      op.sendmsg_afalg([ciphertext], T.ALG_OP_DECRYPT, iv);
      assertEqual(op.recv(msglen), msg);
    });
    // long message
    const multiplier = 1024;
    const longmsg = Array(multiplier).fill(msg);
    const enc = withOp(algo, (op) => {
      op.sendmsg_afalg(longmsg, T.ALG_OP_ENCRYPT, iv);
      return op.recv(msglen * multiplier);
    });
    assertEqual(enc.length, msglen * multiplier);
    assertEqual(enc.subarray(0, msglen), ciphertext);
    const dec = withOp(algo, (op) => {
      op.sendmsg_afalg([enc], T.ALG_OP_DECRYPT, iv);
      return op.recv(msglen * multiplier);
    });
    assertEqual(dec.length, msglen * multiplier);
    assertEqual(dec, Buffer.concat(longmsg));
  }),
  test_aead_aes_gcm: () => withAlg('aead', 'gcm(aes)', (algo) => {
    const key = h('c939cc13397c1d37de6ae0e1cb7c423c');
    const iv = h('b3d8cc017cbb89b39e0f67e2');
    const plain = h('c3b3c41f113a31b73d9a5cd432103069');
    const assoc = h('24825602bd12a984e0092d3e448eda5f');
    const expectedCt = h('93fe7d9e9bfd10348a5606e5cafa7354');
    const expectedTag = h('0032a1dc85f1c9786925a2e71d8272dd');
    const taglen = expectedTag.length;
    const assoclen = assoc.length;
    const check = (res) => {
      assertEqual(expectedCt, res.subarray(assoclen, res.length - taglen));
      assertEqual(expectedTag, res.subarray(res.length - taglen));
    };
    algo.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key);
    algo.setsockopt(T.SOL_ALG, T.ALG_SET_AEAD_AUTHSIZE, null, taglen);
    // send assoc, plain and tag buffer in separate steps
    withOp(algo, (op) => {
      op.sendmsg_afalg(undefined, T.ALG_OP_ENCRYPT, iv, assoclen, T.MSG_MORE);
      op.sendall(assoc, T.MSG_MORE);
      op.sendall(plain);
      check(op.recv(assoclen + plain.length + taglen));
    });
    // now with msg
    const msg = Buffer.concat([assoc, plain]);
    withOp(algo, (op) => {
      op.sendmsg_afalg([msg], T.ALG_OP_ENCRYPT, iv, assoclen);
      check(op.recv(assoclen + plain.length + taglen));
    });
    // create anc data manually
    const u32 = (n) => {
      const x = Buffer.alloc(4);
      x.writeUInt32LE(n);
      return x;
    };
    withOp(algo, (op) => {
      op.sendmsg([msg], [[T.SOL_ALG, T.ALG_SET_OP, u32(T.ALG_OP_ENCRYPT)],
        [T.SOL_ALG, T.ALG_SET_IV, Buffer.concat([u32(iv.length), iv])],
        [T.SOL_ALG, T.ALG_SET_AEAD_ASSOCLEN, u32(assoclen)]]);
      check(op.recv(msg.length + taglen));
    });
    // decrypt and verify
    withOp(algo, (op) => {
      const m = Buffer.concat([assoc, expectedCt, expectedTag]);
      op.sendmsg_afalg([m], T.ALG_OP_DECRYPT, iv, assoclen);
      assertEqual(plain, op.recv(m.length - taglen).subarray(assoclen));
    });
  }),
  test_drbg_pr_sha256: () => withAlg('rng', 'drbg_pr_sha256', (algo) => {
    algo.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, randomBytes(32));
    withOp(algo, (op) => assertEqual(op.recv(32).length, 32));
  }),
  // CPython's keyword calls become positional ones: sendmsg_afalg(msg, op, iv, assoclen, flags).
  test_sendmsg_afalg_args: () => withSocket([T.AF_ALG, T.SOCK_SEQPACKET, 0], (sock) => {
    assertRaises(TypeError, () => sock.sendmsg_afalg());
    assertRaises(TypeError, () => sock.sendmsg_afalg(undefined, null));
    assertRaises(TypeError, () => sock.sendmsg_afalg(1));
    assertRaises(TypeError, () => sock.sendmsg_afalg(undefined, T.ALG_OP_ENCRYPT, undefined, null));
    assertRaises(TypeError, () => sock.sendmsg_afalg(undefined, T.ALG_OP_ENCRYPT, undefined, -1));
  }),
  // FileNotFoundError is an OSError with ENOENT; ValueError is RangeError.
  test_length_restriction: () => withSocket([T.AF_ALG, T.SOCK_SEQPACKET, 0], (sock) => {
    assertRaises(T.error, () => sock.bind(['t'.repeat(13), 'name']), { errno: ENOENT });
    assertRaises(RangeError, () => sock.bind(['t'.repeat(14), 'name']), { regex: /type too long/ });
    assertRaises(T.error, () => sock.bind(['type', 'n'.repeat(63)]), { errno: ENOENT });
    assertRaises(RangeError, () => sock.bind(['type', 'n'.repeat(64)]), { regex: /name too long/ });
  }),
};

const BasicVSOCKTest = {
  testCrucialConstants: () => constants('AF_VSOCK'),
  testVSOCKConstants: () => constants('SO_VM_SOCKETS_BUFFER_SIZE', 'SO_VM_SOCKETS_BUFFER_MIN_SIZE',
    'SO_VM_SOCKETS_BUFFER_MAX_SIZE', 'VMADDR_CID_ANY', 'VMADDR_PORT_ANY', 'VMADDR_CID_HOST',
    'VM_SOCKETS_INVALID_VERSION', 'IOCTL_VM_SOCKETS_GET_LOCAL_CID'),
  testCreateSocket: () => withSocket([T.AF_VSOCK, T.SOCK_STREAM], () => {}),
  testSocketBufferSize: () => withSocket([T.AF_VSOCK, T.SOCK_STREAM], (s) => {
    const get = (opt) => s.getsockopt(T.AF_VSOCK, opt);
    const origMax = get(T.SO_VM_SOCKETS_BUFFER_MAX_SIZE);
    const orig = get(T.SO_VM_SOCKETS_BUFFER_SIZE);
    const origMin = get(T.SO_VM_SOCKETS_BUFFER_MIN_SIZE);
    s.setsockopt(T.AF_VSOCK, T.SO_VM_SOCKETS_BUFFER_MAX_SIZE, origMax * 2);
    s.setsockopt(T.AF_VSOCK, T.SO_VM_SOCKETS_BUFFER_SIZE, orig * 2);
    s.setsockopt(T.AF_VSOCK, T.SO_VM_SOCKETS_BUFFER_MIN_SIZE, origMin * 2);
    assertEqual(origMax * 2, get(T.SO_VM_SOCKETS_BUFFER_MAX_SIZE));
    assertEqual(orig * 2, get(T.SO_VM_SOCKETS_BUFFER_SIZE));
    assertEqual(origMin * 2, get(T.SO_VM_SOCKETS_BUFFER_MIN_SIZE));
  }),
};

const VSOCKPORT = 1234;
const MSG = b('Michael Gilfix was here\u1234\r\n');

// setUp listens on (VMADDR_CID_ANY, VSOCKPORT); clientSetUp connects to get_cid(), the guest's
// own CID by an ioctl on /dev/vsock that wasock has no call for: with vsock_loopback the local
// CID, VMADDR_CID_LOCAL, is the one address that reaches this guest's own listener.
const ThreadedVSOCKSocketStreamTest = {
  testStream: () => withSocket([T.AF_VSOCK, T.SOCK_STREAM], (serv) => {
    serv.bind([T.VMADDR_CID_ANY, VSOCKPORT]);
    serv.listen();
    withSocket([T.AF_VSOCK, T.SOCK_STREAM], (cli) => {
      cli.settimeout(10);
      cli.connect([T.VMADDR_CID_LOCAL, VSOCKPORT]);
      const [conn] = serv.accept();
      try {
        conn.settimeout(10);
        cli.send(MSG);
        cli.close();
        assertEqual(conn.recv(1024), MSG);
      } finally {
        conn.close();
      }
    });
  }),
};

// The ported classes, by CPython's names.
export const CLASSES = { BasicCANTest, CANTest, ISOTPTest, J1939Test, LinuxKernelCryptoAPI, BasicVSOCKTest,
  ThreadedVSOCKSocketStreamTest };

export function runPorts() {
  const out = {};
  for (const [cls, cases] of Object.entries(CLASSES)) {
    for (const [name, f] of Object.entries(cases)) {
      try {
        f();
        out[`${cls}.${name}`] = ['pass'];
      } catch (e) {
        out[`${cls}.${name}`] = e instanceof Skip ? ['skip', e.message] : ['fail', String(e?.stack ?? e)];
      }
    }
  }
  return out;
}

// The threaded classes again through the Promise API, closer to CPython's threads: the server's
// half (testX) and the client's (_testX) run concurrently, each await bounded by 10 s.
const within = () => AbortSignal.timeout(10_000);
async function threaded(setUp, server, client) {
  const ctx = {};
  const socks = await setUp(ctx);
  try {
    await Promise.all([server(ctx), client(ctx)]);
  } finally {
    for (const s of socks) s.close();
  }
}
const canSetUp = (ctx) => {
  ctx.s = promises.socket(...rawArgs);
  ctx.s.bind([INTERFACE]);
  ctx.cli = promises.socket(...rawArgs);
  ctx.cli.bind([INTERFACE]);
  return [ctx.s, ctx.cli];
};

const CANTestAsync = {
  testSendFrame: () => threaded(canSetUp, async (t) => {
    const [cf, addr] = await t.s.recvfrom(BUFSIZE, within());
    assertEqual(t.cf, cf);
    assertEqual(addr[0], INTERFACE);
  }, async (t) => {
    t.cf = buildCanFrame(0x00, b('\x01\x02\x03\x04\x05'));
    await t.cli.send(t.cf, within());
  }),
  testSendMaxFrame: () => threaded(canSetUp, async (t) => {
    const [cf] = await t.s.recvfrom(BUFSIZE, within());
    assertEqual(t.cf, cf);
  }, async (t) => {
    t.cf = buildCanFrame(0x00, Buffer.alloc(8, 7));
    await t.cli.send(t.cf, within());
  }),
  testSendMultiFrames: () => threaded(canSetUp, async (t) => {
    let [cf] = await t.s.recvfrom(BUFSIZE, within());
    assertEqual(t.cf1, cf);
    [cf] = await t.s.recvfrom(BUFSIZE, within());
    assertEqual(t.cf2, cf);
  }, async (t) => {
    t.cf1 = buildCanFrame(0x07, h('44332211'));
    await t.cli.send(t.cf1, within());
    t.cf2 = buildCanFrame(0x12, h('992233'));
    await t.cli.send(t.cf2, within());
  }),
  testBCM: () => threaded(canSetUp, async (t) => {
    const bcm = promises.socket(T.PF_CAN, T.SOCK_DGRAM, T.CAN_BCM);
    try {
      bcm.connect([INTERFACE]);
      t.canId = 0x123;
      t.data = Buffer.from([0xc0, 0xff, 0xee]);
      t.cf = buildCanFrame(t.canId, t.data);
      const headerPlusFrame = Buffer.concat([bcmHead(T.CAN_BCM_TX_SEND, 0, 0, [0, 0, 0, 0], 0x0222, 1), t.cf]);
      assertEqual(await bcm.send(headerPlusFrame, within()), headerPlusFrame.length);
    } finally {
      bcm.close();
    }
  }, async (t) => {
    const [cf] = await t.cli.recvfrom(BUFSIZE, within());
    assertEqual(t.cf, cf);
    const [id, , payload] = dissectCanFrame(cf);
    assertEqual(t.canId, id);
    assertEqual(t.data, payload);
  }),
};

const ThreadedVSOCKSocketStreamTestAsync = {
  testStream: () => threaded((t) => {
    t.serv = promises.socket(T.AF_VSOCK, T.SOCK_STREAM);
    t.serv.bind([T.VMADDR_CID_ANY, VSOCKPORT]);
    t.serv.listen();
    t.cli = promises.socket(T.AF_VSOCK, T.SOCK_STREAM);
    return [t.serv, t.cli];
  }, async (t) => {
    const [conn] = await t.serv.accept(within());
    try {
      assertEqual(await conn.recv(1024, within()), MSG);
    } finally {
      conn.close();
    }
  }, async (t) => {
    await t.cli.connect([T.VMADDR_CID_LOCAL, VSOCKPORT], within());
    await t.cli.send(MSG, within());
    t.cli.close();
  }),
};

// The Promise API's runs, keyed as runPorts() keys its own.
export async function runPortsAsync() {
  const out = {};
  for (const [cls, cases] of Object.entries({ CANTest: CANTestAsync,
    ThreadedVSOCKSocketStreamTest: ThreadedVSOCKSocketStreamTestAsync })) {
    for (const [name, f] of Object.entries(cases)) {
      try {
        await f();
        out[`${cls}.${name}`] = ['pass'];
      } catch (e) {
        out[`${cls}.${name}`] = ['fail', String(e?.stack ?? e)];
      }
    }
  }
  return out;
}

// CPython's own run of the same classes in the VM: its unittest verdict per case ('pass',
// 'skip' or 'fail'). The interpreter must ship Lib/test: Debian's python3 with
// libpython3.11-testsuite, a CPython 3.11 built from source, or WASOCK_CPYTHON_TESTS.
const SUITES = [process.env.WASOCK_CPYTHON_TESTS, PYTHON, '/root/.pyenv/versions/3.11.7/bin/python3.11'];
const hasSuite = (py) => py && existsSync(join(dirname(py), '..', 'lib', 'python3.11', 'test', 'test_socket.py'));
export function runCpython() {
  const python = SUITES.find(hasSuite);
  if (!python) return { missing: 'no CPython 3.11 with its test suite (apt: libpython3.11-testsuite)' };
  // unittest reports on stderr, and exits 1 when a case fails.
  const r = spawnSync(python, ['-m', 'unittest', '-v', ...Object.keys(CLASSES).map((c) => `test.test_socket.${c}`)],
    { encoding: 'utf8', timeout: 120_000 });
  const text = `${r.stderr}${r.stdout}`;
  const out = {};
  for (const m of text.matchAll(/^(\w+) \(test\.test_socket\.(\w+)\.\w+\)[^\n]*? \.\.\. ([^\n]*)$/gm)) {
    const verdict = m[3].startsWith('ok') ? 'pass' : m[3].startsWith('skipped') ? 'skip' : 'fail';
    out[`${m[2]}.${m[1]}`] = [verdict, m[3]];
  }
  return Object.keys(out).length ? out : { error: text.slice(-3000) };
}
