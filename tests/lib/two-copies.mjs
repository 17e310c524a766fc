// Two copies of wasock/promises on one thread that load one native addon
// (tests/promises-copies.test.mjs runs this in a child process, on Node,
// Deno and Bun, under a time limit).
//
//   two-copies.mjs work FIRST SECOND   both copies wait on the loop, interleaved
//   two-copies.mjs workers FIRST SECOND the same on this thread and a worker's at once
//   two-copies.mjs import FIRST SECOND the second copy's import must fail (its
//                                      readiness contract differs)
//   two-copies.mjs old FIRST           the addon's readiness was set up by code
//                                      that shares nothing (as a wasock that
//                                      predates the sharing did): import must fail
//
// FIRST and SECOND are package roots (each with dist/, wasm/ and the addon at
// its source-build path), imported in that order. Prints one line per step
// and `COPIES OK` at the end; a step that does not finish in STEP_MS is a lost
// wake-up and fails the run.
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, firstRoot, secondRoot] = process.argv.slice(2);
const ADDON = 'ts-bindings/native/build/Release/wasock.node';
const EEXIST = 17;
const EBADF = 9;
const STEP_MS = 10000;
const require = createRequire(import.meta.url);
const addon = require(join(firstRoot, ADDON));
const promises = (root) => import(pathToFileURL(join(root, 'dist', 'promises.js')).href);

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
}

async function step(name, fn) {
  let timer;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: not done after ${STEP_MS} ms (a lost wake-up)`)), STEP_MS);
  });
  try {
    await Promise.race([fn(), hung]);
  } finally {
    clearTimeout(timer);
  }
  console.log(`ok ${name}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const enc = (s) => new TextEncoder().encode(s);
const dec = (u8) => new TextDecoder().decode(u8);

// n bytes whose value depends on their offset and on `seed`: a byte lost,
// repeated or taken from the other stream shows.
function pattern(n, seed) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 12)) & 0xff;
  return b;
}

async function recvExactly(s, n) {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const b = await s.recv(Math.min(65536, n - got));
    check(b.length > 0, `EOF after ${got} of ${n} bytes`);
    out.set(b, got);
    got += b.length;
  }
  return out;
}

function sameBytes(a, b, what) {
  check(a.length === b.length, `${what}: ${a.length} bytes, want ${b.length}`);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) check(false, `${what}: byte ${i} is ${a[i]}, want ${b[i]}`);
}

async function work(A, B) {
  const copies = [['first', A], ['second', B]];
  await step('recv waits in both copies, the later copy\'s woken first', async () => {
    const [a1, a2] = A.socketpair();
    const [b1, b2] = B.socketpair();
    const pa = a2.recv(100);
    const pb = b2.recv(100);
    await sleep(20); // both wait on the loop now
    await b1.send(enc('to second'));
    check(dec(await pb) === 'to second', 'second copy recv');
    await a1.send(enc('to first'));
    check(dec(await pa) === 'to first', 'first copy recv');
    for (const s of [a1, a2, b1, b2]) s.close();
  });

  await step('ping-pong in both copies at once, 300 round trips each', async () => {
    await Promise.all(copies.map(async ([name, S]) => {
      const [x, y] = S.socketpair();
      const echo = (async () => {
        for (;;) {
          const m = await y.recv(64);
          if (m.length === 0) return;
          await y.sendall(m);
        }
      })();
      for (let i = 0; i < 300; i++) {
        const msg = `${name} ${i}`;
        await x.sendall(enc(msg));
        check(dec(await recvExactly(x, msg.length)) === msg, `${name} echo ${i}`);
      }
      x.shutdown(S.SHUT_WR);
      await echo;
      x.close();
      y.close();
    }));
  });

  await step('TCP between the copies: accept and connect wait, 4 MiB each way at once', async () => {
    const l = B.socket(B.AF_INET, B.SOCK_STREAM);
    l.bind(['127.0.0.1', 0]);
    l.listen(1);
    const c = A.socket(A.AF_INET, A.SOCK_STREAM);
    const acceptP = l.accept();
    await sleep(20); // accept waits on the loop
    const [[s]] = await Promise.all([acceptP, c.connect(l.getsockname())]);
    l.close();
    const n = 4 << 20;
    const toB = pattern(n, 1);
    const toA = pattern(n, 2);
    const [gotB, gotA] = await Promise.all([
      recvExactly(s, n), recvExactly(c, n), c.sendall(toB), s.sendall(toA),
    ]);
    sameBytes(gotB, toB, 'first -> second');
    sameBytes(gotA, toA, 'second -> first');
    c.close();
    s.close();
  });

  await step('a socket closed under its recv rejects with its own copy\'s EBADF', async () => {
    for (const [name, S] of copies) {
      const other = S === A ? B : A;
      const [x, y] = S.socketpair();
      const p = y.recv(10);
      await sleep(20);
      y.close();
      const e = await p.then(() => null, (err) => err);
      check(e instanceof S.error && !(e instanceof other.error) && e.errno === EBADF,
        `${name}: rejected with ${e?.constructor?.name} errno ${e?.errno}`);
      x.close();
    }
  });

  await step('one descriptor in both copies: a wait given up in one leaves the other\'s armed', async () => {
    const [x, y] = A.socketpair();
    const yb = B.socket(B.AF_UNIX, B.SOCK_STREAM, 0, y.fileno()); // the second copy's socket on y's descriptor
    const pa = y.recv(10);
    yb.settimeout(0.05);
    const eb = await yb.recv(10).then(() => null, (err) => err);
    check(eb instanceof B.timeout, `second copy: rejected with ${eb?.constructor?.name}`);
    await x.send(enc('still'));
    check(dec(await pa) === 'still', 'first copy recv');
    // Closed through the first copy: the second copy's waiter fails, with its own error.
    yb.settimeout(null);
    const pb = yb.recv(10);
    await sleep(20);
    y.close();
    const e = await pb.then(() => null, (err) => err);
    check(e instanceof B.error && e.errno === EBADF, `second copy: rejected with ${e?.constructor?.name} errno ${e?.errno}`);
    yb.detach();
    x.close();
  });

  await step('nothing left waiting, no watch left', async () => {
    await sleep(20);
    for (const [name, S] of copies) {
      const st = S.pollStats();
      check(st.waiting === 0 && st.handles === 0, `${name}: pollStats ${JSON.stringify(st)}`);
    }
  });
}

if (mode === 'work' || mode === 'workers') {
  // A worker thread has its own addon exports object and readiness: its
  // copies share those, not this thread's.
  const worker = mode === 'workers' &&
    new (await import('node:worker_threads')).Worker(new URL(import.meta.url), { argv: ['work', firstRoot, secondRoot] });
  const exited = worker && new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  const A = await promises(firstRoot);
  const B = await promises(secondRoot);
  // The control: two copies of the library (each its own classes and state),
  // one addon (one exports object, one file), whose readiness for this thread
  // is set up (so the second copy's setup met EEXIST, and the copies share
  // whatever the addon keeps per thread).
  check(A.socket !== B.socket && A.error !== B.error, 'two copies of the library');
  check(require(join(secondRoot, ADDON)) === addon, 'one addon exports object');
  check(realpathSync(join(firstRoot, ADDON)) === realpathSync(join(secondRoot, ADDON)), 'one addon file');
  check(addon.pollSetup(() => {}, {}, new Int32Array(2), false) === -EEXIST, 'this thread\'s readiness set up');
  console.log('ok control: two copies, one addon');
  await work(A, B);
  if (worker) check(await exited === 0, 'the worker exited with 0');
} else if (mode === 'import') {
  await promises(firstRoot);
  const e = await promises(secondRoot).then(() => null, (err) => err);
  check(e instanceof Error, 'the second copy imported');
  console.log(`import failed: ${e.message}`);
} else if (mode === 'old') {
  const polled = 'Deno' in globalThis || process.versions.bun !== undefined || process.env.WASOCK_POLL === 'thread';
  check(addon.pollSetup(() => {}, {}, new Int32Array(2048), polled) === 0, 'set up by other code');
  const e = await promises(firstRoot).then(() => null, (err) => err);
  check(e instanceof Error, 'wasock/promises imported');
  console.log(`import failed: ${e.message}`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
// Ends by itself: nothing the copies left behind keeps the loop alive.
console.log('COPIES OK');
