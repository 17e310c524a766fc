// Address text conversions, calls/s: wasock's inet_pton / inet_ntop / numeric
// getaddrinfo against CPython's socket module and plain JavaScript. Prints
// one JSON line { rate, ... }.
//
//   node bench/async-text.mjs pton|ntop|gai wasock|cpython|js [SECONDS]
//
// Each call takes the next of a fixed mix of IPv4 and IPv6 addresses (the
// same mix for every implementation). The JS row is Node's net.isIP (which
// validates only) followed by a pure-JS parser into bytes (pton), a pure-JS
// formatter with RFC 5952 zero compression (ntop), and Node's dns.lookup of a
// literal, which Node answers in JS without getaddrinfo (gai). No JS library
// is installed for this (ipaddr.js would be the usual choice).
import net from 'node:net';
import dns from 'node:dns';
import { spawnSync } from 'node:child_process';

const [, , op, impl, secArg] = process.argv;
const SECS = Number(secArg ?? 1);
const TEXT = ['192.0.2.1', '2001:db8::1', '10.20.30.40', 'fe80::1:2:3:4', '127.0.0.1', '2001:db8:0:1:1:1:1:1'];

function loop(fn) {
  for (let i = 0; i < 20000; i++) fn(i);
  const t0 = performance.now();
  const end = t0 + SECS * 1000;
  let n = 0;
  let t = t0;
  while (t < end) {
    for (let k = 0; k < 256; k++, n++) fn(n);
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

async function loopAsync(fn) {
  const t0 = performance.now();
  const end = t0 + SECS * 1000;
  let n = 0;
  let t = t0;
  while (t < end) {
    for (let k = 0; k < 64; k++, n++) await fn(n);
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

// ---- plain JS ---------------------------------------------------------------------------------
function pton4(s) {
  const p = s.split('.');
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) b[i] = Number(p[i]);
  return b;
}

function pton6(s) {
  const b = new Uint8Array(16);
  const dbl = s.indexOf('::');
  const head = dbl < 0 ? s : s.slice(0, dbl);
  const tail = dbl < 0 ? '' : s.slice(dbl + 2);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const put = (groups, at) => {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (g.includes('.')) {
        b.set(pton4(g), at + i * 2);
      } else {
        const v = parseInt(g, 16);
        b[at + i * 2] = v >> 8;
        b[at + i * 2 + 1] = v & 255;
      }
    }
  };
  put(h, 0);
  put(t, 16 - t.length * 2);
  return b;
}

function jsPton(s) {
  const v = net.isIP(s);
  if (v === 4) return pton4(s);
  if (v === 6) return pton6(s);
  throw new Error('illegal IP address string');
}

function jsNtop(b) {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const g = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  // The longest run of two or more zero groups becomes '::' (RFC 5952).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

const PY = String.raw`
import socket, sys, time, json
op, secs = sys.argv[1], float(sys.argv[2])
text = ${JSON.stringify(TEXT)}
fam = [socket.AF_INET6 if ':' in t else socket.AF_INET for t in text]
packed = [socket.inet_pton(f, t) for f, t in zip(fam, text)]
m = len(text)
if op == 'pton':
    def fn(i): socket.inet_pton(fam[i % m], text[i % m])
elif op == 'ntop':
    def fn(i): socket.inet_ntop(fam[i % m], packed[i % m])
else:
    def fn(i): socket.getaddrinfo(text[i % m], 80, fam[i % m], socket.SOCK_STREAM)
for i in range(20000): fn(i)
n = 0; t0 = time.perf_counter(); end = t0 + secs; t = t0
while t < end:
    for k in range(256): fn(n); n += 1
    t = time.perf_counter()
print(json.dumps({'rate': n / (t - t0)}))
`;

let rate;
if (impl === 'cpython') {
  const r = spawnSync('/usr/bin/python3', ['-c', PY, op, String(SECS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  rate = JSON.parse(r.stdout).rate;
} else if (impl === 'wasock') {
  const socket = await import(process.env.WASOCK_DIST ? `${process.env.WASOCK_DIST}/index.js` : 'wasock');
  const fam = TEXT.map((t) => (t.includes(':') ? socket.AF_INET6 : socket.AF_INET));
  const packed = TEXT.map((t, i) => socket.inet_pton(fam[i], t));
  const m = TEXT.length;
  const fns = {
    pton: (i) => socket.inet_pton(fam[i % m], TEXT[i % m]),
    ntop: (i) => socket.inet_ntop(fam[i % m], packed[i % m]),
    gai: (i) => socket.getaddrinfo(TEXT[i % m], 80, fam[i % m], socket.SOCK_STREAM),
  };
  rate = loop(fns[op]);
} else if (impl === 'js') {
  const packed = TEXT.map(jsPton);
  const m = TEXT.length;
  // Checks that the JS conversions agree with the text (round trip).
  for (let i = 0; i < m; i++) if (jsNtop(packed[i]) !== TEXT[i]) throw new Error(`js ntop ${TEXT[i]}: ${jsNtop(packed[i])}`);
  if (op === 'gai') {
    const lookup = (h) => new Promise((res, rej) => dns.lookup(h, { all: true }, (e, a) => (e ? rej(e) : res(a))));
    rate = await loopAsync((i) => lookup(TEXT[i % m]));
  } else {
    rate = loop(op === 'pton' ? (i) => jsPton(TEXT[i % m]) : (i) => jsNtop(packed[i % m]));
  }
} else {
  console.error('usage: node bench/async-text.mjs pton|ntop|gai wasock|cpython|js [SECONDS]');
  process.exit(2);
}
console.log(JSON.stringify({ test: op, impl, rate }));
