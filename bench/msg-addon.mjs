// Reference: the loop of msg.mjs calling the raw N-API addon directly (sendmsg with a control
// buffer built once, recvmsg into preallocated buffers; no wasock layers).
// Usage: node bench/msg-addon.mjs [messages] [warmup]
import { performance } from 'node:perf_hooks';
import { addon, ok, AF_INET } from './addon-util.mjs';

const MSG = 64, SOCK_DGRAM = 2, IPPROTO_IP = 0, IP_TOS = 1, IP_RECVTOS = 13;

function loop(tx, rx, mem, n) {
  const data = [new Uint8Array(MSG).fill(0x78)];
  // One cmsghdr (x86_64: size_t len, int level, int type) and an int: CMSG_SPACE(4) = 24 bytes.
  const control = Buffer.alloc(24);
  control.writeUInt32LE(20, 0);
  control.writeInt32LE(IPPROTO_IP, 8);
  control.writeInt32LE(IP_TOS, 12);
  control.writeInt32LE(0x10, 16);
  const bufs = [new Uint8Array(MSG)], rcontrol = Buffer.alloc(24);
  for (let i = 0; i < n; i++) {
    if (addon.sendmsg(tx, data, control, 0, mem, 0, 16) !== MSG) throw new Error('sendmsg');
    mem.writeUInt32LE(16, 32);
    if (addon.recvmsg(rx, bufs, rcontrol, 0, mem, 16, 32, 40) !== MSG) throw new Error('recvmsg');
  }
}

const n = Number(process.argv[2] ?? 100000);
const warm = Number(process.argv[3] ?? 10000);
// mem: [0, 16) the receiver's address, [16, 32) the sender's, [32] its length, [40, 48) out.
const mem = Buffer.alloc(48);
const rx = ok(addon.socket(AF_INET, SOCK_DGRAM, 0), 'socket');
const tx = ok(addon.socket(AF_INET, SOCK_DGRAM, 0), 'socket');
mem.writeUInt16LE(AF_INET, 0);
mem.set([127, 0, 0, 1], 4);
ok(addon.bind(rx, mem, 0, 16), 'bind');
mem.writeUInt32LE(16, 32);
ok(addon.getsockname(rx, mem, 0, 32), 'getsockname');
ok(addon.setsockopt(rx, IPPROTO_IP, IP_RECVTOS, new Uint8Array(new Int32Array([1]).buffer), 0, 4), 'setsockopt');
loop(tx, rx, mem, warm);
const t0 = performance.now();
loop(tx, rx, mem, n);
const dt = (performance.now() - t0) / 1000;
addon.close(tx); addon.close(rx);
console.log(JSON.stringify({ impl: 'addon', test: 'msg', messages: n, warmup: warm,
  seconds: +dt.toFixed(6), rate: +(n / dt).toFixed(1), node: process.version }));
