// getaddrinfo/getnameinfo against CPython 3.11 (/usr/bin/python3): every case
// runs in both, in one python process, and answers and exceptions (class and
// message) must agree. Hosts are numeric or in /etc/hosts, so no DNS is asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as socket from 'wasock';

const PY = '/usr/bin/python3';
const AI = { PASSIVE: 1, CANONNAME: 2, NUMERICHOST: 4, V4MAPPED: 8, ALL: 16, ADDRCONFIG: 32, NUMERICSERV: 1024 };
const NI = { NUMERICHOST: 1, NUMERICSERV: 2, NOFQDN: 4, NAMEREQD: 8, DGRAM: 16 };
const N = NI.NUMERICHOST | NI.NUMERICSERV;

// Values JSON cannot tell apart: bytes, big ints, floats.
const b = (s) => ({ bytes: [...Buffer.from(s, 'latin1')] });
const big = (s) => ({ int: s });
const flt = (x) => ({ float: x });

const gai = [];
const hosts = [null, '*', '127.0.0.1', '127.1', '0x7f.1', '0177.0.0.1', '1.2.3', '4294967295', '::1', '::',
  '::ffff:1.2.3.4', 'fe80::1%1', 'fe80::1%99', 'ff01::1%2', '::1%4294967295', '::1%x', '::1%4294967296',
  '127.0.0.1 ', '1.2.3.4%1', 'localhost', b('127.0.0.1'), '127.0.0.1\0junk', '', 'fe80::1%lo'];
const ports = [null, 80, 0, 65535, 65536, -1, 4294967376, '80', ' 80', '+80', '-80', '0x50', '', 'http',
  b('8080'), '*', '4294967376'];
for (const h of hosts) {
  for (const p of [80, null, 'http']) gai.push([h, p]);
  for (const flags of [AI.NUMERICHOST, AI.PASSIVE, AI.CANONNAME, AI.NUMERICSERV, AI.ADDRCONFIG,
    AI.V4MAPPED, AI.V4MAPPED | AI.ALL, AI.ALL, AI.CANONNAME | AI.NUMERICHOST | AI.PASSIVE]) {
    for (const fam of [0, 2, 10]) gai.push([h, 443, fam, 0, 0, flags]);
  }
}
for (const p of ports) {
  gai.push(['127.0.0.1', p]);
  gai.push(['::1', p, 0, 2, 0, AI.NUMERICSERV]);
  gai.push([null, p]);
}
for (const type of [0, 1, 2, 3, 4, 5, 6, 10]) {
  for (const proto of [0, 6, 17, 33, 132, 136, 99]) {
    gai.push(['127.0.0.1', 7, 0, type, proto]);
    gai.push(['::1', null, 10, type, proto]);
  }
}
gai.push(
  [null, null], ['*', '*'], ['127.0.0.1', 80, 3], ['127.0.0.1', 80, 1], ['127.0.0.1', 80, 0, 0, 0, 0x800],
  ['127.0.0.1', 80, 0, 0, 0, -1], [null, 80, 0, 0, 0, AI.CANONNAME], ['127.0.0.1', 80, 0, 0, 0, 0x40],
  ['127.0.0.1', 80, 0, 0, 0, 0x82], ['1..2', 80], ['a'.repeat(64), 80], ['.', 80], ['a.', 80, 0, 0, 0, 4],
  [1, 80], [1.5, 80], ['127.0.0.1', flt(1.5)], ['127.0.0.1', true], ['127.0.0.1', [80]],
  ['127.0.0.1', big('9223372036854775808')], ['127.0.0.1', big('9223372036854775807')],
  ['127.0.0.1', big('-9223372036854775809')], ['127.0.0.1', 80, big('2147483648')],
  ['127.0.0.1', 80, 0, big('-2147483649')], ['127.0.0.1', 80, '2'], ['127.0.0.1', 80, flt(2.5)],
  ['127.0.0.1', '\ud800'],
);

const gni = [];
const sas = [['127.0.0.1', 80], ['127.1', 8080], ['0.0.0.0', 0], ['::1', 80], ['::1', 80, 5], ['::1', 80, 0, 3],
  ['fe80::1', 80, 0, 1], ['fe80::1%1', 80], ['fe80::1%1', 80, 0, 2], ['fe80::1', 80, 0, 99], ['ff02::1', 1, 0, 1],
  ['ff01::1', 1, 0, 1], ['::ffff:1.2.3.4', 1], ['::1', 80, 0, -1], ['::1', 80, 0, big('4294967301')],
  ['::1', 80, big('4294967296')], ['::1', 80, 1048575], ['::1', 80, 1048576], ['::1', 80, -1],
  ['127.0.0.1', 70000], ['127.0.0.1', -1], ['127.0.0.1', big('2147483648')], ['127.0.0.1', true],
  ['127.0.0.1', 80, 0], ['127.0.0.1', 80, 0, 0], ['127.0.0.1'], ['127.0.0.1', 80, 0, 0, 0], [b('127.0.0.1'), 80],
  [1, 80], ['127.0.0.1', flt(80.5)], ['127.0.0.1', '80'], ['::1', 80, flt(1.5)], ['::1', 80, 'x'],
  ['localhost', 80], ['', 80], ['127.0.0.1\0', 80], ['1.2.3.4%1', 80], ['::1', 80, 0, 0]];
for (const sa of sas) {
  for (const flags of [N, N | NI.DGRAM, N | NI.NOFQDN, N | NI.NAMEREQD, N | 0x20, N | 0x40, N | 0x80, N | 0x100,
    -1]) gni.push([{ tuple: sa }, flags]);
}
gni.push(['x', N], [{ tuple: ['127.0.0.1', 80] }, big('2147483648')], [{ tuple: ['127.0.0.1', 80] }, flt(1.5)],
  [{ list: ['127.0.0.1', 80] }, N], [{ tuple: ['127.0.0.1', 80] }]);
// These need a reverse lookup or a service name: the addon's getnameinfo.
const gniLookup = [];
for (const sa of [['127.0.0.1', 80], ['::1', 443], ['1.2.3.4', 80], ['127.0.0.1', 9]]) {
  for (const flags of [0, NI.NUMERICHOST, NI.NUMERICSERV, NI.DGRAM, NI.NAMEREQD | NI.NUMERICSERV]) {
    gniLookup.push([{ tuple: sa }, flags]);
  }
}

const PYTHON = String.raw`
import json, socket, sys
def dec(v):
    if isinstance(v, dict):
        if 'bytes' in v: return bytes(v['bytes'])
        if 'int' in v: return int(v['int'])
        if 'float' in v: return float(v['float'])
        if 'tuple' in v: return tuple(dec(x) for x in v['tuple'])
        if 'list' in v: return [dec(x) for x in v['list']]
    if isinstance(v, list): return tuple(dec(x) for x in v)
    return v
def enc(v):
    if isinstance(v, (tuple, list)): return [enc(x) for x in v]
    if isinstance(v, bool): return v
    if isinstance(v, int): return int(v)
    if isinstance(v, bytes): return {'bytes': list(v)}
    return v
def kind(e):
    if isinstance(e, socket.gaierror): return 'gaierror'
    if isinstance(e, (ValueError, OverflowError)): return 'RangeError'
    if isinstance(e, TypeError): return 'TypeError'
    if isinstance(e, OSError): return 'error'
    return type(e).__name__
out = []
for fn, args in json.load(sys.stdin):
    f = socket.getaddrinfo if fn == 'gai' else socket.getnameinfo
    try:
        out.append({'ok': enc(f(*[dec(a) for a in args]))})
    except Exception as e:
        out.append({'exc': kind(e), 'msg': str(e)})
print(json.dumps(out))
`;

function jsValue(v) {
  if (Array.isArray(v)) return v.map(jsValue);
  if (v && typeof v === 'object') {
    if ('bytes' in v) return Uint8Array.from(v.bytes);
    if ('int' in v) return BigInt(v.int);
    if ('float' in v) return v.float;
    if ('tuple' in v) return v.tuple.map(jsValue);
    if ('list' in v) return 'a list';
  }
  return v;
}

function jsKind(e) {
  if (e instanceof socket.gaierror) return 'gaierror';
  if (e instanceof socket.error) return 'error';
  if (e instanceof RangeError) return 'RangeError';
  if (e instanceof TypeError) return 'TypeError';
  return e?.constructor?.name;
}

function plain(v) {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function runJs(fn, args) {
  const f = fn === 'gai' ? socket.getaddrinfo : socket.getnameinfo;
  try {
    return { ok: plain(f(...args.map(jsValue))) };
  } catch (e) {
    return { exc: jsKind(e), msg: e.message };
  }
}

function python(cases) {
  const r = spawnSync(PY, ['-c', PYTHON], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function compare(cases) {
  const want = python(cases);
  const bad = [];
  cases.forEach(([fn, args], i) => {
    const got = runJs(fn, args);
    if (JSON.stringify(got) !== JSON.stringify(want[i])) {
      bad.push(`${fn}(${JSON.stringify(args)}):\n    python ${JSON.stringify(want[i])}\n    wasock ${JSON.stringify(got)}`);
    }
  });
  return bad;
}

test('getaddrinfo agrees with CPython', () => {
  const bad = compare(gai.map((a) => ['gai', a]));
  assert.is(bad.length, 0, `${bad.length} of ${gai.length} differ:\n  ${bad.slice(0, 20).join('\n  ')}`);
});

test('getnameinfo (numeric) agrees with CPython', () => {
  const bad = compare(gni.map((a) => ['gni', a]));
  assert.is(bad.length, 0, `${bad.length} of ${gni.length} differ:\n  ${bad.slice(0, 20).join('\n  ')}`);
});

// Reverse and service lookups: the core's getnameinfo makes them itself.
test('getnameinfo with lookups agrees with CPython', () => {
  const bad = compare(gniLookup.map((a) => ['gni', a]));
  assert.is(bad.length, 0, `${bad.length} of ${gniLookup.length} differ:\n  ${bad.slice(0, 20).join('\n  ')}`);
});

test.run();
