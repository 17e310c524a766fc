// NETLINK_ROUTE: examples/netlink-links.ts (RTM_GETLINK + RTM_GETADDR dumps) against `ip -o link`
// and `ip -o addr`, here and in a namespace the test makes; RTMGRP_LINK multicast: a socket
// bound to the group (in a child run inside the namespace) sees the veth link the test adds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { execFileSync, spawn } from 'node:child_process';
import { ROOT } from './lib/helpers.mjs';
import { buildExamples } from './vm/examples.mjs';
import * as netns from './vm/netns.mjs';

const root = process.getuid?.() === 0;
let ex;
test.before(async () => { ex = await buildExamples('netlink-links'); });

// [index, name, mtu] and [index, name, family, address/prefix] from both sources.
function fromExample(out) {
  const links = [], addrs = [];
  for (const line of out.split('\n')) {
    let m = /^(\d+): (\S+) mtu (\d+) /.exec(line);
    if (m) links.push([+m[1], m[2], +m[3]]);
    m = /^(\d+): (\S+) (inet6?) (\S+)$/.exec(line);
    if (m) addrs.push([+m[1], m[2], m[3], m[4]]);
  }
  return { links, addrs };
}

function fromIp(prefix = []) {
  const links = execFileSync('ip', [...prefix, '-o', 'link'], { encoding: 'utf8' }).trim().split('\n')
    .map((l) => /^(\d+): ([^:@]+)[^:]*: .* mtu (\d+)/.exec(l)).filter(Boolean).map((m) => [+m[1], m[2], +m[3]]);
  const addrs = execFileSync('ip', [...prefix, '-o', 'addr'], { encoding: 'utf8' }).trim().split('\n')
    .map((l) => /^(\d+): (\S+)\s+(inet6?) (\S+)/.exec(l)).filter(Boolean).map((m) => [+m[1], m[2], m[3], m[4]]);
  return { links, addrs };
}

const sortAll = (o) => ({ links: o.links.sort((a, b) => a[0] - b[0]), addrs: o.addrs.map(String).sort() });

test('examples/netlink-links.ts lists what `ip -o link` / `ip -o addr` list', () => {
  const out = execFileSync(process.execPath, [ex['netlink-links']], { encoding: 'utf8', timeout: 20000 });
  assert.equal(sortAll(fromExample(out)), sortAll(fromIp()));
  assert.match(out, /^1: lo mtu \d+ UP link 00:00:00:00:00:00$/m);
  assert.match(out, /^1: lo inet 127\.0\.0\.1\/8$/m);
  assert.match(out, /^netlink socket: \[\d+,0\]$/m);
});

(root ? test : test.skip)('the same dump inside a namespace with a veth pair and addresses', () => {
  if (!netns.available()) return;
  const ns = netns.create('nl');
  try {
    netns.ip('-n', ns, 'link', 'add', 'wsk-a', 'type', 'veth', 'peer', 'name', 'wsk-b');
    netns.ip('-n', ns, 'addr', 'add', '10.77.0.1/24', 'dev', 'wsk-a');
    netns.ip('-n', ns, 'addr', 'add', 'fd77::1/64', 'dev', 'wsk-a', 'nodad');
    netns.ip('-n', ns, 'link', 'set', 'wsk-a', 'mtu', '1234', 'up');
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, ex['netlink-links']],
      { encoding: 'utf8', timeout: 20000 });
    const got = sortAll(fromExample(out));
    assert.equal(got, sortAll(fromIp(['-n', ns])));
    assert.ok(got.links.some((l) => l[1] === 'wsk-a' && l[2] === 1234));
    assert.ok(got.addrs.includes(String([got.links.find((l) => l[1] === 'wsk-a')[0], 'wsk-a', 'inet', '10.77.0.1/24'])));
  } finally {
    netns.remove(ns);
  }
});

// The child: bound to RTMGRP_LINK, it says "ready", then reports the first RTM_NEWLINK naming
// the dummy link, with recvfrom's address.
const LISTENER = String.raw`
import * as socket from 'wasock';
const RTMGRP_LINK = 1;
const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
s.bind([0, RTMGRP_LINK]);
s.settimeout(15);
console.log('ready ' + JSON.stringify(s.getsockname()[1]));
for (;;) {
  const [d, from] = s.recvfrom(65536);
  const b = Buffer.from(d.buffer, d.byteOffset, d.length);
  if (b.readUInt16LE(4) !== 16) continue;           // RTM_NEWLINK
  for (let off = 32; off + 4 <= b.length;) {
    const len = b.readUInt16LE(off), type = b.readUInt16LE(off + 2);
    if (len < 4) break;
    if (type === 3) {
      const name = b.subarray(off + 4, off + len).toString().replace(/\0.*$/s, '');
      if (name === process.env.WSK_LINK) { console.log('event ' + JSON.stringify([name, from])); process.exit(0); }
    }
    off += (len + 3) & ~3;
  }
}`;

(root ? test : test.skip)('RTMGRP_LINK: a bound socket sees the veth link the test creates in its namespace', async () => {
  if (!netns.available()) return;
  const ns = netns.create('mc');
  const link = 'wskveth0';
  try {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', LISTENER],
      { cwd: ROOT, env: { ...process.env, WSK_LINK: link }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stderr.on('data', (d) => { err += d; });
    const done = new Promise((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
    await new Promise((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); }));
    // A veth pair (this kernel may lack the dummy driver); the first end is the one watched.
    netns.ip('-n', ns, 'link', 'add', link, 'type', 'veth', 'peer', 'name', 'wskpeer0');
    const code = await done;
    clearTimeout(killer);
    assert.is(code, 0, err);
    assert.match(out, /^ready 1$/m);
    // From the kernel (pid 0), on the group it was multicast to.
    assert.equal(JSON.parse(/^event (.*)$/m.exec(out)[1]), [link, [0, 1]]);
  } finally {
    netns.remove(ns);
  }
});

test.run();
