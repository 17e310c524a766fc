// 64-byte TCP ping-pong over 127.0.0.1 with wasock's synchronous API, both ends
// in one thread, blocking sockets, TCP_NODELAY on both ends.
// Usage: node bench/pingpong.mjs [round_trips] [warmup]
import { performance } from 'node:perf_hooks';
import * as socket from 'wasock';

const MSG = 64;

function loop(client, server, n) {
  const out = new Uint8Array(MSG).fill(0x78);
  for (let i = 0; i < n; i++) {
    if (client.send(out) !== MSG) throw new Error('short send');
    let echo = server.recv(MSG);
    if (echo.length < MSG) echo = recvRest(server, echo); // never taken on loopback
    if (server.send(echo) !== MSG) throw new Error('short send');
    let got = client.recv(MSG);
    if (got.length < MSG) got = recvRest(client, got);
  }
}

function recvRest(s, first) {
  const all = new Uint8Array(MSG);
  all.set(first);
  let have = first.length;
  while (have < MSG) {
    const more = s.recv(MSG - have);
    if (more.length === 0) throw new Error('eof');
    all.set(more, have);
    have += more.length;
  }
  return all;
}

const n = Number(process.argv[2] ?? 100000);
const warm = Number(process.argv[3] ?? 10000);
const lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
lst.bind(['127.0.0.1', 0]);
lst.listen(1);
const client = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
client.connect(lst.getsockname());
const [server] = lst.accept();
server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);

loop(client, server, warm);
const t0 = performance.now();
loop(client, server, n);
const dt = (performance.now() - t0) / 1000;

client.close(); server.close(); lst.close();
console.log(JSON.stringify({ impl: 'wasock', test: 'pingpong', round_trips: n, warmup: warm,
  seconds: +dt.toFixed(6), rate: +(n / dt).toFixed(1), node: process.version }));
