// The Promise driver: runs an operation (ops.ts) whose attempt would block
// until it settles, waiting for readiness on the event loop (readiness.ts)
// instead of in poll(2). What follows each failed attempt is the core's rule
// (the operation's step(): wsk_next_step or wsk_connect_step in
// core-c/src/deadline.c, the same C the sync loop runs): retry now, wait up
// to so many ms, or fail with an errno or `timeout`. Every descriptor of the
// Promise API is non-blocking (WSK_STEP_ASYNC). An AbortSignal rejects the
// operation with an AbortError and leaves nothing waiting.
import { core } from '../host/core.js';
import { WSK_STEP_ASYNC, WSK_STEP_FOREVER } from '../host/core-abi.generated.js';
import { abortError, unrefTimer, unwatch, watch, type Waiter } from '../host/readiness.js';
import type { Op } from './ops.js';

// A trailing AbortSignal argument, as the Promise API takes one. The usual
// argument (a number, undefined) is told apart by its type alone: on Bun
// reading the global AbortSignal is a lazy getter's call.
export function isSignal(v: unknown): v is AbortSignal {
  return typeof v === 'object' && v !== null && typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;
}

// The operation's first attempt, made by the caller, failed with `err`, or
// (`err` given without an attempt) the caller knows what it would answer.
// The Promise settles with op.settle()'s value or error. `done(r, op)` runs
// with the final result of a successful attempt, before the Promise settles.
export function runPending<T, O extends Op<T>>(op: O, err: number, timeout: number, signal: AbortSignal | undefined,
  done: ((r: number, op: O) => void) | null = null): Promise<T> {
  op.park?.();
  starting = new PendingOp(op, timeout, signal, done) as unknown as PendingOp<unknown, Op<unknown>>;
  startErr = err;
  return new Promise<T>(start as (resolve: (v: T) => void, reject: (e: unknown) => void) => void);
}

// The executor of every pending operation's Promise, which the Promise
// constructor runs at once: it takes the operation runPending just made from
// here rather than from a closure, so a wait allocates none. An error thrown
// by the first step rejects the Promise, as from any executor.
let starting: PendingOp<unknown, Op<unknown>> | null = null;
let startErr = 0;

function start(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  const p = starting!;
  starting = null;
  p.resolve = resolve;
  p.reject = reject;
  p.next(startErr);
}

function unset(): void {}

// One operation that would have blocked, until it settles: its deadline,
// where its Promise goes. It is its own readiness waiter, so waiting costs no
// Promise, closure or async frame per wake-up; the attempt runs straight
// from the event loop's dispatch.
class PendingOp<T, O extends Op<T>> implements Waiter {
  // Where the Promise goes, set by its executor (start).
  resolve: (v: T) => void = unset;
  reject: (e: unknown) => void = unset;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #onAbort: (() => void) | null = null;
  readonly #deadline: bigint;

  constructor(
    readonly op: O,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly done: ((r: number, op: O) => void) | null,
  ) {
    // One deadline for the whole operation, however many wake-ups it takes.
    this.#deadline = core.wsk_deadline_start(timeout);
    if (signal) {
      this.#onAbort = () => {
        unwatch(op.fd, op.events, this);
        this.fail(abortError(signal));
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  // What the core's rule says after an attempt failed with `err`.
  next(err: number): void {
    const { op } = this;
    for (;;) {
      const step = op.step(err, this.timeout, this.#deadline, WSK_STEP_ASYNC);
      if (step < 0) {
        this.#finish(step);
        return;
      }
      if (step > 0) {
        // The time limit first: watch may report the descriptor ready at once.
        if (step !== WSK_STEP_FOREVER) {
          this.#timer = setTimeout(() => {
            unwatch(op.fd, op.events, this);
            this.ready(false);
          }, step);
          unrefTimer(this.#timer);
        }
        const r = watch(op.fd, op.events, this);
        if (r < 0) this.#finish(r);
        return;
      }
      const r = op.retry(true);
      if (r >= 0) {
        this.#finish(r);
        return;
      }
      err = -r;
    }
  }

  // Ready, or (false) the wait's time limit passed: the retry tells which.
  ready(ok: boolean): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const r = this.op.retry(ok);
    if (r >= 0) this.#finish(r);
    else this.next(-r);
  }

  fail(e: unknown): void {
    this.#settle();
    this.reject(e);
  }

  // The final result: the operation's value, or the error it stands for.
  #finish(r: number): void {
    this.#settle();
    let v: T;
    try {
      v = this.op.settle(r);
    } catch (e) {
      this.reject(e);
      return;
    }
    if (r >= 0) this.done?.(r, this.op);
    this.resolve(v);
  }

  #settle(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort) this.signal!.removeEventListener('abort', this.#onAbort);
  }
}
