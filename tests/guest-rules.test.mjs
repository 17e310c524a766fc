// The guest allowlists as data: docs/guests.md shows exactly what rules.ts enforces, and the
// policy's pattern forms mean what the docs say (wildcard binds only when named, abstract
// unix names only by their own grants, names pinned to what they resolved to).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/helpers.mjs';

const g = await import(join(ROOT, 'dist', 'guest.js'));

test('docs/guests.md tables are the rules the host enforces', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'gen-guest-tables.mjs'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('no listed option is one that carries a pointer, makes a descriptor or routes', () => {
  const never = ['SO_ATTACH_FILTER', 'SO_ATTACH_BPF', 'SO_PEERPIDFD', 'SO_BINDTODEVICE', 'SO_MARK', 'TCP_ZEROCOPY_RECEIVE',
    'TCP_ULP', 'TCP_MD5SIG', 'TCP_REPAIR', 'IP_OPTIONS', 'IP_TRANSPARENT', 'IP_XFRM_POLICY', 'IP_IPSEC_POLICY',
    'IPV6_RTHDR', 'IPV6_NEXTHOP', 'IPV6_ADDRFORM', 'IPV6_HOPOPTS', 'PACKET_FANOUT', 'PACKET_RX_RING', 'PACKET_TX_RING',
    'PACKET_ADD_MEMBERSHIP', 'SO_RCVBUFFORCE', 'SO_SNDBUFFORCE', 'NETLINK_RX_RING'];
  const listed = new Set([...g.OPTIONS.values()].map((r) => r.name));
  for (const n of never) assert.not.ok(listed.has(n), n);
  // TCP_CONGESTION may be read, never set (setting it can load a kernel module).
  const cc = [...g.OPTIONS.values()].find((r) => r.name === 'TCP_CONGESTION');
  assert.ok(cc && cc.get && !cc.set);
});

test('wildcard binds need a grant that names the wildcard; `*` is every other address', async () => {
  const p = await g.compilePolicy({ bind: ['*:8080'] });
  const wild = p.ip.bind[0];
  assert.ok(wild.any);
  const named = await g.compilePolicy({ bind: ['0.0.0.0:8080', '[::]:8080'] });
  assert.equal(named.ip.bind.map((r) => r.net.every((x) => x === 0)), [true, true]);
});

test('unix: `*` grants paths only; abstract names by @name, @prefix* or @*', async () => {
  const p = await g.compilePolicy({ connect: ['unix:*', 'unix:@svc', 'unix:@app-*', 'unix:@*'] });
  assert.equal(p.unix.connect.map((r) => [r.any, r.abstract, r.path, r.prefix]),
    [[true, false, '', false], [false, true, 'svc', false], [false, true, 'app-', true], [true, true, '', false]]);
});

test('a name in an address grant is pinned to the addresses it resolved to', async () => {
  const p = await g.compilePolicy({ connect: ['localhost:80'] });
  assert.ok(p.pinned.localhost.length > 0);
  assert.ok(p.pinned.localhost.every((a) => a === '127.0.0.1' || a === '::1'), p.pinned.localhost.join());
});

test.run();
