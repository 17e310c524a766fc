// Runs inside the VM (tests/tipc.test.mjs via tests/vm/run.mjs), on a kernel with TIPC: the
// same TIPC scenarios through wasock and through CPython, and the address-shape matrix
// differential. Prints one line `WSK_REPORT <json>`: { js, py, matrix: { js, py } }.
import * as socket from 'wasock';
import { execFileSync } from 'node:child_process';
import { runPython, runWasock, F, I, B } from './families-diff.mjs';
import { PYTHON } from '../lib/helpers.mjs';

const T = socket;
// Port references and node ids are the kernel's choice: each distinct one becomes '#n'.
function normaliser() {
  const seen = new Map();
  const id = (v) => {
    if (!seen.has(v)) seen.set(v, `#${seen.size}`);
    return seen.get(v);
  };
  return (a) => (Array.isArray(a) && a[0] === 3 ? [3, id(`n${a[1]}`), id(`r${a[2]}`), a[3], a[4]] : a);
}

function scenarioJs() {
  const n = normaliser();
  const out = {};
  const b = (s) => Buffer.from(s);
  const t = (u8) => Buffer.from(u8).toString();
  // RDM: bind a name sequence, send to a name in it, the sender's ID comes back.
  const srv = socket.socket(T.AF_TIPC, T.SOCK_RDM);
  srv.bind([T.TIPC_ADDR_NAMESEQ, 18888, 0, 100]);
  const cli = socket.socket(T.AF_TIPC, T.SOCK_RDM);
  srv.settimeout(10); cli.settimeout(10);
  out.rdm_names = [n(srv.getsockname()), n(cli.getsockname())];
  cli.sendto(b('rdm hello'), [T.TIPC_ADDR_NAME, 18888, 17, 0]);
  const [d1, from1] = srv.recvfrom(100);
  srv.sendto(b('rdm reply'), from1);
  const [d2, from2] = cli.recvfrom(100);
  out.rdm = [t(d1), n(from1), t(d2), n(from2), n(cli.getsockname()), n(srv.getsockname())];
  // Scopes: a node-scope binding, reached with and without a scope in the destination.
  const sc = socket.socket(T.AF_TIPC, T.SOCK_RDM);
  sc.bind([T.TIPC_ADDR_NAMESEQ, 18890, 5, 5, T.TIPC_NODE_SCOPE]);
  sc.settimeout(10);
  cli.sendto(b('scoped'), [T.TIPC_ADDR_NAME, 18890, 5, 0, T.TIPC_NODE_SCOPE]);
  const [d3, from3] = sc.recvfrom(100);
  cli.sendto(b('zone'), [T.TIPC_ADDR_NAME, 18890, 5, 0, T.TIPC_ZONE_SCOPE]);
  const [d4] = sc.recvfrom(100);
  out.scope = [t(d3), n(from3), t(d4), n(sc.getsockname())];
  // SEQPACKET and STREAM: connect and accept by name.
  for (const [key, type, inst] of [['seqpacket', T.SOCK_SEQPACKET, 1], ['stream', T.SOCK_STREAM, 2]]) {
    const l = socket.socket(T.AF_TIPC, type);
    l.bind([T.TIPC_ADDR_NAMESEQ, 18889, inst, inst]);
    l.listen(1);
    // TIPC completes a connection when the listener accepts: connect without blocking first.
    const c = socket.socket(T.AF_TIPC, type);
    c.setblocking(false);
    const ce = c.connect_ex([T.TIPC_ADDR_NAME, 18889, inst, 0]);
    const [a, addr] = l.accept();
    c.settimeout(10);
    a.settimeout(10);
    c.sendall(b(`${key} ping`));
    const got = t(a.recv(100));
    a.sendall(b(`${key} pong`));
    out[key] = [got, t(c.recv(100)), ce, n(addr), n(c.getsockname()), n(c.getpeername()), n(a.getsockname()),
      n(a.getpeername()), a.type, a.family];
    for (const s of [l, c, a]) s.close();
  }
  for (const s of [srv, cli, sc]) s.close();
  return out;
}

const PY = String.raw`
import socket as T, json
def normaliser():
    seen = {}
    def idf(v):
        if v not in seen: seen[v] = '#%d' % len(seen)
        return seen[v]
    return lambda a: [3, idf('n%d' % a[1]), idf('r%d' % a[2]), a[3], a[4]] if isinstance(a, tuple) and a[0] == 3 else list(a)
n = normaliser(); out = {}
srv = T.socket(T.AF_TIPC, T.SOCK_RDM); srv.bind((T.TIPC_ADDR_NAMESEQ, 18888, 0, 100))
cli = T.socket(T.AF_TIPC, T.SOCK_RDM); srv.settimeout(10); cli.settimeout(10)
out['rdm_names'] = [n(srv.getsockname()), n(cli.getsockname())]
cli.sendto(b'rdm hello', (T.TIPC_ADDR_NAME, 18888, 17, 0))
d1, f1 = srv.recvfrom(100); srv.sendto(b'rdm reply', f1); d2, f2 = cli.recvfrom(100)
out['rdm'] = [d1.decode(), n(f1), d2.decode(), n(f2), n(cli.getsockname()), n(srv.getsockname())]
sc = T.socket(T.AF_TIPC, T.SOCK_RDM); sc.bind((T.TIPC_ADDR_NAMESEQ, 18890, 5, 5, T.TIPC_NODE_SCOPE)); sc.settimeout(10)
cli.sendto(b'scoped', (T.TIPC_ADDR_NAME, 18890, 5, 0, T.TIPC_NODE_SCOPE)); d3, f3 = sc.recvfrom(100)
cli.sendto(b'zone', (T.TIPC_ADDR_NAME, 18890, 5, 0, T.TIPC_ZONE_SCOPE)); d4, _ = sc.recvfrom(100)
out['scope'] = [d3.decode(), n(f3), d4.decode(), n(sc.getsockname())]
for key, typ, inst in (('seqpacket', T.SOCK_SEQPACKET, 1), ('stream', T.SOCK_STREAM, 2)):
    l = T.socket(T.AF_TIPC, typ); l.bind((T.TIPC_ADDR_NAMESEQ, 18889, inst, inst)); l.listen(1)
    c = T.socket(T.AF_TIPC, typ); c.setblocking(False); ce = c.connect_ex((T.TIPC_ADDR_NAME, 18889, inst, 0))
    a, addr = l.accept(); c.settimeout(10); a.settimeout(10)
    c.sendall(('%s ping' % key).encode()); got = a.recv(100).decode(); a.sendall(('%s pong' % key).encode())
    out[key] = [got, c.recv(100).decode(), ce, n(addr), n(c.getsockname()), n(c.getpeername()), n(a.getsockname()),
        n(a.getpeername()), int(a.type), int(a.family)]
    for s in (l, c, a): s.close()
for s in (srv, cli, sc): s.close()
print(json.dumps(out))
`;

const RDM = [30, 4, 0];
const matrix = [];
for (const a of ['x', null, [1, 2, 3], [1, 2, 3, 4, 5, 6], ['a', 1, 2, 3], [1, 'a', 2, 3], [F(1.5), 1, 2, 3],
  [4, 1, 2, 3], [0, 1, 2, 3], [I(2n ** 32n + 1n), 18891, 0, 0], [-1, 1, 2, 3], [1, 18892, 0, 0, -1],
  [1, 18893, 0, 0, I(2n ** 40n)], [1, 18894, 7, 3, 3], [2, 18895, 1, 0], [3, 0, 0, 0], [1, B('x'), 0, 0]]) {
  matrix.push({ socket: RDM, steps: [['bind', a], ['getsockname']] });
}
for (const a of ['x', [1, 2], [2, 18888, 17, 0, 9], [9, 1, 1, 1]]) {
  matrix.push({ socket: RDM, steps: [['sendto', B('m'), a], ['connect', a]] });
}
matrix.push({ socket: RDM, steps: [['getsockname'], ['getpeername'], ['family'], ['type'], ['proto']] });
matrix.push({ socket: [30, 5, 0], steps: [['getsockname'], ['listen'], ['gettimeout']] });
matrix.push({ socket: [30, 1 | T.SOCK_NONBLOCK, 0], steps: [['type'], ['gettimeout'], ['accept']] });
matrix.push({ socket: [30, 2, 0], steps: [['type'], ['getsockname']] });
matrix.push({ socket: [30, 3, 0], steps: [['type']] });

const normRefs = (res) => JSON.parse(JSON.stringify(res, (k, v) =>
  (Array.isArray(v) && v.length === 5 && v[0] === 3 && typeof v[2] === 'number' ? [3, v[1], '<ref>', v[3], v[4]] : v)));

const report = {};
try {
  report.js = scenarioJs();
} catch (e) {
  report.js = { error: String(e?.stack ?? e) };
}
try {
  report.py = JSON.parse(execFileSync(PYTHON, ['-c', PY], { encoding: 'utf8' }));
} catch (e) {
  report.py = { error: String(e?.stderr ?? e) };
}
report.matrix = { js: normRefs(runWasock(matrix)), py: normRefs(runPython(matrix)), scripts: matrix };
console.log(`WSK_REPORT ${JSON.stringify(report)}`);
