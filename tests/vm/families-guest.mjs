// Runs inside the VM (tests/vm-families.test.mjs via tests/vm/run.mjs), on a kernel with CAN
// (a vcan0 link), the kernel crypto API and vsock_loopback: the same scenarios through wasock
// and through CPython, and an address-shape matrix differential; the Promise API's runs are
// wasock's alone (alg_async, can_async). Prints one line
// `WSK_REPORT <json>`: { kernel, js, py, matrix: { js, py, scripts }, ports: { js, async, py } }, ports
// being CPython's own test cases for these families (./cpython-ports.mjs) and CPython's verdicts.
import * as socket from 'wasock';
import * as promises from 'wasock/promises';
import { execFileSync } from 'node:child_process';
import { release } from 'node:os';
import { runPython, runWasock, B, F, I } from './families-diff.mjs';
import { runCpython, runPorts, runPortsAsync } from './cpython-ports.mjs';
import { PYTHON } from '../lib/helpers.mjs';

const T = socket;
const hex = (u8) => Buffer.from(u8).toString('hex');
const b = (s) => Buffer.from(s);

// An outcome both languages report alike: the value, or the OSError's errno.
function attempt(f) {
  try {
    return ['ok', f()];
  } catch (e) {
    if (e instanceof T.error) return ['error', e.errno];
    throw e;
  }
}

// An outcome with the exception's class and message, as families-diff.mjs reports them.
function outcome(f) {
  try {
    const r = f();
    return ['ok', typeof r === 'number' ? r : null];
  } catch (e) {
    if (e instanceof T.error) return ['error', e.message, e.errno ?? null];
    if (e instanceof RangeError) return ['RangeError', e.message, null];
    if (e instanceof TypeError) return ['TypeError', e.message, null];
    throw e;
  }
}

// struct can_frame as CPython's documentation packs it: '=IB3x8s'.
function frame(id, data) {
  const f = Buffer.alloc(16);
  f.writeUInt32LE(id, 0);
  f[4] = data.length;
  b(data).copy(f, 8);
  return f;
}

// struct bcm_msg_head ('@3I4l2I', padded to 8) with one TX_SEND frame.
function bcmTxSend(id, data) {
  const head = Buffer.alloc(56);
  head.writeUInt32LE(T.CAN_BCM_TX_SEND, 0);
  head.writeUInt32LE(id, 48);
  head.writeUInt32LE(1, 52);
  return Buffer.concat([head, frame(id, data)]);
}

function can() {
  const out = {};
  const raw = () => socket.socket(T.AF_CAN, T.SOCK_RAW, T.CAN_RAW);
  const tx = raw();
  tx.bind(['vcan0']);
  const rx = raw();
  rx.bind(['vcan0']);
  rx.settimeout(5);
  const anyIf = raw();
  anyIf.bind(['']);
  anyIf.settimeout(5);
  const filter = Buffer.alloc(8);
  filter.writeUInt32LE(0x123, 0);
  filter.writeUInt32LE(T.CAN_SFF_MASK, 4);
  rx.setsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, filter);
  tx.send(frame(0x100, 'skip'));
  tx.send(frame(0x123, 'pass'));
  const [d1, a1] = rx.recvfrom(16);
  const [d2, a2] = anyIf.recvfrom(16);
  const [d3, , , a3] = anyIf.recvmsg(16);
  out.raw = [tx.getsockname(), anyIf.getsockname(), hex(d1), a1, hex(d2), a2, hex(d3), a3,
    hex(rx.getsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, 8))];
  // BCM: one TX_SEND, seen on the bus by a raw socket.
  const mon = raw();
  mon.bind(['vcan0']);
  mon.settimeout(5);
  const bcm = socket.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_BCM);
  bcm.connect(['vcan0']);
  const n = bcm.send(bcmTxSend(0x321, 'bcm!'));
  const [d4, a4] = mon.recvfrom(16);
  out.bcm = [n, hex(d4), a4, attempt(() => bcm.getpeername())];
  // ISO-TP: a 200-byte payload (multi-frame, with flow control) between swapped ids.
  const isotp = (rxId, txId) => {
    const s = socket.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_ISOTP);
    s.bind(['vcan0', rxId, txId]);
    s.settimeout(5);
    return s;
  };
  const ia = isotp(0x123, 0x456);
  const ib = isotp(0x456, 0x123);
  const payload = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
  const sent = ia.send(payload);
  const got = ib.recv(4096);
  ib.send(b('back'));
  out.isotp = [sent, hex(got) === hex(payload), got.length, Buffer.from(ia.recv(100)).toString(), ia.getsockname(),
    ib.getsockname()];
  // J1939: a multi-packet message (transport protocol) and a single frame, by address.
  const j1939 = (addr) => {
    const s = socket.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_J1939);
    s.bind(['vcan0', T.J1939_NO_NAME, T.J1939_NO_PGN, addr]);
    s.settimeout(5);
    return s;
  };
  const j1 = j1939(0x20);
  const j2 = j1939(0x30);
  const m1 = j1.sendto(b('hello j1939, in several packets'), ['vcan0', T.J1939_NO_NAME, 0x12300, 0x30]);
  const [jd1, ja1] = j2.recvfrom(100);
  const m2 = j2.sendto(b('short'), ['vcan0', T.J1939_NO_NAME, 0x12400, 0x20]);
  const [jd2, ja2] = j1.recvfrom(100);
  // recvmsg gives the sender in the protocol's form too.
  j1.sendto(b('by msg'), ['vcan0', T.J1939_NO_NAME, 0x12500, 0x30]);
  const [jd3, , , ja3] = j2.recvmsg(100);
  out.j1939 = [m1, Buffer.from(jd1).toString(), ja1, m2, Buffer.from(jd2).toString(), ja2, j1.getsockname(),
    j2.getsockname(), Buffer.from(jd3).toString(), ja3];
  for (const s of [tx, rx, anyIf, mon, bcm, ia, ib, j1, j2]) s.close();
  return out;
}

function alg() {
  const out = {};
  const hash = (name, data, key) => {
    const s = socket.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
    s.bind(['hash', name]);
    if (key) s.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, b(key));
    const [op, addr] = s.accept();
    op.sendall(b(data));
    const whole = op.recv(64);
    op.send(b(data.slice(0, 3)), T.MSG_MORE);
    op.send(b(data.slice(3)));
    const parts = op.recv(64);
    op.close();
    s.close();
    return [hex(whole), hex(parts), addr];
  };
  out.sha256 = hash('sha256', 'The quick brown fox');
  out.hmac = hash('hmac(sha256)', 'The quick brown fox', 'a key');
  const s = socket.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
  out.errors = [attempt(() => s.bind(['hash', 'no-such-hash'])), attempt(() => s.getsockname())];
  s.close();
  // cbc(aes): sendmsg_afalg sets the operation and the IV; whole, then in two sends.
  const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
  const iv = Buffer.from(Array.from({ length: 16 }, (_, i) => 16 + i));
  const plain = b('sixteen byte blk'.repeat(2));
  const sk = socket.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
  sk.bind(['skcipher', 'cbc(aes)']);
  sk.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key);
  const [op] = sk.accept();
  op.settimeout(5);
  const n1 = op.sendmsg_afalg([plain], T.ALG_OP_ENCRYPT, iv);
  const ct = op.recv(64);
  const n2 = op.sendmsg_afalg([ct], T.ALG_OP_DECRYPT, iv);
  const pt = Buffer.from(op.recv(64)).toString();
  op.sendmsg_afalg([plain.subarray(0, 16)], T.ALG_OP_ENCRYPT, iv, undefined, T.MSG_MORE);
  op.sendall(plain.subarray(16));
  out.cbc = [n1, hex(ct), n2, pt, hex(op.recv(64))];
  // The argument checks, in CPython's order and words (keyword arguments trailing here).
  const inet = socket.socket(T.AF_INET, T.SOCK_STREAM);
  const blk = [plain.subarray(0, 16)];
  out.args = [outcome(() => inet.sendmsg_afalg(blk, 0)), outcome(() => op.sendmsg_afalg(blk)),
    outcome(() => op.sendmsg_afalg(blk, -1)), outcome(() => op.sendmsg_afalg(blk, 'x')),
    outcome(() => op.sendmsg_afalg(blk, 2 ** 40)), outcome(() => op.sendmsg_afalg(blk, 0, 'abc')),
    outcome(() => op.sendmsg_afalg(blk, 0, null)), outcome(() => op.sendmsg_afalg(blk, 0, undefined, -1)),
    outcome(() => op.sendmsg_afalg(blk, 0, undefined, 2 ** 40)), outcome(() => op.sendmsg_afalg(blk, 0, undefined, 1.5)),
    outcome(() => op.sendmsg_afalg(blk, 0, undefined, undefined, 'x')), outcome(() => op.sendmsg_afalg(null, 0)),
    outcome(() => op.sendmsg_afalg(5, 0)), outcome(() => op.sendmsg_afalg(blk, 'x', 'y')),
    outcome(() => op.sendmsg_afalg(blk, T.ALG_OP_ENCRYPT, b('short')))];
  inet.close();
  op.close();
  sk.close();
  // gcm(aes), an AEAD: the associated data's length rides in ALG_SET_AEAD_ASSOCLEN.
  const gcm = socket.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
  gcm.bind(['aead', 'gcm(aes)']);
  gcm.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key);
  gcm.setsockopt(T.SOL_ALG, T.ALG_SET_AEAD_AUTHSIZE, null, 16);
  const [gop] = gcm.accept();
  gop.settimeout(5);
  const assoc = b('header!!');
  gop.sendmsg_afalg(undefined, T.ALG_OP_ENCRYPT, iv.subarray(0, 12), assoc.length, T.MSG_MORE);
  gop.sendall(assoc, T.MSG_MORE);
  gop.sendall(plain);
  out.gcm = hex(gop.recv(assoc.length + plain.length + 16));
  gop.close();
  gcm.close();
  return out;
}

function vsock() {
  const out = {};
  for (const [key, type, port] of [['stream', T.SOCK_STREAM, 5001], ['seqpacket', T.SOCK_SEQPACKET, 5002]]) {
    const l = socket.socket(T.AF_VSOCK, type);
    l.bind([T.VMADDR_CID_LOCAL, port]);
    l.listen();
    const c = socket.socket(T.AF_VSOCK, type);
    c.settimeout(5);
    c.connect([T.VMADDR_CID_LOCAL, port]);
    const [a, addr] = l.accept();
    a.settimeout(5);
    c.sendall(b(`${key} ping`));
    const got = Buffer.from(a.recv(100)).toString();
    a.sendall(b(got.toUpperCase()));
    // The client's port is the kernel's choice: reported as whether both ends agree on it.
    out[key] = [l.getsockname(), addr[0], addr[1] === c.getsockname()[1], c.getpeername(), a.getsockname(), got,
      Buffer.from(c.recv(100)).toString()];
    for (const s of [l, c, a]) s.close();
  }
  out.dgram = attempt(() => {
    const d = socket.socket(T.AF_VSOCK, T.SOCK_DGRAM);
    try {
      d.bind([T.VMADDR_CID_LOCAL, 5003]);
      d.settimeout(5);
      d.sendto(b('dgram ping'), [T.VMADDR_CID_LOCAL, 5003]);
      return Buffer.from(d.recvfrom(100)[0]).toString();
    } finally {
      d.close();
    }
  });
  return out;
}

// The Promise API's sendmsg_afalg: one cbc(aes) encryption, as alg() does it.
async function algAsync() {
  const s = promises.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0);
  s.bind(['skcipher', 'cbc(aes)']);
  s.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, Buffer.from(Array.from({ length: 16 }, (_, i) => i)));
  const [op] = await s.accept();
  const iv = Buffer.from(Array.from({ length: 16 }, (_, i) => 16 + i));
  const n = await op.sendmsg_afalg([b('sixteen byte blk'.repeat(2))], T.ALG_OP_ENCRYPT, iv);
  const ct = hex(await op.recv(64));
  op.close();
  s.close();
  return [n, ct];
}

// The Promise API's recvfrom and recvmsg on J1939: the sender in the protocol's form.
async function canAsync() {
  const j1939 = (addr) => {
    const s = promises.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_J1939);
    s.bind(['vcan0', T.J1939_NO_NAME, T.J1939_NO_PGN, addr]);
    return s;
  };
  const j1 = j1939(0x40);
  const j2 = j1939(0x50);
  const got = j2.recvfrom(100);
  await j1.sendto(b('async'), ['vcan0', T.J1939_NO_NAME, 0x12600, 0x50]);
  const [d1, a1] = await got;
  await j1.sendto(b('async msg'), ['vcan0', T.J1939_NO_NAME, 0x12700, 0x50]);
  const [d2, , , a2] = await j2.recvmsg(100);
  j1.close();
  j2.close();
  return [Buffer.from(d1).toString(), a1.slice(1), Buffer.from(d2).toString(), a2.slice(1)];
}

async function scenarioJs() {
  const out = {};
  for (const [k, f] of [['can', can], ['alg', alg], ['vsock', vsock], ['alg_async', algAsync], ['can_async', canAsync]]) {
    try {
      out[k] = await f();
    } catch (e) {
      out[k] = { error: String(e?.stack ?? e) };
    }
  }
  return out;
}

const PY = String.raw`
import socket as T, struct, json, traceback
def attempt(f):
    try: return ['ok', f()]
    except OSError as e: return ['error', e.errno]
def frame(i, data): return struct.pack('=IB3x8s', i, len(data), data)
def outcome(f):
    try:
        r = f()
        return ['ok', r if isinstance(r, int) else None]
    except OSError as e: return ['error', str(e), e.errno]
    except (ValueError, OverflowError) as e: return ['RangeError', str(e), None]
    except TypeError as e: return ['TypeError', str(e), None]
def can():
    out = {}
    raw = lambda: T.socket(T.AF_CAN, T.SOCK_RAW, T.CAN_RAW)
    tx = raw(); tx.bind(('vcan0',))
    rx = raw(); rx.bind(('vcan0',)); rx.settimeout(5)
    any_if = raw(); any_if.bind(('',)); any_if.settimeout(5)
    rx.setsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, struct.pack('=II', 0x123, T.CAN_SFF_MASK))
    tx.send(frame(0x100, b'skip')); tx.send(frame(0x123, b'pass'))
    d1, a1 = rx.recvfrom(16); d2, a2 = any_if.recvfrom(16); d3, _, _, a3 = any_if.recvmsg(16)
    out['raw'] = [tx.getsockname(), any_if.getsockname(), d1.hex(), a1, d2.hex(), a2, d3.hex(), a3,
        rx.getsockopt(T.SOL_CAN_RAW, T.CAN_RAW_FILTER, 8).hex()]
    mon = raw(); mon.bind(('vcan0',)); mon.settimeout(5)
    bcm = T.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_BCM); bcm.connect(('vcan0',))
    head = '@3I4l2I'; head += 'x' * (struct.calcsize(head) % 8)
    n = bcm.send(struct.pack(head, T.CAN_BCM_TX_SEND, 0, 0, 0, 0, 0, 0, 0x321, 1) + frame(0x321, b'bcm!'))
    d4, a4 = mon.recvfrom(16)
    out['bcm'] = [n, d4.hex(), a4, attempt(lambda: bcm.getpeername())]
    def isotp(rx_id, tx_id):
        s = T.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_ISOTP); s.bind(('vcan0', rx_id, tx_id)); s.settimeout(5); return s
    ia = isotp(0x123, 0x456); ib = isotp(0x456, 0x123)
    payload = bytes(range(200)); sent = ia.send(payload); got = ib.recv(4096); ib.send(b'back')
    out['isotp'] = [sent, got == payload, len(got), ia.recv(100).decode(), ia.getsockname(), ib.getsockname()]
    def j1939(addr):
        s = T.socket(T.AF_CAN, T.SOCK_DGRAM, T.CAN_J1939); s.bind(('vcan0', T.J1939_NO_NAME, T.J1939_NO_PGN, addr))
        s.settimeout(5); return s
    j1 = j1939(0x20); j2 = j1939(0x30)
    m1 = j1.sendto(b'hello j1939, in several packets', ('vcan0', T.J1939_NO_NAME, 0x12300, 0x30)); jd1, ja1 = j2.recvfrom(100)
    m2 = j2.sendto(b'short', ('vcan0', T.J1939_NO_NAME, 0x12400, 0x20)); jd2, ja2 = j1.recvfrom(100)
    j1.sendto(b'by msg', ('vcan0', T.J1939_NO_NAME, 0x12500, 0x30)); jd3, _, _, ja3 = j2.recvmsg(100)
    out['j1939'] = [m1, jd1.decode(), ja1, m2, jd2.decode(), ja2, j1.getsockname(), j2.getsockname(), jd3.decode(), ja3]
    for s in (tx, rx, any_if, mon, bcm, ia, ib, j1, j2): s.close()
    return out
def alg():
    out = {}
    def hash(name, data, key=None):
        s = T.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0); s.bind(('hash', name))
        if key: s.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key)
        op, addr = s.accept(); op.sendall(data); whole = op.recv(64)
        op.send(data[:3], T.MSG_MORE); op.send(data[3:]); parts = op.recv(64)
        op.close(); s.close()
        return [whole.hex(), parts.hex(), addr]
    out['sha256'] = hash('sha256', b'The quick brown fox')
    out['hmac'] = hash('hmac(sha256)', b'The quick brown fox', b'a key')
    s = T.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0)
    out['errors'] = [attempt(lambda: s.bind(('hash', 'no-such-hash'))), attempt(lambda: s.getsockname())]
    s.close()
    key = bytes(range(16)); iv = bytes(range(16, 32)); plain = b'sixteen byte blk' * 2
    sk = T.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0); sk.bind(('skcipher', 'cbc(aes)')); sk.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key)
    op, _ = sk.accept(); op.settimeout(5)
    n1 = op.sendmsg_afalg([plain], op=T.ALG_OP_ENCRYPT, iv=iv); ct = op.recv(64)
    n2 = op.sendmsg_afalg([ct], op=T.ALG_OP_DECRYPT, iv=iv); pt = op.recv(64).decode()
    op.sendmsg_afalg([plain[:16]], op=T.ALG_OP_ENCRYPT, iv=iv, flags=T.MSG_MORE); op.sendall(plain[16:])
    out['cbc'] = [n1, ct.hex(), n2, pt, op.recv(64).hex()]
    inet = T.socket(T.AF_INET, T.SOCK_STREAM); blk = [plain[:16]]
    out['args'] = [outcome(lambda: inet.sendmsg_afalg(blk, op=0)), outcome(lambda: op.sendmsg_afalg(blk)),
        outcome(lambda: op.sendmsg_afalg(blk, op=-1)), outcome(lambda: op.sendmsg_afalg(blk, op='x')),
        outcome(lambda: op.sendmsg_afalg(blk, op=2 ** 40)), outcome(lambda: op.sendmsg_afalg(blk, op=0, iv='abc')),
        outcome(lambda: op.sendmsg_afalg(blk, op=0, iv=None)), outcome(lambda: op.sendmsg_afalg(blk, op=0, assoclen=-1)),
        outcome(lambda: op.sendmsg_afalg(blk, op=0, assoclen=2 ** 40)), outcome(lambda: op.sendmsg_afalg(blk, op=0, assoclen=1.5)),
        outcome(lambda: op.sendmsg_afalg(blk, op=0, flags='x')), outcome(lambda: op.sendmsg_afalg(None, op=0)),
        outcome(lambda: op.sendmsg_afalg(5, op=0)), outcome(lambda: op.sendmsg_afalg(blk, op='x', iv='y')),
        outcome(lambda: op.sendmsg_afalg(blk, op=T.ALG_OP_ENCRYPT, iv=b'short'))]
    inet.close(); op.close(); sk.close()
    gcm = T.socket(T.AF_ALG, T.SOCK_SEQPACKET, 0); gcm.bind(('aead', 'gcm(aes)')); gcm.setsockopt(T.SOL_ALG, T.ALG_SET_KEY, key)
    gcm.setsockopt(T.SOL_ALG, T.ALG_SET_AEAD_AUTHSIZE, None, 16)
    gop, _ = gcm.accept(); gop.settimeout(5); assoc = b'header!!'
    gop.sendmsg_afalg(op=T.ALG_OP_ENCRYPT, iv=iv[:12], assoclen=len(assoc), flags=T.MSG_MORE)
    gop.sendall(assoc, T.MSG_MORE); gop.sendall(plain)
    out['gcm'] = gop.recv(len(assoc) + len(plain) + 16).hex()
    gop.close(); gcm.close()
    return out
def vsock():
    out = {}
    for key, typ, port in (('stream', T.SOCK_STREAM, 5001), ('seqpacket', T.SOCK_SEQPACKET, 5002)):
        l = T.socket(T.AF_VSOCK, typ); l.bind((1, port)); l.listen()
        c = T.socket(T.AF_VSOCK, typ); c.settimeout(5); c.connect((1, port))
        a, addr = l.accept(); a.settimeout(5)
        c.sendall(('%s ping' % key).encode()); got = a.recv(100).decode(); a.sendall(got.upper().encode())
        out[key] = [l.getsockname(), addr[0], addr[1] == c.getsockname()[1], c.getpeername(), a.getsockname(), got,
            c.recv(100).decode()]
        for s in (l, c, a): s.close()
    def dgram():
        d = T.socket(T.AF_VSOCK, T.SOCK_DGRAM)
        try:
            d.bind((1, 5003)); d.settimeout(5); d.sendto(b'dgram ping', (1, 5003)); return d.recvfrom(100)[0].decode()
        finally:
            d.close()
    out['dgram'] = attempt(dgram)
    return out
out = {}
for k, f in (('can', can), ('alg', alg), ('vsock', vsock)):
    try: out[k] = f()
    except Exception: out[k] = {'error': traceback.format_exc()}
print(json.dumps(out))
`;

// The address-shape matrix: bind/connect/getsockname on fresh sockets of each protocol.
const CAN_RAW = [29, 3, 1];
const CAN_BCM = [29, 2, 2];
const ISOTP = [29, 2, 6];
const J1939 = [29, 2, 7];
const ALG = [38, 5, 0];
const VSOCK = [40, 1, 0];
const matrix = [];
const binds = (sock, addrs) => {
  for (const a of addrs) matrix.push({ socket: sock, steps: [['bind', a], ['getsockname']] });
};
binds(CAN_RAW, ['vcan0', null, [], ['vcan0', 1], [1], [B('vcan0')], ['vcan0\0'], ['nosuchif'], ['a'.repeat(16)],
  ['a'.repeat(15)], [''], [['vcan0']]]);
matrix.push({ socket: CAN_BCM, steps: [['connect', 'vcan0'], ['connect', ['vcan0', 1]], ['connect', ['vcan0']],
  ['getpeername'], ['getsockname']] });
binds(ISOTP, [['vcan0'], ['vcan0', 1, 2, 3], ['vcan0', 1, F(1.5)], ['vcan0', 'a', 2], [1, 2, 3], ['', 1, 2],
  ['vcan0', 0x7ff, 0x7fe], ['vcan0', I(2n ** 32n + 0x10n), 0x11], ['vcan0', -1, 2], [B('vcan0'), 0x12, 0x13],
  ['x'.repeat(16), 1, 2], ['vcan0', true, 2]]);
binds(J1939, [['vcan0', 0, 0x40000], ['vcan0', 0, 0x40000, 0x20], ['vcan0', F(1.5), 0x40000, 0x20],
  ['vcan0', 0, F(2.5), 0x20], ['vcan0', 0, 0x40000, F(3.5)], ['vcan0', I(2n ** 64n), 0x40000, 0x21],
  ['vcan0', 0, I(2n ** 32n + 0x40000n), 0x22], ['vcan0', 0, 0x40000, 0x123], ['vcan0', 'n', 0, 0],
  [5, 0, 0x40000, 0x24], ['', 0, 0x40000, 0x25], ['vcan0', 0x12345678, 0x40000, 0x26],
  ['vcan0', I(2n ** 53n + 1n), 0x40000, 0x27], ['vcan0', I(2n ** 63n + 0x1234n), 0x40000, 0x28],
  ['vcan0', I(-1), 0x40000, 0x29]]);
binds(ALG, ['x', ['hash'], ['hash', 'sha256', 1, 2, 3], [B('hash'), 'sha256'], ['hash', 5], ['hash\0', 'sha256'],
  ['h'.repeat(14), 'x'], ['h'.repeat(13), 'x'], ['hash', 'x'.repeat(64)], ['hash', 'sha256', F(1.5)],
  ['hash', 'sha256', 0x10000, I(2n ** 40n)], ['hash', 'sha256', -1], ['hash', 'sha256']]);
binds(VSOCK, ['x', [1], [1, 2, 3], [1, F(2.5)], [F(1.5), 2], [I(2n ** 32n + 1n), 6000], [1, 6001]]);
// -1 is VMADDR_PORT_ANY: the port is the kernel's choice, so no getsockname.
matrix.push({ socket: VSOCK, steps: [['bind', [1, -1]], ['listen']] });
matrix.push({ socket: VSOCK, steps: [['getsockname'], ['connect', [1, 6999]], ['getpeername']] });

const report = { kernel: release() };
report.js = await scenarioJs();
try {
  report.py = JSON.parse(execFileSync(PYTHON, ['-c', PY], { encoding: 'utf8' }));
} catch (e) {
  report.py = { error: String(e?.stderr ?? e) };
}
report.matrix = { js: runWasock(matrix), py: runPython(matrix), scripts: matrix };
report.ports = { js: runPorts(), async: await runPortsAsync(), py: runCpython() };
console.log(`WSK_REPORT ${JSON.stringify(report)}`);
