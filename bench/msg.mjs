// 64-byte UDP datagrams over 127.0.0.1 with one control message each way, with wasock's
// synchronous API, one thread: sendmsg with IP_TOS as ancillary data, recvmsg with IP_RECVTOS
// (the TOS comes back as a control message). Usage: node bench/msg.mjs [messages] [warmup]
import { performance } from 'node:perf_hooks';
import * as socket from 'wasock';

const MSG = 64;

function loop(tx, rx, addr, n) {
  const data = [new Uint8Array(MSG).fill(0x78)];
  const anc = [[socket.IPPROTO_IP, socket.IP_TOS, new Uint8Array(new Int32Array([0x10]).buffer)]];
  const space = socket.CMSG_SPACE(4);
  for (let i = 0; i < n; i++) {
    if (tx.sendmsg(data, anc, 0, addr) !== MSG) throw new Error('short send');
    const [got, ancdata] = rx.recvmsg(MSG, space);
    if (got.length !== MSG || ancdata.length !== 1) throw new Error('bad message');
  }
}

const n = Number(process.argv[2] ?? 100000);
const warm = Number(process.argv[3] ?? 10000);
const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
rx.bind(['127.0.0.1', 0]);
rx.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1);
const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const addr = rx.getsockname();
loop(tx, rx, addr, warm);
const t0 = performance.now();
loop(tx, rx, addr, n);
const dt = (performance.now() - t0) / 1000;
tx.close(); rx.close();
console.log(JSON.stringify({ impl: 'wasock', test: 'msg', messages: n, warmup: warm,
  seconds: +dt.toFixed(6), rate: +(n / dt).toFixed(1), node: process.version }));
