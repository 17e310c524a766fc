// Reference: the bulk loop of bulk.mjs calling the raw N-API addon directly
// (receiver in a worker_threads Worker, recv into a preallocated 64 KiB buffer).
// Usage: node bench/bulk-addon.mjs [total_bytes] [warmup_bytes]
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { addon, listenLoopback, connectLoopback, acceptFd } from './addon-util.mjs';

const CHUNK = 65536;
const ST_CONNECTED = 1, ST_DONE = 2, ST_FAILED = 3;

if (isMainThread) main(); else receiver();

function receiver() {
  const { port, expect, sab } = workerData;
  const flag = new Int32Array(sab);
  const got64 = new Float64Array(sab, 8, 1);
  try {
    const rx = connectLoopback(port);
    Atomics.store(flag, 0, ST_CONNECTED); Atomics.notify(flag, 0);
    const buf = new Uint8Array(CHUNK);
    let got = 0;
    while (got < expect) {
      const n = addon.recv(rx, buf, 0, CHUNK, 0);
      if (n <= 0) throw new Error(`recv ${n}`);
      got += n;
    }
    got64[0] = got;
    addon.close(rx);
    Atomics.store(flag, 0, ST_DONE); Atomics.notify(flag, 0);
  } catch (e) {
    console.error('receiver:', e);
    Atomics.store(flag, 0, ST_FAILED); Atomics.notify(flag, 0);
  }
}

function waitFor(flag, notValue, what) {
  for (;;) {
    const v = Atomics.load(flag, 0);
    if (v === ST_FAILED) throw new Error(`receiver failed (${what})`);
    if (v !== notValue) return v;
    if (Atomics.wait(flag, 0, v, 60000) === 'timed-out') throw new Error(`timeout waiting for ${what}`);
  }
}

function sendAll(fd, buf) {
  for (let off = 0; off < buf.length;) {
    const n = addon.send(fd, buf, off, buf.length - off, 0);
    if (n < 0) throw new Error(`send errno ${-n}`);
    off += n;
  }
}

function main() {
  const total = Number(process.argv[2] ?? 2 ** 30);
  const warm = Number(process.argv[3] ?? 64 * 2 ** 20);
  const [lst, port] = listenLoopback();
  const sab = new SharedArrayBuffer(16);
  const flag = new Int32Array(sab);
  const got64 = new Float64Array(sab, 8, 1);
  const worker = new Worker(new URL(import.meta.url), { workerData: { port, expect: warm + total, sab } });
  const tx = acceptFd(lst);
  waitFor(flag, 0, 'connect');

  const chunk = new Uint8Array(CHUNK).fill(0x78);
  for (let s = 0; s < warm; s += CHUNK) sendAll(tx, chunk);
  const t0 = performance.now();
  for (let s = 0; s < total; s += CHUNK) sendAll(tx, chunk);
  waitFor(flag, ST_CONNECTED, 'completion');
  const dt = (performance.now() - t0) / 1000;
  if (got64[0] !== warm + total) throw new Error(`receiver got ${got64[0]} bytes`);
  addon.close(tx); addon.close(lst);
  worker.unref();
  console.log(JSON.stringify({ impl: 'addon', test: 'bulk', bytes: total, warmup: warm, chunk: CHUNK,
    seconds: +dt.toFixed(6), rate: +(total / dt / 1048576).toFixed(1),
    receiver: 'worker_threads.Worker', node: process.version }));
}
