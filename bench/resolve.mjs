// Name resolution benchmark: wasock (sync API) vs CPython (glibc) vs Node's dns module.
//
//   node bench/resolve.mjs [--quick] [--rounds N] [--json FILE]
//
// Rows:
//   getaddrinfo of numeric hosts and of /etc/hosts names, calls/s: wasock getaddrinfo, CPython
//   socket.getaddrinfo (a loop timed inside /usr/bin/python3), Node dns.lookup (awaited one
//   after another, all: true). Node answers an IP literal itself, without getaddrinfo.
//   DNS queries against tests/lib/dns-server.mjs on 127.0.0.1 (run in a child process, so a
//   blocking wasock call cannot stall it): wasock getaddrinfo of a name only that server knows
//   vs Node dns.promises.Resolver.resolve4/resolve6 with setServers(['127.0.0.1:PORT']);
//   calls/s and the median latency of one lookup. glibc cannot be pointed at a port other
//   than 53, so CPython has no DNS row.
//
// No lookup ever reaches the machine's nameservers: wasock's are pinned to the local server
// before its first call, the numeric and /etc/hosts rows are answered without DNS by all three,
// and CPython runs in a private mount namespace whose /etc/resolv.conf names 127.0.0.1 when
// `unshare -m` is permitted. A report: it asserts nothing. Each row takes the median of N
// rounds (the implementations alternate within a round).
import { spawn, spawnSync } from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as socket from 'wasock';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const PY = '/usr/bin/python3';

const argv = process.argv.slice(2);
const opt = { quick: false, rounds: null, json: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--quick') opt.quick = true;
  else if (a === '--rounds') opt.rounds = Number(argv[++i]);
  else if (a === '--json') opt.json = argv[++i];
  else if (a === '-h' || a === '--help') {
    console.log('usage: node bench/resolve.mjs [--quick] [--rounds N] [--json FILE]');
    process.exit(0);
  } else { console.error(`unknown option ${a}`); process.exit(2); }
}
const ROUNDS = opt.rounds ?? (opt.quick ? 1 : 3);
const SECS = opt.quick ? 0.3 : 1.0;

// ---- the local DNS server, in a child process ----------------------------------------------
const ZONE = 'www.bench.test';
const serverCode = `
  const { startDnsServer } = await import(${JSON.stringify(path.join(root, 'tests/lib/dns-server.mjs'))});
  const srv = await startDnsServer((q) => {
    if (q.name !== ${JSON.stringify(ZONE)}) return { rcode: 3 };
    if (q.type === 1) return { answers: [{ name: q.name, type: 'A', data: '192.0.2.80' }] };
    if (q.type === 28) return { answers: [{ name: q.name, type: 'AAAA', data: '2001:db8::80' }] };
    return {};
  });
  srv.log.push = () => 0; // keep no log: millions of queries
  console.log(srv.port);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));`;

function startServer() {
  const c = spawn(process.execPath, ['--input-type=module', '-e', serverCode], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ port: Number(out.trim()), stop: () => c.stdin.end() });
    });
    c.on('exit', (st) => reject(new Error(`dns server exited ${st}`)));
  });
}

// ---- timing helpers ----------------------------------------------------------------------------
function loopSync(fn) {
  const lat = [];
  const end = performance.now() + SECS * 1000;
  let n = 0;
  let t = performance.now();
  while (t < end) {
    fn();
    const t2 = performance.now();
    if ((n & 15) === 0) lat.push(t2 - t);
    t = t2;
    n++;
  }
  return { rate: n / SECS, lat: median(lat) };
}

async function loopAsync(fn) {
  const lat = [];
  const end = performance.now() + SECS * 1000;
  let n = 0;
  let t = performance.now();
  while (t < end) {
    await fn();
    const t2 = performance.now();
    if ((n & 15) === 0) lat.push(t2 - t);
    t = t2;
    n++;
  }
  return { rate: n / SECS, lat: median(lat) };
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : NaN;
}

// ---- CPython: one process runs every row once --------------------------------------------------
const PY_CODE = String.raw`
import json, socket, sys, time
rows, secs = json.load(sys.stdin)
out = {}
for key, args in rows:
    args = [getattr(socket, a[1:]) if isinstance(a, str) and a.startswith('$') else a for a in args]
    lat = []; n = 0
    t = time.perf_counter(); end = t + secs
    while t < end:
        socket.getaddrinfo(*args)
        t2 = time.perf_counter()
        if n & 15 == 0: lat.append(t2 - t)
        t = t2; n += 1
    lat.sort()
    out[key] = {'rate': n / secs, 'lat': lat[len(lat) // 2] * 1000}
print(json.dumps(out))
`;

const unshareOk = spawnSync('unshare', ['-m', 'true']).status === 0;
let pyDir = null;
function python(rows) {
  if (!pyDir) {
    pyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasock-bench-resolve-'));
    fs.writeFileSync(path.join(pyDir, 'b.py'), PY_CODE);
    fs.writeFileSync(path.join(pyDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  }
  const cmd = unshareOk
    ? ['unshare', ['-m', 'sh', '-c', `mount --bind ${pyDir}/resolv.conf /etc/resolv.conf && exec ${PY} ${pyDir}/b.py`]]
    : [PY, [path.join(pyDir, 'b.py')]];
  const r = spawnSync(cmd[0], cmd[1], { input: JSON.stringify([rows, SECS]), encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`python: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---- the rows ------------------------------------------------------------------------------------
const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM } = socket;
const hostsName = 'localhost'; // in this machine's /etc/hosts (nsswitch: files first)
const GAI = [
  // key, label, getaddrinfo args (for wasock and CPython), Node lookup(host, options)
  ['num4', "numeric '127.0.0.1' AF_INET STREAM", ['127.0.0.1', 80, '$AF_INET', '$SOCK_STREAM'], ['127.0.0.1', { family: 4, all: true }]],
  ['num6', "numeric '::1' AF_INET6 STREAM", ['::1', 80, '$AF_INET6', '$SOCK_STREAM'], ['::1', { family: 6, all: true }]],
  ['numU', "numeric '192.0.2.1' UNSPEC (3 entries)", ['192.0.2.1', 80], ['192.0.2.1', { all: true }]],
  ['host4', `/etc/hosts '${hostsName}' AF_INET STREAM`, [hostsName, 80, '$AF_INET', '$SOCK_STREAM'], [hostsName, { family: 4, all: true }]],
  ['hostU', `/etc/hosts '${hostsName}' UNSPEC`, [hostsName, 80], [hostsName, { all: true }]],
];
const C = { $AF_INET: AF_INET, $AF_INET6: AF_INET6, $AF_UNSPEC: AF_UNSPEC, $SOCK_STREAM: SOCK_STREAM };
const jsArgs = (a) => a.map((x) => (typeof x === 'string' && x.startsWith('$') ? C[x] : x));

// Every name a lookup may ask for is answered by files or by the local server only.
const server = await startServer();
socket.configureResolver({ nameservers: [['127.0.0.1', server.port]], search: [], timeout: 2, attempts: 2 });
const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
resolver.setServers([`127.0.0.1:${server.port}`]);

// Sanity: each implementation answers what the others answer.
const check = socket.getaddrinfo(ZONE, 80, AF_INET, SOCK_STREAM)[0][4][0];
const checkNode = (await resolver.resolve4(ZONE))[0];
if (check !== '192.0.2.80' || checkNode !== '192.0.2.80') throw new Error(`local DNS answers ${check} / ${checkNode}`);

const results = {};
const add = (key, impl, v) => ((results[key] ??= {})[impl] ??= []).push(v);

for (let round = 0; round < ROUNDS; round++) {
  const py = python(GAI.map(([key, , args]) => [key, args]));
  for (const [key, , args, [host, o]] of GAI) {
    add(key, 'cpython', py[key]);
    const a = jsArgs(args);
    add(key, 'wasock', loopSync(() => socket.getaddrinfo(...a)));
    add(key, 'node', await loopAsync(() => dns.promises.lookup(host, o)));
  }
  add('dnsA', 'wasock', loopSync(() => socket.getaddrinfo(ZONE, 80, AF_INET, SOCK_STREAM)));
  add('dnsA', 'node', await loopAsync(() => resolver.resolve4(ZONE)));
  add('dnsU', 'wasock', loopSync(() => socket.getaddrinfo(ZONE, 80, AF_UNSPEC, SOCK_STREAM)));
  add('dnsU', 'node', await loopAsync(() => Promise.all([resolver.resolve4(ZONE), resolver.resolve6(ZONE)])));
}
server.stop();
if (pyDir) fs.rmSync(pyDir, { recursive: true, force: true });

// ---- the table -------------------------------------------------------------------------------------
const med = (key, impl) => {
  const v = results[key]?.[impl];
  return v ? { rate: median(v.map((x) => x.rate)), lat: median(v.map((x) => x.lat)) } : null;
};
const fmtRate = (r) => (r ? Math.round(r.rate).toLocaleString('en-US') : '-');
const fmtLat = (r) => (r ? `${(r.lat * 1000).toFixed(1)}` : '-');
const ratio = (a, b) => (a && b ? `${(a.rate / b.rate).toFixed(2)}x` : '-');
const rows = [
  ...GAI.map(([key, label]) => [key, `getaddrinfo ${label}`]),
  ['dnsA', `DNS A: getaddrinfo AF_INET / resolve4 (${ZONE})`],
  ['dnsU', 'DNS A+AAAA: getaddrinfo UNSPEC / resolve4+resolve6'],
];
const head = ['row', 'wasock/s', 'CPython/s', 'Node/s', 'wasock µs', 'CPython µs', 'Node µs', 'vs CPython', 'vs Node'];
const table = rows.map(([key, label]) => {
  const w = med(key, 'wasock'), p = med(key, 'cpython'), n = med(key, 'node');
  return [label, fmtRate(w), fmtRate(p), fmtRate(n), fmtLat(w), fmtLat(p), fmtLat(n), ratio(w, p), ratio(w, n)];
});
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`name resolution, ${ROUNDS} round(s) of ${SECS} s per cell, median; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}` +
  `${unshareOk ? '' : ' (CPython without a private resolv.conf: unshare -m not permitted)'}`);
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
console.log('calls/s: higher is better; µs: median latency of one call; ratios: wasock calls/s over the other.');
if (opt.json) {
  fs.writeFileSync(opt.json, JSON.stringify({ rounds: ROUNDS, secs: SECS, rows: Object.fromEntries(rows.map(([k, label]) =>
    [k, { label, wasock: med(k, 'wasock'), cpython: med(k, 'cpython'), node: med(k, 'node') }])) }, null, 2));
}
