// Bulk transfer over TCP on 127.0.0.1 with wasock's synchronous API. The main
// thread sendall()s the total in 64 KiB chunks; the receiver runs in a
// worker_threads Worker (its own thread in the same process, like the pthread
// in bulk.c and the threading.Thread in bulk.py; it loads 'wasock' itself) and
// recv_into()s one preallocated 64 KiB Uint8Array. The threads coordinate only
// through a SharedArrayBuffer with Atomics, so the blocked main thread needs no
// event loop. Timed after a warm-up transfer until the receiver has every byte.
// With "sendfile FILE" the main thread sends the first bytes of FILE with
// sendfile() instead (sendfile(2) on a blocking socket; the warm-up and the
// timed part each from the file's offset 0); with "sendfile FILE SINK" the
// receiver is bulk.c's sink process (SINK sink PORT BYTES), until its one-byte
// answer.
// Usage: node bench/bulk.mjs [total_bytes] [warmup_bytes] [sendfile FILE [SINK]]
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import * as socket from 'wasock';

const CHUNK = 65536;
// sab: Int32 [0] = state (0 starting, 1 connected, 2 done, 3 failed); Float64 at byte 8 = bytes received
const ST_CONNECTED = 1, ST_DONE = 2, ST_FAILED = 3;

if (isMainThread) main(); else receiver();

function receiver() {
  const { port, expect, sab } = workerData;
  const flag = new Int32Array(sab);
  const got64 = new Float64Array(sab, 8, 1);
  try {
    const rx = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    rx.connect(['127.0.0.1', port]);
    Atomics.store(flag, 0, ST_CONNECTED); Atomics.notify(flag, 0);
    const buf = new Uint8Array(CHUNK);
    let got = 0;
    while (got < expect) {
      const n = rx.recv_into(buf);
      if (n === 0) throw new Error('eof');
      got += n;
    }
    got64[0] = got;
    rx.close();
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

function main() {
  const total = Number(process.argv[2] ?? 2 ** 30);
  const warm = Number(process.argv[3] ?? 64 * 2 ** 20);
  const lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  lst.bind(['127.0.0.1', 0]);
  lst.listen(1);
  const port = lst.getsockname()[1];
  const sab = new SharedArrayBuffer(16);
  const flag = new Int32Array(sab);
  const got64 = new Float64Array(sab, 8, 1);
  const test = process.argv[4] === 'sendfile' ? 'sendfile' : 'bulk';
  const sink = test === 'sendfile' ? process.argv[6] : undefined;
  const worker = sink
    ? spawn(sink, ['sink', String(port), String(warm + total)], { stdio: 'inherit' })
    : new Worker(new URL(import.meta.url), { workerData: { port, expect: warm + total, sab } });
  lst.settimeout(60);
  const [tx] = lst.accept();
  if (!sink) waitFor(flag, 0, 'connect');

  let t0;
  if (test === 'sendfile') {
    const fd = openSync(process.argv[5], 'r');
    if (tx.sendfile(fd, 0, warm) !== warm) throw new Error('short warm-up');
    t0 = performance.now();
    if (tx.sendfile(fd, 0, total) !== total) throw new Error('short sendfile');
    closeSync(fd);
  } else {
    const chunk = new Uint8Array(CHUNK).fill(0x78);
    for (let s = 0; s < warm; s += CHUNK) tx.sendall(chunk);
    t0 = performance.now();
    for (let s = 0; s < total; s += CHUNK) tx.sendall(chunk);
  }
  if (sink) {
    if (tx.recv(1).length !== 1) throw new Error('no answer from the sink');
    got64[0] = warm + total;
  } else {
    waitFor(flag, ST_CONNECTED, 'completion');
  }
  const dt = (performance.now() - t0) / 1000;
  if (got64[0] !== warm + total) throw new Error(`receiver got ${got64[0]} bytes`);

  tx.close(); lst.close();
  worker.unref();
  console.log(JSON.stringify({ impl: 'wasock', test, bytes: total, warmup: warm, chunk: CHUNK,
    seconds: +dt.toFixed(6), rate: +(total / dt / 1048576).toFixed(1),
    receiver: sink ? 'sink process' : 'worker_threads.Worker', node: process.version }));
}
