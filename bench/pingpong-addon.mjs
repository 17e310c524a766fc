// Reference: the ping-pong loop of pingpong.mjs calling the raw N-API addon
// directly (send/recv into preallocated buffers; no wasock layers).
// Usage: node bench/pingpong-addon.mjs [round_trips] [warmup]
import { performance } from 'node:perf_hooks';
import { addon, listenLoopback, connectLoopback, acceptFd, nodelay } from './addon-util.mjs';

const MSG = 64;

function loop(client, server, n) {
  const out = new Uint8Array(MSG).fill(0x78);
  const echo = new Uint8Array(MSG), got = new Uint8Array(MSG);
  for (let i = 0; i < n; i++) {
    if (addon.send(client, out, 0, MSG, 0) !== MSG) throw new Error('send');
    for (let h = 0; h < MSG;) { const r = addon.recv(server, echo, h, MSG - h, 0); if (r <= 0) throw new Error('recv'); h += r; }
    if (addon.send(server, echo, 0, MSG, 0) !== MSG) throw new Error('send');
    for (let h = 0; h < MSG;) { const r = addon.recv(client, got, h, MSG - h, 0); if (r <= 0) throw new Error('recv'); h += r; }
  }
}

const n = Number(process.argv[2] ?? 100000);
const warm = Number(process.argv[3] ?? 10000);
const [lst, port] = listenLoopback();
const client = connectLoopback(port);
nodelay(client);
const server = acceptFd(lst);
nodelay(server);

loop(client, server, warm);
const t0 = performance.now();
loop(client, server, n);
const dt = (performance.now() - t0) / 1000;
addon.close(client); addon.close(server); addon.close(lst);
console.log(JSON.stringify({ impl: 'addon', test: 'pingpong', round_trips: n, warmup: warm,
  seconds: +dt.toFixed(6), rate: +(n / dt).toFixed(1), node: process.version }));
