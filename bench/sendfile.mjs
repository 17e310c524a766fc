// socket.sendfile over TCP on 127.0.0.1 with wasock's synchronous API: the
// main thread sends the file with sendfile() (sendfile(2) on a blocking
// socket), the receiver runs in a worker_threads Worker (as in bulk.mjs) and
// recv_into()s one preallocated 64 KiB Uint8Array; the threads coordinate
// through a SharedArrayBuffer with Atomics. Timed after a warm-up sendfile of
// the file's first warmup_bytes until the receiver has every byte.
// Usage: node bench/sendfile.mjs FILE [total_bytes] [warmup_bytes]
import { openSync, closeSync } from 'node:fs';
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
  const path = process.argv[2];
  const total = Number(process.argv[3] ?? 2 ** 30);
  const warm = Number(process.argv[4] ?? 64 * 2 ** 20);
  const fd = openSync(path, 'r');
  const lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  lst.bind(['127.0.0.1', 0]);
  lst.listen(1);
  const port = lst.getsockname()[1];
  const sab = new SharedArrayBuffer(16);
  const flag = new Int32Array(sab);
  const got64 = new Float64Array(sab, 8, 1);
  const worker = new Worker(new URL(import.meta.url), { workerData: { port, expect: warm + total, sab } });
  lst.settimeout(60);
  const [tx] = lst.accept();
  tx.settimeout(null);
  waitFor(flag, 0, 'connect');

  if (tx.sendfile(fd, 0, warm) !== warm) throw new Error('short warm-up');
  const t0 = performance.now();
  if (tx.sendfile(fd, 0, total) !== total) throw new Error('short sendfile');
  waitFor(flag, ST_CONNECTED, 'completion');
  const dt = (performance.now() - t0) / 1000;
  if (got64[0] !== warm + total) throw new Error(`receiver got ${got64[0]} bytes`);

  tx.close(); lst.close(); closeSync(fd);
  worker.unref();
  console.log(JSON.stringify({ impl: 'wasock', test: 'sendfile', bytes: total, warmup: warm,
    seconds: +dt.toFixed(6), rate: +(total / dt / 1048576).toFixed(1),
    receiver: 'worker_threads.Worker', node: process.version }));
}
