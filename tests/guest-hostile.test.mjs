// A hostile guest: drives the guest host's imports (the wasock SDK module, WASI preview1 and
// emscripten's __syscall_*) directly through createGuestHost with a real WebAssembly.Memory, as a
// malicious module would, against real sockets on loopback. Every test asserts both what the guest
// gets (its errno) and that nothing happened outside (no file, no packet, no connection, no host
// descriptor made or closed, bounded host memory), beside a positive control showing what is
// granted still works. An exception escaping an import is a failure (safe()). This machine may run
// the suite as root, so the privileged escapes (raw sockets, iptables, packet sockets) are real.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { constants as osConstants } from 'node:os';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, fdCount, tempDir, removeDir } from './lib/helpers.mjs';
import { bundleGuestParts } from './lib/guest-bundle.mjs';

const { createGuestHost, compilePolicy } = await import(join(ROOT, 'dist', 'guest.js'));
const addon = createRequire(import.meta.url)(join(ROOT, 'ts-bindings', 'native', 'build', 'Release', 'wasock.node'));
const E = osConstants.errno;
const ROOT_USER = process.getuid?.() === 0;

// The allowlists as data, from the TypeScript source (rules.ts), bundled here so the test
// compares what it observes with the very tables the host is built from.
const R = await bundleGuestParts("export { OPTIONS, SOCKET_KINDS, optionRule, requestable, familyKnown } from './rules.ts';\n" +
  "export { wasiErrno } from './errno.ts';\nexport * as C from '../host/constants.generated.ts';\n", 'hostile-rules');
const { C, wasiErrno } = R;

// ---- the hostile guest -------------------------------------------------------------------------

// An import call as a guest makes it: whatever it does, it must return a number.
function safe(name, fn, ...args) {
  let v;
  try {
    v = fn(...args);
  } catch (e) {
    assert.unreachable(`${name}(${args.join(', ')}) threw into the guest: ${e?.stack ?? e}`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) assert.unreachable(`${name}(${args.join(', ')}) returned ${v}`);
  return v;
}

class Guest {
  constructor(host, memory) {
    this.host = host;
    this.memory = memory;
    this.events = [];
    this.top = 4096;
    const wrap = (mod, label) => new Proxy(mod, { get: (t, k) => (...a) => safe(`${label}.${String(k)}`, t[k], ...a) });
    this.wasock = wrap(host.imports.wasock, 'wasock');
    this.wasi = wrap(host.imports.wasi_snapshot_preview1, 'wasi');
    this.env = wrap(host.imports.env, 'env');
  }
  get u8() { return new Uint8Array(this.memory.buffer); }
  get dv() { return new DataView(this.memory.buffer); }
  alloc(n) { const p = this.top; this.top += (n + 15) & ~15; return p; }
  put(bytes) { const p = this.alloc(bytes.length); this.u8.set(bytes, p); return p; }
  i32(p) { return this.dv.getInt32(p, true); }
  sa4(ip, port) {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint16(0, C.AF_INET, true);
    new DataView(b.buffer).setUint16(2, port, false);
    b.set(ip.split('.').map(Number), 4);
    return [this.put(b), 16];
  }
  sa6(words, port) { // 16 address bytes
    const b = new Uint8Array(28);
    new DataView(b.buffer).setUint16(0, C.AF_INET6, true);
    new DataView(b.buffer).setUint16(2, port, false);
    b.set(words, 8);
    return [this.put(b), 28];
  }
  saun(path, { nul = true } = {}) {
    const text = typeof path === 'string' ? Buffer.from(path, 'utf8') : Buffer.from(path);
    const b = new Uint8Array(2 + text.length + (nul ? 1 : 0));
    new DataView(b.buffer).setUint16(0, C.AF_UNIX, true);
    b.set(text, 2);
    return [this.put(b), b.length];
  }
  // SDK calls as -errno / result.
  socket(d, t, p = 0) { const o = this.alloc(4); const r = this.wasock.socket(d, t, p, o); return r ? -r : this.i32(o); }
  bind(fd, [p, l]) { return -this.wasock.bind(fd, p, l); }
  connect(fd, [p, l]) { return -this.wasock.connect(fd, p, l); }
  listen(fd, n = 8) { return -this.wasock.listen(fd, n); }
  close(fd) { return -this.wasock.close(fd); }
  accept(fd, flags = 0) { const o = this.alloc(4); const r = this.wasock.accept(fd, 0, 0, flags, o); return r ? -r : this.i32(o); }
  setsockopt(fd, level, name, bytes) {
    const p = this.put(bytes.length ? bytes : new Uint8Array(1));
    return -this.wasock.setsockopt(fd, level, name, p, bytes.length);
  }
  getsockopt(fd, level, name, size = 64, fill = 0) {
    const v = this.alloc(Math.max(size, 1));
    this.u8.fill(fill, v, v + size);
    const l = this.alloc(4);
    this.dv.setUint32(l, size, true);
    const r = this.wasock.getsockopt(fd, level, name, v, l);
    return { r: -r, bytes: this.u8.slice(v, v + size), len: this.dv.getUint32(l, true) };
  }
  sendto(fd, bytes, flags = 0, sa = [0, 0]) {
    const b = this.put(bytes); const o = this.alloc(4);
    const r = this.wasock.sendto(fd, b, bytes.length, flags, sa[0], sa[1], o);
    return r ? -r : this.i32(o);
  }
  recvfrom(fd, n, flags = C.MSG_DONTWAIT) {
    const b = this.alloc(n); const o = this.alloc(4);
    this.u8.fill(0, b, b + n);
    const r = this.wasock.recvfrom(fd, b, n, flags, 0, 0, o);
    return { r: r ? -r : this.i32(o), buf: this.u8.slice(b, b + n) };
  }
  sockname(fd) {
    const sa = this.alloc(128); const l = this.alloc(4);
    this.dv.setUint32(l, 128, true);
    const r = this.wasock.getsockname(fd, sa, l);
    return { r: -r, sa: this.u8.slice(sa, sa + this.dv.getUint32(l, true)) };
  }
}

async function guest(spec = {}, opts = {}) {
  return guestWith(await compilePolicy(spec, opts.cwd), opts);
}
function guestWith(policy, opts = {}) {
  const memory = new WebAssembly.Memory({ initial: opts.pages ?? 4 });
  let g;
  const host = createGuestHost({ name: 'hostile', policy, onEvent: (e) => g.events.push(e), ...(opts.host ?? {}) });
  host.attach(memory);
  g = new Guest(host, memory);
  return g;
}

// The host descriptors a call made (by /proc/self/fd), with its result.
// (Listing /proc/self/fd opens a descriptor of its own: entries are told apart by what they are.)
function hostFds() {
  const m = new Map();
  for (const f of readdirSync('/proc/self/fd')) {
    try { m.set(Number(f), readlinkSync(`/proc/self/fd/${f}`)); } catch { /* the listing's own */ }
  }
  for (const [fd, what] of m) if (/^\/proc\/\d+\/fd$/.test(what)) m.delete(fd);
  return m;
}
function hostFdsMadeBy(fn) {
  const before = hostFds();
  const r = fn();
  const made = [...hostFds()].filter(([fd, what]) => before.get(fd) !== what).map(([fd]) => fd);
  return [r, made];
}

// Host-side getsockopt on a real descriptor: [result, bytes].
function hostGetsockopt(hfd, level, name, size = 64) {
  const m = new Uint8Array(size + 4);
  new DataView(m.buffer).setUint32(size, size, true);
  const r = addon.getsockopt(hfd, level, name, m, 0, size);
  return [r, m.slice(0, r < 0 ? 0 : new DataView(m.buffer).getUint32(size, true))];
}
const hostInt = (hfd, level, name) => {
  const [r, b] = hostGetsockopt(hfd, level, name, 4);
  return r < 0 ? r : new DataView(b.buffer).getInt32(0, true);
};
const int32 = (v) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };

// A guest socket with its host descriptor.
function guestSocket(g, d, t, p = 0) {
  const [fd, made] = hostFdsMadeBy(() => g.socket(d, t, p));
  assert.ok(fd >= 0, `socket(${d}, ${t}, ${p}) = ${fd}`);
  assert.is(made.length, 1);
  return [fd, made[0]];
}

function hostListener() {
  const l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  l.bind(['127.0.0.1', 0]);
  l.listen(8);
  l.setblocking(false);
  return l;
}
function noConnection(l) {
  try {
    const [c] = l.accept();
    c.close();
    return false;
  } catch (e) {
    assert.is(e.errno, E.EAGAIN, `the listener's accept: ${e.message}`);
    return true;
  }
}

// ---- 1. socket options ----------------------------------------------------------------------------

const KINDS = {
  tcp4: [C.AF_INET, C.SOCK_STREAM, 'inet'], udp4: [C.AF_INET, C.SOCK_DGRAM, 'inet'],
  tcp6: [C.AF_INET6, C.SOCK_STREAM, 'inet6'], udp6: [C.AF_INET6, C.SOCK_DGRAM, 'inet6'],
  unix: [C.AF_UNIX, C.SOCK_STREAM, 'unix'],
};

test('options: pointer-carrying, descriptor-making, routing and firewall options never reach the kernel', async () => {
  const g = await guest({ connect: ['127.0.0.1:*'] });
  const l = hostListener();
  const [tcp, htcp] = guestSocket(g, C.AF_INET, C.SOCK_STREAM);
  assert.is(g.connect(tcp, g.sa4('127.0.0.1', l.getsockname()[1])), 0, 'positive: granted connect');
  const [peer] = l.accept();
  // TCP_ZEROCOPY_RECEIVE (35): struct tcp_zerocopy_receive carries an address and a copybuf pointer.
  const zc = g.getsockopt(tcp, C.IPPROTO_TCP, 35, 64, 0xaa);
  assert.is(zc.r, -E.ENOPROTOOPT, 'TCP_ZEROCOPY_RECEIVE');
  assert.ok(zc.bytes.every((b) => b === 0xaa), 'the value buffer is untouched');
  assert.is(g.getsockopt(tcp, C.IPPROTO_TCP, C.TCP_NODELAY, 4).r, 0, 'positive: TCP_NODELAY is readable');
  // TCP_ULP (31) would load the kernel's "tls" module and change the socket's ops.
  assert.is(g.setsockopt(tcp, C.IPPROTO_TCP, 31, Buffer.from('tls\0')), -E.ENOPROTOOPT, 'TCP_ULP');
  assert.is(hostGetsockopt(htcp, C.IPPROTO_TCP, 31, 16)[1].filter(Boolean).length, 0, 'no ULP on the real socket');
  // TCP_CONGESTION: readable, not settable (a set can load a module).
  const before = hostGetsockopt(htcp, C.IPPROTO_TCP, C.TCP_CONGESTION, 16)[1];
  const cc = Buffer.from(before).toString('latin1').replace(/\0.*$/, '') === 'reno' ? 'cubic' : 'reno';
  assert.is(g.setsockopt(tcp, C.IPPROTO_TCP, C.TCP_CONGESTION, Buffer.from(`${cc}\0`)), -E.ENOPROTOOPT, 'TCP_CONGESTION set');
  assert.equal(hostGetsockopt(htcp, C.IPPROTO_TCP, C.TCP_CONGESTION, 16)[1], before, 'the algorithm is unchanged');
  const got = g.getsockopt(tcp, C.IPPROTO_TCP, C.TCP_CONGESTION, 16);
  assert.is(got.r, 0, 'positive: TCP_CONGESTION get');
  assert.equal(got.bytes.slice(0, got.len), before.slice(0, got.len));
  // Routing: SO_BINDTODEVICE, SO_MARK.
  assert.is(g.setsockopt(tcp, C.SOL_SOCKET, C.SO_BINDTODEVICE, Buffer.from('lo\0')), -E.ENOPROTOOPT, 'SO_BINDTODEVICE');
  assert.is(hostGetsockopt(htcp, C.SOL_SOCKET, C.SO_BINDTODEVICE, 16)[1].length, 0, 'not bound to a device');
  assert.is(g.setsockopt(tcp, C.SOL_SOCKET, C.SO_MARK, int32(0x1234)), -E.ENOPROTOOPT, 'SO_MARK');
  assert.is(hostInt(htcp, C.SOL_SOCKET, C.SO_MARK), 0, 'no mark');
  // SO_ATTACH_FILTER (26): struct sock_fprog carries a pointer to the program.
  const prog = new Uint8Array(16);
  new DataView(prog.buffer).setUint16(0, 1, true);
  new DataView(prog.buffer).setUint32(8, 0x10, true);
  assert.is(g.setsockopt(tcp, C.SOL_SOCKET, 26, prog), -E.ENOPROTOOPT, 'SO_ATTACH_FILTER');
  peer.send(Buffer.from('still flows'));
  await new Promise((r) => setTimeout(r, 20));
  const rd = g.recvfrom(tcp, 32);
  assert.is(Buffer.from(rd.buf.slice(0, rd.r)).toString(), 'still flows', 'no filter attached: data arrives');
  assert.is(g.setsockopt(tcp, C.SOL_SOCKET, C.SO_KEEPALIVE, int32(1)), 0, 'positive: SO_KEEPALIVE');
  assert.is(hostInt(htcp, C.SOL_SOCKET, C.SO_KEEPALIVE), 1, 'positive: it reached the real socket');
  peer.close();
  l.close();

  // IP_OPTIONS (4) with a loose source route: the real socket has no options after.
  const [udp, hudp] = guestSocket(g, C.AF_INET, C.SOCK_DGRAM);
  const lsrr = Uint8Array.from([0x83, 7, 4, 127, 0, 0, 2, 0]);
  assert.is(g.setsockopt(udp, C.IPPROTO_IP, C.IP_OPTIONS, lsrr), -E.ENOPROTOOPT, 'IP_OPTIONS');
  assert.is(hostGetsockopt(hudp, C.IPPROTO_IP, C.IP_OPTIONS, 40)[1].length, 0, 'no IP options on the real socket');
  // The check could see one: the host itself can set them on a socket of its own.
  const own = addon.socket(C.AF_INET, C.SOCK_DGRAM, 0);
  assert.is(addon.setsockopt(own, C.IPPROTO_IP, C.IP_OPTIONS, lsrr, 0, lsrr.length), 0);
  assert.is(hostGetsockopt(own, C.IPPROTO_IP, C.IP_OPTIONS, 40)[1].length, 8, 'control: a set source route is visible');
  addon.close(own);
  assert.is(g.setsockopt(udp, C.IPPROTO_IP, C.IP_HDRINCL, int32(1)), -E.ENOPROTOOPT, 'IP_HDRINCL on a UDP socket');
  assert.is(hostInt(hudp, C.IPPROTO_IP, C.IP_HDRINCL), 0);
  assert.is(g.setsockopt(udp, C.IPPROTO_IP, C.IP_TTL, int32(7)), 0, 'positive: IP_TTL');
  assert.is(hostInt(hudp, C.IPPROTO_IP, C.IP_TTL), 7);

  // IPV6_ADDRFORM (1) would turn the checked inet6 socket into an inet one; IPV6_RTHDR (57) routes.
  const [v6, hv6] = guestSocket(g, C.AF_INET6, C.SOCK_DGRAM);
  assert.is(g.setsockopt(v6, C.IPPROTO_IPV6, 1, int32(C.AF_INET)), -E.ENOPROTOOPT, 'IPV6_ADDRFORM');
  assert.is(hostInt(hv6, C.SOL_SOCKET, C.SO_DOMAIN), C.AF_INET6, 'still an inet6 socket');
  const rthdr = new Uint8Array(24); rthdr.set([0, 2, 0, 1]); rthdr[23] = 1;
  assert.is(g.setsockopt(v6, C.IPPROTO_IPV6, 57, rthdr), -E.ENOPROTOOPT, 'IPV6_RTHDR');
  assert.is(hostGetsockopt(hv6, C.IPPROTO_IPV6, 57, 64)[1].length, 0, 'no routing header');

  // SO_PEERPIDFD (77) makes a pidfd in the host: no new host descriptor.
  const sv = g.alloc(8);
  assert.is(g.wasock.socketpair(C.AF_UNIX, C.SOCK_STREAM, 0, sv), 0);
  const [pid, made] = hostFdsMadeBy(() => g.getsockopt(g.i32(sv), C.SOL_SOCKET, 77, 4));
  assert.is(pid.r, -E.ENOPROTOOPT, 'SO_PEERPIDFD');
  assert.equal(made, [], 'no descriptor made');
  const cred = g.getsockopt(g.i32(sv), C.SOL_SOCKET, C.SO_PEERCRED, 12);
  assert.is(cred.r, 0, 'positive: SO_PEERCRED');
  assert.is(new DataView(cred.bytes.buffer).getInt32(0, true), process.pid);
  g.host.closeAll();
});

test('options: iptables (IPT_SO_*) on a granted raw socket: refused, the tables untouched', async () => {
  if (!ROOT_USER) return void console.log('  (not root: raw sockets are the kernel\'s EPERM; skipped)');
  const g = await guest({ families: ['raw'] });
  const [raw] = guestSocket(g, C.AF_INET, C.SOCK_RAW, C.IPPROTO_TCP);
  // struct ipt_getinfo of the filter table, asked by the host before and after.
  const info = () => {
    const own = addon.socket(C.AF_INET, C.SOCK_RAW, C.IPPROTO_TCP);
    const m = new Uint8Array(84 + 4);
    m.set(Buffer.from('filter'));
    new DataView(m.buffer).setUint32(84, 84, true);
    const r = addon.getsockopt(own, C.IPPROTO_IP, 64, m, 0, 84);
    addon.close(own);
    return [r, Buffer.from(m.slice(0, 84)).toString('hex')];
  };
  const before = info();
  const gi = g.getsockopt(raw, C.IPPROTO_IP, 64, 84, 0);
  assert.is(gi.r, -E.ENOPROTOOPT, 'IPT_SO_GET_INFO');
  assert.ok(gi.bytes.every((b) => b === 0), 'nothing about the tables reached the guest');
  assert.is(g.getsockopt(raw, C.IPPROTO_IP, 65, 128).r, -E.ENOPROTOOPT, 'IPT_SO_GET_ENTRIES');
  // An ipt_replace for "filter" with no entries: the kernel would try to swap the table.
  const rep = new Uint8Array(256); rep.set(Buffer.from('filter'));
  assert.is(g.setsockopt(raw, C.IPPROTO_IP, 64, rep), -E.ENOPROTOOPT, 'IPT_SO_SET_REPLACE');
  assert.is(g.setsockopt(raw, C.IPPROTO_IP, 65, rep), -E.ENOPROTOOPT, 'IPT_SO_SET_ADD_COUNTERS');
  assert.equal(info(), before, 'the filter table is as it was');
  assert.is(g.setsockopt(raw, C.IPPROTO_IP, C.IP_HDRINCL, int32(1)), 0, 'positive: IP_HDRINCL with the raw grant');
  g.host.closeAll();
});

test('options: every (level, name) outside rules.ts OPTIONS is ENOPROTOOPT before the kernel; exactly the listed pass', async () => {
  const policy = await compilePolicy({});
  const levels = [C.SOL_SOCKET, C.IPPROTO_IP, C.IPPROTO_IPV6, C.IPPROTO_TCP, C.IPPROTO_UDP, C.SOL_RAW, C.SOL_PACKET,
    C.SOL_NETLINK, C.SOL_TIPC, C.IPPROTO_ICMPV6, C.AF_VSOCK, 2, 3, 100, 0x7fffffff, -1];
  const names = [...Array(100).keys(), 127, 255, 1000, 0x7fffffff, -1];
  const mismatches = [];
  let allowedSeen = 0;
  const fdsBefore = fdCount();
  for (const [kindName, [d, t, family]] of Object.entries(KINDS)) {
    for (const level of levels) {
      for (const name of names) {
        for (const op of ['get', 'set']) {
          // A fresh guest per probe: its event (or none) says whether the host refused it.
          const g = guestWith(policy);
          const fd = g.socket(d, t);
          const r = op === 'get' ? g.getsockopt(fd, level, name, 64).r : g.setsockopt(fd, level, name, new Uint8Array(16));
          const rule = R.optionRule(level, name);
          const listed = rule && (op === 'get' ? rule.get : rule.set) && (!rule.families || rule.families.includes(family));
          const granted = listed && rule.grant === 'address';
          const denied = g.events.filter((e) => e.op === `${op}sockopt`);
          const want = !listed ? -E.ENOPROTOOPT : !granted ? -E.EACCES : null;
          if (want !== null && (r !== want || denied.length !== 1)) mismatches.push(`${kindName} ${op} ${level}:${name} -> ${r} (want ${want}, denied ${denied.length})`);
          if (want === null) {
            allowedSeen++;
            if (denied.length !== 0) mismatches.push(`${kindName} ${op} ${level}:${name} listed but refused by the host`);
          }
          g.host.closeAll();
        }
      }
    }
  }
  assert.equal(mismatches, [], mismatches.slice(0, 20).join('\n'));
  assert.ok(allowedSeen > 100, `positive: the listed options passed the host (${allowedSeen})`);
  assert.is(fdCount(), fdsBefore, 'every probe socket closed');
});

test('options: grants and value sizes (IP_ADD_MEMBERSHIP needs inet; short values EINVAL; long ones truncated)', async () => {
  const mreq = Uint8Array.from([239, 1, 2, 3, 127, 0, 0, 1]);
  const g = await guest({});
  const [udp, hudp] = guestSocket(g, C.AF_INET, C.SOCK_DGRAM);
  assert.is(g.setsockopt(udp, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, mreq), -E.EACCES, 'IP_ADD_MEMBERSHIP without --allow-family=inet');
  assert.ok(g.events.some((e) => e.grant === '--allow-family=inet'), 'the event names the grant');
  const joined = () => readFileText('/proc/net/igmp').includes('030201EF');
  assert.not.ok(joined(), 'no group joined');
  assert.is(g.setsockopt(udp, C.SOL_SOCKET, C.SO_RCVBUF, Uint8Array.from([0, 16])), -E.EINVAL, 'a 2-byte int is too short');
  // Linux reads an int option's own 4 bytes: 8 bytes given, the first 4 are the value.
  const long = new Uint8Array(8); new DataView(long.buffer).setInt32(0, 8192, true); long.fill(0x7f, 4);
  assert.is(g.setsockopt(udp, C.SOL_SOCKET, C.SO_RCVBUF, long), 0, 'a longer value is accepted');
  assert.is(hostInt(hudp, C.SOL_SOCKET, C.SO_RCVBUF), 16384, 'and read as its first 4 bytes (doubled by Linux)');
  g.host.closeAll();
  const gi = await guest({ families: ['inet'] });
  const [u2, hu2] = guestSocket(gi, C.AF_INET, C.SOCK_DGRAM);
  assert.is(gi.setsockopt(u2, C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, mreq), 0, 'positive: with --allow-family=inet');
  assert.ok(joined(), 'the group is joined');
  gi.host.closeAll();
  assert.not.ok(joined(), 'and left when the guest ends');
  void hu2;
});

function readFileText(p) { try { return readFileSync(p, 'utf8'); } catch { return ''; } }

// ---- 2. socket kinds ---------------------------------------------------------------------------------

const PROTOS = [0, 1, 6, 17, 58, 255, 0x0300 /* htons(ETH_P_ALL) */, 9 /* NETLINK_AUDIT */, 12 /* NETLINK_NETFILTER */, 262 /* MPTCP */];
const kindOfHostFd = (hfd) => [hostInt(hfd, C.SOL_SOCKET, C.SO_DOMAIN), hostInt(hfd, C.SOL_SOCKET, C.SO_TYPE), hostInt(hfd, C.SOL_SOCKET, C.SO_PROTOCOL)];
const listedKind = ([d, t, p]) => R.SOCKET_KINDS.find((k) => k.domain === d && k.type === t && (k.protocols === 'any' || k.protocols.includes(p)));

// Every (domain, type, protocol): the errno the guest gets, and what the kernel made if anything.
function sweepKinds(g, families) {
  const wrong = [];
  const made = [];
  const granted = (k) => k.grant === 'address' || families.includes(k.grant);
  for (let d = 0; d <= 50; d++) {
    for (let t = 1; t <= 10; t++) {
      for (const p of PROTOS) {
        const [fd, hfds] = hostFdsMadeBy(() => g.socket(d, t | C.SOCK_NONBLOCK, p));
        const kinds = R.requestable(d, t, p);
        let want = null;
        if (!R.familyKnown(d)) want = -E.EAFNOSUPPORT;
        else if (kinds.length === 0) want = -E.EPROTONOSUPPORT;
        else if (!kinds.some(granted)) want = -(kinds[0].grant === 'raw' || kinds[0].grant === 'packet' ? E.EPERM : E.EACCES);
        const where = `socket(${d}, ${t}, ${p}) = ${fd}`;
        if (want !== null && fd !== want) wrong.push(`${where}, want ${want}`);
        if (fd < 0 && hfds.length) wrong.push(`${where} left host fds ${hfds}`);
        if (fd >= 0) {
          if (hfds.length !== 1) { wrong.push(`${where}: ${hfds.length} host fds`); continue; }
          const k = kindOfHostFd(hfds[0]);
          const rule = listedKind(k);
          if (!rule || !granted(rule)) wrong.push(`${where} made ${k}, ${rule ? 'not granted' : 'not listed'}`);
          made.push(`${d}/${t}/${p}`);
          assert.is(g.close(fd), 0);
        }
      }
    }
  }
  return { wrong, made };
}

test('socket kinds: only SOCKET_KINDS, each with its grant; unknown families EAFNOSUPPORT, unlisted kinds EPROTONOSUPPORT', async () => {
  const fds = fdCount();
  const g = await guest({});
  const { wrong, made } = sweepKinds(g, []);
  assert.equal(wrong, [], wrong.slice(0, 20).join('\n'));
  for (const k of ['2/1/0', '2/2/0', '10/1/0', '10/2/0', '1/1/0', '1/2/0', '1/5/0', '2/1/6', '2/2/17'])
    assert.ok(made.includes(k), `positive: ${k} is creatable without grants`);
  assert.is(g.socket(C.AF_INET, C.SOCK_RAW, C.IPPROTO_ICMP), -E.EPERM, 'raw without --allow-family=raw');
  assert.is(g.socket(C.AF_PACKET, C.SOCK_RAW, 0x0300), -E.EPERM, 'packet without --allow-family=packet');
  assert.is(g.socket(C.AF_NETLINK, C.SOCK_RAW, 0), -E.EACCES, 'netlink without --allow-family=netlink');
  assert.is(g.socket(C.AF_INET, 10 /* SOCK_PACKET */, 0x0300), -E.EPROTONOSUPPORT, 'SOCK_PACKET');
  assert.is(g.socket(C.AF_INET, C.SOCK_STREAM | 0x4000, 0), -E.EINVAL, 'an unknown type flag');
  assert.is(fdCount(), fds, 'no host descriptor left behind');
  if (ROOT_USER) {
    const gr = await guest({ families: ['raw'] });
    const [raw, hraw] = guestSocket(gr, C.AF_INET, C.SOCK_RAW, C.IPPROTO_ICMP);
    assert.equal(kindOfHostFd(hraw), [C.AF_INET, C.SOCK_RAW, C.IPPROTO_ICMP], 'positive: raw with --allow-family=raw');
    assert.is(gr.close(raw), 0);
  }
});

test('socket kinds: with every family granted (as root) still only listed kinds; SOCK_PACKET sniffs nothing', async () => {
  const families = ['inet', 'inet6', 'unix', 'raw', 'netlink', 'packet', 'tipc', 'vsock'];
  const fds = fdCount();
  const g = await guest({ families });
  const { wrong } = sweepKinds(g, families);
  assert.equal(wrong, [], wrong.slice(0, 20).join('\n'));
  // SOCK_PACKET (AF_INET or AF_PACKET) while a loopback exchange happens: no socket, nothing seen.
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(['127.0.0.1', 0]);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  for (const d of [C.AF_INET, C.AF_PACKET]) {
    const [fd, made] = hostFdsMadeBy(() => g.socket(d, 10, 0x0300));
    assert.is(fd, -E.EPROTONOSUPPORT, `socket(${d}, SOCK_PACKET, ETH_P_ALL)`);
    assert.equal(made, [], 'no packet socket made');
  }
  tx.sendto(Buffer.from('sniff me'), rx.getsockname());
  assert.is(Buffer.from(rx.recv(64)).toString(), 'sniff me', 'the exchange happened');
  assert.is(g.host.openSockets(), 0, 'the guest holds no socket that could have seen it');
  rx.close(); tx.close();
  if (ROOT_USER) {
    const [pk, hpk] = guestSocket(g, C.AF_PACKET, C.SOCK_DGRAM, 0x0300);
    assert.equal(kindOfHostFd(hpk).slice(0, 2), [C.AF_PACKET, C.SOCK_DGRAM], 'positive: packet with --allow-family=packet');
    g.close(pk);
  }
  assert.is(fdCount(), fds);
});

// ---- 3. unix paths ---------------------------------------------------------------------------------

// T/dir (granted), T/out (not), T/dir/link -> T/out, T/dir/sock-link -> T/out/real.sock (a host listener).
function unixFixture() {
  const T = tempDir('wasock-hostile-');
  const DIR = join(T, 'dir');
  const OUT = join(T, 'out');
  mkdirSync(DIR);
  mkdirSync(OUT);
  symlinkSync(OUT, join(DIR, 'link'));
  const real = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  real.bind(join(OUT, 'real.sock'));
  real.listen(8);
  real.setblocking(false);
  symlinkSync(join(OUT, 'real.sock'), join(DIR, 'sock-link'));
  symlinkSync(join(OUT, 'dangling.sock'), join(DIR, 'dangling-link'));
  writeFileSync(join(OUT, 'exists.txt'), 'x');
  return { T, DIR, OUT, real, done() { real.close(); removeDir(T); } };
}
const listing = (d) => readdirSync(d).sort();

test('unix paths: `..`, symlinked directories and sockets, relative and long paths reach nothing outside the grant', async () => {
  const fx = unixFixture();
  const { T, DIR, OUT } = fx;
  try {
    const g = await guest({ bind: [`unix:${DIR}/`], connect: [`unix:${DIR}/`] }, { cwd: T });
    const outBefore = listing(OUT);
    const tBefore = listing(T);
    const s = () => g.socket(C.AF_UNIX, C.SOCK_STREAM);
    const attempts = [
      // [path, bind errno(s), connect errno(s)]
      [`${DIR}/link/../x.sock`, [E.EACCES], [E.EACCES]],
      [`${DIR}/link/x.sock`, [E.EACCES], [E.EACCES]],
      [`${DIR}/../x.sock`, [E.EACCES], [E.EACCES]],
      ['x.sock', [E.EACCES], [E.EACCES]],
      ['dir/link/y.sock', [E.EACCES], [E.EACCES]],
      ['dir/../out/z.sock', [E.EACCES], [E.EACCES]],
      [`${DIR}/t.sock/`, [E.EINVAL, E.EACCES], [E.EACCES, E.ENOENT, E.ENOTDIR]],
      [`${DIR}/link/`, [E.EINVAL, E.EACCES], [E.EACCES]],
      [`${OUT}/exists.txt`, [E.EACCES], [E.EACCES]],
      [`${DIR}/link/real.sock`, [E.EACCES], [E.EACCES]],
      [`${DIR}/sock-link`, [E.EADDRINUSE], [E.EACCES]],
      [`${DIR}/dangling-link`, [E.EADDRINUSE], [E.EACCES]],
      // 108 bytes, no NUL: outside the grant.
      [`${OUT}/${'o'.repeat(107 - OUT.length)}`, [E.EACCES], [E.EACCES]],
    ];
    for (const [path, bindWant, connectWant] of attempts) {
      const fd = s();
      const b = g.bind(fd, g.saun(path, { nul: Buffer.byteLength(path) < 108 }));
      assert.ok(bindWant.includes(-b), `bind ${path} = ${b}, want ${bindWant.map((x) => -x)}`);
      const fd2 = s();
      const c = g.connect(fd2, g.saun(path, { nul: Buffer.byteLength(path) < 108 }));
      assert.ok(connectWant.includes(-c), `connect ${path} = ${c}, want ${connectWant.map((x) => -x)}`);
      g.close(fd); g.close(fd2);
    }
    assert.is(g.bind(s(), g.saun(`${DIR}/${'a'.repeat(110)}`)), -E.EINVAL, 'a sun_path over 108 bytes');
    assert.ok(noConnection(fx.real), 'the listener outside the grant saw no connection');
    assert.equal(listing(OUT), outBefore, 'no file created outside the grant');
    assert.equal(listing(T), tBefore, 'nor beside it');
    // A failed open outside the grant does not say whether the file exists.
    assert.is(g.connect(s(), g.saun(`${OUT}/missing.sock`)), -E.EACCES, 'missing, outside: EACCES');
    assert.is(g.connect(s(), g.saun(`${DIR}/link/missing.sock`)), -E.EACCES, 'missing, through the link: EACCES');
    assert.is(g.connect(s(), g.saun(`${DIR}/link/../missing.sock`)), -E.EACCES, 'missing, `..` after the link: EACCES');
    assert.is(g.connect(s(), g.saun(`${DIR}/link/../out/exists.txt`)), -E.EACCES, 'existing, `..` after the link: EACCES');
    assert.is(g.connect(s(), g.saun(`${DIR}/missing.sock`)), -E.ENOENT, 'positive: missing inside the grant is ENOENT');
    // Positive: bind + listen + connect inside the grant; getsockname is the guest's own name.
    const srv = s();
    assert.is(g.bind(srv, g.saun(`${DIR}/srv.sock`)), 0, 'bind inside the grant');
    assert.is(g.listen(srv), 0);
    assert.ok(existsSync(join(DIR, 'srv.sock')), 'the socket file is where the guest asked');
    const rel = s();
    assert.is(g.bind(rel, g.saun('dir/rel.sock')), 0, 'a relative path inside the grant');
    assert.ok(existsSync(join(DIR, 'rel.sock')));
    const cli = s();
    assert.is(g.connect(cli, g.saun(`${DIR}/srv.sock`)), 0, 'connect inside the grant');
    assert.ok(g.accept(srv) >= 0, 'accepted');
    const name = g.sockname(srv);
    assert.is(name.r, 0);
    assert.is(Buffer.from(name.sa.subarray(2)).toString().replace(/\0.*$/s, ''), `${DIR}/srv.sock`, 'getsockname: the bound path, not /proc/self/fd/N');
    g.host.closeAll();
  } finally {
    fx.done();
  }
});

test('unix paths: abstract names need unix:@name or unix:@prefix*; unix:* grants no abstract name', async () => {
  const tag = `wasock-hostile-${process.pid}`;
  const gAny = await guest({ bind: ['unix:*'], connect: ['unix:*'] });
  const fd = gAny.socket(C.AF_UNIX, C.SOCK_STREAM);
  assert.is(gAny.bind(fd, gAny.saun(`\0${tag}-a`, { nul: false })), -E.EACCES, 'unix:* does not grant an abstract bind');
  // A host listener on an abstract name: unix:* does not reach it either.
  const host = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  host.bind(Buffer.from(`\0${tag}-h`));
  host.listen(4);
  host.setblocking(false);
  assert.is(gAny.connect(gAny.socket(C.AF_UNIX, C.SOCK_STREAM), gAny.saun(`\0${tag}-h`, { nul: false })), -E.EACCES, 'nor an abstract connect');
  assert.ok(noConnection(host));
  gAny.host.closeAll();
  const g = await guest({ bind: [`unix:@${tag}-a`, `unix:@${tag}-p*`], connect: [`unix:@${tag}-h`] });
  const s = () => g.socket(C.AF_UNIX, C.SOCK_STREAM);
  assert.is(g.bind(s(), g.saun(`\0${tag}-a`, { nul: false })), 0, 'positive: unix:@name');
  assert.is(g.bind(s(), g.saun(`\0${tag}-pxyz`, { nul: false })), 0, 'positive: unix:@prefix*');
  assert.is(g.bind(s(), g.saun(`\0${tag}-b`, { nul: false })), -E.EACCES, 'another name');
  assert.is(g.bind(s(), g.saun(`\0${tag}-a\0`, { nul: false })), -E.EACCES, 'the name with a trailing NUL is another name');
  assert.is(g.connect(s(), g.saun(`\0${tag}-h`, { nul: false })), 0, 'positive: connect to the granted name');
  g.host.closeAll();
  host.close();
});

// ---- 4. descriptor integrity ----------------------------------------------------------------------

const W = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, MSGSIZE: 35, NOTCAPABLE: 76 };
const recvNone = (sock) => { try { sock.recv(64); return false; } catch (e) { return e.errno === E.EAGAIN; } };

test('descriptors: closing or renumbering onto stdio never touches the embedder\'s descriptors', async () => {
  const [a, b] = socket.socketpair();
  b.setblocking(false);
  const g = await guest({}, { host: { stdioFds: [a.fileno(), a.fileno(), a.fileno()] } });
  assert.is(g.wasi.fd_close(1), W.SUCCESS, 'fd_close(1)');
  assert.is(g.wasi.fd_close(1), W.BADF, 'and it is gone for the guest');
  a.send(Buffer.from('embedder'));
  assert.is(Buffer.from(b.recv(64)).toString(), 'embedder', 'the embedder\'s descriptor is open and works');
  const sv = g.alloc(8);
  assert.is(g.wasock.socketpair(C.AF_UNIX, C.SOCK_STREAM, 0, sv), 0);
  assert.is(g.i32(sv), 1, 'the guest\'s next descriptor is 1');
  // The guest writes to its fd 1: its own socket, not the embedder's.
  const iov = g.alloc(8); const msg = g.put(Buffer.from('guest')); const n = g.alloc(4);
  g.dv.setUint32(iov, msg, true); g.dv.setUint32(iov + 4, 5, true);
  assert.is(g.wasi.fd_write(1, iov, 1, n), W.SUCCESS);
  assert.ok(recvNone(b), 'nothing reached the embedder');
  assert.is(g.recvfrom(g.i32(sv + 4), 16).r, 5, 'positive: the guest\'s own peer got it');
  // fd_renumber onto stdio 2: unmapped, never closed.
  assert.is(g.wasi.fd_renumber(g.i32(sv + 4), 2), W.SUCCESS);
  a.send(Buffer.from('still'));
  assert.is(Buffer.from(b.recv(64)).toString(), 'still', 'stdio 2 renumbered over: the embedder\'s fd is intact');
  assert.is(g.wasi.fd_close(0), W.SUCCESS);
  g.host.closeAll();
  a.send(Buffer.from('after'));
  assert.is(Buffer.from(b.recv(64)).toString(), 'after', 'closeAll left it open too');
  a.close(); b.close();
});

test('descriptors: a guest changes nothing of the embedder\'s stdio but what it writes (flags, offset, size)', async () => {
  const { WASI } = await import('node:wasi');
  const [a, b] = socket.socketpair();
  b.setblocking(false);
  const dir = tempDir('wasock-stdio-');
  const logFd = (await import('node:fs')).openSync(join(dir, 'log'), 'w+');
  (await import('node:fs')).writeSync(logFd, 'embedder log\n');
  const wasi = new WASI({ version: 'preview1', stdin: a.fileno(), stdout: a.fileno(), stderr: logFd, returnOnExit: true });
  const g = await guest({}, { host: { wasi: wasi.wasiImport, stdioFds: [a.fileno(), a.fileno(), logFd] } });
  // node:wasi learns the memory from start(): a module that re-exports the guest's memory
  // and returns at once ((import "env" "memory") (export "memory") (func (export "_start")).
  const shim = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0,
    2, 0x0f, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0, 1, 3, 2, 1, 0,
    7, 0x13, 2, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0, 6, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0, 0,
    0x0a, 4, 1, 2, 0, 0x0b]);
  wasi.start(new WebAssembly.Instance(new WebAssembly.Module(shim), { env: { memory: g.memory } }));
  const FDFLAGS_NONBLOCK = 4;
  assert.is(g.wasi.fd_fdstat_set_flags(1, FDFLAGS_NONBLOCK), W.NOTCAPABLE, 'O_NONBLOCK on the embedder\'s descriptor');
  assert.is(addon.getNonblock(a.fileno()), 0, 'its flags are unchanged');
  const pos = g.alloc(8);
  assert.is(g.wasi.fd_seek(2, 0n, 0, pos), W.NOTCAPABLE, 'seek: the embedder\'s file offset');
  assert.is(g.wasi.fd_filestat_set_size(2, 0n), W.NOTCAPABLE, 'truncate the embedder\'s file');
  assert.is(readFileSync(join(dir, 'log'), 'utf8'), 'embedder log\n', 'the file is intact');
  // Positive: writing and looking still work.
  const iov = g.alloc(8); const msg = g.put(Buffer.from('guest')); const n = g.alloc(4);
  g.dv.setUint32(iov, msg, true); g.dv.setUint32(iov + 4, 5, true);
  assert.is(g.wasi.fd_write(1, iov, 1, n), W.SUCCESS);
  assert.is(Buffer.from(b.recv(64)).toString(), 'guest');
  assert.is(g.wasi.fd_fdstat_get(1, g.alloc(24)), W.SUCCESS);
  g.host.closeAll();
  (await import('node:fs')).closeSync(logFd);
  a.close(); b.close();
  removeDir(dir);
});

test('descriptors: a double close is EBADF and closes the host fd once; accept/socketpair/dup count against maxSockets', async () => {
  const base = fdCount();
  const g = await guest({ bind: ['127.0.0.1:*'], maxSockets: 3 });
  const [s, hs] = guestSocket(g, C.AF_INET, C.SOCK_DGRAM);
  assert.is(g.close(s), 0);
  // The embedder opens a descriptor now: it likely gets the number just freed.
  const mine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  mine.bind(['127.0.0.1', 0]);
  assert.is(g.close(s), -E.EBADF, 'second close');
  assert.is(g.wasi.fd_close(s), W.BADF, 'through WASI too');
  assert.ok(mine.getsockname()[1] > 0 && hostInt(mine.fileno(), C.SOL_SOCKET, C.SO_TYPE) === C.SOCK_DGRAM,
    `the embedder's descriptor ${mine.fileno()} (was the guest's ${hs}) survives`);
  mine.close();
  const lst = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(g.bind(lst, g.sa4('127.0.0.1', 0)), 0);
  assert.is(g.listen(lst), 0);
  const port = new DataView(g.sockname(lst).sa.buffer).getUint16(2, false);
  const x = g.socket(C.AF_INET, C.SOCK_STREAM);
  const y = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.ok(x >= 0 && y >= 0, 'positive: three sockets');
  const atLimit = fdCount();
  assert.is(g.socket(C.AF_INET, C.SOCK_STREAM), -E.EMFILE, 'socket past maxSockets');
  assert.is(g.wasock.socketpair(C.AF_UNIX, C.SOCK_STREAM, 0, g.alloc(8)), E.EMFILE, 'socketpair past maxSockets');
  const o = g.alloc(4);
  assert.is(g.wasock.dup(x, o), E.EMFILE, 'dup past maxSockets');
  const cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  cli.connect(['127.0.0.1', port]);
  const [acc, made] = hostFdsMadeBy(() => g.accept(lst, 0));
  assert.is(acc, -E.EMFILE, 'accept past maxSockets');
  assert.equal(made, [], 'no host descriptor made for it');
  assert.is(fdCount(), atLimit + 1, 'host fd count unchanged by the refusals (but the test\'s own client)');
  // As in Linux, EMFILE leaves the connection queued: with room, accept takes that very peer.
  assert.is(g.close(y), 0);
  const taken = g.accept(lst, 0);
  assert.ok(taken >= 0, `accept with room (${taken})`);
  cli.sendall(Buffer.from('still here'));
  const got = g.recvfrom(taken, 10, C.MSG_WAITALL);
  assert.is(got.r, 10);
  assert.is(Buffer.from(got.buf).toString(), 'still here', 'the queued peer itself');
  cli.close();
  assert.is(g.close(taken), 0);
  assert.is(g.wasock.dup(x, o), 0, 'positive: dup with room');
  assert.is(g.host.openSockets(), 3);
  g.host.closeAll();
  assert.is(g.host.openSockets(), 0);
  assert.is(fdCount(), base, 'closeAll closed every host descriptor');
});

// ---- 5. bounds ---------------------------------------------------------------------------------------

test('bounds: 1024 iovecs over the whole 8 MiB memory copy at most one chunk; counts and lengths past the limits', async () => {
  const MiB = 1 << 20;
  const g = await guest({ connect: ['127.0.0.1:*'] }, { pages: 128 });
  const size = g.memory.buffer.byteLength;
  const l = hostListener();
  const tcp = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(g.connect(tcp, g.sa4('127.0.0.1', l.getsockname()[1])), 0);
  const [peer] = l.accept();
  peer.setblocking(false);
  assert.is(g.wasock.set_nonblock(tcp, 1), 0);
  const iovs = (count, len = size) => {
    const p = g.alloc(count * 8);
    for (let i = 0; i < count; i++) { g.dv.setUint32(p + i * 8, 0, true); g.dv.setUint32(p + i * 8 + 4, len, true); }
    return p;
  };
  const n = g.alloc(4);
  const v1024 = iovs(1024);
  const m0 = process.memoryUsage();
  assert.is(g.wasi.fd_write(tcp, v1024, 1024, n), W.INVAL, '1024 x 8 MiB: the total overflows ssize_t');
  const v255 = iovs(255);
  assert.is(g.wasi.fd_write(tcp, v255, 255, n), W.SUCCESS, '255 x 8 MiB (2 GiB - 8 MiB)');
  const sent = g.i32(n);
  assert.ok(sent > 0 && sent <= 256 * 1024, `a short send of at most one 256 KiB chunk (${sent})`);
  assert.is(g.wasi.sock_send(tcp, v255, 255, 0, n), W.SUCCESS);
  const m1 = process.memoryUsage();
  assert.ok(m1.arrayBuffers - m0.arrayBuffers < 4 * MiB, `host array buffers grew ${(m1.arrayBuffers - m0.arrayBuffers) / MiB} MiB`);
  assert.ok(m1.rss - m0.rss < 64 * MiB, `host rss grew ${(m1.rss - m0.rss) / MiB} MiB`);
  assert.is(g.wasi.fd_write(tcp, iovs(1025, 1), 1025, n), W.INVAL, '1025 iovecs (WASI)');
  const msg = g.alloc(28);
  g.u8.fill(0, msg, msg + 28);
  g.dv.setUint32(msg + 8, iovs(1025, 1), true); g.dv.setUint32(msg + 12, 1025, true);
  assert.is(g.env.__syscall_sendmsg(tcp, msg, 0), -W.MSGSIZE, '1025 iovecs (emscripten sendmsg)');
  g.dv.setUint32(msg + 12, -1 >>> 0, true);
  assert.is(g.env.__syscall_sendmsg(tcp, msg, 0), -W.MSGSIZE, 'a negative iovec count');
  // Datagrams are whole or not at all.
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(['127.0.0.1', 0]);
  rx.setblocking(false);
  const udp = g.socket(C.AF_INET, C.SOCK_DGRAM);
  assert.is(g.connect(udp, g.sa4('127.0.0.1', rx.getsockname()[1])), 0);
  assert.is(g.wasi.fd_write(udp, iovs(64), 64, n), wasiErrno(E.EMSGSIZE), 'a 512 MiB datagram');
  assert.ok(recvNone(rx), 'nothing was sent');
  const two = g.alloc(16); const hi = g.put(Buffer.from('hi'));
  for (const k of [0, 1]) { g.dv.setUint32(two + k * 8, hi + k, true); g.dv.setUint32(two + k * 8 + 4, 1, true); }
  assert.is(g.wasi.fd_write(udp, two, 2, n), W.SUCCESS, 'positive: a gathered datagram');
  assert.is(Buffer.from(rx.recv(8)).toString(), 'hi');
  // poll set sizes.
  const pfd = g.alloc(4097 * 8);
  assert.is(g.wasock.poll(pfd, 4097, 0, g.alloc(4)), E.EINVAL, 'SDK poll of 4097');
  assert.is(g.env.__syscall_poll(pfd, 4097, 0), -W.INVAL, 'emscripten poll of 4097');
  assert.is(g.wasi.poll_oneoff(g.alloc(16), g.alloc(16), 4097, g.alloc(4)), W.INVAL, 'poll_oneoff of 4097');
  g.dv.setInt32(pfd, tcp, true); g.dv.setInt16(pfd + 4, 4, true);
  const out = g.alloc(4);
  assert.is(g.wasock.poll(pfd, 1, 0, out), 0, 'positive: a poll of one');
  // Wild lengths, pointers at the end, negative descriptors.
  const end = size;
  assert.is(g.wasock.sendto(tcp, 0, 0xffffffff, 0, 0, 0, g.alloc(4)), E.EFAULT, 'length 0xffffffff');
  assert.is(g.wasock.sendto(tcp, end - 1, 2, 0, 0, 0, g.alloc(4)), E.EFAULT, 'a buffer past the end');
  assert.is(g.wasock.sendto(tcp, 0, 1, 0, 0, 0, end - 2), E.EFAULT, 'a result pointer past the end');
  assert.is(g.wasock.recvfrom(tcp, end, 1, C.MSG_DONTWAIT, 0, 0, g.alloc(4)), E.EFAULT, 'recv at the end');
  assert.is(g.wasock.getsockopt(tcp, C.SOL_SOCKET, C.SO_TYPE, 0, end - 3), E.EFAULT, 'an option length past the end');
  const lp = g.alloc(4); g.dv.setUint32(lp, 0xffffffff, true);
  assert.is(g.wasock.getsockopt(tcp, C.SOL_SOCKET, C.SO_TYPE, 0, lp), E.EINVAL, 'an option length of 0xffffffff');
  assert.is(g.wasock.connect(tcp, end - 8, 16), E.EFAULT, 'a sockaddr past the end');
  assert.is(g.wasock.connect(tcp, 0, 0xffffffff), E.EINVAL, 'a sockaddr length of 0xffffffff');
  assert.is(g.wasi.fd_write(tcp, end - 4, 1, n), W.FAULT, 'an iovec array past the end');
  for (const fd of [-1, -2, 0x7fffffff, -0x80000000, 4095, 4096]) {
    assert.is(g.wasock.close(fd), E.EBADF, `close(${fd})`);
    assert.is(g.wasock.sendto(fd, 0, 1, 0, 0, 0, g.alloc(4)), E.EBADF, `sendto(${fd})`);
    assert.is(g.env.__syscall_recvfrom(fd, 0, 1, 0, 0, 0), -W.BADF, `__syscall_recvfrom(${fd})`);
    assert.is(g.wasi.sock_send(fd, v255, 1, 0, n), W.BADF, `sock_send(${fd})`);
  }
  assert.ok(peer.recv(1 << 20).length > 0, 'positive: the granted connection carried the short sends');
  g.host.closeAll();
  peer.close(); l.close(); rx.close();
});

// ---- 6. policy gaps ----------------------------------------------------------------------------------

test('accept grants judge unix peers: a peer bound to an ungranted path (or unnamed) is dropped', async () => {
  const T = tempDir('wasock-hostile-');
  try {
    const g = await guest({ bind: [`unix:${T}/`], accept: [`unix:${T}/good.sock`] });
    const srv = g.socket(C.AF_UNIX, C.SOCK_STREAM);
    assert.is(g.bind(srv, g.saun(`${T}/srv.sock`)), 0);
    assert.is(g.listen(srv), 0);
    assert.is(g.wasock.set_nonblock(srv, 1), 0);
    const client = (name) => {
      const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      if (name) c.bind(join(T, name));
      c.connect(join(T, 'srv.sock'));
      return c;
    };
    const bad = client('bad.sock');
    const anon = client(null);
    const [r, made] = hostFdsMadeBy(() => g.accept(srv));
    assert.is(r, -E.EAGAIN, 'both ungranted peers dropped');
    assert.equal(made, [], 'their connections closed in the host');
    assert.is(bad.recv(8).length, 0, 'the ungranted peer sees its connection closed');
    assert.ok(g.events.some((e) => e.op === 'accept' && e.address === `unix:${T}/bad.sock`), 'an event names it');
    const good = client('good.sock');
    const a = g.accept(srv);
    assert.ok(a >= 0, `positive: the granted peer is accepted (${a}; ${g.events.map((e) => e.message).join('; ')})`);
    good.send(Buffer.from('ok'));
    assert.is(Buffer.from(g.recvfrom(a, 8, 0).buf.slice(0, 2)).toString(), 'ok');
    bad.close(); anon.close(); good.close();
    g.host.closeAll();
  } finally {
    removeDir(T);
  }
});

test('accept grants judge datagram sources: an ungranted source\'s bytes never reach the guest', async () => {
  const good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  good.bind(['127.0.0.1', 0]);
  const bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  bad.bind(['127.0.0.1', 0]);
  const g = await guest({ bind: ['127.0.0.1:*'], accept: [`127.0.0.1:${good.getsockname()[1]}`] });
  const u = g.socket(C.AF_INET, C.SOCK_DGRAM);
  assert.is(g.bind(u, g.sa4('127.0.0.1', 0)), 0);
  const port = new DataView(g.sockname(u).sa.buffer).getUint16(2, false);
  bad.sendto(Buffer.from('SECRET-FROM-UNGRANTED'), ['127.0.0.1', port]);
  bad.sendto(Buffer.from('SECRET-AGAIN'), ['127.0.0.1', port]);
  good.sendto(Buffer.from('hello'), ['127.0.0.1', port]);
  await new Promise((r) => setTimeout(r, 20));
  const got = g.recvfrom(u, 64);
  assert.is(got.r, 5, 'positive: the granted source\'s datagram arrives');
  assert.is(Buffer.from(got.buf).toString('latin1').replace(/\0+$/, ''), 'hello', 'and nothing else is in the buffer');
  assert.not.ok(Buffer.from(g.u8).includes('SECRET'), 'no byte of the ungranted datagrams anywhere in guest memory');
  assert.is(g.host.droppedDatagrams(), 2, 'both counted as dropped');
  assert.is(g.recvfrom(u, 64).r, -E.EAGAIN, 'nothing left');
  g.host.closeAll();
  good.close(); bad.close();
});

test('MSG_FASTOPEN opens a connection: judged as connect, not sendto', async () => {
  const l = hostListener();
  const port = l.getsockname()[1];
  const g = await guest({ sendto: ['127.0.0.1:*'] });
  const t = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(g.sendto(t, Buffer.from('syn data'), 0x20000000, g.sa4('127.0.0.1', port)), -E.EACCES, 'sendto grant only');
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(noConnection(l), 'the listener saw no connection');
  g.host.closeAll();
  const gc = await guest({ connect: ['127.0.0.1:*'] });
  const t2 = gc.socket(C.AF_INET, C.SOCK_STREAM);
  const r = gc.sendto(t2, Buffer.from('syn data'), 0x20000000, gc.sa4('127.0.0.1', port));
  assert.ok(r === 8 || r === -E.EINPROGRESS, `positive: with a connect grant (${r})`);
  await new Promise((res) => setTimeout(res, 20));
  assert.not.ok(noConnection(l), 'the listener got the connection');
  gc.host.closeAll();
  l.close();
});

test('wildcard binds need the wildcard granted; listen on an unbound socket is refused', async () => {
  const probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  probe.bind(['127.0.0.1', 0]);
  const port = probe.getsockname()[1];
  probe.close();
  const v4any = [0, 0, 0, 0];
  const mappedAny = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
  const g = await guest({ bind: [`*:${port}`] });
  const s4 = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(g.bind(s4, g.sa4(v4any.join('.'), port)), -E.EACCES, '0.0.0.0 with *:PORT');
  const s6 = g.socket(C.AF_INET6, C.SOCK_STREAM);
  assert.is(g.bind(s6, g.sa6(new Array(16).fill(0), port)), -E.EACCES, ':: with *:PORT');
  assert.is(g.bind(s6, g.sa6(mappedAny, port)), -E.EACCES, '::ffff:0.0.0.0 with *:PORT');
  assert.is(g.bind(s4, g.sa4('127.0.0.1', port)), 0, 'positive: *:PORT covers 127.0.0.1');
  g.host.closeAll();
  // Nothing of the guest's holds the wildcard: the host binds it itself.
  const own = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  own.bind(['0.0.0.0', port]);
  own.close();
  const gw = await guest({ bind: [`0.0.0.0:${port}`] });
  const w = gw.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(gw.bind(w, gw.sa4('0.0.0.0', port)), 0, 'positive: 0.0.0.0:PORT granted');
  const w6 = gw.socket(C.AF_INET6, C.SOCK_STREAM);
  assert.is(gw.bind(w6, gw.sa6(new Array(16).fill(0), port)), -E.EACCES, 'a dual-stack :: also needs [::]');
  const [u, hu] = guestSocket(gw, C.AF_INET, C.SOCK_STREAM);
  assert.is(gw.listen(u), -E.EACCES, 'listen on an unbound socket');
  assert.is(hostInt(hu, C.SOL_SOCKET, C.SO_ACCEPTCONN), 0, 'the real socket is not listening');
  assert.is(gw.listen(w), 0, 'positive: listen on the granted bind');
  gw.host.closeAll();
});

// ---- 7. events -----------------------------------------------------------------------------------------

test('netlink: with the grant, queries only; a change request is refused before the kernel sees it', async () => {
  const g = await guest({ families: ['netlink'] });
  const nl = g.socket(C.AF_NETLINK, C.SOCK_RAW, C.NETLINK_ROUTE);
  assert.ok(nl >= 0, `netlink socket (${nl})`);
  // struct nlmsghdr (16 bytes) + struct ifinfomsg (16 bytes).
  const msg = (type, flags, index = 0) => {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 32, true); dv.setUint16(4, type, true); dv.setUint16(6, flags, true); dv.setUint32(8, 1, true);
    dv.setUint8(16, C.AF_UNSPEC); dv.setInt32(20, index, true);
    return b;
  };
  const NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300;
  const RTM_GETLINK = 18, RTM_DELLINK = 17, RTM_NEWROUTE = 24, RTM_DELADDR = 21, SOCK_DESTROY = 21;
  const n = g.alloc(4);
  const send = (bytes) => g.wasock.sendto(nl, g.put(bytes), bytes.length, 0, 0, 0, n);
  // Positive control: a link dump answers with the host's links.
  assert.is(send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP)), 0);
  const rb = g.alloc(32768);
  const recv = () => { const e = g.wasock.recvfrom(nl, rb, 32768, C.MSG_DONTWAIT, 0, 0, n); return e ? -e : g.i32(n); };
  let got = recv();
  assert.ok(got > 16, `a dump came back (${got} bytes)`);
  for (let i = 0; got > 0 && i < 1000; i++) got = recv(); // to NLMSG_DONE
  assert.is(got, -E.EAGAIN, 'the dump drained');
  // Requests the kernel would refuse anyway (no such link): even if one slipped through,
  // nothing of the host would change; the guest must get EACCES from the send itself.
  for (const [what, bytes] of [
    ['RTM_DELLINK', msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 0x7fffffff)],
    ['RTM_DELADDR', msg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 0x7fffffff)],
    ['RTM_NEWROUTE', msg(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK, 0x7fffffff)],
    ['a GET then a DEL in one send', Buffer.concat([msg(RTM_GETLINK, NLM_F_REQUEST, 1), msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 0x7fffffff)])],
    ['a truncated header', msg(RTM_GETLINK, NLM_F_REQUEST).subarray(0, 12)],
    ['a length past the buffer', (() => { const b = msg(RTM_GETLINK, NLM_F_REQUEST); new DataView(b.buffer).setUint32(0, 4096, true); return b; })()],
  ]) {
    assert.is(send(bytes), E.EACCES, what);
    assert.is(recv(), -E.EAGAIN, `${what}: no answer, the kernel never saw it`);
  }
  // sock_diag: SOCK_DESTROY (kill another process's connection) never passes.
  const diag = g.socket(C.AF_NETLINK, C.SOCK_DGRAM, C.NETLINK_SOCK_DIAG);
  assert.ok(diag >= 0);
  const d = g.put(msg(SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK));
  assert.is(g.wasock.sendto(diag, d, 32, 0, 0, 0, n), E.EACCES, 'SOCK_DESTROY');
  // Without the grant no netlink socket at all.
  const none = await guest({});
  assert.is(none.socket(C.AF_NETLINK, C.SOCK_RAW, C.NETLINK_ROUTE), -E.EACCES);
  g.host.closeAll();
  none.host.closeAll();
});

test('ioctl: only FIONREAD, SIOCOUTQ, SIOCATMARK and FIONBIO, on sockets; the counts are exact', async () => {
  const g = await guest({ connect: ['127.0.0.1:*'] });
  const l = hostListener();
  const t = g.socket(C.AF_INET, C.SOCK_STREAM);
  assert.is(g.connect(t, g.sa4('127.0.0.1', l.getsockname()[1])), 0);
  await new Promise((r) => setTimeout(r, 20));
  const [peer] = (() => { l.setblocking(true); return l.accept(); })();
  peer.sendall(Buffer.from('12345'));
  await new Promise((r) => setTimeout(r, 20));
  const arg = g.alloc(4);
  // Positive control: the exact byte count, as the kernel says.
  assert.is(g.wasock.ioctl(t, 0x541b /* FIONREAD */, arg), 0);
  assert.is(g.i32(arg), 5);
  // TIOCSTI (type into a terminal), SIOCGIFCONF (a pointer to a buffer), SIOCSIFFLAGS
  // (interface flags), SIOCADDRT (routes), FIOCLEX, and random numbers: ENOTTY, events.
  for (const req of [0x5412, 0x8912, 0x8914, 0x890b, 0x5451, 0xdeadbeef, 0]) {
    g.dv.setInt32(arg, 0x41414141, true);
    assert.is(g.wasock.ioctl(t, req, arg), E.ENOTTY, `request 0x${req.toString(16)}`);
    assert.is(g.i32(arg), 0x41414141, 'the argument is untouched');
  }
  assert.ok(g.events.some((e) => e.op === 'ioctl'));
  // Not a socket: stdin (the embedder's) is never an ioctl target.
  assert.is(g.wasock.ioctl(0, 0x5412, arg), E.ENOTSOCK);
  assert.is(g.env.__syscall_ioctl(0, 0x5412, arg), -wasiErrno(E.ENOTTY));
  // FIONBIO through the list: the socket is non-blocking afterwards.
  g.dv.setInt32(arg, 1, true);
  assert.is(g.wasock.ioctl(t, 0x5421, arg), 0);
  const buf = g.alloc(16);
  const n = g.alloc(4);
  assert.is(g.wasock.recvfrom(t, buf, 16, 0, 0, 0, n), 0);
  assert.is(g.wasock.recvfrom(t, buf, 16, 0, 0, 0, n), E.EAGAIN, 'positive: FIONBIO took effect');
  g.host.closeAll();
  peer.close();
  l.close();
});

test('message flags: only the listed; MSG_ZEROCOPY, MSG_PROXY and unknown bits are EOPNOTSUPP before the kernel', async () => {
  const g = await guest({ connect: ['127.0.0.1:*'] });
  const [a, b] = (() => { const o = g.alloc(8); assert.is(g.wasock.socketpair(C.AF_UNIX, C.SOCK_STREAM, 0, o), 0); return [g.i32(o), g.i32(o + 4)]; })();
  const p = g.put(Buffer.from('hello'));
  const n = g.alloc(4);
  for (const f of [0x4000000 /* MSG_ZEROCOPY */, 0x10 /* MSG_PROXY */, 0x10000 /* MSG_BATCH */, 0x80000000]) {
    assert.is(g.wasock.sendto(a, p, 5, f, 0, 0, n), E.EOPNOTSUPP, `send flags 0x${(f >>> 0).toString(16)}`);
    assert.is(g.wasock.recvfrom(b, p, 5, f, 0, 0, n), E.EOPNOTSUPP, `recv flags 0x${(f >>> 0).toString(16)}`);
  }
  // Nothing was sent by the refused calls; the listed flags work.
  assert.is(g.wasock.recvfrom(b, p, 5, 0x40 /* MSG_DONTWAIT */, 0, 0, n), E.EAGAIN);
  assert.is(g.wasock.sendto(a, p, 5, 0x4000 /* MSG_NOSIGNAL */, 0, 0, n), 0);
  assert.is(g.wasock.recvfrom(b, p, 5, 0x2 /* MSG_PEEK */, 0, 0, n), 0);
  assert.is(g.wasock.recvfrom(b, p, 5, 0x100 /* MSG_WAITALL */, 0, 0, n), 0);
  assert.is(g.i32(n), 5);
  g.host.closeAll();
});

// For each import the guest host answers itself: a value no list names, beside the listed
// value that works. Host descriptors are counted around every refusal: none is made.
test('every changed import: the unlisted value is refused before the kernel; the listed one works', async () => {
  const g = await guest({ connect: ['127.0.0.1:*'], bind: ['127.0.0.1:*'] });
  const o = g.alloc(8);
  const refused = (what, fn, want) => {
    const [r, made] = hostFdsMadeBy(fn);
    assert.is(r, want, what);
    assert.equal(made, [], `${what}: no host descriptor made`);
  };
  // socket: type flags beyond SOCK_NONBLOCK | SOCK_CLOEXEC.
  refused('socket type flag 0x40000000', () => g.wasock.socket(C.AF_INET, C.SOCK_STREAM | 0x40000000, 0, o), E.EINVAL);
  refused('socket type flag 0x100', () => g.wasock.socket(C.AF_INET, C.SOCK_STREAM | 0x100, 0, o), E.EINVAL);
  const t = g.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
  assert.ok(t >= 0, 'positive: the listed flags');
  // socketpair: only AF_UNIX, only protocol 0.
  refused('socketpair AF_INET', () => g.wasock.socketpair(C.AF_INET, C.SOCK_STREAM, 0, o), E.EAFNOSUPPORT);
  refused('socketpair protocol 1', () => g.wasock.socketpair(C.AF_UNIX, C.SOCK_STREAM, 1, o), E.EPROTONOSUPPORT);
  assert.is(g.wasock.socketpair(C.AF_UNIX, C.SOCK_DGRAM, 0, o), 0, 'positive: AF_UNIX, protocol 0');
  // bind/connect: lengths and families no sockaddr has.
  const [sa, salen] = g.sa4('127.0.0.1', 0);
  assert.is(g.wasock.bind(t, sa, 129), E.EINVAL, 'salen 129');
  assert.is(g.wasock.bind(t, sa, 1), E.EINVAL, 'salen 1');
  assert.is(g.wasock.bind(t, sa, 15), E.EINVAL, 'a short sockaddr_in');
  const [sa6] = g.sa6(new Uint8Array(16), 0);
  assert.is(g.wasock.bind(t, sa6, 28), E.EAFNOSUPPORT, 'an AF_INET6 sockaddr on an AF_INET socket');
  assert.is(g.wasock.bind(t, sa, salen), 0, 'positive: a whole sockaddr_in');
  // sendto: a pointer with a length no sockaddr has.
  const u = g.socket(C.AF_INET, C.SOCK_DGRAM);
  const msg = g.put(Buffer.from('x'));
  assert.is(g.wasock.sendto(u, msg, 1, 0, sa, 0, o), E.EINVAL, 'sendto salen 0 with an address');
  assert.is(g.wasock.sendto(u, msg, 1, 0, g.sa4('127.0.0.1', 9)[0], 16, o), 0, 'positive: a whole address');
  // accept4: flags beyond SOCK_NONBLOCK | SOCK_CLOEXEC.
  assert.is(g.listen(t), 0);
  refused('accept flag 1', () => g.wasock.accept(t, 0, 0, 1, o), E.EINVAL);
  assert.is(g.wasock.accept(t, 0, 0, C.SOCK_NONBLOCK, o), E.EAGAIN, 'positive: listed flags, no peer yet');
  // getsockopt: a length past ssize_t; a pointer at the end of memory.
  const v = g.alloc(4); const l = g.alloc(4);
  g.dv.setUint32(l, 0x80000000, true);
  assert.is(g.wasock.getsockopt(t, C.SOL_SOCKET, C.SO_TYPE, v, l), E.EINVAL, 'getsockopt length 2^31');
  g.dv.setUint32(l, 4, true);
  assert.is(g.wasock.getsockopt(t, C.SOL_SOCKET, C.SO_TYPE, g.memory.buffer.byteLength - 2, l), E.EFAULT, 'value past the memory');
  assert.is(g.wasock.getsockopt(t, C.SOL_SOCKET, C.SO_TYPE, v, l), 0, 'positive');
  assert.is(g.i32(v), C.SOCK_STREAM);
  // ioctl: a listed request with its int past the memory.
  assert.is(g.wasock.ioctl(t, 0x541b, g.memory.buffer.byteLength - 2), E.EFAULT, 'ioctl argument past the memory');
  assert.is(g.wasock.ioctl(u, 0x541b, v), 0, 'positive (FIONREAD on a listener is the kernel\'s EINVAL)');
  // resolver_file: only services, protocols and gai.conf.
  const n = g.alloc(4); const gen = g.alloc(4); const buf = g.alloc(64);
  for (const id of [0, 3, 4, 6, -1, 0x7fffffff]) {
    g.dv.setUint32(gen, 0, true);
    assert.is(g.wasock.resolver_file(id, buf, 64, n, gen), E.EACCES, `resolver_file ${id}`);
  }
  g.dv.setUint32(gen, 0, true);
  assert.is(g.wasock.resolver_file(1, buf, 64, n, gen), 0, 'positive: services');
  // fcntl (emscripten): only F_GETFD/F_SETFD/F_GETFL/F_SETFL.
  for (const cmd of [0 /* F_DUPFD */, 5 /* F_GETLK */, 8 /* F_SETOWN */, 1030 /* F_DUPFD_CLOEXEC */, 1031 /* F_SETPIPE_SZ */]) {
    refused(`fcntl ${cmd}`, () => g.env.__syscall_fcntl64(t, cmd, v), -wasiErrno(E.EINVAL));
  }
  assert.ok(g.env.__syscall_fcntl64(t, 3 /* F_GETFL */, v) >= 0, 'positive: F_GETFL');
  // Descriptor numbers the guest does not hold, in each ABI.
  for (const fd of [-1, 4095, 4096, 0x7fffffff, -0x80000000]) {
    assert.is(g.wasock.close(fd), E.EBADF, `close ${fd}`);
    assert.is(g.wasi.fd_write(fd, 0, 0, o), W.BADF, `fd_write ${fd}`);
    assert.is(g.env.__syscall_shutdown(fd, 2), -wasiErrno(E.EBADF), `shutdown ${fd}`);
  }
  // lookup_name: a name length past memory or past a name's limit.
  const name = g.put(Buffer.from('localhost'));
  const rec = g.alloc(1024);
  assert.ok([E.EINVAL, E.EFAULT].includes(g.wasock.lookup_name(name, 0x7fffffff, 0, rec, 1024, n)), 'namelen 2^31-1');
  assert.ok([E.EINVAL, E.EFAULT].includes(g.wasock.lookup_name(name, 9, 0, rec, 0xfffffff0, n)), 'a record past the memory');
  assert.is(g.wasock.lookup_name(name, 9, 0, rec, 1024, n), 0, 'positive: localhost');
  g.host.closeAll();
});

// The name lookups a guest asks its host for run in the host's core, beside the library's own
// lookups (the Promise API's without DNS among them): what the guest passes is judged first.
test('lookup_name and lookup_addr: families off their lists, a NUL in a name, an address past the memory, a short record', async () => {
  const g = await guest({});
  const n = g.alloc(4);
  const rec = g.alloc(1024);
  const name = g.put(Buffer.from('localhost'));
  for (const af of [C.AF_UNIX, C.AF_PACKET, C.AF_NETLINK, -1, 0x7fffffff]) {
    assert.is(g.wasock.lookup_name(name, 9, af, rec, 1024, n), E.EINVAL, `lookup_name family ${af}`);
  }
  for (const af of [C.AF_UNSPEC, C.AF_INET, C.AF_INET6]) {
    assert.is(g.wasock.lookup_name(name, 9, af, rec, 1024, n), 0, `positive: lookup_name family ${af}`);
  }
  const nul = g.put(Buffer.from('local\0host'));
  assert.is(g.wasock.lookup_name(nul, 10, C.AF_INET, rec, 1024, n), E.EINVAL, 'a NUL inside the name');
  assert.is(g.wasock.lookup_name(name, 9, C.AF_INET, rec, 4, n), E.ERANGE, 'a record larger than its buffer');
  assert.ok(g.dv.getUint32(n, true) > 4, 'the length the record needs');
  const lo = g.put(Buffer.from([127, 0, 0, 1]));
  for (const af of [C.AF_UNSPEC, C.AF_UNIX, C.AF_PACKET, -1, 0x7fffffff]) {
    assert.is(g.wasock.lookup_addr(af, lo, rec, 1024, n), E.EINVAL, `lookup_addr family ${af}`);
  }
  assert.is(g.wasock.lookup_addr(C.AF_INET6, g.memory.buffer.byteLength - 8, rec, 1024, n), E.EFAULT,
    'an IPv6 address past the memory');
  assert.is(g.wasock.lookup_addr(C.AF_INET, lo, rec, 1024, n), 0, 'positive: lookup_addr 127.0.0.1');
  g.host.closeAll();
});

// The sockaddr bounds the host takes from the generated core ABI (sockaddr_in6 without its
// scope_id is RFC 2133's 24 bytes; sun_path is 108): one byte short or long is refused before
// the kernel, the exact edges work.
test('sockaddr edges from the generated layouts: sockaddr_in6 24 bytes, sun_path 108', async () => {
  const dir = `${tempDir()}/`;
  const g = await guest({ bind: ['[::1]:*', `unix:${dir}`] });
  try {
    const t6 = g.socket(C.AF_INET6, C.SOCK_STREAM);
    const loop6 = new Uint8Array(16); loop6[15] = 1;
    const [sa6] = g.sa6(loop6, 0);
    assert.is(g.wasock.bind(t6, sa6, 23), E.EINVAL, 'a sockaddr_in6 of 23 bytes');
    assert.is(g.wasock.bind(t6, sa6, 129), E.EINVAL, 'past the largest sockaddr');
    assert.is(g.wasock.bind(t6, sa6, 24), 0, 'positive: 24 bytes (no scope_id) bind [::1]');
    const u = g.socket(C.AF_UNIX, C.SOCK_STREAM);
    const [tooLong, tooLongLen] = g.saun(dir + 'x'.repeat(109 - dir.length), { nul: false });
    assert.is(tooLongLen, 2 + 109);
    assert.is(g.wasock.bind(u, tooLong, tooLongLen), E.EINVAL, 'a sun_path of 109 bytes');
    assert.is(g.bind(u, g.saun(dir + 'w'.repeat(107 - dir.length))), 0, 'positive: 107 bytes and its NUL');
  } finally {
    removeDir(dir);
  }
});

test('events: a storm of 100,000 denials is rate limited, counts what it drops, and does not grow the host', async () => {
  const g = await guest({});
  const t = g.socket(C.AF_INET, C.SOCK_STREAM);
  const sa = g.sa4('10.255.255.1', 9);
  for (let i = 0; i < 1000; i++) g.connect(t, sa); // warm up
  const warm = g.events.length;
  g.events.length = 0;
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  let wrong = 0;
  for (let i = 0; i < 100_000; i++) if (g.connect(t, sa) !== -E.EACCES) wrong++;
  const secs = (performance.now() - t0) / 1000;
  const m1 = process.memoryUsage();
  assert.is(wrong, 0, 'every connect denied');
  assert.ok(warm <= 51, `warm-up: the burst (${warm})`);
  assert.ok(g.events.length <= 1 + 20 * secs + 1, `${g.events.length} events in ${secs.toFixed(2)} s (rate 20/s)`);
  await new Promise((r) => setTimeout(r, 120));
  assert.is(g.connect(t, sa), -E.EACCES);
  const last = g.events.at(-1);
  const accounted = g.events.length + g.events.reduce((n, e) => n + e.suppressed, 0);
  assert.is(accounted, 100_001 + (1000 - warm), 'every denial is an event or counted as suppressed in a later one');
  assert.ok(last.suppressed > 0, `the later event reports what was suppressed (${last.suppressed})`);
  assert.match(last.message, /more denials not shown/);
  assert.is(last.grant, '--allow-connect=10.255.255.1:9', 'the event names the grant');
  assert.ok(m1.heapUsed - m0.heapUsed < 16 << 20, `heap grew ${((m1.heapUsed - m0.heapUsed) / 1048576).toFixed(1)} MiB`);
  assert.ok(m1.arrayBuffers - m0.arrayBuffers < 1 << 20, 'no buffers kept');
  g.host.closeAll();
});

test.run();
