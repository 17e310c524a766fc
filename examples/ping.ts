// ping: ICMP echo over a raw socket (needs CAP_NET_RAW), IPv4 or IPv6.
//   node ping.js [host] [count]      e.g. node ping.js 127.0.0.1 3, node ping.js ::1
import * as socket from 'wasock';

const host = process.argv[2] ?? '127.0.0.1';
const count = Number(process.argv[3] ?? 3);
const v6 = host.includes(':');
const family = v6 ? socket.AF_INET6 : socket.AF_INET;
const ECHO_REQUEST = v6 ? 128 : 8;
const ECHO_REPLY = v6 ? 129 : 0;

// The Internet checksum (RFC 1071); for ICMPv6 the kernel fills it in.
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) + (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echoRequest(id: number, seq: number): Uint8Array {
  const p = Buffer.alloc(8 + 56);
  p[0] = ECHO_REQUEST;
  p.writeUInt16BE(id, 4);
  p.writeUInt16BE(seq, 6);
  for (let i = 8; i < p.length; i++) p[i] = i & 0xff;
  if (!v6) p.writeUInt16BE(checksum(p), 2);
  return p;
}

const s = socket.socket(family, socket.SOCK_RAW, v6 ? socket.IPPROTO_ICMPV6 : socket.IPPROTO_ICMP);
s.settimeout(2);
const [addr] = socket.getaddrinfo(host, null, family, socket.SOCK_RAW)[0][4];
const id = process.pid & 0xffff;
let received = 0;
for (let seq = 1; seq <= count; seq++) {
  const t0 = process.hrtime.bigint();
  s.sendto(echoRequest(id, seq), v6 ? [addr, 0, 0, 0] : [addr, 0]);
  try {
    for (;;) {
      const [data, from] = s.recvfrom(2048) as [Uint8Array, socket.InetAddress];
      // IPv4 raw sockets deliver the IP header too; ICMPv6 ones do not.
      const off = v6 ? 0 : (data[0] & 0x0f) * 4;
      const b = Buffer.from(data.buffer, data.byteOffset + off, data.length - off);
      if (b[0] !== ECHO_REPLY || b.readUInt16BE(4) !== id || b.readUInt16BE(6) !== seq) continue;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const ttl = v6 ? '' : ` ttl=${data[8]}`;
      console.log(`${b.length} bytes from ${from[0]}: icmp_seq=${seq}${ttl} time=${ms.toFixed(3)} ms`);
      received++;
      break;
    }
  } catch (e) {
    if (!(e instanceof socket.timeout)) throw e;
    console.log(`Request timeout for icmp_seq ${seq}`);
  }
}
s.close();
console.log(`${count} packets transmitted, ${received} received`);
process.exitCode = received === count ? 0 : 1;
