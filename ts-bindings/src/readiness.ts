// Readiness on the event loop for the Promise API: the addon's uv_poll
// handles (ts-bindings/native/wasock.c, "readiness on the event loop"). A
// wait resolves true when the descriptor is ready (or in error: the retry
// reports it), false when its time limit passed (the retry then asks the
// core, whose rule reports the timeout), and rejects when aborted or when the
// socket is closed under it. No worker, no busy polling: one uv_poll_t per
// descriptor, started only while something waits.
import { addon } from './native.js';
import { osError } from './errors.js';

export const POLLIN = 1;
export const POLLOUT = 4;
// The core's "wait with no limit" step (core-c/include/wasock/core.h).
export const STEP_FOREVER = 0x7fffffff;
const EBADF = 9;

interface Waiter {
  resolve(ready: boolean): void;
  reject(e: unknown): void;
  cleanup: (() => void) | null;
}

// Per descriptor: who waits for reading and for writing.
interface Entry {
  rd: Waiter[];
  wr: Waiter[];
}

const table = new Map<number, Entry>();

// Node's AbortError: name 'AbortError', code 'ABORT_ERR', the signal's reason as cause.
export class AbortError extends Error {
  code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

export function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

function wake(list: Waiter[], ready: boolean): void {
  for (const w of list) {
    w.cleanup?.();
    w.resolve(ready);
  }
}

// Called by the addon (through napi_make_callback) when fd is ready.
function dispatch(fd: number, _status: number, events: number): void {
  const e = table.get(fd);
  if (!e) return;
  if (events & POLLIN && e.rd.length) {
    const list = e.rd;
    e.rd = [];
    wake(list, true);
  }
  if (events & POLLOUT && e.wr.length) {
    const list = e.wr;
    e.wr = [];
    wake(list, true);
  }
  if (!e.rd.length && !e.wr.length && table.get(fd) === e) table.delete(fd);
}

// napi_make_callback needs a real object as its receiver.
const receiver = { dispatch };
const setup = addon.pollSetup(dispatch, receiver);
if (setup < 0 && setup !== -17 /* EEXIST: another copy of the library on this thread */) {
  throw osError(-setup);
}

function remove(fd: number, events: number, w: Waiter): void {
  const e = table.get(fd);
  if (!e) return;
  const list = events === POLLIN ? e.rd : e.wr;
  const i = list.indexOf(w);
  if (i >= 0) list.splice(i, 1);
  if (!list.length) addon.pollCancel(fd, events);
  if (!e.rd.length && !e.wr.length) table.delete(fd);
}

// Waits until fd is ready for `events` (POLLIN or POLLOUT), for at most `step`
// ms as the core's wsk_next_step gave it (STEP_FOREVER: no limit).
export function waitReady(fd: number, events: number, step: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    let e = table.get(fd);
    if (!e) {
      e = { rd: [], wr: [] };
      table.set(fd, e);
    }
    const w: Waiter = { resolve, reject, cleanup: null };
    (events === POLLIN ? e.rd : e.wr).push(w);
    const r = addon.pollWait(fd, events);
    if (r < 0) {
      remove(fd, events, w);
      reject(osError(-r));
      return;
    }
    if (step === STEP_FOREVER && !signal) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      w.cleanup?.();
      remove(fd, events, w);
      reject(abortError(signal!));
    };
    if (step !== STEP_FOREVER) {
      timer = setTimeout(() => {
        w.cleanup?.();
        remove(fd, events, w);
        resolve(false);
      }, step);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    w.cleanup = () => {
      w.cleanup = null;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  });
}

// The socket is going away: its waiters reject with EBADF (as a retry on a
// closed socket would), its handle is closed (before the descriptor is).
export function forget(fd: number): void {
  const e = table.get(fd);
  if (e) {
    table.delete(fd);
    const all = [...e.rd, ...e.wr];
    e.rd = [];
    e.wr = [];
    for (const w of all) {
      w.cleanup?.();
      w.reject(osError(EBADF));
    }
  }
  addon.pollClose(fd);
}

// For tests: descriptors with waiters, and live uv_poll handles.
export function pollStats(): { waiting: number; handles: number } {
  return { waiting: table.size, handles: addon.pollCount() };
}
