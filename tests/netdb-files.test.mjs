// The core's hosts/services/protocols parsers and the netdb family against
// glibc through /usr/bin/python3: python runs in a private mount namespace
// (unshare -m) with the same hosts/services/nsswitch/resolv.conf text
// bind-mounted over /etc, wasock is configured with that text. resolv.conf
// points at a closed loopback port: no real nameserver is ever asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as socket from 'wasock';

const HOSTS = `127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
10.0.0.1 foo a1 a2
10.0.0.2 FOO2 foo a1 a3
10.0.0.1 foo a4
fd00::5 foo v6a
fd00::6 v6only
::ffff:10.1.1.1 mapped
10.0.0.3 foo	  # comment
  10.0.0.4 spc
bad line here
1.2.3.4x junk
192.0.2.7 dual
2001:db8::7 dual
fe80::9 ll
`;
const SERVICES = fs.readFileSync('/etc/services', 'utf8') + 'mysvc 4242/tcp myalias\nmysvc 4243/udp\n';
const NSS = 'hosts: files dns\n';
const RESOLV = 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';

const unshare = spawnSync('unshare', ['-m', 'true']).status === 0;

const PY = String.raw`
import json, socket, sys
def enc(v):
    if isinstance(v, (tuple, list)): return [enc(x) for x in v]
    return int(v) if isinstance(v, int) and not isinstance(v, bool) else v
out = []
for fn, args in json.load(sys.stdin):
    args = [tuple(a) if isinstance(a, list) else a for a in args]
    try: out.append({"ok": enc(getattr(socket, fn)(*args))})
    except Exception as e:
        kind = 'gaierror' if isinstance(e, socket.gaierror) else 'herror' if isinstance(e, socket.herror) else 'RangeError' if isinstance(e, (ValueError, OverflowError)) else 'TypeError' if isinstance(e, TypeError) else 'error' if isinstance(e, OSError) else type(e).__name__
        out.append({'exc': kind, 'msg': str(e)})
print(json.dumps(out))
`;

function python(cases, hosts = HOSTS) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasock-netdb-'));
  const files = { hosts, services: SERVICES, 'nsswitch.conf': NSS, 'resolv.conf': RESOLV };
  let mounts = '';
  for (const [f, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), text);
    mounts += `mount --bind ${dir}/${f} /etc/${f} && `;
  }
  fs.writeFileSync(path.join(dir, 't.py'), PY);
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `${mounts} exec /usr/bin/python3 ${dir}/t.py`],
    { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60000 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`python: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function kind(e) {
  const c = e?.constructor?.name;
  if (c === 'gaierror' || c === 'herror' || c === 'error') return c;
  if (e instanceof RangeError) return 'RangeError';
  if (e instanceof TypeError) return 'TypeError';
  return e?.constructor?.name === 'error' ? 'error' : e?.constructor?.name;
}

function js(cases, hosts = HOSTS) {
  socket.configureResolver({ hosts, services: SERVICES, nsswitch: NSS, resolvConf: RESOLV });
  return cases.map(([fn, args]) => {
    try { return { ok: socket[fn](...args) }; } catch (e) { return { exc: kind(e), msg: e.message }; }
  });
}

const names = ['foo', 'FOO2', 'a1', 'a4', 'v6a', 'v6only', 'mapped', 'spc', 'dual', 'localhost', 'ip6-localhost',
  'junk', 'nohost', 'll', '10.0.0.1', '::1', '127.1'];
const cases = [];
for (const h of names) {
  cases.push(['gethostbyname', [h]], ['gethostbyname_ex', [h]], ['getfqdn', [h]]);
  for (const fam of [0, 2, 10]) {
    for (const flags of [0, 2, 8, 24, 2 | 8]) cases.push(['getaddrinfo', [h, 'mysvc', fam, 0, 0, flags]]);
  }
  cases.push(['getaddrinfo', [h, 'http', 0, 1]], ['getaddrinfo', [h, 'domain', 0, 2]]);
}
// Names res_hnok rejects: glibc's nss_dns answers NOTFOUND without a query.
for (const h of ['<broadcast>', '-x', 'a%b', 'a b', 'x\\.y', '\\-y', '*.x', 'a_b', 'x-']) {
  cases.push(['gethostbyname_ex', [h]]);
  for (const fam of [0, 2, 10]) cases.push(['getaddrinfo', [h, 80, fam, 1]]);
}
cases.push(['gethostbyname_ex', ['']], ['getaddrinfo', ['', 80, 0, 1]]);
for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3', 'fd00::6', '10.1.1.1', '::ffff:10.0.0.1', '::1', '127.0.0.1',
  '192.0.2.7', '2001:db8::7', 'foo', 'dual']) cases.push(['gethostbyaddr', [a]]);
for (const sa of [['10.0.0.2', 80], ['10.0.0.1', 53], ['fd00::5', 53, 0, 0], ['127.0.0.1', 4242], ['127.0.0.1', 4243]]) {
  for (const f of [0, 1, 2, 4, 8, 16, 16 | 2]) cases.push(['getnameinfo', [sa, f]]);
}
for (const [s, p] of [['http', null], ['http', 'tcp'], ['domain', 'udp'], ['mysvc', null], ['myalias', 'tcp'],
  ['mysvc', 'udp'], ['nosuch', null], ['http', 'udpx'], ['HTTP', null]]) cases.push(['getservbyname', p === null ? [s] : [s, p]]);
for (const [p, pr] of [[80, null], [53, 'udp'], [4243, null], [4243, 'tcp'], [1, null], [0, null], [65535, null],
  [65536, null], [-1, null]]) cases.push(['getservbyport', pr === null ? [p] : [p, pr]]);
for (const p of ['tcp', 'TCP', 'udp', 'ip', 'ipv6', 'icmp', 'nosuch', 'IPv6-Route']) cases.push(['getprotobyname', [p]]);

function agree(cases, hosts) {
  const want = python(cases, hosts);
  const got = js(cases, hosts);
  const bad = [];
  cases.forEach(([fn, args], i) => {
    if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) {
      bad.push(`${fn}(${JSON.stringify(args)}):\n    python ${JSON.stringify(want[i])}\n    wasock ${JSON.stringify(got[i])}`);
    }
  });
  assert.is(bad.length, 0, `${bad.length} of ${cases.length} differ:\n  ${bad.slice(0, 25).join('\n  ')}`);
}

test('netdb over custom /etc files agrees with glibc (python in a mount namespace)', () => {
  if (!unshare) {
    console.log('  (skipped: unshare -m is not permitted here)');
    return;
  }
  agree(cases, HOSTS);
});

// Block lists installed as /etc/hosts run to megabytes; glibc reads every line.
test('a 3 MiB hosts file is read to its last line, as glibc reads it', () => {
  if (!unshare) {
    console.log('  (skipped: unshare -m is not permitted here)');
    return;
  }
  const lines = ['10.9.9.8 first-in-big.test'];
  for (let i = 0; i < 100000; i++) lines.push(`0.0.0.0 blocked${i}.ads.example.test`);
  lines.push('10.9.9.9 last-in-big.test last-alias', '10.9.9.10 dup-in-big.test', '10.9.9.11 dup-in-big.test');
  const big = lines.join('\n') + '\n';
  assert.ok(big.length > 3 * 2 ** 20, `${big.length} bytes`);
  const bigCases = [];
  for (const h of ['first-in-big.test', 'blocked50000.ads.example.test', 'blocked99999.ads.example.test',
    'last-in-big.test', 'last-alias', 'dup-in-big.test']) {
    bigCases.push(['gethostbyname_ex', [h]], ['getaddrinfo', [h, 80, 0, 1]]);
  }
  bigCases.push(['gethostbyaddr', ['10.9.9.9']], ['getnameinfo', [['10.9.9.11', 80], 0]]);
  agree(bigCases, big);
});

test.run();
