// Address tuples of every family Python's socket module documents, differential against CPython 3.11: AF_NETLINK
// (pid, groups), AF_PACKET (ifname, proto[, pkttype[, hatype[, addr]]]), AF_VSOCK (cid, port),
// AF_UNIX SEQPACKET with abstract names; every socket type with SOCK_NONBLOCK/SOCK_CLOEXEC;
// wrong shapes and ranges (TypeError/RangeError with CPython's messages); a family the
// kernel lacks (AF_TIPC here: EAFNOSUPPORT). recvfrom/accept/getsockname/getpeername tuples
// are compared with what CPython returns for the same calls. AF_TIPC's own tuples are
// checked inside the VM (tests/tipc.test.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { spawnSync } from 'node:child_process';
import { E, PYTHON, python, throwsErrno } from './lib/helpers.mjs';
import { runPython, runWasock, F, I, B, BA } from './vm/families-diff.mjs';
import * as netns from './vm/netns.mjs';

const root = process.getuid?.() === 0;
const NL = [16, 3, 0], PK = [17, 3, 0], VS = [40, 1, 0];

function same(scripts) {
  const py = runPython(scripts);
  const js = runWasock(scripts);
  for (let i = 0; i < scripts.length; i++) {
    assert.equal(js[i], py[i], `script ${JSON.stringify(scripts[i])}`);
  }
}

test('AF_NETLINK (pid, groups): shapes, wrapping, getsockname, as CPython', () => {
  const s = [];
  for (const a of ['x', [1], [1, 2, 3], ['a', 1], [F(1.5), 0], [null, 0], [-1, 0], [I(2n ** 40n + 5n), 0],
    [I(2n ** 70n), 1], [true, false], [B('ab'), 0]]) {
    s.push({ socket: NL, steps: [['bind', a]] });
  }
  s.push({ socket: NL, steps: [['getsockname'], ['bind', [0, 0]], ['getsockname'], ['getpeername']] });
  s.push({ socket: NL, steps: [['bind', [0, 1]], ['getsockname'], ['connect', [0, 0]], ['getpeername'],
    ['connect', 'x'], ['sendto', B(''), [1]]] });
  same(s);
});

(root ? test : test.skip)('AF_PACKET (ifname, proto[, pkttype[, hatype[, addr]]]): every check in CPython order', () => {
  const s = [];
  for (const a of ['x', ['lo'], ['lo', 1, 2, 3, B('a'), 5], [B('lo'), 0], [1, 0], [null, 0], ['lo', 'x'],
    ['lo', F(1.5)], ['lo\0', 0], ['nonexist0', 0], ['lo', -1], ['lo', 65536], ['nonexist0', 65536],
    ['lo', 2 ** 31], ['lo', I(2n ** 63n)], ['lo', 0, 'x'], ['lo', 0, 0, 0, B('123456789')],
    ['nonexist0', 0, 0, 0, B('123456789')], ['lo', 0, 0, 0, 'ab'], ['lo', 0, 300, 70000, B('12')],
    ['lo', 0x88cc], ['lo', 3, 0, 0, BA('ab')], ['lo'.repeat(10), 3], ['lo', 3, 2 ** 31], ['lo', 3, 0, -1],
    ['lo', 3, 0, 2 ** 31], ['lo', 3, 0, 0, null], ['lo', 3, 1, 1, B('12345678')]]) {
    s.push({ socket: PK, steps: [['bind', a], ['getsockname']] });
  }
  s.push({ socket: PK, steps: [['getsockname'], ['sendto', B('x'), ['lo', 70000]], ['connect', ['lo', 0]]] });
  s.push({ socket: [17, 2, 0], steps: [['bind', ['lo', 0x0800]], ['getsockname']] });
  same(s);
});

test('AF_VSOCK (cid, port): shapes and wrapping, as CPython', () => {
  const probe = spawnSync(PYTHON, ['-c', 'import socket; socket.socket(socket.AF_VSOCK)']);
  const s = [];
  for (const a of ['x', [1], [1, 2, 3], ['a', 1], [null, 1], [-1, 5], [I(2n ** 33n), 1], [I(2n ** 70n + 3n), 1]]) {
    s.push({ socket: VS, steps: [['bind', a], ['getsockname']] });
  }
  for (const a of ['x', [1], [F(1.5), 1]]) s.push({ socket: VS, steps: [['connect', a], ['sendto', B(''), a]] });
  s.push({ socket: VS, steps: [['getsockname'], ['getpeername'], ['family'], ['type']] });
  if (probe.status !== 0) {
    // No vsock transport in this kernel: the socket() error itself must match.
    same([{ socket: VS, steps: [] }]);
    return;
  }
  same(s);
});

test('every socket type with SOCK_NONBLOCK/SOCK_CLOEXEC; unsupported ones fail as in CPython', () => {
  const NB = socket.SOCK_NONBLOCK, CX = socket.SOCK_CLOEXEC;
  const combos = [
    [1, 1], [1, 2], [1, 5], [1, 5 | NB], [1, 5 | NB | CX], [1, 2 | CX], [1, 4], [1, 3],
    [2, 1 | NB], [2, 2 | NB | CX], [2, 5], [2, 4], [10, 5], [10, 2 | CX],
    [30, 4], [30, 5], [30, 1], [30, 2], [999, 1], [16, 2], [16, 3 | NB], [16, 1],
  ];
  if (root) combos.push([2, 3, 1], [2, 3 | NB, 1], [10, 3 | CX, 58], [17, 3 | NB, 0], [17, 2 | CX, 0], [17, 10, 0]);
  const s = combos.map((c) => ({
    socket: c,
    steps: [['family'], ['type'], ['proto'], ['gettimeout'], ['getblocking'], ['getsockname']],
  }));
  same(s);
});

test('a family the kernel lacks is error EAFNOSUPPORT, not a crash', () => {
  const probe = spawnSync(PYTHON, ['-c', 'import socket; socket.socket(socket.AF_TIPC, socket.SOCK_RDM)']);
  if (probe.status === 0) return; // this kernel has TIPC: nothing to check here
  const e = throwsErrno(() => socket.socket(socket.AF_TIPC, socket.SOCK_RDM), E.EAFNOSUPPORT);
  assert.is(e.code, 'EAFNOSUPPORT');
  throwsErrno(() => socket.socket(socket.AF_TIPC, socket.SOCK_SEQPACKET), E.EAFNOSUPPORT);
  throwsErrno(() => socket.socket(999), E.EAFNOSUPPORT);
});

test('SOCK_CLOEXEC is on every descriptor; SOCK_NONBLOCK makes a non-blocking socket', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_NONBLOCK);
  try {
    const flags = spawnSync('cat', [`/proc/${process.pid}/fdinfo/${s.fileno()}`], { encoding: 'utf8' }).stdout;
    const f = parseInt(/flags:\s+(\d+)/.exec(flags)[1], 8);
    assert.ok(f & 0o2000000, 'O_CLOEXEC');
    assert.ok(f & 0o4000, 'O_NONBLOCK');
    assert.is(s.type, socket.SOCK_SEQPACKET);
    assert.is(s.gettimeout(), 0);
    throwsErrno(() => s.accept(), E.EINVAL);
  } finally {
    s.close();
  }
});

// The same scenario in both languages; the printed JSON must be equal.
const UNIX_SEQ_PY = String.raw`
import socket, json, sys
name = sys.argv[1].encode()
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); l.bind(b'\0' + name); l.listen()
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); c.connect(b'\0' + name)
a, addr = l.accept()
c2 = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); c2.bind(b'\0' + name + b'-c'); c2.connect(b'\0' + name)
a2, addr2 = l.accept()
c.send(b'one'); c.send(b'two')
r = [a.recv(10), a.recv(10)]
h = lambda v: v.hex() if isinstance(v, bytes) else v
p, q = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
print(json.dumps([h(l.getsockname()), h(addr), h(c.getsockname()), h(c.getpeername()), h(a.getsockname()),
  h(a.getpeername()), h(addr2), h(c2.getsockname()), h(a2.getpeername()), [x.hex() for x in r],
  h(p.getsockname()), h(q.getpeername()), l.type, a.type, p.type]))
`;

test('AF_UNIX SEQPACKET with abstract names: accept/getsockname/getpeername tuples as CPython', () => {
  const name = `wasock-seq-${process.pid}`;
  const py = JSON.parse(spawnSync(PYTHON, ['-c', UNIX_SEQ_PY, name], { encoding: 'utf8' }).stdout);
  const h = (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v);
  const nm = Buffer.from('\0' + name, 'latin1');
  const S = socket.SOCK_SEQPACKET;
  const l = socket.socket(socket.AF_UNIX, S); l.bind(nm); l.listen();
  const c = socket.socket(socket.AF_UNIX, S); c.connect(nm);
  const [a, addr] = l.accept();
  const c2 = socket.socket(socket.AF_UNIX, S); c2.bind(Buffer.concat([nm, Buffer.from('-c')])); c2.connect(nm);
  const [a2, addr2] = l.accept();
  c.send(Buffer.from('one')); c.send(Buffer.from('two'));
  const r = [a.recv(10), a.recv(10)].map(h);
  const [p, q] = socket.socketpair(socket.AF_UNIX, S);
  const js = [h(l.getsockname()), h(addr), h(c.getsockname()), h(c.getpeername()), h(a.getsockname()),
    h(a.getpeername()), h(addr2), h(c2.getsockname()), h(a2.getpeername()), r, h(p.getsockname()),
    h(q.getpeername()), l.type, a.type, p.type];
  for (const s of [l, c, a, c2, a2, p, q]) s.close();
  assert.equal(js, py);
  assert.is(r.length, 2); // message boundaries kept
});

// A NETLINK_ROUTE request answered by the kernel: recvfrom's address is the kernel's (0, 0).
const NL_DUMP = '20000000120001030100000000000000' + '00'.repeat(16); // RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP

test('AF_NETLINK recvfrom from the kernel, as CPython', () => {
  const py = python(String.raw`
import socket, json
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE); s.bind((0, 0))
s.sendto(bytes.fromhex('${NL_DUMP}'), (0, 0))
d, a = s.recvfrom(65536)
d2, a2 = s.recvfrom_into(bytearray(65536))
print(json.dumps([a, a2, s.getpeername()]))`);
  const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  try {
    s.bind([0, 0]);
    s.sendto(Buffer.from(NL_DUMP, 'hex'), [0, 0]);
    const [, a] = s.recvfrom(65536);
    const [, a2] = s.recvfrom_into(new Uint8Array(65536));
    assert.equal([a, a2, s.getpeername()], JSON.parse(py));
  } finally {
    s.close();
  }
});

// An AF_PACKET socket on a fresh namespace's lo sees the UDP datagram the script sends, twice:
// as the loopback frames of one datagram. Each run is in its own namespace.
const PACKET_PY = String.raw`
import socket, json
out = []
for typ in (socket.SOCK_DGRAM, socket.SOCK_RAW):
    p = socket.socket(socket.AF_PACKET, typ, socket.htons(0x0800)); p.bind(('lo', 0x0800)); p.settimeout(5)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0)); u.sendto(b'frame', ('127.0.0.1', 9))
    for i in range(2):
        d, a = p.recvfrom(2048)
        out.append([a[0], a[1], a[2], a[3], a[4].hex(), len(d)])
    out.append([p.getsockname()[0], p.getsockname()[1], p.getsockname()[3]])
    p.close(); u.close()
print(json.dumps(out))
`;
const PACKET_JS = String.raw`
import * as socket from 'wasock';
const out = [];
for (const typ of [socket.SOCK_DGRAM, socket.SOCK_RAW]) {
  const p = socket.socket(socket.AF_PACKET, typ, socket.htons(0x0800)); p.bind(['lo', 0x0800]); p.settimeout(5);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(['127.0.0.1', 0]); u.sendto(Buffer.from('frame'), ['127.0.0.1', 9]);
  for (let i = 0; i < 2; i++) {
    const [d, a] = p.recvfrom(2048);
    out.push([a[0], a[1], a[2], a[3], Buffer.from(a[4]).toString('hex'), d.length]);
  }
  const n = p.getsockname();
  out.push([n[0], n[1], n[3]]);
  p.close(); u.close();
}
console.log(JSON.stringify(out));
`;

(root ? test : test.skip)('AF_PACKET recvfrom/getsockname tuples on a namespace lo, as CPython', () => {
  if (!netns.available()) return;
  const ns = netns.create('pkt');
  try {
    const py = JSON.parse(netns.pythonIn(ns, PACKET_PY));
    const js = JSON.parse(netns.nodeIn(ns, PACKET_JS));
    assert.equal(js, py);
    assert.ok([socket.PACKET_HOST, socket.PACKET_OUTGOING].includes(py[0][2]));
    assert.equal(py[0].slice(0, 2).concat(py[0][3]), ['lo', 0x0800, 772]);
  } finally {
    netns.remove(ns);
  }
});

test.run();
