// wasock/promises: echo over TCP/UDP/UNIX on one event loop, timeouts, aborts,
// the core's rule for every mode, name resolution off the loop, 1000
// concurrent connections and 10k connect/close cycles with a flat descriptor
// count, no leaked poll handles and no unhandled rejections.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock/promises';
import * as syncSocket from 'wasock';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/helpers.mjs';
import { fdCount, tempDir, removeDir, sleep, bytes, text } from './lib/helpers.mjs';

const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

const EAGAIN = 11;
const EBADF = 9;
const ECONNREFUSED = 111;
const EINPROGRESS = 115;

function listener(family = socket.AF_INET, host = family === socket.AF_INET6 ? '::1' : '127.0.0.1') {
  const l = socket.socket(family, socket.SOCK_STREAM);
  l.bind([host, 0]);
  l.listen(128);
  return l;
}

async function pair(family = socket.AF_INET) {
  const l = listener(family);
  const c = socket.socket(family, socket.SOCK_STREAM);
  const [[s], ] = await Promise.all([l.accept(), c.connect(l.getsockname())]);
  l.close();
  return [c, s];
}

// Lets uv_close callbacks run, so closed handles are freed before counting.
const settle = () => new Promise((r) => setImmediate(() => setImmediate(r)));

async function rejects(p, check) {
  try {
    await p;
  } catch (e) {
    check(e);
    return e;
  }
  assert.unreachable('expected a rejection');
}

test('the same names as the sync API; blocking calls return Promises', async () => {
  for (const name of Object.keys(syncSocket)) assert.ok(name in socket, `missing ${name}`);
  const s = socket.socket();
  assert.ok(s instanceof socket.SocketType);
  // One implementation of state, conversions and operations under both classes; only the
  // driver differs, so the Promise socket's methods keep their own (Promise) signatures.
  assert.is(Object.getPrototypeOf(socket.SocketType.prototype), Object.getPrototypeOf(syncSocket.SocketType.prototype),
    'shares the sync SocketType\'s base');
  assert.ok(new socket.socket() instanceof socket.socket);
  const p = s.connect_ex(['127.0.0.1', 1]);
  assert.ok(p instanceof Promise);
  assert.is(await p, ECONNREFUSED);
  s.close();
  assert.is(socket.AF_INET, syncSocket.AF_INET);
  assert.is(socket.error, syncSocket.error);
  assert.is(socket.timeout, syncSocket.timeout);
});

test('MSG_DONTWAIT: in blocking mode EAGAIN at once, as CPython; in timeout mode the wait still runs', async () => {
  const [a, b] = socket.socketpair();
  try {
    const rejects = async (p) => {
      try {
        await p;
      } catch (e) {
        return e;
      }
      assert.unreachable('resolved');
    };
    // Positive control: data there, the same flags return it.
    await b.sendall(bytes('x'));
    assert.equal(text(await a.recv(10, socket.MSG_DONTWAIT)), 'x');
    for (const p of [a.recv(10, socket.MSG_DONTWAIT), a.recvfrom(10, socket.MSG_DONTWAIT),
      a.recvmsg(10, 0, socket.MSG_DONTWAIT), a.recv_into(new Uint8Array(4), 4, socket.MSG_DONTWAIT)]) {
      const e = await rejects(p);
      assert.ok(e instanceof socket.error, String(e));
      assert.is(e.errno, EAGAIN);
    }
    // Fill b's send buffer: a send with MSG_DONTWAIT then fails, with or without sendmsg.
    const block = new Uint8Array(65536);
    let e = null;
    for (let i = 0; i < 10000 && e === null; i++) {
      try {
        await b.send(block, socket.MSG_DONTWAIT);
      } catch (x) {
        e = x;
      }
    }
    assert.is(e?.errno, EAGAIN);
    assert.is((await rejects(b.sendmsg([block], [], socket.MSG_DONTWAIT))).errno, EAGAIN);
    // Timeout mode: CPython waits for readiness first, so the timeout is what ends it.
    const c = socket.socketpair();
    c[0].settimeout(0.1);
    const t = await rejects(c[0].recv(10, socket.MSG_DONTWAIT));
    assert.ok(t instanceof socket.timeout, String(t));
    c[0].close();
    c[1].close();
  } finally {
    a.close();
    b.close();
  }
});

test('TCP echo (IPv4 and IPv6), recv_into, recvfrom, sendall of 4 MiB', async () => {
  for (const family of [socket.AF_INET, socket.AF_INET6]) {
    const [c, s] = await pair(family);
    const echo = (async () => {
      const buf = new Uint8Array(65536);
      for (;;) {
        const n = await s.recv_into(buf);
        if (n === 0) break;
        await s.sendall(buf.subarray(0, n));
      }
      s.close();
    })();
    await c.sendall(bytes('ping'));
    assert.is(text(await c.recv(100)), 'ping');
    const big = new Uint8Array(4 << 20).map((_, i) => i * 7);
    const got = [];
    let n = 0;
    const reader = (async () => {
      while (n < big.length) {
        const [d] = await c.recvfrom(65536);
        got.push(d);
        n += d.length;
      }
    })();
    await c.sendall(big);
    await reader;
    assert.ok(Buffer.concat(got).equals(Buffer.from(big)), 'bulk echo intact');
    c.shutdown(socket.SHUT_WR);
    assert.is((await c.recv(10)).length, 0);
    await echo;
    c.close();
  }
});

test('UDP echo: sendto/recvfrom both argument forms', async () => {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.bind(['127.0.0.1', 0]);
  b.bind(['127.0.0.1', 0]);
  const r = b.recvfrom(100);
  assert.is(await a.sendto(bytes('dgram'), b.getsockname()), 5);
  const [data, from] = await r;
  assert.is(text(data), 'dgram');
  assert.equal(from, a.getsockname());
  await b.sendto(bytes('back'), 0, from);
  const [d2] = await a.recvfrom(100);
  assert.is(text(d2), 'back');
  a.close();
  b.close();
});

test('AF_UNIX stream and datagram echo; socketpair', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 's');
    const l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    l.bind(path);
    l.listen();
    const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    const [[s]] = await Promise.all([l.accept(), c.connect(path)]);
    await c.sendall(bytes('unix'));
    await s.sendall(await s.recv(10));
    assert.is(text(await c.recv(10)), 'unix');
    for (const x of [l, c, s]) x.close();
    const [x, y] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    assert.ok(x instanceof socket.SocketType);
    const r = y.recv(10);
    await x.send(bytes('pair'));
    assert.is(text(await r), 'pair');
    x.close();
    y.close();
  } finally {
    removeDir(dir);
  }
});

// A sendall waiting for POLLOUT while the reader on the same loop waits for
// POLLIN, and a reader that reads less than is queued: every wait must end
// even when its descriptor was already ready before it began (Deno's uv_poll
// imitation once left both waiting forever).
test('sendall and a slower reader on one loop: 32 MiB arrive whole', async () => {
  const [c, d] = socket.socketpair();
  const big = new Uint8Array(32 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i >> 12) & 0xff;
  const reader = (async () => {
    const buf = new Uint8Array(65536);
    let n = 0, sum = 0;
    while (n < big.length) {
      const k = await d.recv_into(buf, 40000);
      for (let i = 0; i < k; i++) sum = (sum + buf[i]) | 0;
      n += k;
      if ((n & ((4 << 20) - 1)) < 40000) await sleep(1);
    }
    return [n, sum];
  })();
  let want = 0;
  for (let i = 0; i < big.length; i++) want = (want + big[i]) | 0;
  await c.sendall(big);
  assert.equal(await reader, [big.length, want]);
  c.close();
  d.close();
});

test('many operations wait at once on one loop (no blocking)', async () => {
  const [c, s] = await pair();
  let ticks = 0;
  const iv = setInterval(() => ticks++, 5);
  const r = s.recv(10);
  await sleep(60);
  assert.ok(ticks >= 5, `the loop ran while recv waited (${ticks} ticks)`);
  await c.send(bytes('x'));
  assert.is(text(await r), 'x');
  clearInterval(iv);
  c.close();
  s.close();
});

test('settimeout: rejects with socket.timeout after the deadline; the socket stays usable', async () => {
  const [c, s] = await pair();
  s.settimeout(0.15);
  assert.is(s.gettimeout(), 0.15);
  assert.is(s.timeout, 0.15);
  assert.ok(s.getblocking());
  const t0 = performance.now();
  await rejects(s.recv(10), (e) => {
    assert.instance(e, socket.timeout);
    assert.is(e.message, 'timed out');
  });
  const dt = performance.now() - t0;
  assert.ok(dt >= 140 && dt < 1000, `waited ${dt} ms`);
  await c.send(bytes('late'));
  assert.is(text(await s.recv(10)), 'late');
  // accept times out the same way
  const l = listener();
  l.settimeout(0.05);
  await rejects(l.accept(), (e) => assert.instance(e, socket.timeout));
  l.close();
  c.close();
  s.close();
});

// On the epoll backend the poll that comes with a wait's registration can find
// the data already queued and finish the read at once: the read's time limit,
// armed for that wait, must go with it, or it fires later, retries the
// settled read and takes data meant for the next one.
test('settimeout: a read whose wait finds its data already queued leaves no time limit behind', async () => {
  const [c, s] = await pair();
  s.settimeout(0.1);
  const first = s.recv(10); // would block: the next read after a send waits first
  await c.sendall(bytes('a'));
  assert.is(text(await first), 'a');
  for (let i = 0; i < 20; i++) {
    await s.sendall(bytes('q'));
    await c.sendall(bytes(`r${i}`)); // queued before s's read waits
    assert.is(text(await s.recv(10)), `r${i}`);
    assert.is(text(await c.recv(10)), 'q');
  }
  await c.sendall(bytes('last'));
  await sleep(250); // past every time limit armed above
  assert.is(text(await s.recv(10)), 'last');
  c.close();
  s.close();
});

test('non-blocking mode: EAGAIN at once, connect EINPROGRESS / connect_ex', async () => {
  const [c, s] = await pair();
  s.setblocking(false);
  assert.is(s.gettimeout(), 0);
  assert.not.ok(s.getblocking());
  await rejects(s.recv(10), (e) => {
    assert.instance(e, socket.error);
    assert.is(e.errno, EAGAIN);
    assert.is(e.code, 'EAGAIN');
  });
  const l = listener();
  const n = socket.socket();
  n.setblocking(false);
  const r = await n.connect_ex(l.getsockname());
  assert.ok(r === EINPROGRESS || r === 0, `connect_ex ${r}`);
  const m = socket.socket();
  m.settimeout(0);
  await rejects(m.connect(l.getsockname()), (e) => assert.is(e.errno, EINPROGRESS));
  for (const x of [c, s, l, n, m]) x.close();
});

test('connect: refused rejects with ECONNREFUSED; connect_ex returns it; a full backlog times out', async () => {
  const probe = socket.socket();
  probe.bind(['127.0.0.1', 0]);
  const dead = probe.getsockname();
  probe.close();
  const a = socket.socket();
  await rejects(a.connect(dead), (e) => assert.is([e.errno, e.syscall, e.address, e.port].join(' '),
    [ECONNREFUSED, 'connect', dead[0], dead[1]].join(' ')));
  a.close();
  const b = socket.socket();
  b.settimeout(2);
  assert.is(await b.connect_ex(dead), ECONNREFUSED);
  b.close();
  // A listener with a full accept queue drops SYNs: the connect waits until its deadline.
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(0);
  const fillers = [];
  let timedOutAt = -1;
  for (let i = 0; i < 8 && timedOutAt < 0; i++) {
    const f = socket.socket();
    f.settimeout(0.2);
    fillers.push(f);
    try {
      await f.connect(l.getsockname());
    } catch (e) {
      assert.instance(e, socket.timeout);
      timedOutAt = i;
    }
  }
  assert.ok(timedOutAt >= 0, 'a connect to a full backlog timed out');
  const ex = socket.socket();
  ex.settimeout(0.1);
  assert.is(await ex.connect_ex(l.getsockname()), EAGAIN, 'connect_ex: a timeout is EAGAIN');
  ex.close();
  for (const f of fillers) f.close();
  l.close();
});

test('AbortSignal: rejects with AbortError, the socket stays usable, no waiter left', async () => {
  const [c, s] = await pair();
  const ac = new AbortController();
  const p = s.recv(10, ac.signal);
  setTimeout(() => ac.abort(), 20);
  await rejects(p, (e) => {
    assert.is(e.name, 'AbortError');
    assert.is(e.code, 'ABORT_ERR');
  });
  assert.is(socket.pollStats().waiting, 0);
  // an already-aborted signal rejects at once, without an attempt
  await c.send(bytes('kept'));
  await rejects(s.recv(10, 0, AbortSignal.abort()), (e) => assert.is(e.name, 'AbortError'));
  assert.is(text(await s.recv(10)), 'kept', 'data not consumed by the aborted call');
  // abort with a timeout in force too
  s.settimeout(5);
  const ac2 = new AbortController();
  const p2 = s.recv_into(new Uint8Array(4), ac2.signal);
  ac2.abort();
  await rejects(p2, (e) => assert.is(e.name, 'AbortError'));
  // accept and connect take a signal as well
  const l = listener();
  await rejects(l.accept(AbortSignal.abort()), (e) => assert.is(e.name, 'AbortError'));
  const ac3 = new AbortController();
  const pa = l.accept(ac3.signal);
  ac3.abort(new Error('why'));
  await rejects(pa, (e) => assert.is(e.cause.message, 'why'));
  assert.is(socket.pollStats().waiting, 0);
  for (const x of [c, s, l]) x.close();
});

test('close() rejects pending operations with EBADF', async () => {
  const [c, s] = await pair();
  const p = s.recv(10);
  await sleep(5);
  s.close();
  await rejects(p, (e) => assert.is(e.errno, EBADF));
  await rejects(s.recv(10), (e) => assert.is(e.errno, EBADF));
  c.close();
});

test('socket.close(fd) also rejects what waits on that descriptor', async () => {
  const [a, b] = socket.socketpair();
  const p = a.recv(10);
  await sleep(5);
  socket.close(a.fileno());
  await rejects(p, (e) => assert.is(e.errno, EBADF));
  assert.is(socket.pollStats().waiting, 0);
  a.detach();
  b.close();
});

test('name resolution does not block the loop; numeric answers at once', async () => {
  const num = await socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(num, syncSocket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM));
  const named = await socket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(named, syncSocket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_STREAM));
  await rejects(socket.getaddrinfo('nonexistent.invalid', 80), (e) => {
    assert.instance(e, socket.gaierror);
    assert.is(e.errno, syncSocket.EAI_NONAME);
  });
  await rejects(socket.getaddrinfo('localhost', 80, 0, 0, 0, 0, AbortSignal.abort()), (e) =>
    assert.is(e.name, 'AbortError'));
  assert.equal(await socket.getnameinfo(['127.0.0.1', 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    ['127.0.0.1', '80']);
});

test('create_connection', async () => {
  const l = listener();
  const [, port] = l.getsockname();
  const acc = l.accept();
  const c = await socket.create_connection(['localhost', port], 2);
  assert.ok(c instanceof socket.SocketType);
  assert.is(c.gettimeout(), 2);
  const [s] = await acc;
  await c.sendall(bytes('cc'));
  assert.is(text(await s.recv(10)), 'cc');
  for (const x of [c, s, l]) x.close();
  const probe = socket.socket();
  probe.bind(['127.0.0.1', 0]);
  const dead = probe.getsockname();
  probe.close();
  await rejects(socket.create_connection(dead), (e) => assert.is(e.errno, ECONNREFUSED));
});

test('1000 concurrent connections served by one event loop', async () => {
  const N = 1000;
  const l = listener();
  l.listen(N);
  const addr = l.getsockname();
  let served = 0;
  const server = (async () => {
    const conns = [];
    for (let i = 0; i < N; i++) {
      const [s] = await l.accept();
      conns.push((async () => {
        const d = await s.recv(64);
        await s.sendall(d);
        s.close();
        served++;
      })());
    }
    await Promise.all(conns);
  })();
  const clients = [];
  for (let i = 0; i < N; i++) {
    clients.push((async () => {
      const c = socket.socket();
      await c.connect(addr);
      return c;
    })());
  }
  const socks = await Promise.all(clients);
  // every connection open at once, then all talk concurrently
  const replies = await Promise.all(socks.map(async (c, i) => {
    await c.sendall(bytes(`msg ${i}`));
    const r = text(await c.recv(64));
    c.close();
    return r;
  }));
  await server;
  assert.is(served, N);
  replies.forEach((r, i) => assert.is(r, `msg ${i}`));
  l.close();
  await settle();
  assert.is(socket.pollStats().waiting, 0);
});

test('10k sequential connect/accept/close cycles: flat fds, no leaked handles', async () => {
  const l = listener();
  const addr = l.getsockname();
  const cycle = async () => {
    const c = socket.socket();
    const [[s]] = await Promise.all([l.accept(), c.connect(addr)]);
    c.close();
    s.close();
  };
  await cycle();
  await settle();
  const fds0 = fdCount();
  const h0 = socket.pollStats().handles;
  for (let i = 0; i < 10000; i++) await cycle();
  await settle();
  const fds1 = fdCount();
  const h1 = socket.pollStats().handles;
  assert.ok(fds1 <= fds0 + 2, `fds ${fds0} -> ${fds1}`);
  assert.ok(h1 <= h0, `poll handles ${h0} -> ${h1}`);
  l.close();
});

// Each worker thread has its own readiness state and handles. Node unloads an
// addon when a worker that loaded it exits, before that loop runs its closing
// handles: this once crashed (SIGSEGV) when the workers were terminated.
// Runs `node -e`: Deno's binary takes other arguments (tests/runtimes.test.mjs runs this file there).
const nodeCli = !('Deno' in globalThis);
(nodeCli ? test : test.skip)('worker threads wait on their own loops; terminating them is safe', () => {
  const src = `import { Worker } from 'node:worker_threads';
const code = \`import('wasock/promises').then(async (s) => {
  const [a, b] = s.socketpair();
  const p = b.recv(10);
  await a.send(new Uint8Array([119]));
  const r = (await p)[0];
  a.close(); b.close();
  (await import('node:worker_threads')).parentPort.postMessage(r);
});\`;
const ws = [0, 1, 2].map(() => new Worker(code, { eval: true }));
const got = await Promise.all(ws.map((w) => new Promise((r, j) => { w.once('message', r); w.once('error', j); })));
const s = await import('wasock/promises');
const [a, b] = s.socketpair(); const p = b.recv(10); await a.send(new Uint8Array([65]));
console.log(JSON.stringify([...got, (await p)[0]]));
a.close(); b.close();
for (const w of ws) await w.terminate();`;
  for (const mode of ['uv', 'thread']) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', src],
      { cwd: ROOT, encoding: 'utf8', timeout: 30000, env: { ...process.env, WASOCK_POLL: mode } });
    assert.is(r.status, 0, `${mode}: exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    assert.is(r.stdout.trim(), '[119,119,119,65]', mode);
  }
});

test('no unhandled rejections', async () => {
  await settle();
  assert.equal(unhandled, []);
});

test.run();
