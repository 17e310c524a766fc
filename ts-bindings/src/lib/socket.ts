// SocketType: Python's socket object, synchronous and blocking. Each call
// that can wait is one operation (ops.ts) run by the sync driver: a direct
// first attempt, then the core's operation loop, which alone decides whether
// to wait, retry or fail under the socket's timeout.
import { SocketBase, getdefaulttimeout, setdefaulttimeout, coreTimeout } from './socket-base.js';
import { runSync, type DataOpClass } from './ops.js';
import { SocketFile } from './makefile.js';
import type {
  Address, AddressArg, AncillaryArg, Bytes, Int, RecvmsgIntoResult, RecvmsgResult, SendfileFile, WritableBytes,
} from './types.js';
import { sendfileSync } from './sendfile.js';

export { getdefaulttimeout, setdefaulttimeout };

/**
 * Python's socket object, synchronous: every call that can wait blocks the thread, under the
 * socket's timeout (`settimeout()`), as CPython does. Made by `socket.socket()`,
 * `socketpair()`, `fromfd()`, `create_connection()`, `accept()` and `dup()`; `socket.socket` is this
 * class too (`s instanceof socket.socket`).
 *
 * Errors: an OS failure throws `socket.error` (Python's OSError) with `errno`, `strerror`, `code`
 * (`'ECONNREFUSED'`), `syscall` and, where there was one, `address`/`port`; a passed timeout throws
 * `socket.timeout`; bad arguments throw TypeError or RangeError (Python's ValueError/OverflowError).
 */
export class SocketType extends SocketBase {
  // O_NONBLOCK whenever a timeout is in force, as CPython: poll(), not the
  // kernel, then decides how long an operation may take.
  protected descriptorTimeout(t: number | null): number {
    return coreTimeout(t);
  }

  // One operation at a time, run to its end: one object per kind serves all.
  protected dataOp<C>(Cls: DataOpClass<C>): C {
    return Cls.shared;
  }

  /**
   * Python's `socket.connect(address)`: connects to a remote address in the socket family's form
   * (`['example.com', 80]`: a host name is resolved first, its first address used). Blocks until
   * connected, or until the timeout passes.
   *
   * @throws socket.error with the connect's errno and code (e.g. `ECONNREFUSED`), `syscall`
   *   `'connect'`, `address` and `port`; `socket.timeout` when the timeout passes; `socket.gaierror`
   *   when the name does not resolve.
   */
  connect(address: AddressArg): void;
  connect(address: unknown): void {
    runSync(this.connectOp(address, false), this.coreTimeout());
  }

  // Errors of the connect itself are returned; a timeout is EAGAIN, as CPython.
  /**
   * Python's `socket.connect_ex(address)`: as {@link SocketType.connect}, but the connect's own
   * failure is returned as an errno instead of thrown.
   *
   * @returns 0 when connected, else the errno (e.g. `errno ECONNREFUSED` = 111; `EAGAIN` when the
   *   timeout passed, as in CPython).
   * @throws What is not the connect's own failure: bad addresses, `socket.gaierror`, EBADF.
   */
  connect_ex(address: AddressArg): number;
  connect_ex(address: unknown): number {
    return runSync(this.connectOp(address, true), this.coreTimeout());
  }

  /**
   * Python's `socket.accept()`: waits for a connection on a listening socket.
   *
   * @returns `[conn, address]`: a new socket for the connection (it takes the default timeout, not
   *   the listener's) and the peer's address.
   * @throws socket.error (e.g. `EINVAL` when not listening, EBADF once closed); `socket.timeout`.
   */
  accept(): [this, Address] {
    return runSync(this.acceptOp(), this.coreTimeout());
  }

  /**
   * Python's `socket.recv(bufsize[, flags])`: receives at most `bufsize` bytes.
   *
   * @param flags `MSG_*` flags, e.g. `MSG_PEEK`; 0 when left out.
   * @returns The bytes received as a `Uint8Array` (a Buffer); empty when the peer closed a stream.
   * @throws socket.error (e.g. `ECONNRESET`, `EAGAIN` on a non-blocking socket with nothing to read);
   *   `socket.timeout`; RangeError for a negative `bufsize`.
   */
  recv(bufsize: Int, flags?: Int): Uint8Array;
  recv(bufsize: unknown, flags: unknown = 0): Uint8Array {
    return runSync(this.recvBytesOp(bufsize, flags, 'recv'), this.coreTimeout());
  }

  /**
   * Python's `socket.recvfrom(bufsize[, flags])`: as {@link SocketType.recv}, with the sender.
   *
   * @returns `[data, address]`: the address in the socket family's form, or `null` (Python's
   *   None) when the kernel gives none, as for a connected TCP socket.
   * @throws As recv.
   */
  recvfrom(bufsize: Int, flags?: Int): [Uint8Array, Address];
  recvfrom(bufsize: unknown, flags: unknown = 0): [Uint8Array, unknown] {
    return runSync(this.recvfromOp(bufsize, flags), this.coreTimeout());
  }

  /**
   * Python's `socket.recv_into(buffer[, nbytes[, flags]])`: receives into `buffer` (any
   * ArrayBufferView, written in place, no copy).
   *
   * @param nbytes At most this many bytes; 0 or left out: the buffer's length.
   * @returns The number of bytes received.
   * @throws As recv; RangeError when `nbytes` is negative or larger than the buffer.
   */
  recv_into(buffer: WritableBytes, nbytes?: Int, flags?: Int): number;
  recv_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): number {
    return runSync(this.recvIntoOp(buffer, nbytes, flags), this.coreTimeout());
  }

  /**
   * Python's `socket.recvfrom_into(buffer[, nbytes[, flags]])`: as {@link SocketType.recv_into}, with
   * the sender.
   *
   * @returns `[nbytes, address]`.
   */
  recvfrom_into(buffer: WritableBytes, nbytes?: Int, flags?: Int): [number, Address];
  recvfrom_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): [number, unknown] {
    return runSync(this.recvfromIntoOp(buffer, nbytes, flags), this.coreTimeout());
  }

  /**
   * Python's `socket.send(data[, flags])`: sends data on a connected socket; it may send only part.
   *
   * @param data Bytes: any ArrayBufferView or ArrayBuffer (a string is refused: encode it).
   * @returns The number of bytes sent.
   * @throws socket.error (e.g. `EPIPE`, `ECONNRESET`; no SIGPIPE is raised); `socket.timeout`.
   */
  send(data: Bytes, flags?: Int): number;
  send(data: unknown, flags: unknown = 0): number {
    return runSync(this.sendOp(data, flags), this.coreTimeout());
  }

  /**
   * Python's `socket.sendall(data[, flags])`: sends all of `data`, waiting as needed. The timeout
   * covers the whole call, not each part.
   *
   * @throws As send; after an error, how much was sent is unknown.
   */
  sendall(data: Bytes, flags?: Int): void;
  sendall(data: unknown, flags: unknown = 0): void {
    runSync(this.sendallOp(data, flags), this.coreTimeout());
  }

  // sendto(data, address) or sendto(data, flags, address).
  /**
   * Python's `socket.sendto(data, address)`: sends a datagram to `address` (in the socket family's form).
   *
   * @returns The number of bytes sent.
   * @throws socket.error (e.g. `EMSGSIZE`, `EISCONN`); `socket.gaierror` for a name that does not
   *   resolve; TypeError for a wrong number of arguments.
   */
  sendto(data: Bytes, address: AddressArg): number;
  /** Python's `socket.sendto(data, flags, address)`: as above, with `MSG_*` flags. */
  sendto(data: Bytes, flags: Int, address: AddressArg): number;
  sendto(data: unknown, flagsOrAddress: unknown, address?: unknown): number {
    // The arguments as given: how many there are decides which is the address.
    return runSync(this.sendtoOp(arguments), this.coreTimeout());
  }

  /**
   * Python's `socket.sendmsg(buffers[, ancdata[, flags[, address]]])`: sends the bytes of every
   * buffer as one message (gathered by the kernel, no copy), with control messages.
   *
   * @param buffers Any iterable of bytes-like objects (an array of Uint8Array is used as it is).
   * @param ancdata Any iterable of `[cmsg_level, cmsg_type, cmsg_data]`, e.g.
   *   `[[SOL_SOCKET, SCM_RIGHTS, new Int32Array([fd])]]`.
   * @param address The destination, as for sendto; `null` or left out: none.
   * @returns The number of bytes of data sent.
   * @throws socket.error (e.g. `EMSGSIZE`, more than 1024 buffers too); `socket.timeout`; TypeError
   *   for arguments of the wrong form, with CPython's messages.
   */
  sendmsg(buffers: Iterable<Bytes>, ancdata?: Iterable<AncillaryArg>, flags?: Int, address?: AddressArg | null):
    number;
  sendmsg(buffers: unknown, ancdata?: unknown, flags: unknown = 0, address?: unknown): number {
    return runSync(this.sendmsgOp(buffers, ancdata, flags, address), this.coreTimeout());
  }

  /**
   * Python's `socket.recvmsg(bufsize[, ancbufsize[, flags]])`: receives at most `bufsize` bytes of
   * data and at most `ancbufsize` bytes of control messages (size it with `CMSG_SPACE()`).
   *
   * @returns `[data, ancdata, msg_flags, address]`: ancdata as `[level, type, data]` items;
   *   `msg_flags` with `MSG_TRUNC` / `MSG_CTRUNC` when data or control messages did not fit
   *   (received descriptors are close-on-exec; those in messages the buffer cut off are closed).
   * @throws socket.error; `socket.timeout`; RangeError for a negative `bufsize`
   *   (`'negative buffer size in recvmsg()'`) or an `ancbufsize` out of range.
   */
  recvmsg(bufsize: Int, ancbufsize?: Int, flags?: Int): RecvmsgResult;
  recvmsg(bufsize: unknown, ancbufsize: unknown = 0, flags: unknown = 0): RecvmsgResult {
    return runSync(this.recvmsgOp(bufsize, ancbufsize, flags), this.coreTimeout()) as RecvmsgResult;
  }

  /**
   * Python's `socket.recvmsg_into(buffers[, ancbufsize[, flags]])`: as {@link SocketType.recvmsg},
   * scattering the data into `buffers` in place, each filled before the next.
   *
   * @param buffers Any iterable of writable bytes-like objects.
   * @returns `[nbytes, ancdata, msg_flags, address]`.
   * @throws As recvmsg; TypeError when `buffers` is not an iterable of buffers.
   */
  recvmsg_into(buffers: Iterable<WritableBytes>, ancbufsize?: Int, flags?: Int): RecvmsgIntoResult;
  recvmsg_into(buffers: unknown, ancbufsize: unknown = 0, flags: unknown = 0): RecvmsgIntoResult {
    return runSync(this.recvmsgIntoOp(buffers, ancbufsize, flags), this.coreTimeout()) as RecvmsgIntoResult;
  }

  /**
   * Python's `socket.sendfile(file, offset=0, count=None)`: sends the file from `offset` until
   * its end, or `count` bytes, with sendfile(2) (no copy through JavaScript) while `file` is a
   * file the kernel can send from, else (a pipe's or a file object without `fileno()`) with
   * reads of 8 KiB and sends, as CPython falls back on send(). The socket's timeout covers each
   * wait. Where `file` has a position (an object with `fd`, or with `seek()`) it ends just past
   * the bytes sent, even after an error; a descriptor number's file offset is left unchanged.
   *
   * @param file A descriptor, an object with a numeric `fd` (an `fs.promises` FileHandle) or a
   *   Python-like file object ({@link PyFileLike}).
   * @returns The number of bytes sent (0 for an empty file).
   * @throws RangeError (Python's ValueError) for a socket that is not SOCK_STREAM, a
   *   non-blocking socket, a text-mode file or a `count` not positive; TypeError for a `count`
   *   that is not an integer; socket.error (e.g. EPIPE); socket.timeout.
   */
  sendfile(file: SendfileFile, offset?: Int, count?: Int | null): number;
  sendfile(file: unknown, offset: unknown = 0, count: unknown = null): number {
    return sendfileSync(this.sendfileSteps(file, offset, count), this.coreTimeout());
  }

  // The file's kind follows the mode: bytes with 'b' in it, text without.
  /**
   * Python's `socket.makefile(mode='r', buffering=None, encoding=None, errors=None, newline=None)`, in
   * binary mode ('b' in `mode`, e.g. `'rb'`, `'wb'`, `'rwb'`): a buffered file object whose reads give
   * `Uint8Array`. Closing the file leaves the socket open.
   *
   * @param buffering Buffer size; -1 or null for the default, 0 for unbuffered (binary only).
   * @throws RangeError for an invalid mode or buffering (Python's ValueError).
   */
  makefile(mode: `${string}b${string}`, buffering?: number | null, encoding?: string | null,
    errors?: string | null, newline?: string | null): SocketFile<Uint8Array>;
  /**
   * `socket.makefile()` in text mode (no 'b' in `mode`): reads give strings decoded with `encoding`
   * (UTF-8 when null; also latin-1, ascii), with Python's newline handling.
   *
   * @throws RangeError for an invalid mode or an unknown encoding (Python's ValueError, LookupError).
   */
  makefile(mode?: 'r' | 'w' | 'rw' | 'wr', buffering?: number | null, encoding?: string | null,
    errors?: string | null, newline?: string | null): SocketFile<string>;
  /** `socket.makefile()` with a mode not known when type-checking: a binary or text file, as the mode says. */
  makefile(mode?: string, buffering?: number | null, encoding?: string | null, errors?: string | null,
    newline?: string | null): SocketFile;
  makefile(mode: unknown = 'r', buffering: unknown = null, encoding: unknown = null, _errors: unknown = null,
    newline: unknown = null): SocketFile {
    const [spec, release] = this.fileRef(mode, buffering, encoding, newline);
    return new SocketFile(this, spec, release);
  }

  /** Python's repr of the socket: `<socket.socket fd=3, family=2, type=1, proto=6, laddr=('127.0.0.1', 8080)>`. */
  toString(): string {
    return this.describe('socket.socket');
  }
}
