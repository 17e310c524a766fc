// Multi-host tests: two network namespaces joined by a veth pair (veth0 in each, ifindex 17 in A
// and 23 in B so that a wrong scope id shows), with 10.199.7.1/24, fd00:199::1/64 and fe80::1 in
// A and .2/::2 in B. Each scenario runs a peer in each namespace (tests/lib/netns-peer.mjs: the
// first one prints "ready", then the second starts), once with wasock and once with CPython, each
// time in fresh namespaces, and every line of output (results, tuples, errnos) must be the same.
// Traffic never leaves the namespaces; they are deleted in finally blocks and, as a fallback, on
// exit (tests/vm/netns.mjs). Needs root and `ip`: skipped (with a message) otherwise, but
// never in CI (CI=true): there it fails. WASOCK_NETNS_DEBUG=1 prints every step's two outcomes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, PYTHON } from './lib/helpers.mjs';
import { PY_PEER } from './lib/netns-peer.mjs';
import * as netns from './vm/netns.mjs';

// So that the namespaces' exit handler runs when the run is interrupted.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

const PEER = join(ROOT, 'tests', 'lib', 'netns-peer.mjs');
const IDX_A = 17;
const IDX_B = 23;

function why() {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('ip', ['-V']).status !== 0) return 'no `ip` (iproute2)';
  if (!netns.available()) return '`ip netns add` fails here';
  return null;
}
const missing = why();
const ci = process.env.CI === 'true';

// Namespaces this file made in an earlier run that was killed (SIGKILL skips the exit handler).
function sweepStale() {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of list.matchAll(/^(wsk-ns[ab]-(\d+)-\d+)\b/gm)) {
    const pid = Number(m[2]);
    let alive = true;
    try { process.kill(pid, 0); } catch (e) { alive = e.code === 'EPERM'; }
    if (!alive) spawnSync('ip', ['netns', 'del', m[1]]);
  }
}
if (!missing) sweepStale();

// A fresh pair of namespaces A and B joined by veth0 <-> veth0, ready for traffic.
function topology({ defaultRoute = false } = {}) {
  const a = netns.create('nsa');
  let b;
  try {
    b = netns.create('nsb');
    netns.ip('link', 'add', 'veth0', 'index', String(IDX_A), 'netns', a, 'type', 'veth',
      'peer', 'name', 'veth0', 'index', String(IDX_B), 'netns', b);
    for (const [ns, n] of [[a, 1], [b, 2]]) {
      // Only the link-local address we give (fe80::1 / fe80::2), no EUI-64 one.
      netns.ip('netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.veth0.addr_gen_mode=1');
      netns.ip('-n', ns, 'addr', 'add', `10.199.7.${n}/24`, 'dev', 'veth0');
      netns.ip('-n', ns, 'addr', 'add', `fd00:199::${n}/64`, 'dev', 'veth0', 'nodad');
      netns.ip('-n', ns, 'addr', 'add', `fe80::${n}/64`, 'dev', 'veth0', 'nodad');
      netns.ip('-n', ns, 'link', 'set', 'veth0', 'up');
      // A route for 255.255.255.255: out of veth0, so inside the pair.
      if (defaultRoute) netns.ip('-n', ns, 'route', 'add', 'default', 'dev', 'veth0');
    }
    // Ready: both ends up, carrier on, every IPv6 address of veth0 there and not tentative.
    const deadline = Date.now() + 10000;
    for (;;) {
      const ok = [a, b].every((ns) => {
        const link = netns.ip('-n', ns, '-o', 'link', 'show', 'veth0');
        const addrs = netns.ip('-n', ns, '-o', '-6', 'addr', 'show', 'dev', 'veth0');
        return /LOWER_UP/.test(link) && /state UP/.test(link)
          && /inet6 fe80::\d\/64 scope link/.test(addrs) && /inet6 fd00:199::\d\/64 scope global/.test(addrs)
          && !/tentative|dadfailed/.test(addrs);
      });
      if (ok) break;
      if (Date.now() > deadline) throw new Error('veth0 not ready after 10 s');
      spawnSync('sleep', ['0.05']);
    }
    return { a, b };
  } catch (e) {
    netns.remove(a);
    if (b) netns.remove(b);
    throw e;
  }
}

function teardown(t) {
  netns.remove(t.a);
  netns.remove(t.b);
}

// Starts the peer script `steps` in ns with wasock ('js') or CPython ('py').
function peer(impl, ns, steps) {
  const json = JSON.stringify(steps);
  // `timeout` ends the peer even if this process is killed first (`ip netns exec` forks).
  const argv = ['netns', 'exec', ns, 'timeout', '-s', 'KILL', '25',
    ...(impl === 'js' ? [process.execPath, PEER, json] : [PYTHON, '-c', PY_PEER, json])];
  const child = spawn('ip', argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady;
  const ready = new Promise((resolve) => { onReady = resolve; });
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('{"ready":true}') || out.includes('{"ready": true}')) onReady(true);
  });
  child.stderr.on('data', (d) => { err += d; });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const done = new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(killer);
    onReady(false);
    resolve({ code, signal, err, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)) });
  }));
  return { ready, done };
}

// Runs first (until it is ready) then second, each in its namespace, in a fresh topology;
// returns {first, second}: the result lines (without the ready marker) in step order. A
// scenario without `second` runs first alone.
async function scenario(impl, sc) {
  const t = topology(sc.topology);
  try {
    const p1 = peer(impl, t[sc.first.ns], sc.first.steps);
    const isReady = sc.second ? await p1.ready : true;
    let r2 = null;
    if (isReady && sc.second) r2 = await peer(impl, t[sc.second.ns], sc.second.steps).done;
    const r1 = await p1.done;
    for (const [name, r] of sc.second ? [['first', r1], ['second', r2]] : [['first', r1]]) {
      if (r === null) assert.unreachable(`${impl} ${name} peer never got ready: ${r1.err}`);
      assert.is(r.code, 0, `${impl} ${name} peer exited ${r.code}/${r.signal}: ${r.err}`);
    }
    const strip = (r) => r.lines.filter((l) => !l.ready);
    return { first: strip(r1), second: r2 && strip(r2) };
  } finally {
    teardown(t);
  }
}

const show = (step) => `${step.on ? `${step.on}.` : ''}${step.do}(${JSON.stringify(step.args ?? []).slice(1, -1)})`;

// The scenario with wasock and with CPython: every step's outcome must match. Returns both.
async function compare(sc) {
  const js = await scenario('js', sc);
  const py = await scenario('py', sc);
  const diffs = [];
  const roles = sc.second ? ['first', 'second'] : ['first'];
  for (const role of roles) {
    const steps = sc[role].steps.filter((s) => s.do !== 'ready');
    assert.is(py[role].length, steps.length, `CPython ${role}: one line per step`);
    steps.forEach((step, i) => {
      const p = py[role][i];
      const j = js[role][i];
      const norm = step.vary ? step.vary : (x) => x;
      const pv = JSON.stringify(norm(p.err ? { err: p.err } : { r: p.r }));
      const jv = j ? JSON.stringify(norm(j.err ? { err: j.err } : { r: j.r })) : '(no line)';
      if (pv !== jv) diffs.push(`  ${role} #${i} ${show(step)}\n    CPython: ${pv}\n    wasock:  ${jv}`);
    });
  }
  if (process.env.WASOCK_NETNS_DEBUG) {
    for (const role of roles) {
      sc[role].steps.filter((s) => s.do !== 'ready').forEach((step, i) => {
        console.log(`${role} #${i} ${show(step)}\n    CPython: ${JSON.stringify(py[role][i])}\n    wasock:  ${JSON.stringify(js[role][i])}`);
      });
    }
  }
  if (diffs.length) assert.unreachable(`wasock differs from CPython:\n${diffs.join('\n')}`);
  return { js, py };
}

// Outcome of step `i` of a role (the result, or {err}).
const at = (res, role, i) => (res[role][i].err ? { err: res[role][i].err } : res[role][i].r);
const B = (s) => ({ bytes: s });
const hex = (s) => ({ bytes: Buffer.from(s, 'latin1').toString('hex') });
// For steps whose result carries an ephemeral port: the port is only checked to be a number.
const anyPort = (o) => (o.r && Array.isArray(o.r) ? { r: o.r.map((x, k) => (k === 1 && typeof x === 'number' ? 'PORT' : x)) } : o);
// The same for the address in a [something, address] pair (accept, recvfrom).
const anyPort2 = (o) => (o.r && Array.isArray(o.r) ? { r: [o.r[0], anyPort({ r: o.r[1] }).r] } : o);

// A step list with the indices of named steps, so tests can look results up by name.
function steps(list) {
  const out = list.filter((s) => s.do !== 'ready');
  const idx = {};
  out.forEach((s, i) => { if (s.name) idx[s.name] = i; });
  return { steps: list, idx };
}

function ntest(name, fn) {
  if (missing) {
    if (ci) test(name, () => assert.unreachable(`netns tests cannot run in CI: ${missing}`));
    else test.skip(`${name} (skipped: ${missing})`);
    return;
  }
  test(name, fn);
}
if (missing && !ci) console.log(`  (netns tests skipped: ${missing})`);

// ---------------------------------------------------------------------------------------------
// (1) INET across hosts: TCP echo and UDP sendto/recvfrom.

const tcp4Server = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_STREAM'], as: 's' },
  { do: 'setsockopt', on: 's', args: ['$SOL_SOCKET', '$SO_REUSEADDR', 1] },
  { do: 'bind', on: 's', args: [['10.199.7.1', 7001]] },
  { do: 'listen', on: 's', args: [2] },
  { do: 'getsockname', on: 's', name: 'lname' },
  { do: 'ready' },
  { do: 'accept', on: 's', as: 'c', name: 'accept1' },
  { do: 'getpeername', on: 'c', name: 'peer1' },
  { do: 'getsockname', on: 'c', name: 'sock1' },
  { do: 'recv', on: 'c', args: [100], name: 'recv1' },
  { do: 'sendall', on: 'c', args: [B('echo:ping across hosts')] },
  { do: 'recv', on: 'c', args: [100], name: 'eof1' },
  { do: 'close', on: 'c' },
  // The second client comes from an ephemeral port.
  { do: 'accept', on: 's', as: 'c2', name: 'accept2', vary: anyPort2 },
  { do: 'recv', on: 'c2', args: [100], name: 'recv2' },
  { do: 'close', on: 'c2' },
]);
const tcp4Client = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_STREAM'], as: 'c' },
  { do: 'bind', on: 'c', args: [['10.199.7.2', 7002]] },
  // Nothing listens on 7009 on host A: refused across the link.
  { do: 'socket', args: ['$AF_INET', '$SOCK_STREAM'], as: 'x' },
  { do: 'connect_ex', on: 'x', args: [['10.199.7.1', 7009]], name: 'refused' },
  { do: 'connect', on: 'c', args: [['10.199.7.1', 7001]] },
  { do: 'getsockname', on: 'c', name: 'sock' },
  { do: 'getpeername', on: 'c', name: 'peer' },
  { do: 'sendall', on: 'c', args: [B('ping across hosts')] },
  { do: 'recv', on: 'c', args: [100], name: 'echo' },
  { do: 'shutdown', on: 'c', args: ['$SHUT_WR'] },
  { do: 'recv', on: 'c', args: [100], name: 'eof' },
  { do: 'create_connection', args: [['10.199.7.1', 7001], 5], as: 'c2' },
  { do: 'getsockname', on: 'c2', name: 'sock2', vary: anyPort },
  { do: 'getpeername', on: 'c2', name: 'peer2' },
  { do: 'sendall', on: 'c2', args: [B('second')] },
  { do: 'close', on: 'c2' },
]);

ntest('INET TCP across namespaces: echo, getsockname/getpeername/accept tuples, ECONNREFUSED, as CPython', async () => {
  const res = await compare({ first: { ns: 'a', steps: tcp4Server.steps }, second: { ns: 'b', steps: tcp4Client.steps } });
  for (const [impl, r] of Object.entries(res)) {
    const s = (n) => at(r, 'first', tcp4Server.idx[n]);
    const c = (n) => at(r, 'second', tcp4Client.idx[n]);
    assert.equal(s('lname'), ['10.199.7.1', 7001], impl);
    assert.equal(s('accept1'), ['<socket>', ['10.199.7.2', 7002]], impl);
    assert.equal(s('peer1'), ['10.199.7.2', 7002], impl);
    assert.equal(s('sock1'), ['10.199.7.1', 7001], impl);
    assert.equal(s('recv1'), hex('ping across hosts'), impl);
    assert.equal(s('eof1'), hex(''), impl);
    assert.equal(c('refused'), 111, impl);
    assert.equal(c('sock'), ['10.199.7.2', 7002], impl);
    assert.equal(c('peer'), ['10.199.7.1', 7001], impl);
    assert.equal(c('echo'), hex('echo:ping across hosts'), impl);
    assert.equal(c('eof'), hex(''), impl);
    assert.equal(c('peer2'), ['10.199.7.1', 7001], impl);
    // The server saw the client's ephemeral address.
    assert.equal(s('accept2')[1], c('sock2'), impl);
    assert.equal(s('recv2'), hex('second'), impl);
  }
});

const udp4Server = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['10.199.7.1', 7101]] },
  { do: 'getsockname', on: 'u', name: 'lname' },
  { do: 'ready' },
  { do: 'recvfrom', on: 'u', args: [100], as: 'm', name: 'from1' },
  { do: 'sendto', on: 'u', args: [B('pong'), '@m.1'], name: 'sent' },
  { do: 'recvfrom', on: 'u', args: [100], name: 'from2' },
  { do: 'recvfrom', on: 'u', args: [100, '$MSG_PEEK'], name: 'peek3', vary: anyPort2 },
  { do: 'recvfrom', on: 'u', args: [100], name: 'from3', vary: anyPort2 },
]);
const udp4Client = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['10.199.7.2', 7102]] },
  { do: 'sendto', on: 'u', args: [B('ping'), ['10.199.7.1', 7101]], name: 'sent' },
  { do: 'recvfrom', on: 'u', args: [100], name: 'reply' },
  // Connected UDP from another bound port.
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'v' },
  { do: 'bind', on: 'v', args: [['', 7103]] },
  { do: 'connect', on: 'v', args: [['10.199.7.1', 7101]] },
  { do: 'getsockname', on: 'v', name: 'vname' },
  { do: 'getpeername', on: 'v', name: 'vpeer' },
  { do: 'send', on: 'v', args: [B('connected')] },
  // Unbound: the first sendto binds an ephemeral port.
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'w' },
  { do: 'sendto', on: 'w', args: [B('ephemeral'), 0, ['10.199.7.1', 7101]] },
  { do: 'getsockname', on: 'w', name: 'wname', vary: anyPort },
]);

ntest('INET UDP across namespaces: sendto/recvfrom tuples, connected send, MSG_PEEK, as CPython', async () => {
  const res = await compare({ first: { ns: 'a', steps: udp4Server.steps }, second: { ns: 'b', steps: udp4Client.steps } });
  for (const [impl, r] of Object.entries(res)) {
    const s = (n) => at(r, 'first', udp4Server.idx[n]);
    const c = (n) => at(r, 'second', udp4Client.idx[n]);
    assert.equal(s('lname'), ['10.199.7.1', 7101], impl);
    assert.equal(s('from1'), [hex('ping'), ['10.199.7.2', 7102]], impl);
    assert.equal(s('sent'), 4, impl);
    assert.equal(c('reply'), [hex('pong'), ['10.199.7.1', 7101]], impl);
    assert.equal(c('vname'), ['10.199.7.2', 7103], impl);
    assert.equal(c('vpeer'), ['10.199.7.1', 7101], impl);
    assert.equal(s('from2'), [hex('connected'), ['10.199.7.2', 7103]], impl);
    assert.equal(s('peek3')[0], hex('ephemeral'), impl);
    // An unbound UDP socket's sendto binds the wildcard address and an ephemeral port.
    assert.is(c('wname')[0], '0.0.0.0', impl);
    assert.equal(s('from3'), [hex('ephemeral'), ['10.199.7.2', c('wname')[1]]], impl);
  }
});

// ---------------------------------------------------------------------------------------------
// (2) INET6 across hosts with the ULA addresses: 4-tuples; a dual-stack listener sees IPv4-mapped.

const tcp6Server = steps([
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 's' },
  { do: 'bind', on: 's', args: [['fd00:199::1', 7201, 0, 0]] },
  { do: 'listen', on: 's', args: [1] },
  { do: 'getsockname', on: 's', name: 'lname' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'd' },
  { do: 'getsockopt', on: 'd', args: ['$IPPROTO_IPV6', '$IPV6_V6ONLY'], name: 'v6only' },
  { do: 'bind', on: 'd', args: [['::', 7204]] },
  { do: 'listen', on: 'd', args: [1] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['fd00:199::1', 7211]] },
  { do: 'ready' },
  { do: 'accept', on: 's', as: 'c', name: 'accept' },
  { do: 'getpeername', on: 'c', name: 'peer' },
  { do: 'getsockname', on: 'c', name: 'sock' },
  { do: 'recv', on: 'c', args: [100], name: 'recv' },
  { do: 'send', on: 'c', args: [B('v6 echo')] },
  { do: 'accept', on: 'd', as: 'm', name: 'mapped' },
  { do: 'getsockname', on: 'm', name: 'mappedSock' },
  { do: 'recvfrom', on: 'u', args: [100], as: 'g', name: 'from' },
  { do: 'sendto', on: 'u', args: [B('v6 pong'), '@g.1'] },
]);
const tcp6Client = steps([
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'c' },
  { do: 'bind', on: 'c', args: [['fd00:199::2', 7202, 0, 0]] },
  { do: 'connect', on: 'c', args: [['fd00:199::1', 7201]] },
  { do: 'getsockname', on: 'c', name: 'sock' },
  { do: 'getpeername', on: 'c', name: 'peer' },
  { do: 'send', on: 'c', args: [B('v6 ping')] },
  { do: 'recv', on: 'c', args: [100], name: 'echo' },
  { do: 'socket', args: ['$AF_INET', '$SOCK_STREAM'], as: 'four' },
  { do: 'bind', on: 'four', args: [['10.199.7.2', 7205]] },
  { do: 'connect', on: 'four', args: [['10.199.7.1', 7204]] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'x' },
  { do: 'connect_ex', on: 'x', args: [['fd00:199::1', 7299, 0, 0]], name: 'refused' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['fd00:199::2', 7212, 0, 0]] },
  { do: 'sendto', on: 'u', args: [B('v6 ping'), ['fd00:199::1', 7211, 0, 0]] },
  { do: 'recvfrom', on: 'u', args: [100], name: 'reply' },
  { do: 'getaddrinfo', args: ['fd00:199::1', 7201, '$AF_INET6', '$SOCK_STREAM'], name: 'gai' },
]);

ntest('INET6 across namespaces (fd00:199::/64): TCP and UDP 4-tuples, IPv4-mapped peer, as CPython', async () => {
  const res = await compare({ first: { ns: 'a', steps: tcp6Server.steps }, second: { ns: 'b', steps: tcp6Client.steps } });
  for (const [impl, r] of Object.entries(res)) {
    const s = (n) => at(r, 'first', tcp6Server.idx[n]);
    const c = (n) => at(r, 'second', tcp6Client.idx[n]);
    assert.equal(s('lname'), ['fd00:199::1', 7201, 0, 0], impl);
    assert.equal(s('v6only'), 0, impl);
    assert.equal(s('accept'), ['<socket>', ['fd00:199::2', 7202, 0, 0]], impl);
    assert.equal(s('peer'), ['fd00:199::2', 7202, 0, 0], impl);
    assert.equal(s('sock'), ['fd00:199::1', 7201, 0, 0], impl);
    assert.equal(s('recv'), hex('v6 ping'), impl);
    assert.equal(c('sock'), ['fd00:199::2', 7202, 0, 0], impl);
    assert.equal(c('peer'), ['fd00:199::1', 7201, 0, 0], impl);
    assert.equal(c('echo'), hex('v6 echo'), impl);
    assert.equal(s('mapped'), ['<socket>', ['::ffff:10.199.7.2', 7205, 0, 0]], impl);
    assert.equal(s('mappedSock'), ['::ffff:10.199.7.1', 7204, 0, 0], impl);
    assert.equal(c('refused'), 111, impl);
    assert.equal(s('from'), [hex('v6 ping'), ['fd00:199::2', 7212, 0, 0]], impl);
    assert.equal(c('reply'), [hex('v6 pong'), ['fd00:199::1', 7211, 0, 0]], impl);
    assert.equal(c('gai'), [[10, 1, 6, '', ['fd00:199::1', 7201, 0, 0]]], impl);
  }
});

// ---------------------------------------------------------------------------------------------
// (3) IPv6 link-local with scope ids: fe80::1%veth0 (index 17) in A, fe80::2%veth0 (23) in B.

const NI_NUMERIC = 1 | 2; // NI_NUMERICHOST | NI_NUMERICSERV (Linux values)
const llServer = steps([
  { do: 'if_nametoindex', args: ['veth0'], as: 'idx', name: 'idx' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'z' },
  // A link-local address without its scope id: EINVAL, as the kernel says.
  { do: 'bind', on: 'z', args: [['fe80::1', 7398]], name: 'bindNoScope' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'z2' },
  // The %ifname form inside an address tuple: the tuple's scope id (0) wins, as in CPython.
  { do: 'bind', on: 'z2', args: [['fe80::1%veth0', 7397]], name: 'bindPctName' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 's' },
  { do: 'bind', on: 's', args: [['fe80::1', 7301, 0, '@idx']] },
  { do: 'listen', on: 's', args: [2] },
  { do: 'getsockname', on: 's', name: 'lname' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['fe80::1', 7311, 0, '@idx']] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'any' },
  { do: 'bind', on: 'any', args: [['::', 7321]] },
  { do: 'ready' },
  { do: 'accept', on: 's', as: 'c', name: 'accept' },
  { do: 'getpeername', on: 'c', name: 'peer' },
  { do: 'getsockname', on: 'c', name: 'sock' },
  { do: 'recv', on: 'c', args: [100], name: 'recv' },
  { do: 'send', on: 'c', args: [B('ll echo')] },
  { do: 'accept', on: 's', as: 'c2', name: 'accept2' },
  { do: 'recv', on: 'c2', args: [100], name: 'recv2' },
  { do: 'recvfrom', on: 'u', args: [100], as: 'm', name: 'from' },
  { do: 'sendto', on: 'u', args: [B('ll pong'), '@m.1'], name: 'sent' },
  // ff02::1 (all nodes) sent from B's veth0 arrives on the wildcard socket with B's fe80::2%17.
  { do: 'recvfrom', on: 'any', args: [100], name: 'mcast' },
  { do: 'getnameinfo', args: [['fe80::2', 7302, 0, '@idx'], NI_NUMERIC], name: 'nameinfo' },
]);
const llClient = steps([
  { do: 'if_nametoindex', args: ['veth0'], as: 'idx', name: 'idx' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'c' },
  { do: 'bind', on: 'c', args: [['fe80::2', 7302, 0, '@idx']] },
  { do: 'getsockname', on: 'c', name: 'bound' },
  { do: 'connect', on: 'c', args: [['fe80::1', 7301, 0, '@idx']] },
  { do: 'getsockname', on: 'c', name: 'sock' },
  { do: 'getpeername', on: 'c', name: 'peer' },
  { do: 'send', on: 'c', args: [B('ll ping')] },
  { do: 'recv', on: 'c', args: [100], name: 'echo' },
  // getaddrinfo's %ifname and %index forms give the scope id; a connect with that sockaddr works.
  { do: 'getaddrinfo', args: ['fe80::1%veth0', 7301, '$AF_INET6', '$SOCK_STREAM'], as: 'g', name: 'gaiName' },
  { do: 'getaddrinfo', args: [`fe80::1%${IDX_B}`, 7301, '$AF_INET6', '$SOCK_STREAM'], name: 'gaiIndex' },
  { do: 'getaddrinfo', args: ['fe80::1%veth0', null, 0, 0, 0, '$AI_NUMERICHOST'], name: 'gaiNumeric' },
  { do: 'getaddrinfo', args: ['fe80::1%nosuchif0', 7301, '$AF_INET6', '$SOCK_STREAM'], name: 'gaiBadIf' },
  { do: 'getaddrinfo', args: ['fe80::1%veth0', '7301', '$AF_UNSPEC', '$SOCK_DGRAM', 0, '$AI_PASSIVE'], name: 'gaiUnspec' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'c2' },
  { do: 'bind', on: 'c2', args: [['fe80::2', 7303, 0, '@idx']] },
  { do: 'connect', on: 'c2', args: ['@g.0.4'], name: 'connectGai' },
  { do: 'getpeername', on: 'c2', name: 'peer2' },
  { do: 'send', on: 'c2', args: [B('via getaddrinfo')] },
  // Nothing listens on 7399: with the scope id the SYN crosses and is refused; without it, EINVAL.
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'x' },
  { do: 'connect_ex', on: 'x', args: [['fe80::1', 7399, 0, '@idx']], name: 'refused' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'y' },
  { do: 'connect_ex', on: 'y', args: [['fe80::1', 7399]], name: 'noScope' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'y2' },
  { do: 'connect_ex', on: 'y2', args: [['fe80::1%veth0', 7399]], name: 'pctInTuple' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'y3' },
  { do: 'connect_ex', on: 'y3', args: [['fe80::1', 7399, 0, 999]], name: 'badScope' },
  // UDP with scope ids both ways.
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['fe80::2', 7312, 0, '@idx']] },
  { do: 'sendto', on: 'u', args: [B('ll ping'), ['fe80::1', 7311, 0, '@idx']], name: 'sent' },
  { do: 'recvfrom', on: 'u', args: [100], name: 'reply' },
  { do: 'sendto', on: 'u', args: [B('all nodes'), ['ff02::1', 7321, 0, '@idx']], name: 'mcastSent' },
  { do: 'getnameinfo', args: [['fe80::1', 7301, 0, '@idx'], NI_NUMERIC], name: 'nameinfo' },
  // Edge cases, compared with CPython only: scope ids of unknown interfaces, out-of-range and
  // wrongly typed tuple fields, %scope on other addresses, the interface table.
  { do: 'getnameinfo', args: [['fe80::1', 7301, 0, 999], NI_NUMERIC] },
  { do: 'getnameinfo', args: [['fe80::1%veth0', 7301], NI_NUMERIC] },
  { do: 'getnameinfo', args: [['fd00:199::1', 7301, 0, '@idx'], NI_NUMERIC] },
  { do: 'getaddrinfo', args: ['fe80::1%999', 7301, '$AF_INET6', '$SOCK_STREAM'] },
  { do: 'getaddrinfo', args: ['fe80::1%', 7301, '$AF_INET6', '$SOCK_STREAM'] },
  { do: 'getaddrinfo', args: ['fd00:199::1%veth0', 7301, '$AF_INET6', '$SOCK_STREAM'] },
  { do: 'getaddrinfo', args: ['ff02::1%veth0', 7301, '$AF_INET6', '$SOCK_DGRAM'] },
  { do: 'inet_pton', args: ['$AF_INET6', 'fe80::1%veth0'] },
  { do: 'if_indextoname', args: ['@idx'], name: 'indextoname' },
  { do: 'if_nameindex', args: [], name: 'nameindex' },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'e1' },
  { do: 'connect_ex', on: 'e1', args: [['fe80::1', 7399, 0, -1]] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'e2' },
  { do: 'connect_ex', on: 'e2', args: [['fe80::1', 7399, 0x100000, '@idx']] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'e3' },
  { do: 'connect_ex', on: 'e3', args: [['fe80::1', 7399, 0, String(IDX_B)]] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'e4' },
  { do: 'connect_ex', on: 'e4', args: [['fe80::1', 7399, 0, IDX_B, 0]] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_STREAM'], as: 'e5' },
  { do: 'connect_ex', on: 'e5', args: [['fe80::1', 7399, 0, 2 ** 32 + IDX_B]] },
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'e6' },
  { do: 'connect', on: 'e6', args: [['fe80::1', 7311, 0, '@idx']] },
  { do: 'getpeername', on: 'e6', name: 'udpPeer' },
  { do: 'getsockname', on: 'e6', vary: anyPort },
]);

ntest('IPv6 link-local across namespaces: scope ids in bind/connect/accept/recvfrom tuples, %scope forms, as CPython', async () => {
  const res = await compare({ first: { ns: 'a', steps: llServer.steps }, second: { ns: 'b', steps: llClient.steps } });
  for (const [impl, r] of Object.entries(res)) {
    const s = (n) => at(r, 'first', llServer.idx[n]);
    const c = (n) => at(r, 'second', llClient.idx[n]);
    assert.is(s('idx'), IDX_A, impl);
    assert.is(c('idx'), IDX_B, impl);
    assert.equal(s('bindNoScope'), { err: { type: 'error', errno: 22, strerror: 'Invalid argument' } }, impl);
    assert.equal(s('lname'), ['fe80::1', 7301, 0, IDX_A], impl);
    assert.equal(c('bound'), ['fe80::2', 7302, 0, IDX_B], impl);
    assert.equal(c('sock'), ['fe80::2', 7302, 0, IDX_B], impl);
    assert.equal(c('peer'), ['fe80::1', 7301, 0, IDX_B], impl);
    assert.equal(s('accept'), ['<socket>', ['fe80::2', 7302, 0, IDX_A]], impl);
    assert.equal(s('peer'), ['fe80::2', 7302, 0, IDX_A], impl);
    assert.equal(s('sock'), ['fe80::1', 7301, 0, IDX_A], impl);
    assert.equal(s('recv'), hex('ll ping'), impl);
    assert.equal(c('echo'), hex('ll echo'), impl);
    assert.equal(c('gaiName'), [[10, 1, 6, '', ['fe80::1', 7301, 0, IDX_B]]], impl);
    assert.equal(c('gaiIndex'), [[10, 1, 6, '', ['fe80::1', 7301, 0, IDX_B]]], impl);
    assert.equal(c('gaiBadIf').err?.type, 'gaierror', impl);
    assert.equal(c('peer2'), ['fe80::1', 7301, 0, IDX_B], impl);
    assert.equal(s('accept2'), ['<socket>', ['fe80::2', 7303, 0, IDX_A]], impl);
    assert.equal(s('recv2'), hex('via getaddrinfo'), impl);
    assert.is(c('refused'), 111, impl);
    assert.is(c('noScope'), 22, impl);
    assert.equal(s('from'), [hex('ll ping'), ['fe80::2', 7312, 0, IDX_A]], impl);
    assert.equal(c('reply'), [hex('ll pong'), ['fe80::1', 7311, 0, IDX_B]], impl);
    assert.equal(s('mcast'), [hex('all nodes'), ['fe80::2', 7312, 0, IDX_A]], impl);
    assert.is(c('indextoname'), 'veth0', impl);
    assert.equal(c('nameindex'), [[1, 'lo'], [IDX_B, 'veth0']], impl);
    assert.equal(c('udpPeer'), ['fe80::1', 7311, 0, IDX_B], impl);
  }
});

// ---------------------------------------------------------------------------------------------
// (4) '<broadcast>' (255.255.255.255) with SO_BROADCAST, A -> B over the veth.

const bcastReceiver = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'r' },
  { do: 'bind', on: 'r', args: [['', 7401]] },
  { do: 'getsockname', on: 'r', name: 'lname' },
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'rb' },
  { do: 'bind', on: 'rb', args: [['<broadcast>', 7411]] },
  { do: 'getsockname', on: 'rb', name: 'bname' },
  { do: 'ready' },
  { do: 'recvfrom', on: 'r', args: [100], name: 'lbcast' },
  { do: 'recvfrom', on: 'r', args: [100], name: 'subnet' },
  { do: 'recvfrom', on: 'r', args: [100], name: 'connected' },
  { do: 'recvfrom', on: 'rb', args: [100], name: 'bound' },
]);
const bcastSender = steps([
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'u' },
  { do: 'bind', on: 'u', args: [['', 7402]] },
  { do: 'getsockopt', on: 'u', args: ['$SOL_SOCKET', '$SO_BROADCAST'], name: 'off' },
  { do: 'sendto', on: 'u', args: [B('no'), ['<broadcast>', 7401]], name: 'denied' },
  { do: 'sendto', on: 'u', args: [B('no'), ['10.199.7.255', 7401]], name: 'deniedSubnet' },
  { do: 'setsockopt', on: 'u', args: ['$SOL_SOCKET', '$SO_BROADCAST', 1] },
  { do: 'getsockopt', on: 'u', args: ['$SOL_SOCKET', '$SO_BROADCAST'], name: 'on' },
  { do: 'sendto', on: 'u', args: [B('hello all'), ['<broadcast>', 7401]], name: 'sent' },
  { do: 'sendto', on: 'u', args: [B('subnet'), ['10.199.7.255', 7401]], name: 'sentSubnet' },
  { do: 'socket', args: ['$AF_INET', '$SOCK_DGRAM'], as: 'v' },
  { do: 'bind', on: 'v', args: [['10.199.7.1', 7403]] },
  { do: 'connect', on: 'v', args: [['<broadcast>', 7401]], name: 'connectDenied' },
  { do: 'setsockopt', on: 'v', args: ['$SOL_SOCKET', '$SO_BROADCAST', 1] },
  { do: 'connect', on: 'v', args: [['<broadcast>', 7401]], name: 'connect' },
  { do: 'getpeername', on: 'v', name: 'peer' },
  { do: 'send', on: 'v', args: [B('connected')] },
  { do: 'sendto', on: 'u', args: [B('to bcast-bound'), ['<broadcast>', 7411]], name: 'sentBound' },
  // '<broadcast>' is an IPv4 name: on an AF_INET6 socket CPython says "address family mismatched".
  { do: 'socket', args: ['$AF_INET6', '$SOCK_DGRAM'], as: 'w' },
  { do: 'sendto', on: 'w', args: [B('no'), ['<broadcast>', 7401]], name: 'v6' },
]);

ntest("'<broadcast>' with SO_BROADCAST across namespaces (EACCES without it), as CPython", async () => {
  const res = await compare({
    topology: { defaultRoute: true },
    first: { ns: 'b', steps: bcastReceiver.steps },
    second: { ns: 'a', steps: bcastSender.steps },
  });
  for (const [impl, r] of Object.entries(res)) {
    const s = (n) => at(r, 'second', bcastSender.idx[n]);
    const rc = (n) => at(r, 'first', bcastReceiver.idx[n]);
    assert.equal(rc('lname'), ['0.0.0.0', 7401], impl);
    assert.is(s('off'), 0, impl);
    assert.equal(s('denied'), { err: { type: 'error', errno: 13, strerror: 'Permission denied' } }, impl);
    assert.equal(s('deniedSubnet'), { err: { type: 'error', errno: 13, strerror: 'Permission denied' } }, impl);
    assert.ok(s('on') !== 0, impl);
    assert.is(s('sent'), 9, impl);
    assert.equal(rc('lbcast'), [hex('hello all'), ['10.199.7.1', 7402]], impl);
    assert.equal(rc('subnet'), [hex('subnet'), ['10.199.7.1', 7402]], impl);
    assert.equal(s('connectDenied'), { err: { type: 'error', errno: 13, strerror: 'Permission denied' } }, impl);
    assert.equal(s('peer'), ['255.255.255.255', 7401], impl);
    assert.equal(rc('connected'), [hex('connected'), ['10.199.7.1', 7403]], impl);
    assert.equal(rc('bname'), ['255.255.255.255', 7411], impl);
    assert.equal(rc('bound'), [hex('to bcast-bound'), ['10.199.7.1', 7402]], impl);
  }
});

// ---------------------------------------------------------------------------------------------
// Name resolution of '<broadcast>', '' and names that are no host names, in namespace A (no route
// to any name server: a DNS query fails at once with ENETUNREACH and never leaves). CPython
// (glibc) answers '<broadcast>' and '' itself and rejects names that fail res_hnok ('<', '%', a
// leading '-') with EAI_NONAME without sending any query; a query that fails gives EAI_AGAIN.

const names = steps([
  { do: 'gethostbyname', args: ['<broadcast>'], name: 'bcast' },
  { do: 'gethostbyname', args: [''], name: 'empty' },
  { do: 'gethostbyname_ex', args: ['<broadcast>'] },
  { do: 'gethostbyname_ex', args: [''] },
  { do: 'gethostbyname_ex', args: ['-x.invalid'] },
  { do: 'getaddrinfo', args: ['<broadcast>', 7401, '$AF_INET', '$SOCK_DGRAM'], name: 'gaiBcast' },
  { do: 'getaddrinfo', args: ['10.199.7.1%veth0', 7301, '$AF_UNSPEC', '$SOCK_STREAM'], name: 'gaiPct4' },
  { do: 'getaddrinfo', args: ['-x.invalid', 80, '$AF_INET', '$SOCK_STREAM'], name: 'gaiHyphen' },
  { do: 'getaddrinfo', args: ['wasock-netns.invalid', 80, '$AF_INET', '$SOCK_STREAM'], name: 'gaiNoServer' },
]);

ntest("'<broadcast>', '' and non-host names resolve (or fail) as in CPython, with no DNS query for the latter", async () => {
  const res = await compare({ first: { ns: 'a', steps: names.steps } });
  for (const [impl, r] of Object.entries(res)) {
    const n = (k) => at(r, 'first', names.idx[k]);
    assert.is(n('bcast'), '255.255.255.255', impl);
    assert.is(n('empty'), '0.0.0.0', impl);
    assert.equal(n('gaiBcast'), { err: { type: 'gaierror', errno: -2, strerror: 'Name or service not known' } }, impl);
    assert.equal(n('gaiPct4'), { err: { type: 'gaierror', errno: -2, strerror: 'Name or service not known' } }, impl);
    assert.equal(n('gaiHyphen'), { err: { type: 'gaierror', errno: -2, strerror: 'Name or service not known' } }, impl);
    assert.equal(n('gaiNoServer'), { err: { type: 'gaierror', errno: -3, strerror: 'Temporary failure in name resolution' } }, impl);
  }
});

// glibc's AI_ADDRCONFIG check counts every address the kernel lists, whatever the state of its
// link; os.networkInterfaces() leaves down links out, which once made wasock answer EAI_NONAME
// where glibc answers. One namespace: lo down, a veth pair down with 10.199.8.1/24 on one end.
ntest('AI_ADDRCONFIG counts addresses on a link that is down, as glibc does (CPython)', () => {
  const ns = netns.create('nsa');
  try {
    netns.ip('-n', ns, 'link', 'add', 'vdown0', 'type', 'veth', 'peer', 'name', 'vdown1');
    netns.ip('-n', ns, 'addr', 'add', '10.199.8.1/24', 'dev', 'vdown0');
    assert.ok(!/state UP/.test(netns.ip('-n', ns, '-o', 'link', 'show', 'vdown0')), 'vdown0 is down');
    // [host, family, flags]: AI_ADDRCONFIG = 0x20, AI_NUMERICHOST = 4.
    const cases = [['10.199.8.1', 2, 0x24], ['10.199.8.1', 0, 0x24], ['::1', 10, 0x24], ['fd00::5', 0, 0x24],
      ['127.0.0.1', 2, 0x24], ['10.199.8.1', 2, 4]];
    const py = netns.pythonIn(ns, `
import json, socket
out = []
for h, f, fl in ${JSON.stringify(cases)}:
    try: out.append([[a[0], a[4][0]] for a in socket.getaddrinfo(h, 80, f, socket.SOCK_STREAM, 0, fl)])
    except socket.gaierror as e: out.append(e.errno)
print(json.dumps(out))`);
    const js = netns.nodeIn(ns, `
import * as socket from 'wasock';
const out = [];
for (const [h, f, fl] of ${JSON.stringify(cases)}) {
  try { out.push(socket.getaddrinfo(h, 80, f, socket.SOCK_STREAM, 0, fl).map((a) => [a[0], a[4][0]])); }
  catch (e) { out.push(e.errno); }
}
console.log(JSON.stringify(out));`);
    assert.equal(JSON.parse(js), JSON.parse(py));
    assert.equal(JSON.parse(js)[0], [[2, '10.199.8.1']], 'the down link\'s address counts');
  } finally {
    netns.remove(ns);
  }
});

test.run();
