// Child of tests/promises-wakeup.test.mjs, run under Node (either readiness backend, by
// WASOCK_POLL), Deno or Bun. argv[2] is the scenario:
//   storm N ROUNDS  N connections over loopback; on each, ROUNDS exchanges where the client
//                   and the server each sleep a random 0-15 ms (or not at all) before sending,
//                   so every order happens: data already queued when a recv starts, a recv
//                   waiting before the data, a sendall and a recv waiting on one descriptor.
//                   Prints "done N*ROUNDS" when every exchange completed.
//   idle N          N connections, each with a recv pending on both ends and nothing sent.
//                   Prints "idle" once they all wait, then waits until killed.
//   closed sync|os  recv waits on a socket whose descriptor is then closed behind the Promise
//                   API's back: through the sync API (socket.close(fd), Python's module
//                   function), or by libc's close(2) itself (Node's fs.closeSync; on Deno and
//                   Bun, whose fs does not close foreign descriptors, through their FFI).
//                   Prints how the recv settled.
//   parked N        one connection, N rounds of: a recv waits, the loop sleeps 3 ms (on the
//                   epoll backend it parks: the helper thread wakes it when data comes), then
//                   the peer sends. Prints "done N".
//   peer PORT N     N round trips of 64 B with an echo server in another process
//                   (tests/lib/echo-peer.py) on PORT. Prints JSON: { done, and meanwhile
//                   parks (the loop's hand-overs of the blocking wait to the helper thread) and
//                   spins (loop turns that polled again instead and found nothing) }.
import * as socket from 'wasock/promises';
import * as sync from 'wasock';

// libc's close(2), past every library.
async function osClose(fd) {
  if (typeof Bun !== 'undefined') {
    const { dlopen } = await import('bun:ffi');
    return dlopen('libc.so.6', { close: { args: ['i32'], returns: 'i32' } }).symbols.close(fd);
  }
  if ('Deno' in globalThis) {
    return globalThis.Deno.dlopen('libc.so.6', { close: { parameters: ['i32'], result: 'i32' } }).symbols.close(fd);
  }
  const { closeSync } = await import('node:fs');
  return closeSync(fd);
}

const [mode, a1, a2] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A random delay, a third of the time none at all (then the peer's data may already be there).
const jitter = () => (Math.random() < 1 / 3 ? null : sleep(Math.floor(Math.random() * 16)));

async function pairs(n) {
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(n);
  const addr = l.getsockname();
  const servers = [];
  const accepting = (async () => {
    for (let i = 0; i < n; i++) servers.push((await l.accept())[0]);
  })();
  const clients = await Promise.all(Array.from({ length: n }, async () => {
    const c = socket.socket();
    await c.connect(addr);
    return c;
  }));
  await accepting;
  l.close();
  return [clients, servers];
}

async function recvExactly(s, n) {
  const parts = [];
  for (let got = 0; got < n;) {
    const b = await s.recv(n - got);
    if (b.length === 0) throw new Error('EOF before the whole message');
    parts.push(b);
    got += b.length;
  }
  return Buffer.concat(parts);
}

if (mode === 'storm') {
  const n = Number(a1), rounds = Number(a2);
  const [clients, servers] = await pairs(n);
  let done = 0;
  await Promise.all(clients.map(async (c, i) => {
    const s = servers[i];
    for (let r = 0; r < rounds; r++) {
      const msg = Buffer.from(`${i}:${r}`.padEnd(32, '.'));
      const echo = (async () => {
        const got = await recvExactly(s, 32);
        await jitter();
        await s.sendall(got);
      })();
      await jitter();
      await c.sendall(msg);
      const back = await recvExactly(c, 32);
      await echo;
      if (!back.equals(msg)) throw new Error(`connection ${i} round ${r}: ${back} != ${msg}`);
      done++;
    }
  }));
  for (const x of [...clients, ...servers]) x.close();
  console.log(`done ${done}`);
} else if (mode === 'idle') {
  const [clients, servers] = await pairs(Number(a1));
  for (const x of [...clients, ...servers]) x.recv(1).catch(() => {});
  await sleep(200);
  console.log('idle');
  setInterval(() => {}, 1 << 30);
} else if (mode === 'parked') {
  const n = Number(a1);
  const [[c], [s]] = await pairs(1);
  let done = 0;
  for (let i = 0; i < n; i++) {
    const pending = s.recv(1);
    await sleep(3);
    await c.sendall(Buffer.from('x'));
    if ((await pending).length === 1) done++;
  }
  c.close();
  s.close();
  console.log(`done ${done}`);
} else if (mode === 'peer') {
  const n = Number(a2);
  const c = socket.socket();
  c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  await c.connect(['127.0.0.1', Number(a1)]);
  const msg = Buffer.alloc(64, 0x61), buf = Buffer.alloc(64);
  const s0 = socket.pollStats();
  let done = 0;
  for (let i = 0; i < n; i++) {
    await c.sendall(msg);
    for (let got = 0; got < 64;) got += await c.recv_into(buf.subarray(got));
    if (buf.equals(msg)) done++;
  }
  const s1 = socket.pollStats();
  c.close();
  console.log(JSON.stringify({ done, parks: s1.parks - s0.parks, spins: s1.spins - s0.spins }));
} else if (mode === 'closed') {
  const [[c], [s]] = await pairs(1);
  const pending = c.recv(10).then((b) => `resolved ${b.length}`, (e) => `rejected errno ${e.errno}`);
  await sleep(50);
  if (a1 === 'sync') sync.close(c.fileno());
  else await osClose(c.fileno());
  console.log(await pending);
  s.close();
}
