// Readiness on the event loop for the Promise API: the addon's watches
// (ts-bindings/native/readiness.c, with one backend: readiness_uv.c's uv_poll
// handles, or on runtimes without libuv readiness_epoll.c's epoll instance,
// which this thread polls itself). Whatever one loop iteration finds ready
// comes here in one call (dispatch), and each waiter is told at once: a
// pending operation retries right there. No worker, no busy polling: one
// watch per descriptor, armed only while something waits.
import { addon } from './native.js';
import { osError } from '../lib/errors.js';
import { POLLIN, POLLOUT } from '../lib/ops.js';
import { EBADF, EEXIST, WSK_POLLNVAL } from './core-abi.generated.js';

// Whoever waits for a descriptor: told ready(true) when it is ready (or in
// error: the retry reports it), ready(false) when its own time limit passed
// (the retry then asks the core, whose rule reports the timeout), fail(e)
// when the socket was closed under it. A pending operation is its own waiter
// (pending.ts), so a wait allocates nothing more.
export interface Waiter {
  ready(ok: boolean): void;
  fail(e: unknown): void;
}

// Per descriptor: who waits for reading and for writing. Kept, indexed by
// descriptor, until the socket goes (forget), so a wait allocates nothing.
interface Entry {
  rd: Waiter[];
  wr: Waiter[];
}

const entries: (Entry | undefined)[] = [];

// Node's AbortError: name 'AbortError', code 'ABORT_ERR', the signal's reason as cause.
/**
 * What a Promise API call rejects with when its `AbortSignal` aborts, as Node's AbortError:
 * `name` `'AbortError'`, `code` `'ABORT_ERR'`, the signal's reason as `cause`. Not a
 * `socket.error`: the socket stays usable.
 */
export class AbortError extends Error {
  /** Always `'ABORT_ERR'`, as Node's. */
  code = 'ABORT_ERR';
  /** Made by the library; `options.cause` is the signal's reason. */
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

export function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

function wake(list: Waiter[]): void {
  const n = list.length;
  if (n === 1) {
    // The common case, without a copy: the waiter may wait again at once.
    const w = list[0];
    list.pop();
    w.ready(true);
  } else if (n > 1) {
    for (const w of list.splice(0, n)) w.ready(true);
  }
}

// Every waiter of e rejects with EBADF (as a retry on a closed socket would).
function failAll(e: Entry): void {
  for (const w of [...e.rd.splice(0), ...e.wr.splice(0)]) w.fail(osError(EBADF));
}

// The addon's ready list: `count` pairs (fd, events) per call, read in place.
const readyList = new Int32Array(2 * 1024);

// Called with the list filled: by the addon (through napi_make_callback)
// after a poll phase, or after a wake-up from a parked backend, that found
// waited-for descriptors ready; or by turn() and pollNow().
function dispatch(count: number): void {
  if (parkedAt >= 0 && count > 0) unparked();
  dispatching = true;
  try {
    wakeListed(count);
  } finally {
    dispatching = false;
  }
  // Where some were ready, more soon will be: the operations just woken
  // wait again, and their peers answer. Poll again next turn.
  if (polled && count > 0) schedule();
}

// While the list is read, nothing polls into it (a woken operation that
// waits again must not refill it under the loop).
let dispatching = false;

function wakeListed(count: number): void {
  for (let i = 0; i < 2 * count; i += 2) {
    const e = entries[readyList[i]];
    if (e === undefined) continue;
    const events = readyList[i + 1];
    if (events & WSK_POLLNVAL) {
      failAll(e); // closed behind the library's back: the number may name another file by now
      continue;
    }
    if (events & POLLIN) wake(e.rd);
    if (events & POLLOUT) wake(e.wr);
  }
}

// The addon's backend: libuv (Node), or an epoll instance that this thread
// polls. Bun's N-API has no uv_poll at all. Deno's imitation reports a
// descriptor that stays ready only once, so a wait for data that was already
// there when the last read returned never ends (a sendall and a reader on one
// loop deadlock), and it measured 1–8k round trips/s. WASOCK_POLL=thread picks
// the epoll backend anywhere (the tests run both).
const polled = typeof process !== 'undefined' && (process.versions?.bun !== undefined ||
  'Deno' in globalThis || process.env?.WASOCK_POLL === 'thread');

// On the epoll backend, whenever an operation waits, a poll is due (turn) or
// the addon's helper thread has the blocking wait (parked: it wakes this
// thread through dispatch once the epoll instance is readable). A turn is a
// macrotask, so it runs once per loop iteration, after the I/O and
// microtasks of the iteration before: while the loop is busy, readiness
// costs a non-blocking epoll_wait here and no thread hop.
let scheduled = false;
const later: (f: () => void) => unknown = typeof setImmediate === 'function' ? setImmediate : (f) => setTimeout(f, 0);

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    later(turn);
  }
}

// A park costs each answer two thread wake-ups (the helper thread's, then
// this thread's through the runtime's loop): 5-17 µs a message on Deno and
// Bun here, a third of a round trip with a peer process on this machine. So
// while answers come quickly, a turn that finds nothing ready polls again next
// turn instead, for up to SPIN_MS after the last report, and parks only then.
// The loop stays free meanwhile (a turn is a macrotask: timers and the
// runtime's own I/O run between polls). Whether answers come quickly is what
// the last park showed: woken within SPIN_MS, the loop keeps polling; woken
// later (a slow peer, an idle socket), it parks at once until a park is short
// again, so a slow peer does not cost the window's CPU at every wait.
const SPIN_MS = 0.25;
let spin = true;
let spinUntil = 0;
// When the loop last parked (performance.now()), or -1 when it is not parked.
let parkedAt = -1;
// How often the loop parked, and polled again instead (pollStats).
let parks = 0;
let spins = 0;

function turn(): void {
  scheduled = false;
  early = 0;
  const n = addon.pollRun();
  if (n > 0) {
    if (spin) spinUntil = performance.now() + SPIN_MS;
    dispatch(n);
  } else if (spin && performance.now() < spinUntil) {
    spins++;
    schedule();
  } else {
    parkedAt = performance.now();
    parks++;
    addon.pollPark(); // block on the helper thread
  }
}

// The first report after a park: how long the park lasted decides the next.
function unparked(): void {
  const t = performance.now();
  spin = t - parkedAt < SPIN_MS;
  if (spin) spinUntil = t + SPIN_MS;
  parkedAt = -1;
}

// An operation about to wait has just made its peer's descriptor ready, as
// often as not (a send, then a recv that waits for the answer; both ends on
// one loop). So as a wait registers, the epoll backend polls once, in the
// same call, and what is ready runs now rather than a loop turn later. At
// most EARLY_MAX such polls per loop turn: a pair of busy sockets on one loop
// still yields to timers and other I/O as often as a poll phase of that many
// events would.
const EARLY_MAX = 64;
let early = 0;

// napi_make_callback needs a real object as its receiver.
const receiver = { dispatch };
const setup = addon.pollSetup(dispatch, receiver, readyList, polled);
if (setup < 0 && setup !== -EEXIST /* another copy of the library on this thread */) {
  throw osError(-setup);
}

// A descriptor closed behind the library's back (os-level, not through the
// addon) loses its registration without a word from epoll or libuv. While
// anything waits, the addon checks every waited-for registration this often
// and reports the lost ones, so their waiters meet EBADF instead of waiting
// forever. The timer never keeps the process alive.
const CHECK_MS = 1000;
let checker: ReturnType<typeof setInterval> | undefined;

function check(): void {
  if (addon.pollCheck() === 0) {
    clearInterval(checker);
    checker = undefined;
  }
}

// Registers w for fd's `events` (POLLIN or POLLOUT): 0, or the addon's
// -errno (nothing registered then). On the epoll backend the poll that comes
// with it may wake w before this returns (fd was ready already), so whatever
// w arms for its wait (a time limit) is armed before.
export function watch(fd: number, events: number, w: Waiter): number {
  let e = entries[fd];
  if (e === undefined) {
    e = { rd: [], wr: [] };
    entries[fd] = e;
  }
  (events === POLLIN ? e.rd : e.wr).push(w);
  const poll = polled && !dispatching && early < EARLY_MAX;
  const r = addon.pollWait(fd, events, poll ? 1 : 0);
  if (r < 0) {
    unwatch(fd, events, w);
    return r;
  }
  if (polled) schedule();
  if (checker === undefined) {
    checker = setInterval(check, CHECK_MS);
    unrefTimer(checker);
  }
  if (poll) {
    early++;
    if (r > 0) dispatch(r);
  }
  return 0;
}

// w no longer waits (its time limit passed, or it was aborted).
export function unwatch(fd: number, events: number, w: Waiter): void {
  const e = entries[fd];
  if (e === undefined) return;
  const list = events === POLLIN ? e.rd : e.wr;
  const i = list.indexOf(w);
  if (i < 0) return;
  list.splice(i, 1);
  if (!list.length) addon.pollCancel(fd, events);
}

// Whether fd's waits keep the process alive (socket.ref()/unref()); the
// addon keeps the choice until the descriptor is forgotten.
export function setRef(fd: number, on: boolean): void {
  const r = addon.pollRef(fd, on ? 1 : 0);
  if (r < 0) throw osError(-r);
}

// A wait's time limit never keeps the process alive by itself: the watch it
// belongs to does, unless its socket was unref'd.
export function unrefTimer(t: ReturnType<typeof setTimeout>): void {
  if (typeof t === 'object' && t !== null && 'unref' in t) (t as { unref(): void }).unref();
  else (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(t);
}

// The socket is going away: its waiters reject with EBADF (as a retry on a
// closed socket would), its handle is closed (before the descriptor is).
export function forget(fd: number): void {
  const e = entries[fd];
  if (e !== undefined) {
    entries[fd] = undefined;
    failAll(e);
  }
  addon.pollClose(fd);
}

/**
 * For tests and diagnostics (not in Python): how many descriptors have Promise API operations
 * waiting, and how many readiness watches the native addon holds (both 0 when nothing waits);
 * and, on runtimes whose loop the addon cannot join (Deno, Bun), how many times so far this
 * thread's loop handed the blocking wait for readiness to the addon's helper thread (`parks`),
 * and how many loop turns polled again instead, finding nothing, because answers had been
 * coming quickly (`spins`). Both always 0 on Node's libuv.
 */
export function pollStats(): { waiting: number; handles: number; parks: number; spins: number } {
  let waiting = 0;
  for (const e of entries) if (e !== undefined && (e.rd.length || e.wr.length)) waiting++;
  return { waiting, handles: addon.pollCount(), parks, spins };
}
