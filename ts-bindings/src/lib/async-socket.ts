// The Promise API's socket. Each call that can wait is the same operation as
// the sync socket's (socket-base.ts, ops.ts), run by the Promise driver
// (pending.ts): every descriptor is non-blocking; an attempt that would block
// waits for readiness on the event loop, and what happens next is the core's
// rule, the same C the sync loop runs. settimeout applies: a timed-out
// operation rejects with socket.timeout and leaves the socket usable. Every
// call that can wait takes an optional trailing AbortSignal: it rejects with
// an AbortError and leaves the socket usable, nothing left waiting.
import { SocketBase } from './socket-base.js';
import { POLLOUT, type DataOpClass, type Op, type RecvOp } from './ops.js';
import { isSignal, runPending } from './pending.js';
import { abortError, forget, setRef } from '../host/readiness.js';
import { socketDuplex, socketWebStreams, type SocketDuplex, type WebStreamPair } from './streams.js';
import { SOCK_STREAM } from '../host/constants.generated.js';
import { EAGAIN } from '../host/core-abi.generated.js';
import type {
  Address, AddressArg, AncillaryArg, Bytes, Int, RecvmsgIntoResult, RecvmsgResult, SendfileFile, WritableBytes,
} from './types.js';
import { sendfileAsync } from './sendfile.js';

// One of SocketBase's operation builders, as the Promise socket calls it
// with (up to five of) its method's arguments, which it checks itself.
type MakeOp<O> = (this: AsyncSocket, ...args: never[]) => O;
type CallOp<O> = (this: AsyncSocket, ...args: unknown[]) => O;

/**
 * Python's socket object for the event loop, exported by `wasock/promises` as `SocketType` (and
 * `socket.socket`). The same methods as the sync socket; each call that can wait returns a Promise
 * and takes an optional trailing `AbortSignal`. The descriptor is always non-blocking; a call that
 * would block waits for readiness on the event loop. `settimeout()` still applies: once the timeout
 * passes the Promise rejects with `socket.timeout` and the socket stays usable; with timeout 0 an
 * operation that would wait rejects at once with `socket.error` (EAGAIN).
 *
 * A method that returns a Promise never throws: bad arguments, a closed socket (EBADF) and OS
 * failures all reject it, with the same classes as the sync API (`socket.error` with `errno`,
 * `code`, `syscall`; `socket.timeout`; TypeError; RangeError). The methods that never wait
 * (bind, listen, getsockopt, settimeout, ...) are the sync socket's and throw as they do.
 */
export class AsyncSocket extends SocketBase {
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
  // Bound once: what a hinted read does when it succeeds.
  readonly #afterHinted = (r: number, op: RecvOp<unknown>): void => {
    if (r !== op.size) {
      this.#fullReads = 0;
    } else if (++this.#fullReads >= this.#probeEvery) {
      this.#fullReads = 0;
      this.#rdHint = 0;
    }
  };

  // Always non-blocking: waits happen on the event loop.
  protected descriptorTimeout(_t: number | null): number {
    return 0;
  }

  // Operations overlap: each call has its own object.
  protected dataOp<C>(Cls: DataOpClass<C>): C {
    return new Cls();
  }

  // A write-side operation (or accept, connect): the first attempt now, then
  // the Promise driver. Bad arguments and a closed socket reject, as every
  // error of the Promise API does, rather than throw. `make` is one of
  // SocketBase's operation builders, given the method's arguments a..e (a
  // method and its arguments rather than a closure: no allocation per call).
  #run<T>(signal: AbortSignal | undefined, make: MakeOp<Op<T>>, a?: unknown, b?: unknown, c?: unknown, d?: unknown,
    e?: unknown): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let op: Op<T>;
    let r: number;
    try {
      op = (make as CallOp<Op<T>>).call(this, a, b, c, d, e);
      this.#sentSinceRead = op.events === POLLOUT;
      r = op.attempt();
      if (r >= 0) return Promise.resolve(op.settle(r));
    } catch (e) {
      return Promise.reject(e);
    }
    return runPending(op, -r, this.coreTimeout(), signal);
  }

  // A read: as #run, with the read hint.
  #read<T>(signal: AbortSignal | undefined, make: MakeOp<RecvOp<T>>, a: unknown, b: unknown, c?: unknown): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let op: RecvOp<T>;
    try {
      op = (make as CallOp<RecvOp<T>>).call(this, a, b, c);
    } catch (e) {
      return Promise.reject(e);
    }
    const hintable = this.gettimeout() !== 0 && this.type === SOCK_STREAM && op.size > 0;
    const hinted = hintable && this.#rdHint !== 0 && this.#sentSinceRead;
    this.#sentSinceRead = false;
    let err = this.#rdHint;
    if (!hinted) {
      const r = op.attempt();
      if (r >= 0) {
        if (hintable) this.#probeEvery = 1; // an attempt made at once found data
        try {
          return Promise.resolve(op.settle(r));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      err = -r;
      if (hintable && err === EAGAIN) {
        this.#rdHint = EAGAIN;
        this.#fullReads = 0;
        if (this.#probeEvery < 64) this.#probeEvery *= 2;
      }
    }
    return runPending(op, err, this.coreTimeout(), signal, hinted ? this.#afterHinted : null);
  }

  /**
   * Python's `socket.accept()`, awaited: resolves to `[conn, address]` once a connection arrives; `conn`
   * is a Promise API socket with the default timeout.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error (e.g. EINVAL when not listening), socket.timeout, AbortError.
   */
  accept(signal?: AbortSignal): Promise<[this, Address]> {
    return this.#run(signal, this.acceptOp);
  }

  /**
   * Python's `socket.connect(address)`, awaited: resolves once connected. A host name in the address
   * is resolved first (synchronously, as the sync API does; use `getaddrinfo()` of `wasock/promises`
   * beforehand to resolve off the loop).
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error with the connect's errno, `code`, `syscall` `'connect'`, `address`
   *   and `port`; socket.timeout; socket.gaierror; AbortError.
   */
  connect(address: AddressArg, signal?: AbortSignal): Promise<void>;
  connect(address: unknown, signal?: AbortSignal): Promise<void> {
    return this.#run<void>(signal, this.connectOp, address, false);
  }

  // Errors of the connect itself are returned; a timeout is EAGAIN, as CPython.
  /**
   * Python's `socket.connect_ex(address)`, awaited: resolves to 0 when connected, or to the connect's
   * errno instead of rejecting (EAGAIN when the timeout passed, as in CPython).
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) what is not the connect's own failure: bad addresses, EBADF, AbortError.
   */
  connect_ex(address: AddressArg, signal?: AbortSignal): Promise<number>;
  connect_ex(address: unknown, signal?: AbortSignal): Promise<number> {
    return this.#run<number>(signal, this.connectOp, address, true);
  }

  /**
   * Python's `socket.recv(bufsize[, flags])`, awaited: resolves to at most `bufsize` bytes as a
   * `Uint8Array` (a Buffer), empty when the peer closed a stream.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error (e.g. ECONNRESET), socket.timeout, RangeError for a negative
   *   `bufsize`, AbortError.
   */
  recv(bufsize: Int, flags?: Int, signal?: AbortSignal): Promise<Uint8Array>;
  /** `recv(bufsize, signal)`: flags left out (0), with an AbortSignal. */
  recv(bufsize: Int, signal?: AbortSignal): Promise<Uint8Array>;
  recv(bufsize: unknown, flags?: unknown | AbortSignal, signal?: AbortSignal): Promise<Uint8Array> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#read(signal, this.recvBytesOp, bufsize, flags);
  }

  /**
   * Python's `socket.recvfrom(bufsize[, flags])`, awaited: resolves to `[data, address]`, the address in
   * the socket family's form or `null` when the kernel gives none.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) as recv.
   */
  recvfrom(bufsize: Int, flags?: Int, signal?: AbortSignal): Promise<[Uint8Array, Address]>;
  /** `recvfrom(bufsize, signal)`: flags left out (0), with an AbortSignal. */
  recvfrom(bufsize: Int, signal?: AbortSignal): Promise<[Uint8Array, Address]>;
  recvfrom(bufsize: unknown, flags?: unknown | AbortSignal, signal?: AbortSignal): Promise<[Uint8Array, unknown]> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#read(signal, this.recvfromOp, bufsize, flags);
  }

  /**
   * Python's `socket.recv_into(buffer[, nbytes[, flags]])`, awaited: receives into `buffer` in place
   * and resolves to the number of bytes received. Don't touch the buffer until it settles.
   *
   * @param nbytes At most this many bytes; 0 or left out: the buffer's length.
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) as recv; RangeError when `nbytes` is negative or exceeds the buffer.
   */
  recv_into(buffer: WritableBytes, nbytes?: Int, flags?: Int, signal?: AbortSignal): Promise<number>;
  /** `recv_into(buffer, nbytes, signal)`: flags left out (0), with an AbortSignal. */
  recv_into(buffer: WritableBytes, nbytes: Int, signal?: AbortSignal): Promise<number>;
  /** `recv_into(buffer, signal)`: the whole buffer, flags 0, with an AbortSignal. */
  recv_into(buffer: WritableBytes, signal?: AbortSignal): Promise<number>;
  recv_into(buffer: unknown, nbytes?: unknown | AbortSignal, flags?: unknown | AbortSignal,
    signal?: AbortSignal): Promise<number> {
    if (isSignal(nbytes)) [nbytes, signal] = [undefined, nbytes];
    else if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#read(signal, this.recvIntoOp, buffer, nbytes, flags);
  }

  /**
   * Python's `socket.recvfrom_into(buffer[, nbytes[, flags]])`, awaited: resolves to `[nbytes, address]`.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) as recv_into.
   */
  recvfrom_into(buffer: WritableBytes, nbytes?: Int, flags?: Int, signal?: AbortSignal):
    Promise<[number, Address]>;
  /** `recvfrom_into(buffer, nbytes, signal)`: flags left out (0), with an AbortSignal. */
  recvfrom_into(buffer: WritableBytes, nbytes: Int, signal?: AbortSignal): Promise<[number, Address]>;
  /** `recvfrom_into(buffer, signal)`: the whole buffer, flags 0, with an AbortSignal. */
  recvfrom_into(buffer: WritableBytes, signal?: AbortSignal): Promise<[number, Address]>;
  recvfrom_into(buffer: unknown, nbytes?: unknown | AbortSignal, flags?: unknown | AbortSignal,
    signal?: AbortSignal): Promise<[number, unknown]> {
    if (isSignal(nbytes)) [nbytes, signal] = [undefined, nbytes];
    else if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#read(signal, this.recvfromIntoOp, buffer, nbytes, flags);
  }

  /**
   * Python's `socket.send(data[, flags])`, awaited: resolves to the number of bytes sent, which may be
   * less than all of `data`.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error (e.g. EPIPE, ECONNRESET), socket.timeout, AbortError.
   */
  send(data: Bytes, flags?: Int, signal?: AbortSignal): Promise<number>;
  /** `send(data, signal)`: flags left out (0), with an AbortSignal. */
  send(data: Bytes, signal?: AbortSignal): Promise<number>;
  send(data: unknown, flags?: unknown | AbortSignal, signal?: AbortSignal): Promise<number> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#run(signal, this.sendOp, data, flags);
  }

  // One deadline covers every partial send; what went out is not sent again.
  /**
   * Python's `socket.sendall(data[, flags])`, awaited: resolves once all of `data` is sent. The timeout
   * covers the whole call. Don't modify `data` until it settles.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting. What was sent before an abort is not sent again.
   * @throws (rejects) as send.
   */
  sendall(data: Bytes, flags?: Int, signal?: AbortSignal): Promise<void>;
  /** `sendall(data, signal)`: flags left out (0), with an AbortSignal. */
  sendall(data: Bytes, signal?: AbortSignal): Promise<void>;
  sendall(data: unknown, flags?: unknown | AbortSignal, signal?: AbortSignal): Promise<void> {
    if (isSignal(flags)) [flags, signal] = [undefined, flags];
    return this.#run(signal, this.sendallOp, data, flags);
  }

  // sendto(data, address) or sendto(data, flags, address), then an optional signal.
  /**
   * Python's `socket.sendto(data, address)`, awaited: resolves to the number of bytes sent.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error (e.g. EMSGSIZE), socket.gaierror, TypeError, AbortError.
   */
  sendto(data: Bytes, address: AddressArg, signal?: AbortSignal): Promise<number>;
  /** Python's `socket.sendto(data, flags, address)`, awaited: as above, with `MSG_*` flags. */
  sendto(data: Bytes, flags: Int, address: AddressArg, signal?: AbortSignal): Promise<number>;
  sendto(data: unknown, flagsOrAddress: unknown, address?: unknown | AbortSignal, signal?: AbortSignal):
    Promise<number> {
    const args: unknown[] = Array.prototype.slice.call(arguments);
    const sig = isSignal(args[args.length - 1]) ? args.pop() as AbortSignal : undefined;
    return this.#run(sig, this.sendtoOp, args);
  }

  /**
   * Python's `socket.sendmsg(buffers[, ancdata[, flags[, address]]])`, awaited: resolves to the
   * number of bytes of data sent, gathered from every buffer as one message, with control messages.
   * Don't modify the buffers until it settles.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error (e.g. EMSGSIZE), socket.timeout, TypeError, AbortError.
   */
  sendmsg(buffers: Iterable<Bytes>, ancdata?: Iterable<AncillaryArg>, flags?: Int, address?: AddressArg | null,
    signal?: AbortSignal): Promise<number>;
  sendmsg(...args: unknown[]): Promise<number> {
    const sig = isSignal(args[args.length - 1]) ? args.pop() as AbortSignal : undefined;
    return this.#run(sig, this.sendmsgOp, args[0], args[1], args[2], args[3]);
  }

  /**
   * Python's `socket.sendmsg_afalg([msg, ]*, op[, iv[, assoclen[, flags]]])`, its keyword
   * arguments trailing, awaited: resolves to the number of bytes of data sent to the AF_ALG
   * operation socket with the operation, IV and AEAD associated data length.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error, socket.timeout, TypeError (as the sync socket's), AbortError.
   */
  sendmsg_afalg(msg: Iterable<Bytes> | undefined, op: Int, iv?: Bytes, assoclen?: Int, flags?: Int,
    signal?: AbortSignal): Promise<number>;
  sendmsg_afalg(...args: unknown[]): Promise<number> {
    const sig = isSignal(args[args.length - 1]) ? args.pop() as AbortSignal : undefined;
    return this.#run(sig, this.sendmsgAfalgOp, args[0], args[1], args[2], args[3], args[4]);
  }

  /**
   * Python's `socket.recvmsg(bufsize[, ancbufsize[, flags]])`, awaited: resolves to
   * `[data, ancdata, msg_flags, address]`.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) socket.error, socket.timeout, RangeError for a negative `bufsize` or an
   *   `ancbufsize` out of range, AbortError.
   */
  recvmsg(bufsize: Int, ancbufsize?: Int, flags?: Int, signal?: AbortSignal): Promise<RecvmsgResult>;
  recvmsg(...args: unknown[]): Promise<RecvmsgResult> {
    const sig = isSignal(args[args.length - 1]) ? args.pop() as AbortSignal : undefined;
    return this.#run(sig, this.recvmsgOp, args[0], args[1], args[2]) as Promise<RecvmsgResult>;
  }

  /**
   * Python's `socket.recvmsg_into(buffers[, ancbufsize[, flags]])`, awaited: scatters the data into
   * `buffers` in place and resolves to `[nbytes, ancdata, msg_flags, address]`. Don't touch the
   * buffers until it settles.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError` (`code` `'ABORT_ERR'`,
   *   the signal's reason as `cause`); the socket stays usable and nothing is left waiting.
   * @throws (rejects) as recvmsg; TypeError when `buffers` is not an iterable of buffers.
   */
  recvmsg_into(buffers: Iterable<WritableBytes>, ancbufsize?: Int, flags?: Int, signal?: AbortSignal):
    Promise<RecvmsgIntoResult>;
  recvmsg_into(...args: unknown[]): Promise<RecvmsgIntoResult> {
    const sig = isSignal(args[args.length - 1]) ? args.pop() as AbortSignal : undefined;
    return this.#run(sig, this.recvmsgIntoOp, args[0], args[1], args[2]) as Promise<RecvmsgIntoResult>;
  }

  /**
   * Python's `socket.sendfile(file, offset=0, count=None)`, awaited: as the sync socket's
   * `sendfile()`, each wait for writability on the event loop, the fallback's reads off it
   * (a file object's `read()` may return a Promise). Resolves to the number of bytes sent.
   *
   * @param signal Aborts the wait: the Promise rejects with an `AbortError`; the file's position
   *   (where it has one) is past the bytes sent so far.
   * @throws (rejects) as the sync `sendfile()`: RangeError, TypeError, socket.error,
   *   socket.timeout; AbortError.
   */
  sendfile(file: SendfileFile, offset?: Int, count?: Int | null, signal?: AbortSignal): Promise<number>;
  /** `sendfile(file, signal)`: from the start to the end, with an AbortSignal. */
  sendfile(file: SendfileFile, signal?: AbortSignal): Promise<number>;
  /** `sendfile(file, offset, signal)`: from `offset` to the end, with an AbortSignal. */
  sendfile(file: SendfileFile, offset: Int, signal?: AbortSignal): Promise<number>;
  sendfile(file: unknown, offset?: unknown | AbortSignal, count?: unknown | AbortSignal, signal?: AbortSignal):
    Promise<number> {
    if (isSignal(offset)) [offset, signal] = [undefined, offset];
    else if (isSignal(count)) [count, signal] = [undefined, count];
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.#sentSinceRead = true;
    try {
      return sendfileAsync(this.sendfileSteps(file, offset === undefined ? 0 : offset, count === undefined ? null : count), this.coreTimeout(), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // Node's socket.unref(): this socket's pending operations no longer keep
  // the process alive (they still settle if it lives on); ref() undoes it.
  // Python has no such notion. Returns the socket, as Node's does.
  /**
   * As Node's `socket.unref()` (Python has none): this socket's pending operations no longer keep the
   * process alive; they still settle if it lives on. Returns the socket.
   */
  unref(): this {
    this.#setRef(false);
    return this;
  }

  /** Undoes {@link AsyncSocket.unref}: pending operations keep the process alive again (the default). Returns the socket. */
  ref(): this {
    this.#setRef(true);
    return this;
  }

  #setRef(on: boolean): void {
    const fd = this.fileno();
    if (fd >= 0) setRef(fd, on);
  }

  // Waiters on the descriptor reject with EBADF; the addon drops its watch.
  protected released(fd: number): void {
    forget(fd);
  }

  /** Closes the socket (`await using s = socket.socket()`); pending operations reject with EBADF. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  // A Node Duplex over this socket (socket.py's makefile arguments; 'b'
  // absent means text: strings in, strings out). Closing the stream leaves
  // the socket open, as closing a makefile() file does.
  /**
   * Python's `socket.makefile(mode='r', buffering=None, encoding=None, errors=None, newline=None)` for
   * the event loop: a Node `Duplex` stream over the socket instead of a file. Binary ('b' in `mode`)
   * reads give Buffers; text mode takes and gives strings in `encoding` (UTF-8 when null). Reads and
   * writes use the socket's recv/sendall, so its timeout applies. Ending the stream shuts down the
   * sending half (`SHUT_WR`); destroying it leaves the socket open, as closing a file does.
   *
   * @throws RangeError for an invalid mode, buffering or encoding (Python's ValueError/LookupError).
   */
  makefile(mode?: string, buffering?: number | null, encoding?: string | null, errors?: string | null,
    newline?: string | null): SocketDuplex;
  makefile(mode: unknown = 'r', buffering: unknown = null, encoding: unknown = null, _errors: unknown = null,
    newline: unknown = null): SocketDuplex {
    const [spec, release] = this.fileRef(mode, buffering, encoding, newline);
    return socketDuplex(this, spec, release, typeof encoding === 'string' ? encoding : null);
  }

  // A WHATWG ReadableStream/WritableStream pair over this socket.
  /**
   * A WHATWG `{ readable, writable }` pair of `Uint8Array` streams over this socket (not in Python):
   * for `pipeTo` and other WHATWG stream code. Closing the writable shuts down the sending half
   * (`SHUT_WR`); cancelling the readable aborts its pending recv; neither closes the socket.
   */
  toWebStreams(): WebStreamPair {
    return socketWebStreams(this);
  }

  /** Python's repr of the socket, named `wasock.promises.socket`. */
  toString(): string {
    return this.describe('wasock.promises.socket');
  }
}
