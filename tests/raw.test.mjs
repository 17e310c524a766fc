// SOCK_RAW: ICMP echo to 127.0.0.1 (the examples/ping.ts program and in-process), an echo
// request with a hand-built IPv4 header (IP_HDRINCL), ICMPv6 echo to ::1, and EPERM without
// CAP_NET_RAW (the capability dropped with setpriv in a child), each compared with CPython.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { execFileSync, spawnSync } from 'node:child_process';
import { PYTHON, python } from './lib/helpers.mjs';
import { buildExamples } from './vm/examples.mjs';

const root = process.getuid?.() === 0;
const rtest = root ? test : test.skip;
let ex;
test.before(async () => { ex = await buildExamples('ping'); });

function checksum(b) {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) + (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echo(type, id, seq, payload = 'wasock') {
  const p = Buffer.concat([Buffer.alloc(8), Buffer.from(payload)]);
  p[0] = type;
  p.writeUInt16BE(id, 4);
  p.writeUInt16BE(seq, 6);
  if (type === 8) p.writeUInt16BE(checksum(p), 2);
  return p;
}

// Reads until an echo reply with id/seq comes (an IPv4 raw socket also sees our request).
function reply(s, v6, id, seq) {
  for (;;) {
    const [d, from] = s.recvfrom(4096);
    const off = v6 ? 0 : (d[0] & 15) * 4;
    const b = Buffer.from(d.buffer, d.byteOffset + off, d.length - off);
    if (b[0] === (v6 ? 129 : 0) && b.readUInt16BE(4) === id && b.readUInt16BE(6) === seq) return [d, from];
  }
}

rtest('examples/ping.ts: echo to 127.0.0.1 and ::1', () => {
  const out4 = execFileSync(process.execPath, [ex.ping, '127.0.0.1', '2'], { encoding: 'utf8', timeout: 20000 });
  assert.match(out4, /^64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=[\d.]+ ms$/m);
  assert.match(out4, /2 packets transmitted, 2 received/);
  const out6 = execFileSync(process.execPath, [ex.ping, '::1', '1'], { encoding: 'utf8', timeout: 20000 });
  assert.match(out6, /^64 bytes from ::1: icmp_seq=1 time=[\d.]+ ms$/m);
});

rtest('ICMP echo to 127.0.0.1 in-process: recvfrom tuple and reply as CPython', () => {
  const py = JSON.parse(python(String.raw`
import socket, json
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(5)
s.sendto(bytes.fromhex('${echo(8, 0x4242, 1).toString('hex')}'), ('127.0.0.1', 0))
while True:
    d, a = s.recvfrom(4096)
    if d[20] == 0 and d[24:28] == b'\x42\x42\x00\x01': break
print(json.dumps([a, d[20:].hex(), s.family, s.type, s.proto, s.getsockname()]))`));
  const s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  try {
    s.settimeout(5);
    assert.is(s.sendto(echo(8, 0x4242, 1), ['127.0.0.1', 0]), 14);
    const [d, a] = reply(s, false, 0x4242, 1);
    assert.equal([a, Buffer.from(d.subarray(20)).toString('hex'), s.family, s.type, s.proto, s.getsockname()], py);
    assert.equal(a, ['127.0.0.1', 0]);
  } finally {
    s.close();
  }
});

rtest('IP_HDRINCL: an echo request with a hand-built IPv4 header gets its reply', () => {
  const tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  const rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  try {
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1);
    assert.is(tx.getsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL), 1);
    rx.settimeout(5);
    const icmp = echo(8, 0x5151, 7, 'hand-built header');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;                                     // version 4, IHL 5
    ip.writeUInt16BE(20 + icmp.length, 2);            // total length
    ip.writeUInt16BE(0x1234, 4);                      // identification
    ip[8] = 33;                                       // TTL, visible in the request we also see
    ip[9] = socket.IPPROTO_ICMP;
    socket.inet_aton('127.0.0.1').forEach((v, i) => { ip[12 + i] = v; ip[16 + i] = v; });
    ip.writeUInt16BE(checksum(ip), 10);
    const pkt = Buffer.concat([ip, icmp]);
    assert.is(tx.sendto(pkt, ['127.0.0.1', 0]), pkt.length);
    // Our own request, exactly as built (TTL 33, id 0x1234), then the kernel's reply.
    let req;
    for (;;) {
      const [d] = rx.recvfrom(4096);
      if (d[20] === 8 && Buffer.from(d).readUInt16BE(24) === 0x5151) { req = d; break; }
    }
    assert.is(req[8], 33);
    assert.is(Buffer.from(req).readUInt16BE(4), 0x1234);
    const [d, from] = reply(rx, false, 0x5151, 7);
    assert.equal(from, ['127.0.0.1', 0]);
    assert.is(Buffer.from(d.subarray(28)).toString(), 'hand-built header');
  } finally {
    tx.close();
    rx.close();
  }
});

rtest('ICMPv6 echo to ::1: recvfrom tuple as CPython', () => {
  const py = JSON.parse(python(String.raw`
import socket, json
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6); s.settimeout(5)
s.sendto(bytes.fromhex('${echo(128, 0x6262, 3).toString('hex')}'), ('::1', 0, 0, 0))
while True:
    d, a = s.recvfrom(4096)
    if d[0] == 129 and d[4:8] == b'\x62\x62\x00\x03': break
print(json.dumps([a, d[8:].hex(), s.getsockname()]))`));
  const s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6);
  try {
    s.settimeout(5);
    s.sendto(echo(128, 0x6262, 3), ['::1', 0]);
    const [d, a] = reply(s, true, 0x6262, 3);
    assert.equal([a, Buffer.from(d.subarray(8)).toString('hex'), s.getsockname()], py);
    assert.equal(a, ['::1', 0, 0, 0]);
  } finally {
    s.close();
  }
});

rtest('without CAP_NET_RAW: error EPERM, as CPython (setpriv drops the capability)', () => {
  const setpriv = spawnSync('setpriv', ['--version']);
  if (setpriv.status !== 0) {
    console.log('  (skipped: no setpriv here)');
    return;
  }
  const drop = ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-net_raw'];
  const js = spawnSync('setpriv', [...drop, process.execPath, '--input-type=module', '-e', `
import * as socket from 'wasock';
const out = [];
for (const [f, p] of [[socket.AF_INET, socket.IPPROTO_ICMP], [socket.AF_INET6, socket.IPPROTO_ICMPV6], [socket.AF_PACKET, 0]]) {
  try { socket.socket(f, socket.SOCK_RAW, p); out.push('ok'); }
  catch (e) { out.push([e.constructor.name, e.errno, e.message, e.code, e instanceof socket.error]); }
}
console.log(JSON.stringify(out));`], { encoding: 'utf8', cwd: process.cwd(), timeout: 20000 });
  const py = spawnSync('setpriv', [...drop, PYTHON, '-c', `
import socket, json
out = []
for f, p in [(socket.AF_INET, socket.IPPROTO_ICMP), (socket.AF_INET6, socket.IPPROTO_ICMPV6), (socket.AF_PACKET, 0)]:
    try: socket.socket(f, socket.SOCK_RAW, p); out.append('ok')
    except OSError as e: out.append(['error', e.errno, str(e), 'EPERM', True])
print(json.dumps(out))`], { encoding: 'utf8', timeout: 20000 });
  assert.is(js.status, 0, js.stderr);
  assert.is(py.status, 0, py.stderr);
  assert.equal(JSON.parse(js.stdout), JSON.parse(py.stdout));
  assert.equal(JSON.parse(js.stdout)[0], ['error', 1, '[Errno 1] Operation not permitted', 'EPERM', true]);
});

test.run();
