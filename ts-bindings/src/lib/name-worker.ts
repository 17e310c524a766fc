// Name resolution off the event loop for the Promise API. A lookup by name
// may block (DNS, files, NSS), so it runs the sync API's very function
// (dist/index.js: the same argument handling, the same core, the same
// answers and errors) in a small pool of worker threads, started on first
// use and unref'd while idle. No worker per call: at most POOL_MAX, reused.
// Each worker has its own library instance, so the main thread's resolver
// configuration (configureResolver) goes along with the first job after it
// changes: the worker applies it before the call.
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../host/builtins.js';
import { error, gaierror, herror, timeout } from './errors.js';
import { FILE_KEYS, resolverFile } from './resolver.js';

const POOL_MAX = 4;

// The worker: imports the sync API and answers { id, name, args[, resolver] }
// messages; `resolver` (configureResolver options) is applied first. Only
// dynamic import(): eval'd worker code is CommonJS or, when the process runs
// with --input-type=module (inherited by workers), an ES module.
const WORKER_CODE = `
import('node:worker_threads').then(({ parentPort, workerData }) => {
const ready = import(workerData.url);
parentPort.on('message', async ({ id, name, args, resolver }) => {
  try {
    const s = await ready;
    if (resolver) s.configureResolver(resolver);
    if (typeof s[name] !== 'function') throw new TypeError(name + ' is not available');
    parentPort.postMessage({ id, ok: true, value: s[name](...args) });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: {
      cls: e && e.constructor && e.constructor.name, message: e && e.message,
      errno: e && e.errno, strerror: e && e.strerror, code: e && e.code } });
  }
});
});
`;

interface Slot {
  worker: Worker;
  pending: number;
  // The resolver configuration this worker has (configKey's value).
  config: string;
}

const utf8d = new TextDecoder();

// resolver.ts's slots, fetched once: configureResolver() updates these very
// objects (override, gen), so reading them costs no stat per job.
let fileSlots: Array<{ override: Uint8Array | null; gen: number } | null> | null = null;

function slots() {
  return (fileSlots ??= FILE_KEYS.map((_, id) => resolverFile(id)));
}

// The main thread's resolver configuration: a key that changes with every
// configureResolver() call that sets or clears a file, and the options that
// give a worker the same files (the override's text, or null for the
// machine's file, which the worker reads itself).
function configKey(): string {
  let key = '';
  for (const slot of slots()) key += slot !== null && slot.override !== null ? `${slot.gen},` : '-,';
  return key;
}

function configOptions(): Record<string, string | null> {
  const opts: Record<string, string | null> = {};
  slots().forEach((slot, id) => {
    const over = slot?.override ?? null;
    opts[FILE_KEYS[id]] = over === null ? null : utf8d.decode(over);
  });
  return opts;
}

interface Call {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  slot: Slot;
}

const pool: Slot[] = [];
const calls = new Map<number, Call>();
let nextId = 1;
// dist/index.js, beside whichever dist/ file this code was bundled into.
const indexUrl = new URL('./index.js', import.meta.url).href;

const classes: Record<string, new (errno?: number | string | null, strerror?: string) => error> = {
  error, gaierror, herror, timeout,
};

interface Wire {
  cls?: string;
  message?: string;
  errno?: number | null;
  strerror?: string | null;
  code?: string;
}

// The exception the sync call raised, rebuilt as the same class here.
function rebuild(w: Wire): Error {
  const Cls = w.cls ? classes[w.cls] : undefined;
  if (Cls) {
    const e = typeof w.errno === 'number' && typeof w.strerror === 'string' ? new Cls(w.errno, w.strerror)
      : new Cls(w.message ?? '');
    e.code = w.code;
    return e;
  }
  if (w.cls === 'TypeError') return new TypeError(w.message);
  if (w.cls === 'RangeError') return new RangeError(w.message);
  return new Error(w.message);
}

function spawn(): Slot {
  const worker = new (workerThreads().Worker)(WORKER_CODE, { eval: true, workerData: { url: indexUrl } });
  // A new worker reads the machine's files: the key of "no overrides".
  const slot: Slot = { worker, pending: 0, config: '-,'.repeat(FILE_KEYS.length) };
  worker.unref();
  worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: Wire }) => {
    const c = calls.get(m.id);
    if (!c) return;
    calls.delete(m.id);
    if (--slot.pending === 0) worker.unref();
    if (m.ok) c.resolve(m.value);
    else c.reject(rebuild(m.error ?? {}));
  });
  worker.on('error', (e) => {
    for (const [id, c] of calls) {
      if (c.slot === slot) {
        calls.delete(id);
        c.reject(e);
      }
    }
    const i = pool.indexOf(slot);
    if (i >= 0) pool.splice(i, 1);
  });
  pool.push(slot);
  return slot;
}

function pick(): Slot {
  let best: Slot | null = null;
  for (const s of pool) if (!best || s.pending < best.pending) best = s;
  if (best && (best.pending === 0 || pool.length >= POOL_MAX)) return best;
  return spawn();
}

// Runs the sync API's `name(...args)` in a worker; its value or its exception.
export function callOffLoop<T>(name: string, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const slot = pick();
    const id = nextId++;
    calls.set(id, { resolve: resolve as (v: unknown) => void, reject, slot });
    if (slot.pending++ === 0) slot.worker.ref();
    try {
      const key = configKey();
      const resolver = key !== slot.config ? configOptions() : undefined;
      slot.worker.postMessage({ id, name, args, resolver });
      slot.config = key;
    } catch (e) {
      calls.delete(id);
      if (--slot.pending === 0) slot.worker.unref();
      reject(e);
    }
  });
}
