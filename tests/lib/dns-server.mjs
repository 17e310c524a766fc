// A tiny DNS server for tests, on 127.0.0.1 (UDP and TCP on one random
// port). `handler(q)` gets { name, type, id, tcp } and returns what to do:
//   { answers: [{ name, type: 'A'|'AAAA'|'CNAME'|'PTR', data }], rcode, tc }
//   { silent: true }               no reply at all
//   { raw: Buffer | (query) => Buffer }  these bytes as the reply
//   { spoof: 'id' }                a reply with the wrong id first, then the real one
//   { spoofSource: true, ... }     first a forged reply from another port
// It never talks to anything but loopback.
import dgram from 'node:dgram';
import net from 'node:net';

const TYPES = { A: 1, CNAME: 5, PTR: 12, AAAA: 28 };

function encodeName(name) {
  const parts = name.replace(/\.$/, '').split('.').filter((p) => p.length);
  const bufs = parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)]));
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function rdata(type, data) {
  if (type === 'A') return Buffer.from(data.split('.').map(Number));
  if (type === 'AAAA') {
    const [h, t = ''] = data.split('::');
    const w = (s) => (s ? s.split(':').map((x) => parseInt(x, 16)) : []);
    const a = w(h), b = w(t);
    const all = data.includes('::') ? [...a, ...new Array(8 - a.length - b.length).fill(0), ...b] : a;
    const out = Buffer.alloc(16);
    all.forEach((x, i) => out.writeUInt16BE(x, i * 2));
    return out;
  }
  return encodeName(data);
}

export function parseQuery(msg) {
  const id = msg.readUInt16BE(0);
  let off = 12;
  const labels = [];
  while (msg[off]) {
    labels.push(msg.subarray(off + 1, off + 1 + msg[off]).toString());
    off += msg[off] + 1;
  }
  off++;
  const type = msg.readUInt16BE(off);
  return { id, name: labels.join('.'), type, question: msg.subarray(12, off + 4) };
}

export function buildReply(q, { answers = [], rcode = 0, tc = false, id = q.id }) {
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(id, 0);
  hdr.writeUInt16BE(0x8180 | (tc ? 0x0200 : 0) | rcode, 2);
  hdr.writeUInt16BE(1, 4);
  hdr.writeUInt16BE(answers.length, 6);
  const rrs = answers.map((a) => {
    const rd = rdata(a.type, a.data);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(TYPES[a.type], 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(60, 4);
    fixed.writeUInt16BE(rd.length, 8);
    return Buffer.concat([encodeName(a.name), fixed, rd]);
  });
  return Buffer.concat([hdr, q.question, ...rrs]);
}

export async function startDnsServer(handler) {
  let udp = dgram.createSocket('udp4');
  const spoofer = dgram.createSocket('udp4');
  const log = [];
  const reply = (q, tcp, rinfo) => {
    const r = handler({ ...q, tcp }) ?? {};
    log.push({ name: q.name, type: q.type, tcp });
    if (r.spoofSource && rinfo) {
      spoofer.send(buildReply(q, { answers: [{ name: q.name, type: 'A', data: '6.6.6.6' }] }), rinfo.port, rinfo.address);
    }
    if (r.silent) return [];
    if (r.raw) return [typeof r.raw === 'function' ? r.raw(q) : r.raw];
    const out = [];
    if (r.spoof === 'id') out.push(buildReply(q, { ...r, id: (q.id + 1) & 0xffff, answers: [{ name: q.name, type: 'A', data: '6.6.6.6' }] }));
    out.push(buildReply(q, r));
    return out;
  };
  const onMessage = (msg, rinfo) => {
    let q;
    try { q = parseQuery(msg); } catch { return; }
    for (const b of reply(q, false, rinfo)) udp.send(b, rinfo.port, rinfo.address);
  };
  udp.on('message', onMessage);
  const tcp = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        for (const b of reply(parseQuery(msg), true)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length);
          c.write(Buffer.concat([len, b]));
        }
      }
    });
    c.on('error', () => {});
  });
  // UDP and TCP on one port: the kernel picks a free UDP port, which may be taken for TCP
  // by some other process; then try again with another (a few times).
  let port;
  for (let tries = 0; ; tries++) {
    await new Promise((res, rej) => { udp.once('error', rej); udp.bind(0, '127.0.0.1', res); });
    port = udp.address().port;
    try {
      await new Promise((res, rej) => { tcp.once('error', rej); tcp.listen(port, '127.0.0.1', res); });
      break;
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || tries >= 20) throw e;
      await new Promise((res) => udp.close(res));
      udp = dgram.createSocket('udp4');
      udp.on('message', onMessage);
    }
  }
  await new Promise((res) => spoofer.bind(0, '127.0.0.1', res));
  return {
    port,
    log,
    close() { udp.close(); spoofer.close(); tcp.close(); },
  };
}
