// The Promise API's socket: the sync SocketType itself (argument conversion,
// address codecs, state, the native first attempt) with one difference, how
// readiness is awaited. Every descriptor is non-blocking; an attempt that
// would block comes back here (socket.ts's asyncAttempt), and what happens
// next is the core's rule (wsk_next_step / wsk_connect_step in
// core-c/src/deadline.c, the same C the sync loop runs): retry now, wait for
// readiness on the event loop (uv_poll, readiness.ts) up to the deadline, or
// fail with an errno or `timeout`. settimeout applies: a timed-out operation
// rejects with socket.timeout and leaves the socket usable. Every operation
// that can block takes an optional trailing AbortSignal: it rejects with an
// AbortError and leaves the socket usable, no handle left waiting.
import { SocketType, asyncAttempt } from './socket.js';
import { core, WSK_ETIMEOUT } from './core.js';
import { osError, timedOut } from './errors.js';
import { asBytes, asCLong, asTimeout } from './convert.js';
import { POLLIN, POLLOUT, STEP_FOREVER, abortError, forget, unwatch, waitReady, watch, type Waiter } from './readiness.js';
import { socketDuplex, socketWebStreams, type SocketDuplex, type WebStreamPair } from './streams.js';
import { SOCK_STREAM } from './constants.generated.js';

// wsk_next_step's flag: the descriptor is non-blocking in every mode.
const STEP_ASYNC = 1;
const EAGAIN = 11;
const EINTR = 4;

function fail(s: number): never {
  if (s === WSK_ETIMEOUT) throw timedOut();
  throw osError(-s);
}

function isSignal(v: unknown): v is AbortSignal {
  return typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;
}

// Set in AsyncSocket's static block: a hinted read succeeded (#afterHinted).
let afterHinted: (s: AsyncSocket) => void;

// One operation that would have blocked, until it settles: the attempt to
// retry, its deadline, where its Promise goes. It is its own readiness
// waiter, so waiting costs no Promise, closure or async frame per wake-up;
// the attempt runs straight from the event loop's dispatch.
class PendingOp<T> implements Waiter {
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #onAbort: (() => void) | null = null;
  readonly #deadline: bigint;

  constructor(
    readonly fd: number,
    readonly events: number,
    readonly attempt: () => T,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly hinted: AsyncSocket | null,
    readonly resolve: (v: T) => void,
    readonly reject: (e: unknown) => void,
  ) {
    // One deadline for the whole operation, however many wake-ups it takes.
    this.#deadline = core.wsk_deadline_start(timeout);
    if (signal) {
      this.#onAbort = () => {
        unwatch(this.fd, this.events, this);
        this.#settle();
        reject(abortError(signal));
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  // What the core's rule says after an attempt failed with `err`.
  next(err: number): void {
    for (;;) {
      const step = core.wsk_next_step(err, this.timeout, this.#deadline, STEP_ASYNC);
      if (step < 0) {
        this.#settle();
        this.reject(step === WSK_ETIMEOUT ? timedOut() : osError(-step));
        return;
      }
      if (step > 0) {
        const r = watch(this.fd, this.events, this);
        if (r < 0) {
          this.#settle();
          this.reject(osError(-r));
        } else if (step !== STEP_FOREVER) {
          this.#timer = setTimeout(() => {
            unwatch(this.fd, this.events, this);
            this.ready(false);
          }, step);
        }
        return;
      }
      err = this.#try();
      if (err === 0) return;
    }
  }

  // Ready, or (false) the wait's time limit passed: the attempt tells which.
  ready(_ok: boolean): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const err = this.#try();
    if (err !== 0) this.next(err);
  }

  fail(e: unknown): void {
    this.#settle();
    this.reject(e);
  }

  // One attempt: 0 when the operation settled, else the errno it would block with.
  #try(): number {
    asyncAttempt.on = true;
    let v: T;
    try {
      v = this.attempt();
    } catch (e) {
      this.#settle();
      this.reject(e);
      return 0;
    } finally {
      asyncAttempt.on = false;
    }
    if ((v as unknown) === asyncAttempt) return asyncAttempt.err;
    if (this.hinted) afterHinted(this.hinted);
    this.#settle();
    this.resolve(v);
    return 0;
  }

  #settle(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort) this.signal!.removeEventListener('abort', this.#onAbort);
  }
}

export class AsyncSocket extends SocketType {
  // Python's timeout for this socket (None = null); the descriptor itself is
  // always non-blocking, so the base class's own timeout is kept at 0.
  #timeout: number | null;
  // The read hint: EAGAIN when the last read attempt on this (stream) socket
  // would have blocked, else 0. In request/response traffic a read issued
  // right after a send nearly always meets an empty queue, so a hinted read
  // awaits readiness first and then makes its one attempt, instead of an
  // attempt that fails, a wait and a second attempt. The hint only stands in
  // for the first attempt's answer with the errno the last one met: what
  // follows an errno is still the core's rule (wsk_next_step). Never in
  // non-blocking mode (timeout 0), where an attempt comes before any EAGAIN.
  // The hint applies only when this socket sent something since its last
  // read: request/response. A socket that only receives (bulk, with the
  // sender on another thread or host) is likely to find more data by its
  // next read, and a wrong hint costs a loop iteration where a wrong attempt
  // costs one EAGAIN (measured: -25% on bulk with a receiver thread, while
  // the hint gives +13% on ping-pong and +20% on 1,000 echo connections).
  // A short read keeps the hint (it drained the queue). A read that filled
  // its buffer may have left more queued (bulk) or not (exact-size protocol
  // reads): after #probeEvery such reads in a row the next read is attempted
  // at once. A probe that would block doubles #probeEvery (up to 64), one that
  // finds data resets it to 1.
  #rdHint = 0;
  #probeEvery = 1;
  #fullReads = 0;
  #sentSinceRead = false;

  constructor(family: unknown = -1, type: unknown = -1, proto: unknown = -1, fileno: unknown = null) {
    super(family, type, proto, fileno);
    this.#timeout = super.gettimeout();
    super.settimeout(0);
  }

  override get timeout(): number | null { return this.#timeout; }

  override gettimeout(): number | null {
    return this.#timeout;
  }

  // As the sync API: the timeout is kept even when the descriptor fails (EBADF).
  override settimeout(value: unknown): void {
    this.#timeout = asTimeout(value);
    super.settimeout(0);
  }

  override setblocking(flag: unknown): void {
    this.#timeout = asCLong(flag) ? null : 0;
    super.settimeout(0);
  }

  override getblocking(): boolean {
    return this.#timeout !== 0;
  }

  #coreTimeout(): number {
    return this.#timeout === null ? -1 : this.#timeout;
  }

  // One operation: the sync method's attempt, then the core's rule. `read`:
  // a recv-family call, which the read hint applies to.
  #io<T>(events: number, attempt: () => T, signal: AbortSignal | undefined, read = false): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const hintable = read && this.#timeout !== 0 && this.type === SOCK_STREAM;
    const hinted = hintable && this.#rdHint !== 0 && this.#sentSinceRead;
    this.#sentSinceRead = !read && events === POLLOUT;
    asyncAttempt.on = true;
    asyncAttempt.skip = hinted ? this.#rdHint : 0;
    let v: T;
    try {
      v = attempt();
    } catch (e) {
      return Promise.reject(e);
    } finally {
      asyncAttempt.on = false;
      asyncAttempt.skip = 0;
    }
    if ((v as unknown) !== asyncAttempt) {
      if (hintable) this.#probeEvery = 1; // an attempt made at once found data
      return Promise.resolve(v);
    }
    if (hintable && !hinted && asyncAttempt.err === EAGAIN) {
      this.#rdHint = EAGAIN;
      this.#fullReads = 0;
      if (this.#probeEvery < 64) this.#probeEvery *= 2;
    }
    const err = asyncAttempt.err;
    return new Promise<T>((resolve, reject) => {
      new PendingOp(this.fileno(), events, attempt, this.#coreTimeout(), signal, hinted ? this : null,
        resolve, reject).next(err);
    });
  }

  static {
    afterHinted = (s) => s.#afterHinted();
  }

  // After a hinted read succeeded: keep the hint, or attempt at once next time.
  #afterHinted(): void {
    if (!asyncAttempt.full) {
      this.#fullReads = 0;
    } else if (++this.#fullReads >= this.#probeEvery) {
      this.#fullReads = 0;
      this.#rdHint = 0;
    }
  }

  // @ts-expect-error: the Promise form of the sync method
  override accept(signal?: AbortSignal): Promise<[AsyncSocket, unknown]> {
    return this.#io(POLLIN, () => super.accept() as unknown as [AsyncSocket, unknown], signal);
  }

  override connect(address: unknown, signal?: AbortSignal): Promise<void> {
    return this.#connect(address, signal, false) as Promise<void>;
  }

  // @ts-expect-error: the Promise form of the sync method
  override connect_ex(address: unknown, signal?: AbortSignal): Promise<number> {
    return this.#connect(address, signal, true) as Promise<number>;
  }

  // connect's own rule (wsk_connect_step): wait for writability, then SO_ERROR.
  async #connect(address: unknown, signal: AbortSignal | undefined, ex: boolean): Promise<void | number> {
    if (signal?.aborted) throw abortError(signal);
    let v: void | number;
    asyncAttempt.on = true;
    try {
      v = ex ? super.connect_ex(address) : super.connect(address);
    } finally {
      asyncAttempt.on = false;
    }
    if ((v as unknown) !== asyncAttempt) return v;
    let err = asyncAttempt.err;
    const fd = this.fileno();
    const timeout = this.#coreTimeout();
    const deadline = core.wsk_deadline_start(timeout);
    for (;;) {
      const step = core.wsk_connect_step(err, timeout, deadline, STEP_ASYNC);
      let r = step;
      if (step > 0) {
        if (!(await waitReady(fd, POLLOUT, step, signal))) {
          err = EINTR; // not writable yet: the rule decides (a timeout, or wait on)
          continue;
        }
        r = core.wsk_connect_result(fd);
      }
      // connect_ex: errors of the connect are returned, a timeout is EAGAIN (CPython).
      if (ex) return r === WSK_ETIMEOUT ? EAGAIN : -r;
      if (r < 0) fail(r);
      return;
    }
  }

  // @ts-expect-error: the Promise form of the sync method
  override recv(bufsize: unknown, flags?: unknown, signal?: AbortSignal): Promise<Uint8Array> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#io(POLLIN, () => super.recv(bufsize, flags), signal, true);
  }

  // @ts-expect-error: the Promise form of the sync method
  override recvfrom(bufsize: unknown, flags?: unknown, signal?: AbortSignal): Promise<[Uint8Array, unknown]> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#io(POLLIN, () => super.recvfrom(bufsize, flags), signal, true);
  }

  // @ts-expect-error: the Promise form of the sync method
  override recv_into(buffer: unknown, nbytes?: unknown, flags?: unknown, signal?: AbortSignal): Promise<number> {
    if (isSignal(nbytes)) [nbytes, signal] = [undefined, nbytes];
    else if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#io(POLLIN, () => super.recv_into(buffer, nbytes, flags), signal, true);
  }

  // @ts-expect-error: the Promise form of the sync method
  override recvfrom_into(buffer: unknown, nbytes?: unknown, flags?: unknown,
    signal?: AbortSignal): Promise<[number, unknown]> {
    if (isSignal(nbytes)) [nbytes, signal] = [undefined, nbytes];
    else if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#io(POLLIN, () => super.recvfrom_into(buffer, nbytes, flags), signal, true);
  }

  // @ts-expect-error: the Promise form of the sync method
  override send(data: unknown, flags?: unknown, signal?: AbortSignal): Promise<number> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#io(POLLOUT, () => super.send(data, flags), signal);
  }

  // One deadline covers every partial send; what went out is not sent again.
  override sendall(data: unknown, flags?: unknown, signal?: AbortSignal): Promise<void> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    let rest = data;
    return this.#io(POLLOUT, () => {
      const v = super.sendall(rest, flags);
      if ((v as unknown) === asyncAttempt && asyncAttempt.done > 0) rest = asBytes(rest).subarray(asyncAttempt.done);
      return v;
    }, signal);
  }

  // sendto(data, address) or sendto(data, flags, address), then an optional signal.
  // @ts-expect-error: the Promise form of the sync method
  override sendto(data: unknown, flagsOrAddress: unknown, address?: unknown, signal?: AbortSignal): Promise<number> {
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    let sig: AbortSignal | undefined;
    if (isSignal(args[args.length - 1])) sig = args.pop() as AbortSignal;
    void signal;
    const sendto = super.sendto as (...a: unknown[]) => number;
    return this.#io(POLLOUT, () => sendto.apply(this, args), sig);
  }

  override close(): void {
    const fd = this.fileno();
    try {
      super.close();
    } finally {
      // The descriptor went (not just marked closed while a file is open):
      // its waiters reject with EBADF; the addon closed its poll handle.
      if (fd >= 0 && this.fileno() < 0) forget(fd);
    }
  }

  override detach(): number {
    const fd = this.fileno();
    if (fd >= 0) forget(fd);
    return super.detach();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  // A Node Duplex over this socket (socket.py's makefile arguments; 'b'
  // absent means text: strings in, strings out). Closing the stream leaves
  // the socket open, as closing a makefile() file does.
  // @ts-expect-error: the Promise API's file is a stream
  override makefile(mode: unknown = 'r', buffering: unknown = null, encoding: unknown = null, errors: unknown = null,
    newline: unknown = null): SocketDuplex {
    // The sync file object validates the arguments as CPython does and holds
    // the socket's makefile reference, released when the stream is destroyed.
    const ref = super.makefile(mode, buffering, encoding, errors, newline);
    return socketDuplex(this, ref, typeof encoding === 'string' ? encoding : null);
  }

  // A WHATWG ReadableStream/WritableStream pair over this socket.
  toWebStreams(): WebStreamPair {
    return socketWebStreams(this);
  }

  override toString(): string {
    return super.toString().replace('<socket.socket', '<wasock.promises.socket');
  }
}
