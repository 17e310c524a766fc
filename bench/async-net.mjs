// Event-loop benchmarks: wasock/promises against Node's net, both ends in one
// process and one event loop. Prints one JSON line { rate, ... } at the end.
//
//   node bench/async-net.mjs pingpong wasock|net [N] [WARM]   64 B round trips/s, TCP_NODELAY
//   node bench/async-net.mjs echo1000 wasock|net [ROUNDS]      1000 concurrent connections, each
//                                                             ROUNDS 64 B echoes (after 5 warm-up
//                                                             rounds): messages/s
//   node bench/async-net.mjs churn wasock|sync|net [N]         connect/accept/close cycles/s
//   node bench/async-net.mjs bulk wasock|net [BYTES] [WARM]    BYTES in 64 KiB chunks, receiver in a
//                                                             Worker (as bulk.c's thread): MiB/s
//   node bench/async-net.mjs bulk1 wasock|net [BYTES] [WARM]   the same, both ends on one event loop
//   deno run -A bench/async-net.mjs pingpong|echo1000 wasock|net|native ...
//   bun run bench/async-net.mjs pingpong|echo1000 wasock|net|native ...
//                                                             the same on Deno and Bun; native is the
//                                                             runtime's own API (Deno.connect,
//                                                             Bun.connect / Bun.listen)
//   ... pingpong|echo1000 side [N] [WARM|ROUNDS]              every implementation in this one process,
//                                                             in alternating slices: { rate, rates }
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
// Each ping-pong and echo implementation sets up its connections and returns
// { round(k): k round trips (ping-pong) or k rounds on every connection (echo), close() }.
async function pingpongWasock() {
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
  return { round: async (k) => { for (let i = 0; i < k; i++) await rt(); },
    close: async () => {
      c.close();
      await server;
      s.close();
      l.close();
    } };
}

async function pingpongNet() {
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
  const client = callbackClient(() => c.write(MSG));
  c.on('data', client.data);
  return { round: client.round,
    close: async () => {
      c.destroy();
      server.close();
    } };
}

// The client side of a callback API (net, Bun's): data(chunk) counts the echo in, round(k)
// makes k round trips, each a write and a Promise settled when 64 bytes are back.
function callbackClient(write) {
  let waiting = null;
  let got = 0;
  const rt = () => new Promise((r) => {
    waiting = r;
    write();
  });
  return {
    data(d) {
      got += d.length;
      if (got >= 64) {
        got -= 64;
        const w = waiting;
        waiting = null;
        w();
      }
    },
    round: async (k) => { for (let i = 0; i < k; i++) await rt(); },
  };
}

// The runtime's own TCP API: Deno.listen/Deno.connect (streams of reads and writes).
async function pingpongDeno() {
  const l = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const accepted = l.accept();
  const c = await Deno.connect({ hostname: '127.0.0.1', port: l.addr.port });
  const s = await accepted;
  for (const x of [c, s]) x.setNoDelay(true);
  const readFull = async (conn, buf) => {
    for (let got = 0; got < buf.length;) {
      const k = await conn.read(buf.subarray(got));
      if (k === null) return false;
      got += k;
    }
    return true;
  };
  const writeAll = async (conn, b) => {
    for (let off = 0; off < b.length;) off += await conn.write(b.subarray(off));
  };
  const server = (async () => {
    const buf = new Uint8Array(64);
    while (await readFull(s, buf)) await writeAll(s, buf);
  })();
  const buf = new Uint8Array(64);
  const rt = async () => {
    await writeAll(c, MSG);
    await readFull(c, buf);
  };
  return { round: async (k) => { for (let i = 0; i < k; i++) await rt(); },
    close: async () => {
      c.close();
      await server.catch(() => {});
      s.close();
      l.close();
    } };
}

// Bun.listen/Bun.connect: callbacks on Bun's own loop, as net's shape above.
async function pingpongBun() {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: {
    open(s) { s.setNoDelay?.(true); s.data = 0; },
    data(s, d) {
      s.data += d.length;
      while (s.data >= 64) {
        s.data -= 64;
        s.write(MSG);
      }
    },
  } });
  const client = callbackClient(() => c.write(MSG));
  const c = await Bun.connect({ hostname: '127.0.0.1', port: server.port, socket: {
    data(_s, d) { client.data(d); },
  } });
  c.setNoDelay?.(true);
  return { round: client.round,
    close: async () => {
      c.end();
      server.stop(true);
    } };
}

// ---- 1000 concurrent echo connections -----------------------------------------------------
const CONNS = 1000;
// Echo rounds per connection before the clock starts (both implementations).
const ECHO_WARM = 5;

async function echoWasock() {
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
  const run = (n) => Promise.all(clients.map(async (c) => {
    const buf = Buffer.alloc(64);
    for (let r = 0; r < n; r++) {
      await c.sendall(MSG);
      let got = 0;
      while (got < 64) got += await c.recv_into(buf.subarray(got));
    }
  }));
  return { round: run,
    close: async () => {
      for (const c of clients) c.close();
      await server;
      l.close();
    } };
}

async function echoNet() {
  const server = net.createServer((s) => {
    s.on('data', (d) => s.write(d));
  });
  await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: CONNS }, r));
  const port = server.address().port;
  const clients = await Promise.all(Array.from({ length: CONNS }, () => new Promise((res) => {
    const c = net.connect(port, '127.0.0.1', () => res(c));
  })));
  const run = (n) => Promise.all(clients.map((c) => new Promise((res) => {
    let r = 0;
    let got = 0;
    const onData = (d) => {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        if (++r === n) {
          c.off('data', onData);
          res();
          return;
        }
        c.write(MSG);
      }
    };
    c.on('data', onData);
    c.write(MSG);
  })));
  return { round: run,
    close: async () => {
      for (const c of clients) c.destroy();
      server.close();
    } };
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

// ---- bulk: 64 KiB chunks ------------------------------------------------------------------------
// The shape of bench/bulk.c and bulk.py: the main thread sends, a receiver
// thread (here a Worker with its own event loop, the same implementation)
// receives into one 64 KiB buffer. `bulk1` keeps both ends on one event loop.
const CHUNK = 65536;

// The receiver: connect, receive `expect` bytes, report. Runs in a Worker
// (bulk) or on the main loop (bulk1); resolves when every byte is in.
async function receiveWasock(port, expect) {
  const socket = await wasock();
  const rx = socket.socket();
  await rx.connect(['127.0.0.1', port]);
  const buf = Buffer.alloc(CHUNK);
  return (async () => {
    let got = 0;
    while (got < expect) {
      const n = await rx.recv_into(buf);
      if (n === 0) throw new Error('eof');
      got += n;
    }
    rx.close();
  })();
}

async function receiveNet(port, expect) {
  const rx = net.connect(port, '127.0.0.1');
  await new Promise((r) => rx.on('connect', r));
  return new Promise((res) => {
    let got = 0;
    rx.on('data', (d) => {
      got += d.length;
      if (got >= expect) {
        rx.destroy();
        res();
      }
    });
  });
}

// A receiver thread: resolves when it has every byte.
async function receiverThread(impl, port, expect) {
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(new URL(import.meta.url), { workerData: { impl, port, expect }, env: process.env });
  return new Promise((res, rej) => {
    w.on('message', (m) => (m === 'done' ? res() : null));
    w.on('error', rej);
    w.on('exit', (code) => rej(new Error(`receiver exited ${code}`)));
  });
}

async function bulkWasock(total, warm, threaded) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const port = l.getsockname()[1];
  const received = threaded ? receiverThread('wasock', port, warm + total) : receiveWasock(port, warm + total);
  const [tx] = await l.accept();
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const finished = received.then(() => now());
  for (let s = 0; s < warm; s += CHUNK) await tx.sendall(chunk);
  const t0 = now();
  for (let s = 0; s < total; s += CHUNK) await tx.sendall(chunk);
  const dt = ((await finished) - t0) / 1000;
  for (const x of [tx, l]) x.close();
  return total / dt / 1048576;
}

async function bulkNet(total, warm, threaded) {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const accepted = new Promise((r) => server.once('connection', r));
  const received = threaded ? receiverThread('net', port, warm + total) : receiveNet(port, warm + total);
  const tx = await accepted;
  const finished = received.then(() => now());
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const send = async (bytes) => {
    for (let s = 0; s < bytes; s += CHUNK) {
      if (!tx.write(chunk)) await new Promise((r) => tx.once('drain', r));
    }
  };
  await send(warm);
  const t0 = now();
  await send(total);
  const dt = ((await finished) - t0) / 1000;
  tx.destroy();
  server.close();
  return total / dt / 1048576;
}

// One implementation alone: `warm` units, then the rate of `n` (units per round()
// call: `per`).
async function alone(setup, n, warm, per = 1) {
  const x = await setup();
  await x.round(warm);
  const t0 = now();
  await x.round(n);
  const dt = (now() - t0) / 1000;
  await x.close();
  return (n * per) / dt;
}

// Several implementations side by side in this one process: all set up, then
// SIDE_SLICES slices in turn (order rotating), so each meets the same machine
// load; { rate: the first's rate, rates: each one's }.
const SIDE_SLICES = 20;
async function side(setups, n, warm, per = 1) {
  const xs = [];
  for (const setup of Object.values(setups)) xs.push(await setup());
  for (const x of xs) await x.round(warm);
  const time = xs.map(() => 0);
  const k = Math.max(1, Math.round(n / SIDE_SLICES));
  for (let i = 0; i < SIDE_SLICES; i++) {
    for (let j = 0; j < xs.length; j++) {
      const at = (i + j) % xs.length;
      const t0 = now();
      await xs[at].round(k);
      time[at] += now() - t0;
    }
  }
  for (const x of xs) await x.close();
  const rates = Object.fromEntries(Object.keys(setups).map((name, j) => [name, (k * SIDE_SLICES * per) / (time[j] / 1000)]));
  return { rate: Object.values(rates)[0], rates };
}

// The runtime's own API, where the benchmark has it.
const nativePingpong = typeof Bun !== 'undefined' ? pingpongBun : 'Deno' in globalThis ? pingpongDeno : null;
const PP = [+(a1 ?? 100000), +(a2 ?? 10000)];
const ECHO = [+(a1 ?? 50), ECHO_WARM, CONNS];

const table = {
  pingpong: { wasock: () => alone(pingpongWasock, ...PP), net: () => alone(pingpongNet, ...PP),
    native: () => alone(nativePingpong, ...PP),
    side: () => side({ promises: pingpongWasock, net: pingpongNet, ...(nativePingpong ? { native: nativePingpong } : {}) }, ...PP) },
  echo1000: { wasock: () => alone(echoWasock, ...ECHO), net: () => alone(echoNet, ...ECHO),
    side: () => side({ promises: echoWasock, net: echoNet }, ...ECHO) },
  churn: { wasock: () => churnWasock(+(a1 ?? 10000)), sync: () => churnSync(+(a1 ?? 10000)),
    net: () => churnNet(+(a1 ?? 10000)) },
  bulk: { wasock: () => bulkWasock(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20), true),
    net: () => bulkNet(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20), true) },
  bulk1: { wasock: () => bulkWasock(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20), false),
    net: () => bulkNet(+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20), false) },
};
const { isMainThread, workerData, parentPort } = await import('node:worker_threads');
if (!isMainThread) {
  const { impl: who, port, expect } = workerData;
  await (who === 'wasock' ? receiveWasock : receiveNet)(port, expect);
  parentPort.postMessage('done');
  process.exit(0);
}
const fn = table[test]?.[impl];
if (!fn) {
  console.error('usage: node bench/async-net.mjs pingpong|echo1000|churn|bulk|bulk1 wasock|net|sync [args]');
  process.exit(2);
}
const r = await fn();
if (typeof r === 'number') done(r);
else done(r.rate, { rates: r.rates });
