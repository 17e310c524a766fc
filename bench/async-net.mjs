// Event-loop benchmarks: wasock/promises against Node's net, both ends in one
// process and one event loop. Prints one JSON line { rate, ... } at the end.
//
//   node bench/async-net.mjs pingpong wasock|net [N] [WARM]   64 B round trips/s, TCP_NODELAY
//   node bench/async-net.mjs echo1000 wasock|net [ROUNDS]      1000 concurrent connections, each
//                                                             ROUNDS 64 B echoes: messages/s
//   node bench/async-net.mjs churn wasock|sync|net [N]         connect/accept/close cycles/s
//   node bench/async-net.mjs bulk wasock|net [BYTES] [WARM]    BYTES in 64 KiB chunks, sender and
//                                                             receiver in the one loop: MiB/s
import net from 'node:net';

const [, , test, impl, a1, a2] = process.argv;
const MSG = Buffer.alloc(64, 0x61);
const now = () => performance.now();

function done(rate, extra = {}) {
  console.log(JSON.stringify({ test, impl, rate, ...extra }));
  process.exit(0);
}

// WASOCK_DIST=dir: another build's dist/ (A/B runs of two builds).
const DIST = process.env.WASOCK_DIST;

async function wasock() {
  return import(DIST ? `${DIST}/promises.js` : 'wasock/promises');
}

// ---- 64 B ping-pong ------------------------------------------------------------------------
async function pingpongWasock(n, warm) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const c = socket.socket();
  const [[s]] = await Promise.all([l.accept(), c.connect(l.getsockname())]);
  for (const x of [c, s]) x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  const server = (async () => {
    const buf = Buffer.alloc(64);
    for (;;) {
      let got = 0;
      while (got < 64) {
        const k = await s.recv_into(buf.subarray(got));
        if (k === 0) return;
        got += k;
      }
      await s.sendall(buf);
    }
  })();
  const buf = Buffer.alloc(64);
  const rt = async () => {
    await c.sendall(MSG);
    let got = 0;
    while (got < 64) got += await c.recv_into(buf.subarray(got));
  };
  for (let i = 0; i < warm; i++) await rt();
  const t0 = now();
  for (let i = 0; i < n; i++) await rt();
  const dt = (now() - t0) / 1000;
  c.close();
  await server;
  s.close();
  l.close();
  return n / dt;
}

async function pingpongNet(n, warm) {
  const server = net.createServer({ noDelay: true }, (s) => {
    s.setNoDelay(true);
    let pending = 0;
    s.on('data', (d) => {
      pending += d.length;
      while (pending >= 64) {
        pending -= 64;
        s.write(MSG);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const c = net.connect(server.address().port, '127.0.0.1');
  c.setNoDelay(true);
  await new Promise((r) => c.on('connect', r));
  let waiting = null;
  let got = 0;
  c.on('data', (d) => {
    got += d.length;
    if (got >= 64) {
      got -= 64;
      const w = waiting;
      waiting = null;
      w();
    }
  });
  const rt = () => new Promise((r) => {
    waiting = r;
    c.write(MSG);
  });
  for (let i = 0; i < warm; i++) await rt();
  const t0 = now();
  for (let i = 0; i < n; i++) await rt();
  const dt = (now() - t0) / 1000;
  c.destroy();
  server.close();
  return n / dt;
}

// ---- 1000 concurrent echo connections -----------------------------------------------------
const CONNS = 1000;

async function echoWasock(rounds) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(CONNS);
  const addr = l.getsockname();
  const server = (async () => {
    const all = [];
    for (let i = 0; i < CONNS; i++) {
      const [s] = await l.accept();
      all.push((async () => {
        const buf = Buffer.alloc(4096);
        for (;;) {
          const k = await s.recv_into(buf);
          if (k === 0) break;
          await s.sendall(buf.subarray(0, k));
        }
        s.close();
      })());
    }
    await Promise.all(all);
  })();
  const clients = await Promise.all(Array.from({ length: CONNS }, async () => {
    const c = socket.socket();
    await c.connect(addr);
    return c;
  }));
  const t0 = now();
  await Promise.all(clients.map(async (c) => {
    const buf = Buffer.alloc(64);
    for (let r = 0; r < rounds; r++) {
      await c.sendall(MSG);
      let got = 0;
      while (got < 64) got += await c.recv_into(buf.subarray(got));
    }
  }));
  const dt = (now() - t0) / 1000;
  for (const c of clients) c.close();
  await server;
  l.close();
  return (CONNS * rounds) / dt;
}

async function echoNet(rounds) {
  const server = net.createServer((s) => {
    s.on('data', (d) => s.write(d));
  });
  await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: CONNS }, r));
  const port = server.address().port;
  const clients = await Promise.all(Array.from({ length: CONNS }, () => new Promise((res) => {
    const c = net.connect(port, '127.0.0.1', () => res(c));
  })));
  const t0 = now();
  await Promise.all(clients.map((c) => new Promise((res) => {
    let r = 0;
    let got = 0;
    c.on('data', (d) => {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        if (++r === rounds) {
          res();
          return;
        }
        c.write(MSG);
      }
    });
    c.write(MSG);
  })));
  const dt = (now() - t0) / 1000;
  for (const c of clients) c.destroy();
  server.close();
  return (CONNS * rounds) / dt;
}

// ---- connection churn ------------------------------------------------------------------------
async function churnWasock(n) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(128);
  const addr = l.getsockname();
  const cycle = async () => {
    const c = socket.socket();
    const [[s]] = await Promise.all([l.accept(), c.connect(addr)]);
    c.close();
    s.close();
  };
  for (let i = 0; i < 200; i++) await cycle();
  const t0 = now();
  for (let i = 0; i < n; i++) await cycle();
  const dt = (now() - t0) / 1000;
  l.close();
  return n / dt;
}

async function churnSync(n) {
  const socket = await import(DIST ? `${DIST}/index.js` : 'wasock');
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(128);
  const addr = l.getsockname();
  const cycle = () => {
    const c = socket.socket();
    c.connect(addr);
    const [s] = l.accept();
    c.close();
    s.close();
  };
  for (let i = 0; i < 200; i++) cycle();
  const t0 = now();
  for (let i = 0; i < n; i++) cycle();
  const dt = (now() - t0) / 1000;
  l.close();
  return n / dt;
}

async function churnNet(n) {
  const server = net.createServer((s) => s.destroy());
  await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 128 }, r));
  const port = server.address().port;
  const cycle = () => new Promise((res, rej) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.destroy();
      res();
    });
    c.on('error', rej);
  });
  for (let i = 0; i < 200; i++) await cycle();
  const t0 = now();
  for (let i = 0; i < n; i++) await cycle();
  const dt = (now() - t0) / 1000;
  server.close();
  return n / dt;
}

// ---- bulk: 64 KiB chunks, both ends on the one event loop ---------------------------------------
const CHUNK = 65536;

async function bulkWasock(total, warm) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const rx = socket.socket();
  const [[tx]] = await Promise.all([l.accept(), rx.connect(l.getsockname())]);
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const buf = Buffer.alloc(CHUNK);
  let t0 = 0;
  const receiver = (async () => {
    let got = 0;
    while (got < warm + total) {
      const n = await rx.recv_into(buf);
      if (n === 0) throw new Error('eof');
      got += n;
    }
  })();
  for (let s = 0; s < warm; s += CHUNK) await tx.sendall(chunk);
  t0 = now();
  for (let s = 0; s < total; s += CHUNK) await tx.sendall(chunk);
  await receiver;
  const dt = (now() - t0) / 1000;
  for (const x of [tx, rx, l]) x.close();
  return total / dt / 1048576;
}

async function bulkNet(total, warm) {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const rx = net.connect(server.address().port, '127.0.0.1');
  const [tx] = await Promise.all([new Promise((r) => server.once('connection', r)), new Promise((r) => rx.on('connect', r))]);
  let got = 0;
  const done = new Promise((res) => rx.on('data', (d) => {
    got += d.length;
    if (got >= warm + total) res();
  }));
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const send = async (bytes) => {
    for (let s = 0; s < bytes; s += CHUNK) {
      if (!tx.write(chunk)) await new Promise((r) => tx.once('drain', r));
    }
  };
  await send(warm);
  const t0 = now();
  await send(total);
  await done;
  const dt = (now() - t0) / 1000;
  rx.destroy();
  tx.destroy();
  server.close();
  return total / dt / 1048576;
}

const table = {
  pingpong: { wasock: () => pingpongWasock(+(a1 ?? 100000), +(a2 ?? 10000)),
    net: () => pingpongNet(+(a1 ?? 100000), +(a2 ?? 10000)) },
  echo1000: { wasock: () => echoWasock(+(a1 ?? 50)), net: () => echoNet(+(a1 ?? 50)) },
  churn: { wasock: () => churnWasock(+(a1 ?? 10000)), sync: () => churnSync(+(a1 ?? 10000)),
    net: () => churnNet(+(a1 ?? 10000)) },
  bulk: { wasock: () => bulkWasock(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20)),
    net: () => bulkNet(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20)) },
};
const fn = table[test]?.[impl];
if (!fn) {
  console.error('usage: node bench/async-net.mjs pingpong|echo1000|churn|bulk wasock|net|sync [args]');
  process.exit(2);
}
done(await fn());
