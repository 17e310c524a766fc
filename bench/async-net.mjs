// Event-loop benchmarks: wasock/promises against Node's net, both ends in one
// process and one event loop. Prints one JSON line { rate, ... } at the end.
//
//   node bench/async-net.mjs pingpong wasock|net [N] [WARM]   64 B round trips/s, TCP_NODELAY
//   node bench/async-net.mjs echo1000 wasock|net [ROUNDS]      1000 concurrent connections, each
//                                                             ROUNDS 64 B echoes (after 5 warm-up
//                                                             rounds): messages/s
//   node bench/async-net.mjs pingpong-xp|echo1000-xp ...        the same two against
//                                                             bench/echo-server.c in a process of
//                                                             its own (WASOCK_ECHO_SERVER=binary)
//   node bench/async-net.mjs churn wasock|sync|net [N]         connect/accept/close cycles/s
//   node bench/async-net.mjs bulk wasock|net [BYTES] [WARM]    BYTES in 64 KiB chunks, receiver in a
//                                                             Worker (as bulk.c's thread): MiB/s
//   node bench/async-net.mjs bulk1 wasock|net [BYTES] [WARM]   the same, both ends on one event loop
//   deno run -A bench/async-net.mjs pingpong|echo1000|...-xp|bulk1 wasock|net|native ...
//   bun run bench/async-net.mjs pingpong|echo1000|...-xp|bulk1 wasock|net|native ...
//                                                             the same on Deno and Bun; native is the
//                                                             runtime's own API (Deno.listen /
//                                                             Deno.connect, Bun.listen / Bun.connect)
//   ... pingpong|echo1000|...-xp|bulk1 side [N|BYTES] [WARM|ROUNDS]  every implementation in this one process,
//                                                             in alternating slices: { rate, rates }
import net from 'node:net';

const [, , test, impl, a1, a2] = process.argv;
const MSG = Buffer.alloc(64, 0x61);
const now = () => performance.now();

function done(rate, extra = {}) {
  console.log(JSON.stringify({ test, impl, rate, ...extra }));
  process.exit(0);
}

// The runtime's own API (Deno's or Bun's), where there is one.
const native = (bun, deno) => (typeof Bun !== 'undefined' ? bun : 'Deno' in globalThis ? deno : null);

// WASOCK_DIST=dir: another build's dist/ (A/B runs of two builds).
const DIST = process.env.WASOCK_DIST;

async function wasock() {
  return import(DIST ? `${DIST}/promises.js` : 'wasock/promises');
}

// A connected pair of wasock/promises sockets: { socket (the module), l, c (the connecting
// end), s (the accepted one) }.
async function wasockPair() {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const c = socket.socket();
  const [[s]] = await Promise.all([l.accept(), c.connect(l.getsockname())]);
  return { socket, l, c, s };
}

// ---- echo: 64 B ping-pong and 1,000 connections ------------------------------------------------
// Each implementation has an echo server (any number of connections, each echoing what it
// receives) and a client of `conns` connections to a port: { round(k): k round trips of 64 B on
// every connection, one message in flight on each, close() }. Ping-pong is one connection,
// echo1000 a thousand. The server runs on the measured event loop (pingpong, echo1000: a wait
// often finds its peer's answer already there), or is bench/echo-server.c in a process of its
// own (pingpong-xp, echo1000-xp: nothing is ready until that process answers, so the loop
// sleeps between messages and each answer has to wake it). TCP_NODELAY on every socket.
const CONNS = 1000;
// Echo rounds per connection before the clock starts (both implementations).
const ECHO_WARM = 5;

async function serverWasock() {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(CONNS);
  const conns = [];
  const serve = async (s) => {
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    const buf = Buffer.alloc(4096);
    try {
      for (let k; (k = await s.recv_into(buf)) !== 0;) await s.sendall(buf.subarray(0, k));
    } catch { /* a reset ends it as end of stream does */ }
    s.close();
  };
  // The listener's close rejects the pending accept (EBADF), which ends the loop.
  const accepting = (async () => {
    for (;;) conns.push(serve((await l.accept())[0]));
  })().catch(() => {});
  return { port: l.getsockname()[1],
    close: async () => {
      l.close();
      await accepting;
      await Promise.all(conns);
    } };
}

async function clientWasock(port, conns) {
  const socket = await wasock();
  const cs = await Promise.all(Array.from({ length: conns }, async () => {
    const c = socket.socket();
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    await c.connect(['127.0.0.1', port]);
    return c;
  }));
  const run = async (c, k) => {
    const buf = Buffer.alloc(64);
    for (let r = 0; r < k; r++) {
      await c.sendall(MSG);
      let got = 0;
      while (got < 64) got += await c.recv_into(buf.subarray(got));
    }
  };
  return { round: (k) => Promise.all(cs.map((c) => run(c, k))),
    close: async () => {
      for (const c of cs) c.close();
    } };
}

async function serverNet() {
  const server = net.createServer({ noDelay: true }, (s) => {
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: CONNS }, r));
  return { port: server.address().port, close: async () => server.close() };
}

// A callback API's client (net's, Bun's): connect(data) makes one connection whose data events
// go to data(chunk) and returns its write(); `chained` picks how a connection's round trips
// follow each other (see roundTrips and chainedEchoes).
async function callbackClients(conns, chained, connect) {
  const es = await Promise.all(Array.from({ length: conns }, async () => {
    let e;
    const write = await connect((d) => e.data(d));
    e = (chained ? chainedEchoes : roundTrips)(write);
    return e;
  }));
  return (k) => Promise.all(es.map((e) => e.round(k)));
}

async function clientNet(port, conns, chained) {
  const cs = [];
  const round = await callbackClients(conns, chained, (data) => new Promise((res) => {
    const c = net.connect(port, '127.0.0.1', () => res(() => c.write(MSG)));
    c.setNoDelay(true);
    c.on('data', data);
    cs.push(c);
  }));
  return { round,
    close: async () => {
      for (const c of cs) c.destroy();
    } };
}

// Round trips one after another, each a write and a Promise settled when its 64 bytes are
// back (as an async/await program over a callback API makes them).
function roundTrips(write) {
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

// Round trips as callbacks chain them: data(chunk) counts the echo in and sends the next
// message from the callback itself; round(k) resolves when k echoes of 64 B are back.
function chainedEchoes(write) {
  let left = 0;
  let got = 0;
  let done = null;
  return {
    data(d) {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        if (--left === 0) {
          done();
          return;
        }
        write();
      }
    },
    round: (k) => new Promise((res) => {
      left = k;
      done = res;
      write();
    }),
  };
}

// The runtime's own TCP API: Deno.listen/Deno.connect (streams of reads and writes).
// Deno's conn.read fills at most the buffer and conn.write may take part of it: these two
// loop to a whole buffer; readFull is false at end of stream.
async function denoReadFull(conn, buf) {
  for (let got = 0; got < buf.length;) {
    const k = await conn.read(buf.subarray(got));
    if (k === null) return false;
    got += k;
  }
  return true;
}

async function denoWriteAll(conn, b) {
  for (let off = 0; off < b.length;) off += await conn.write(b.subarray(off));
}

// A connected pair on Deno's own API: { l, c (the connecting end), s (the accepted one) }.
async function denoPair() {
  const l = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const accepted = l.accept();
  const c = await Deno.connect({ hostname: '127.0.0.1', port: l.addr.port });
  return { l, c, s: await accepted };
}

async function serverDeno() {
  const l = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const conns = [];
  const serve = async (s) => {
    s.setNoDelay(true);
    const buf = new Uint8Array(4096);
    try {
      for (let k; (k = await s.read(buf)) !== null;) await denoWriteAll(s, buf.subarray(0, k));
    } catch { /* a reset ends it as end of stream does */ }
    s.close();
  };
  // The listener's close ends the iteration.
  const accepting = (async () => {
    for await (const s of l) conns.push(serve(s));
  })().catch(() => {});
  return { port: l.addr.port,
    close: async () => {
      l.close();
      await accepting;
      await Promise.all(conns);
    } };
}

async function clientDeno(port, conns) {
  const cs = await Promise.all(Array.from({ length: conns }, async () => {
    const c = await Deno.connect({ hostname: '127.0.0.1', port });
    c.setNoDelay(true);
    return c;
  }));
  const run = async (c, k) => {
    const buf = new Uint8Array(64);
    for (let r = 0; r < k; r++) {
      await denoWriteAll(c, MSG);
      await denoReadFull(c, buf);
    }
  };
  return { round: (k) => Promise.all(cs.map((c) => run(c, k))),
    close: async () => {
      for (const c of cs) c.close();
    } };
}

// Bun.listen/Bun.connect: callbacks on Bun's own loop. Bun's write is unbuffered and may take
// part of the data, but a connection here has one 64 B message in flight, which the kernel's
// send buffer always takes whole.
async function serverBun() {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: {
    open(s) { s.setNoDelay?.(true); },
    data(s, d) { s.write(d); },
  } });
  return { port: server.port, close: async () => server.stop(true) };
}

async function clientBun(port, conns, chained) {
  const cs = [];
  const round = await callbackClients(conns, chained, async (data) => {
    const c = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data(_s, d) { data(d); } } });
    c.setNoDelay?.(true);
    cs.push(c);
    return () => c.write(MSG);
  });
  return { round,
    close: async () => {
      for (const c of cs) c.end();
    } };
}

// bench/echo-server.c, started once (WASOCK_ECHO_SERVER names the binary): its port.
let external = null;
function externalServer() {
  external ??= (async () => {
    const bin = process.env.WASOCK_ECHO_SERVER;
    if (!bin) throw new Error('the *-xp tests need WASOCK_ECHO_SERVER, a build of bench/echo-server.c');
    const { spawn } = await import('node:child_process');
    // It exits when its standard input closes, with this process.
    const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise((res, rej) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) res(Number(out.trim()));
      });
      child.on('exit', () => rej(new Error(`${bin} exited`)));
    });
    // Neither it nor its pipes keep this process alive.
    child.unref();
    for (const s of [child.stdin, child.stdout]) s.unref?.();
    return port;
  })();
  return external;
}

// An implementation's echo setup: its server on this loop, or bench/echo-server.c.
const SERVERS = { promises: serverWasock, net: serverNet, native: native(serverBun, serverDeno) };
const CLIENTS = { promises: clientWasock, net: clientNet, native: native(clientBun, clientDeno) };
const echoSetup = (who, conns, chained, xp) => SERVERS[who] && (async () => {
  const srv = xp ? null : await SERVERS[who]();
  const c = await CLIENTS[who](xp ? await externalServer() : srv.port, conns, chained);
  return { round: c.round,
    close: async () => {
      await c.close();
      await srv?.close();
    } };
});

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
// receives into one 64 KiB buffer. `bulk1` keeps both ends on one event loop: a
// pair per implementation whose round(k) sends k chunks and ends when the
// receiver has counted every byte of them, so that a slice of `side` times its
// own bytes and none of another implementation's.
const CHUNK = 65536;

// Receives `bytes` through read(view) (a count, 0 at end of stream) into buf, never
// asking for more than are left: a slice's bytes, not the next one's.
async function recvCount(read, bytes, buf) {
  for (let got = 0; got < bytes;) {
    const n = await read(buf.subarray(0, Math.min(buf.length, bytes - got)));
    if (n === 0) throw new Error('eof');
    got += n;
  }
}

// Counts the bytes a callback API delivers (net's 'data', Bun's data handler): add(n)
// from the callback; until(bytes) resolves once `bytes` more are in, and rejects when
// more came than that (bytes of another slice).
function byteCounter() {
  let left = 0;
  let settle = null;
  const check = () => {
    if (left > 0 || !settle) return;
    const s = settle;
    settle = null;
    s(left);
  };
  return {
    add(n) {
      left -= n;
      check();
    },
    until(bytes) {
      left += bytes;
      return new Promise((res, rej) => {
        settle = (rest) => (rest === 0 ? res() : rej(new Error(`${-rest} bytes past the slice`)));
        check();
      });
    },
  };
}

// k chunks through wasock's sendall, and through net's write with its backpressure.
async function sendWasock(tx, chunk, k) {
  for (let i = 0; i < k; i++) await tx.sendall(chunk);
}

async function sendNet(tx, chunk, k) {
  for (let i = 0; i < k; i++) {
    if (!tx.write(chunk)) await new Promise((r) => tx.once('drain', r));
  }
}

// The receiver thread: connect, receive `expect` bytes, resolve when every byte is in.
async function receiveWasock(port, expect) {
  const socket = await wasock();
  const rx = socket.socket();
  await rx.connect(['127.0.0.1', port]);
  await recvCount((b) => rx.recv_into(b), expect, Buffer.alloc(CHUNK));
  rx.close();
}

async function receiveNet(port, expect) {
  const rx = net.connect(port, '127.0.0.1');
  const counter = byteCounter();
  rx.on('data', (d) => counter.add(d.length));
  await counter.until(expect);
  rx.destroy();
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

async function bulkWasock(total, warm) {
  const socket = await wasock();
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const received = receiverThread('wasock', l.getsockname()[1], warm + total);
  const [tx] = await l.accept();
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const finished = received.then(() => now());
  await sendWasock(tx, chunk, Math.ceil(warm / CHUNK));
  const t0 = now();
  await sendWasock(tx, chunk, Math.ceil(total / CHUNK));
  const dt = ((await finished) - t0) / 1000;
  for (const x of [tx, l]) x.close();
  return total / dt / 1048576;
}

async function bulkNet(total, warm) {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise((r) => server.once('connection', r));
  const received = receiverThread('net', server.address().port, warm + total);
  const tx = await accepted;
  const finished = received.then(() => now());
  const chunk = Buffer.alloc(CHUNK, 0x78);
  await sendNet(tx, chunk, Math.ceil(warm / CHUNK));
  const t0 = now();
  await sendNet(tx, chunk, Math.ceil(total / CHUNK));
  const dt = ((await finished) - t0) / 1000;
  tx.destroy();
  server.close();
  return total / dt / 1048576;
}

// Both ends on this event loop: the accepted socket sends, the connecting one receives.
async function bulkPairWasock() {
  const { l, c: rx, s: tx } = await wasockPair();
  l.close();
  const chunk = Buffer.alloc(CHUNK, 0x78);
  const buf = Buffer.alloc(CHUNK);
  const read = (b) => rx.recv_into(b);
  return { round: (k) => Promise.all([sendWasock(tx, chunk, k), recvCount(read, k * CHUNK, buf)]),
    close: () => {
      tx.close();
      rx.close();
    } };
}

async function bulkPairNet() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise((r) => server.once('connection', r));
  const rx = net.connect(server.address().port, '127.0.0.1');
  const tx = await accepted;
  server.close();
  const counter = byteCounter();
  rx.on('data', (d) => counter.add(d.length));
  const chunk = Buffer.alloc(CHUNK, 0x78);
  return { round: (k) => Promise.all([sendNet(tx, chunk, k), counter.until(k * CHUNK)]),
    close: () => {
      tx.destroy();
      rx.destroy();
    } };
}

async function bulkPairDeno() {
  const { l, c: rx, s: tx } = await denoPair();
  l.close();
  const chunk = new Uint8Array(CHUNK).fill(0x78);
  const buf = new Uint8Array(CHUNK);
  const send = async (k) => {
    for (let i = 0; i < k; i++) await denoWriteAll(tx, chunk);
  };
  const read = async (b) => (await rx.read(b)) ?? 0;
  return { round: (k) => Promise.all([send(k), recvCount(read, k * CHUNK, buf)]),
    close: () => {
      tx.close();
      rx.close();
    } };
}

// Bun's write is unbuffered: it returns what the kernel's send buffer took, and the
// socket's drain handler says when to write the rest.
async function bulkPairBun() {
  const chunk = Buffer.alloc(CHUNK, 0x78);
  let tx = null;
  let left = 0;
  let off = 0;
  let sent = null;
  const pump = () => {
    while (left > 0) {
      const n = tx.write(chunk, off, CHUNK - off);
      if (n < 0) throw new Error('bulk sender: socket closed');
      off += n;
      if (off < CHUNK) return;
      off = 0;
      left--;
    }
    const s = sent;
    sent = null;
    s?.();
  };
  let opened;
  const accepted = new Promise((r) => { opened = r; });
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: {
    open: (s) => opened(s), drain: pump, data() {},
  } });
  const counter = byteCounter();
  const rx = await Bun.connect({ hostname: '127.0.0.1', port: server.port, socket: {
    data(_s, d) { counter.add(d.length); },
  } });
  tx = await accepted;
  const send = (k) => new Promise((res) => {
    left = k;
    sent = res;
    pump();
  });
  return { round: (k) => Promise.all([send(k), counter.until(k * CHUNK)]),
    close: () => {
      rx.end();
      server.stop(true);
    } };
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

const PP = [+(a1 ?? 100000), +(a2 ?? 10000)];
const ECHO = [+(a1 ?? 50), ECHO_WARM, CONNS];
// bulk's bytes and warm-up bytes; bulk1's the same in chunks, rated in MiB.
const BULK = [+(a1 ?? 2 ** 30), +(a2 ?? 64 * 2 ** 20)];
const BULK1 = [Math.ceil(BULK[0] / CHUNK), Math.ceil(BULK[1] / CHUNK), CHUNK / 1048576];

// test -> { promises, net, native? } setups: each one alone (wasock|net|native), or side by side.
const PER = ['promises', 'net', 'native'];
const echo = (conns, chained, xp) => Object.fromEntries(PER.map((who) => [who, echoSetup(who, conns, chained, xp)]));
const setups = {
  pingpong: [echo(1, false, false), PP],
  echo1000: [echo(CONNS, true, false), ECHO],
  'pingpong-xp': [echo(1, false, true), PP],
  'echo1000-xp': [echo(CONNS, true, true), ECHO],
  bulk1: [{ promises: bulkPairWasock, net: bulkPairNet, native: native(bulkPairBun, bulkPairDeno) }, BULK1],
};
const table = {
  churn: { wasock: () => churnWasock(+(a1 ?? 10000)), sync: () => churnSync(+(a1 ?? 10000)),
    net: () => churnNet(+(a1 ?? 10000)) },
  bulk: { wasock: () => bulkWasock(...BULK), net: () => bulkNet(...BULK) },
};
for (const [name, [all, args]] of Object.entries(setups)) {
  const have = Object.fromEntries(Object.entries(all).filter(([, f]) => f));
  table[name] = { side: () => side(have, ...args) };
  for (const [who, f] of Object.entries(have)) table[name][who === 'promises' ? 'wasock' : who] = () => alone(f, ...args);
}
const { isMainThread, workerData, parentPort } = await import('node:worker_threads');
if (!isMainThread) {
  const { impl: who, port, expect } = workerData;
  await (who === 'wasock' ? receiveWasock : receiveNet)(port, expect);
  parentPort.postMessage('done');
  process.exit(0);
}
const fn = table[test]?.[impl];
if (!fn) {
  console.error('usage: node bench/async-net.mjs pingpong|echo1000|churn|bulk|bulk1 wasock|net|sync|native|side [args]');
  process.exit(2);
}
const r = await fn();
if (typeof r === 'number') done(r);
else done(r.rate, { rates: r.rates });
