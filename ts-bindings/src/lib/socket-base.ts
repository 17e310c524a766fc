// What the sync and the Promise socket share: Python's per-object state
// (descriptor, family, type, proto, timeout), the calls that never wait, and
// for each call that can wait, its arguments checked and converted into one
// operation (ops.ts). SocketType (socket.ts) runs operations with the sync
// driver, AsyncSocket (async-socket.ts) with the Promise driver; neither
// knows the other.
import { Buffer } from '../host/builtins.js';
import { core, memory, scratch } from '../host/core.js';
import { addon } from '../host/native.js';
import { encodeAddress } from './address.js';
import { check, error, osError } from './errors.js';
import {
  argTypeName, asBytes, asCInt, asCLong, asClinicInt, asIndex, asSize, asTimeout, asUIntMask, asWritable, isInt, pyStr,
  truthy, typeName,
} from './convert.js';
import { fileMode, type FileMode } from './makefile.js';
import { cmsgSpace, NATIVE_CMSG, SOCKLEN_T_LIMIT, type Ancillary } from './cmsg.js';
import {
  AcceptOp, ConnectOp, RecvBytesOp, RecvmsgIntoOp, RecvmsgOp, SendmsgOp, RecvfromIntoOp, RecvfromOp, RecvIntoOp, SendallOp, SendOp, senderAddress,
  type DataOpClass, type SendAddress,
} from './ops.js';
import {
  AF_ALG, AF_INET, AF_VSOCK, ALG_SET_AEAD_ASSOCLEN, ALG_SET_IV, ALG_SET_OP, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, SOL_ALG,
  SOL_SOCKET, SO_DOMAIN, SO_PROTOCOL, SO_TYPE, SOMAXCONN,
} from '../host/constants.generated.js';
import { EAGAIN, EBADF, EINVAL, WSK_ETIMEOUT, WSK_SOCKADDR_MAX } from '../host/core-abi.generated.js';
import type { Address, AddressArg, AlgAddressArg, Bytes, Int, Timeout } from './types.js';
import { sendfileSteps, type SendfileSocket, type SendfileStep } from './sendfile.js';


let defaultTimeout: number | null = null;

/**
 * Python's `socket.getdefaulttimeout()`: the timeout, in seconds, that new sockets start with, or
 * `null` (Python's None) when they start blocking, which is the initial setting.
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Python's `socket.setdefaulttimeout(timeout)`: sets the timeout every socket created afterwards
 * starts with (sockets that already exist keep theirs). Applies to both APIs, which share it.
 *
 * @param timeout Seconds (non-negative, fractions allowed), or `null` for blocking sockets.
 * @throws RangeError for a negative timeout (Python's ValueError); TypeError when not a number or null.
 */
export function setdefaulttimeout(timeout: Timeout): void;
export function setdefaulttimeout(timeout: unknown): void {
  defaultTimeout = asTimeout(timeout);
}

// A timeout as the core takes it: None is -1 (blocking).
export function coreTimeout(t: number | null): number {
  return t === null ? -1 : t;
}

// Sockets left to the garbage collector still close their descriptor.
const finalizer = new FinalizationRegistry<number>((fd) => {
  addon.close(fd);
});

// A socket class as socket.socket: (family, type, proto, fileno).
export type SocketClass<S> = new (family?: Int, type?: Int, proto?: Int, fileno?: Int | null) => S;

/**
 * What the sync socket ({@link SocketType} of `wasock`) and the Promise socket (`SocketType` of
 * `wasock/promises`) have in common: the socket's descriptor, family, type, protocol and timeout,
 * and every method that never waits. Not constructed directly: use `socket.socket()`.
 */
export abstract class SocketBase {
  #fd: number;
  #family: number;
  #type: number;
  #proto: number;
  #timeout: number | null;
  // socket.py's _io_refs/_closed: close() waits for the last makefile() file.
  #ioRefs = 0;
  #closed = false;

  /**
   * Python's `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)`, keyword
   * arguments as trailing positionals. With `fileno`, wraps that open descriptor (without duplicating
   * it) and asks the kernel for the family, type and protocol left out.
   *
   * @throws socket.error (Python's OSError) when the kernel refuses the socket, e.g. `EAFNOSUPPORT`;
   *   RangeError for a negative `fileno`.
   */
  constructor(family?: Int, type?: Int, proto?: Int, fileno?: Int | null);
  constructor(family: unknown = -1, type: unknown = -1, proto: unknown = -1, fileno: unknown = null) {
    let fam = asClinicInt(family);
    let typ = asClinicInt(type);
    let pro = asClinicInt(proto);
    if (fileno !== null && fileno !== undefined) {
      const fd = asCInt(fileno);
      if (fd < 0) throw new RangeError('negative file descriptor');
      // Like CPython, ask the kernel what the descriptor is.
      if (fam === -1) fam = sockoptInt(fd, SO_DOMAIN);
      if (typ === -1) typ = sockoptInt(fd, SO_TYPE);
      if (pro === -1) pro = sockoptInt(fd, SO_PROTOCOL);
      this.#fd = fd;
    } else {
      if (fam === -1) fam = AF_INET;
      if (typ === -1) typ = SOCK_STREAM;
      if (pro === -1) pro = 0;
      this.#fd = -1;
    }
    this.#family = fam;
    this.#type = typ & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    this.#proto = pro;
    this.#timeout = typ & SOCK_NONBLOCK ? 0 : defaultTimeout;
    const mode = this.descriptorTimeout(this.#timeout);
    if (this.#fd === -1) {
      this.#fd = check(core.wsk_socket(fam, typ, pro, mode), 'socket');
    } else {
      check(core.wsk_settimeout(this.#fd, mode));
    }
    finalizer.register(this, this.#fd, this);
  }

  // The core timeout whose blocking mode the descriptor takes for Python's
  // timeout t: the sync API's own (O_NONBLOCK whenever a timeout is in
  // force, as CPython), the Promise API's always non-blocking.
  protected abstract descriptorTimeout(t: number | null): number;

  // The object an operation of class Cls runs in: the class's shared one for
  // the sync driver, a new one for the Promise driver (see ops.ts).
  protected abstract dataOp<C>(Cls: DataOpClass<C>): C;

  /** The address family the socket was created with (an `AF_*` constant). */
  get family(): number { return this.#family; }
  /** The socket type (a `SOCK_*` constant), without the `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags. */
  get type(): number { return this.#type; }
  /** The protocol number the socket was created with (0 when the kernel chose). */
  get proto(): number { return this.#proto; }
  /** The socket's timeout in seconds, or `null` when blocking: the same as `gettimeout()`. */
  get timeout(): number | null { return this.#timeout; }

  /**
   * Python's `socket.fileno()`: the socket's file descriptor, or -1 once it is closed or detached.
   * Never throws.
   */
  fileno(): number {
    return this.#fd;
  }

  // The descriptor, or EBADF once closed.
  protected open(): number {
    if (this.#fd < 0) throw osError(EBADF);
    return this.#fd;
  }

  /**
   * Python's `socket.close()`: closes the socket. Further operations fail with `socket.error` (EBADF);
   * closing twice does nothing. While a `makefile()` file is still open the descriptor stays open until
   * that file is closed too, as in Python. Sockets left to the garbage collector are closed as well,
   * but close them yourself.
   *
   * @throws socket.error when close(2) itself fails (`ECONNRESET` is ignored).
   */
  close(): void {
    this.#closed = true;
    if (this.#ioRefs <= 0) this.#realClose();
  }

  #realClose(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    finalizer.unregister(this);
    this.released(fd);
    check(core.wsk_close(fd), 'close');
  }

  // The descriptor is about to stop being this socket's (close or detach).
  protected released(_fd: number): void {}

  /**
   * Python's `socket.detach()`: the socket gives up its descriptor without closing it and behaves as
   * closed from then on.
   *
   * @returns The descriptor, now the caller's to close (e.g. with the module's `close(fd)`); -1 when
   *   the socket was already closed.
   */
  detach(): number {
    this.#closed = true;
    const fd = this.#fd;
    this.#fd = -1;
    finalizer.unregister(this);
    if (fd >= 0) this.released(fd);
    return fd;
  }

  /** Closes the socket (`using s = socket.socket()`): the same as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Python's `socket.bind(address)`: binds the socket to a local address, given in the socket
   * family's form, e.g. `['127.0.0.1', 8080]` for AF_INET, a path for AF_UNIX, `['vcan0']` for a
   * CAN_RAW socket or `['hash', 'sha256']` for AF_ALG. A host name is resolved first.
   *
   * @throws socket.error with `errno`, `code` (e.g. `'EADDRINUSE'`), `syscall` `'bind'` and the address;
   *   `socket.gaierror` when a host name does not resolve; TypeError for an address of the wrong
   *   form; RangeError for a port out of range (Python's OverflowError).
   */
  bind(address: AddressArg | AlgAddressArg): void;
  bind(address: unknown): void {
    const salen = encodeAddress(this.#family, this.#proto, address, 'bind');
    const r = addon.bind(this.open(), memory().u8, scratch.sa, salen);
    check(r, 'bind', address);
  }

  /**
   * Python's `socket.listen([backlog])`: lets a bound stream socket accept connections.
   *
   * @param backlog Pending connections the kernel may queue; left out, `min(SOMAXCONN, 128)`;
   *   negative counts as 0.
   * @throws socket.error when listen(2) fails (e.g. `EOPNOTSUPP` on a datagram socket).
   */
  listen(backlog?: Int): void;
  listen(backlog?: unknown): void {
    let b = backlog === undefined ? Math.min(SOMAXCONN, 128) : asCInt(backlog);
    if (b < 0) b = 0;
    const r = addon.listen(this.open(), b);
    check(r, 'listen');
  }

  #name(fn: typeof addon.getsockname, syscall: string): Address {
    const fd = this.open();
    const m = memory();
    m.u8.fill(0, scratch.sa, scratch.sa + WSK_SOCKADDR_MAX);
    m.dv.setUint32(scratch.salen, WSK_SOCKADDR_MAX, true);
    const r = fn(fd, m.u8, scratch.sa, scratch.salen);
    check(r, syscall);
    return senderAddress(this.#proto) as Address;
  }

  /**
   * Python's `socket.getsockname()`: the socket's own address, in its family's form (an
   * `[host, port]` array for AF_INET, `[host, port, flowinfo, scope_id]` for AF_INET6, ...).
   *
   * @throws socket.error (EBADF once closed).
   */
  getsockname(): Address {
    return this.#name(addon.getsockname, 'getsockname');
  }

  /**
   * Python's `socket.getpeername()`: the address of the peer the socket is connected to.
   *
   * @throws socket.error, `ENOTCONN` when it is not connected.
   */
  getpeername(): Address {
    return this.#name(addon.getpeername, 'getpeername');
  }

  /**
   * Python's `socket.getsockopt(level, optname)`: an option's value read as a C int.
   *
   * @param level E.g. `SOL_SOCKET`, `IPPROTO_TCP`.
   * @param optname E.g. `SO_REUSEADDR`, `TCP_NODELAY`.
   * @throws socket.error when the kernel refuses (e.g. `ENOPROTOOPT`).
   */
  getsockopt(level: Int, optname: Int): number;
  /**
   * Python's `socket.getsockopt(level, optname, buflen)`: an option's raw value, at most `buflen`
   * bytes, as a `Uint8Array` (Python's bytes); decode it as the option's C struct dictates.
   *
   * @throws socket.error when the kernel refuses, or when `buflen` is negative or too large.
   */
  getsockopt(level: Int, optname: Int, buflen: Int): Uint8Array;
  getsockopt(level: unknown, optname: unknown, buflen: unknown = 0): number | Uint8Array {
    const lvl = asCInt(level);
    const name = asCInt(optname);
    const len = asCInt(buflen);
    const fd = this.open();
    if (len === 0) return this.#family === AF_VSOCK ? vsockOpt(fd, lvl, name) : sockoptInt(fd, name, lvl);
    if (len < 0 || len > scratch.optSize) throw new error('getsockopt buflen out of range');
    const m = memory();
    m.dv.setUint32(scratch.salen, len, true);
    const r = addon.getsockopt(fd, lvl, name, m.u8, scratch.opt, scratch.salen);
    check(r, 'getsockopt');
    const got = m.dv.getUint32(scratch.salen, true);
    return m.u8.slice(scratch.opt, scratch.opt + got);
  }

  // CPython tries three parses in turn: (level, optname, int), (level, optname,
  // None, optlen) passing NULL, (level, optname, bytes); errors are the last one's.
  /**
   * Python's `socket.setsockopt(level, optname, value)`: sets an option from an int (passed as a C
   * int) or from bytes (any ArrayBufferView, passed as is).
   *
   * @throws socket.error when the kernel refuses (e.g. `EINVAL`, `ENOPROTOOPT`); TypeError for a
   *   value that is neither.
   */
  setsockopt(level: Int, optname: Int, value: Int | Bytes): void;
  /**
   * Python's `socket.setsockopt(level, optname, None, optlen)`: sets an option with a NULL value
   * pointer and length `optlen`, as a few options (e.g. AF_ALG keys) require.
   *
   * @throws socket.error when the kernel refuses.
   */
  setsockopt(level: Int, optname: Int, value: null, optlen: Int): void;
  setsockopt(level: unknown, optname: unknown, value: unknown, optlen?: unknown): void {
    if (optlen !== undefined) {
      let parsed = value === null && this.#family !== AF_VSOCK;
      let lvl = 0, name = 0, len = 0;
      try {
        [lvl, name, len] = [asCInt(level), asCInt(optname), asUIntMask(optlen)];
      } catch {
        parsed = false;
      }
      if (!parsed) throw new TypeError('setsockopt() takes exactly 3 arguments (4 given)');
      const r = addon.setsockopt(this.open(), lvl, name, memory().u8, -1, len);
      check(r, 'setsockopt');
      return;
    }
    const lvl = asCInt(level);
    const name = asCInt(optname);
    const m = memory();
    let len: number;
    if (this.#family === AF_VSOCK) {
      // CPython's AF_VSOCK branch: an int only, always as 64 bits (the
      // kernel's vsock buffer sizes are u64 and refuse a shorter value),
      // masked as its 'K' format does.
      if (!isInt(value)) throw new TypeError(`setsockopt() argument 3 must be int, not ${argTypeName(value)}`);
      m.dv.setBigUint64(scratch.opt, BigInt.asUintN(64, BigInt(asIndex(value))), true);
      len = 8;
    } else if (isInt(value)) {
      const v = asIndex(value);
      if (v > 2147483647 || v < -2147483648) throw new TypeError(`a bytes-like object is required, not 'int'`);
      m.dv.setInt32(scratch.opt, Number(v), true);
      len = 4;
    } else {
      const b = asBytes(value);
      if (b.length > scratch.optSize) throw osError(EINVAL);
      m.u8.set(b, scratch.opt);
      len = b.length;
    }
    const r = addon.setsockopt(this.open(), lvl, name, m.u8, scratch.opt, len);
    check(r, 'setsockopt');
  }

  /**
   * Python's `socket.setblocking(flag)`: `setblocking(false)` is `settimeout(0)` (an operation that
   * would wait fails at once with `socket.error`, errno EAGAIN: Python's BlockingIOError), and
   * `setblocking(true)` is `settimeout(null)`.
   */
  setblocking(flag: Int): void;
  setblocking(flag: unknown): void {
    this.#setTimeout(asCLong(flag) ? null : 0);
  }

  /**
   * Python's `socket.getblocking()`: false when the timeout is 0 (non-blocking), true otherwise, a
   * timeout included.
   */
  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  /**
   * Python's `socket.settimeout(value)`: how long an operation may wait. `null` blocks without a
   * limit, 0 makes the socket non-blocking, a positive number of seconds makes waiting operations
   * throw (or, in the Promise API, reject with) `socket.timeout` once it passes.
   *
   * @throws RangeError for a negative value (Python's ValueError); TypeError when not a number or null.
   */
  settimeout(value: Timeout): void;
  settimeout(value: unknown): void {
    this.#setTimeout(asTimeout(value));
  }

  // As CPython, the timeout is kept even when the descriptor then fails (EBADF when closed).
  #setTimeout(t: number | null): void {
    this.#timeout = t;
    check(core.wsk_settimeout(this.#fd, this.descriptorTimeout(t)));
  }

  /** Python's `socket.gettimeout()`: the timeout in seconds, 0 when non-blocking, `null` when blocking. */
  gettimeout(): number | null {
    return this.#timeout;
  }

  // The timeout as the core's rule takes it.
  protected coreTimeout(): number {
    return coreTimeout(this.#timeout);
  }

  /**
   * Python's `socket.shutdown(how)`: shuts down one or both halves of the connection.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   * @throws socket.error, e.g. `ENOTCONN` when not connected; `EINVAL` for another `how`.
   */
  shutdown(how: Int): void;
  shutdown(how: unknown): void {
    const h = asClinicInt(how);
    const r = addon.shutdown(this.open(), h);
    check(r, 'shutdown');
  }

  // socket.py's get/set_inheritable: os.get/set_inheritable on fileno().
  /** Python's `socket.get_inheritable()`: whether child processes inherit the descriptor (no `FD_CLOEXEC`); false for new sockets. */
  get_inheritable(): boolean {
    const r = addon.getInheritable(this.#fd);
    check(r, 'get_inheritable');
    return r === 1;
  }

  /**
   * Python's `socket.set_inheritable(inheritable)`: clears or sets the descriptor's `FD_CLOEXEC`.
   *
   * @throws socket.error (EBADF once closed).
   */
  set_inheritable(inheritable: boolean): void;
  set_inheritable(inheritable: unknown): void {
    const r = addon.setInheritable(this.#fd, inheritable ? 1 : 0);
    check(r, 'set_inheritable');
  }

  /**
   * Python's `socket.dup()`: a new socket of the same class over a duplicate of the descriptor; it
   * starts with the default timeout.
   *
   * @throws socket.error (EBADF once closed, EMFILE without free descriptors).
   */
  dup(): this {
    const nfd = addon.dup(this.open());
    check(nfd, 'dup');
    return this.#sibling(nfd);
  }

  // A socket of this one's class, family, type and proto over nfd; it takes
  // the default timeout, as an accepted socket does in CPython.
  #sibling(nfd: number): this {
    const Cls = this.constructor as SocketClass<this>;
    return new Cls(this.#family, this.#type, this.#proto, nfd);
  }

  // makefile(): the arguments checked, and a reference that keeps close()
  // from closing the descriptor until `release` runs (socket.py's _io_refs).
  protected fileRef(mode: unknown, buffering: unknown, encoding: unknown, newline: unknown):
    [FileMode, () => void] {
    const spec = fileMode(mode, buffering, encoding, newline);
    // Counted once the checks passed: CPython counts before them, so a refused
    // makefile('w', 0) leaves a reference that keeps close() from ever closing.
    this.#ioRefs++;
    let released = false;
    return [spec, () => {
      if (released) return;
      released = true;
      if (this.#ioRefs > 0) this.#ioRefs--;
      if (this.#closed) this.close();
    }];
  }

  // ---- the operations that can wait, as ops.ts runs them ----------------------------------

  // recv, recvfrom, recv_into, recvfrom_into: bytes straight between the
  // kernel and the buffer, no copy. A recv of 0 bytes makes no call, so it
  // needs no open descriptor.
  protected recvBytesOp(bufsize: unknown, flags: unknown = 0, caller = 'recv'): RecvBytesOp {
    const size = this.#size(bufsize, caller);
    const fl = asCInt(flags);
    return this.dataOp(RecvBytesOp).init(size === 0 ? this.#fd : this.open(), Buffer.allocUnsafe(size), size, fl);
  }

  protected recvfromOp(bufsize: unknown, flags: unknown = 0): RecvfromOp {
    const size = this.#size(bufsize, 'recvfrom');
    const fl = asCInt(flags);
    return this.dataOp(RecvfromOp).init(this.open(), Buffer.allocUnsafe(size), size, fl, this.#proto);
  }

  protected recvIntoOp(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): RecvIntoOp {
    const buf = asWritable(buffer, 'recv_into');
    const size = this.#intoSize(buf, nbytes, 'recv_into', 'buffer too small for requested bytes');
    const fl = asCInt(flags);
    return this.dataOp(RecvIntoOp).init(size === 0 ? this.#fd : this.open(), buf, size, fl);
  }

  protected recvfromIntoOp(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): RecvfromIntoOp {
    const buf = asWritable(buffer, 'recvfrom_into');
    const size = this.#intoSize(buf, nbytes, 'recvfrom_into', 'nbytes is greater than the length of the buffer');
    const fl = asCInt(flags);
    return this.dataOp(RecvfromIntoOp).init(this.open(), buf, size, fl, this.#proto);
  }

  #size(bufsize: unknown, caller: string): number {
    const size = asSize(bufsize);
    if (size < 0) throw new RangeError(`negative buffersize in ${caller}`);
    return size;
  }

  // recv_into/recvfrom_into's size in buf: nbytes 0 means the whole buffer.
  #intoSize(buf: Uint8Array, nbytes: unknown, caller: string, tooSmall: string): number {
    const n = asSize(nbytes);
    if (n < 0) throw new RangeError(`negative buffersize in ${caller}`);
    if (n > buf.length) throw new RangeError(tooSmall);
    return n === 0 ? buf.length : n;
  }

  protected sendOp(data: unknown, flags: unknown = 0): SendOp {
    const buf = asBytes(data);
    const fl = asCInt(flags);
    return this.dataOp(SendOp).init(this.open(), buf, fl, null);
  }

  // One deadline covers every partial send; a first attempt that sends
  // everything, the common case, never reaches the core.
  protected sendallOp(data: unknown, flags: unknown = 0): SendallOp {
    const buf = asBytes(data);
    const fl = asCInt(flags);
    return this.dataOp(SendallOp).init(this.open(), buf, fl);
  }

  // sendto(data, address) or sendto(data, flags, address), as Python writes
  // it; trailing undefined arguments count as omitted.
  protected sendtoOp(args: ArrayLike<unknown>): SendOp {
    let argc = args.length;
    while (argc > 0 && args[argc - 1] === undefined) argc--;
    if (argc < 2 || argc > 3) throw new TypeError(`sendto() takes 2 or 3 arguments (${argc} given)`);
    const flags = argc === 3 && args[1] !== undefined ? args[1] : 0;
    const addr = argc === 3 ? args[2] : args[1];
    const buf = asBytes(args[0]);
    const fl = asCInt(flags);
    return this.dataOp(SendOp).init(this.open(), buf, fl, this.#destination(addr, 'sendto'), addr);
  }

  // sendmsg(buffers[, ancdata[, flags[, address]]]), checked in CPython's
  // order: flags, the address, the buffers, the control messages; then the
  // descriptor (EBADF once closed).
  protected sendmsgOp(buffers: unknown, ancdata?: unknown, flags: unknown = 0, address?: unknown): SendmsgOp {
    const fl = asCInt(flags);
    const dest = address === undefined || address === null ? null : this.#destination(address, 'sendmsg');
    const bufs = bytesList(buffers, 'sendmsg() argument 1 must be an iterable', asBytes);
    const items = ancdata === undefined ? null : ancillaryItems(ancdata);
    return this.dataOp(SendmsgOp).init(this.open(), bufs, items, fl, dest, address);
  }

  // sendto's and sendmsg's address, encoded; the last IPv4 one is kept by
  // value (a datagram sender names the same peer again and again, and the
  // encoding, a call into the core with the host's text, is a sixth of a
  // small message's sendmsg). Only a host written as its address's own dotted
  // quad is kept: its encoding depends on nothing else (a name is looked up
  // each time, as CPython does).
  #destination(address: unknown, caller: string): SendAddress {
    const last = lastDestination;
    if (this.#family === AF_INET && last !== null && Array.isArray(address) && address.length === 2 &&
      address[0] === last.host && address[1] === last.port) return last;
    const salen = encodeAddress(this.#family, this.#proto, address, caller);
    const u8 = memory().u8, at = scratch.sa;
    const host = (address as unknown[])[0], port = (address as unknown[])[1];
    if (this.#family === AF_INET && typeof host === 'string' && typeof port === 'number' &&
      host === `${u8[at + 4]}.${u8[at + 5]}.${u8[at + 6]}.${u8[at + 7]}`) {
      // A buffer of its own, off V8's heap and never written again: an
      // operation the Promise driver parked may still hold the last one.
      lastDestination = { mem: Buffer.from(u8.subarray(at, at + salen)), off: 0, salen, host, port };
      return lastDestination;
    }
    return { mem: u8, off: at, salen };
  }


  // sendmsg_afalg(msg, op[, iv[, assoclen[, flags]]]) (keyword-only in Python,
  // trailing here): sendmsg with the AF_ALG control messages CPython builds
  // (ALG_SET_OP, an af_alg_iv {u32 ivlen; u8 iv[]}, ALG_SET_AEAD_ASSOCLEN),
  // each u32 in the machine's order. Checked in CPython's order: the family,
  // each argument's type, then op's and assoclen's values, then msg.
  protected sendmsgAfalgOp(msg: unknown, op: unknown, iv: unknown, assoclen: unknown, flags: unknown): SendmsgOp {
    if (this.#family !== AF_ALG) throw new error('algset is only supported for AF_ALG');
    // getargs numbers an argument by its place in the format, keyword or not.
    const notInt = (argNo: number, v: unknown) =>
      new TypeError(`sendmsg_afalg() argument ${argNo} must be int, not ${argTypeName(v)}`);
    if (op !== undefined && !isInt(op)) throw notInt(2, op);
    const ivb = iv === undefined ? null : asBytes(iv);
    if (assoclen !== undefined && !isInt(assoclen)) throw notInt(4, assoclen);
    const fl = flags === undefined ? 0 : asCInt(flags);
    const opv = op === undefined ? -1 : asIndex(op);
    if (opv < 0 || opv > 2147483647) throw new TypeError("Invalid or missing argument 'op'");
    const u32 = (n: number) => new Uint8Array(Uint32Array.of(n).buffer);
    const anc: Ancillary[] = [[SOL_ALG, ALG_SET_OP, u32(Number(opv))]];
    if (ivb !== null) {
      const algIv = new Uint8Array(4 + ivb.length);
      algIv.set(u32(ivb.length));
      algIv.set(ivb, 4);
      anc.push([SOL_ALG, ALG_SET_IV, algIv]);
    }
    if (assoclen !== undefined) {
      const n = asClinicInt(assoclen);
      if (n < 0) throw new TypeError('assoclen must be positive');
      anc.push([SOL_ALG, ALG_SET_AEAD_ASSOCLEN, u32(n)]);
    }
    return this.sendmsgOp(msg === undefined ? [] : msg, anc, fl);
  }

  protected recvmsgOp(bufsize: unknown, ancbufsize: unknown = 0, flags: unknown = 0): RecvmsgOp {
    const size = asSize(bufsize);
    const anc = asSize(ancbufsize);
    const fl = asCInt(flags);
    if (size < 0) throw new RangeError('negative buffer size in recvmsg()');
    checkAncbufsize(anc);
    return this.dataOp(RecvmsgOp).init(this.open(), [Buffer.allocUnsafe(size)], anc, fl, this.#proto);
  }

  protected recvmsgIntoOp(buffers: unknown, ancbufsize: unknown = 0, flags: unknown = 0): RecvmsgIntoOp {
    const anc = asSize(ancbufsize);
    const fl = asCInt(flags);
    const bufs = bytesList(buffers, 'recvmsg_into() argument 1 must be an iterable', (v) => {
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return asBytes(v);
      throw new TypeError('recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers');
    });
    checkAncbufsize(anc);
    return this.dataOp(RecvmsgIntoOp).init(this.open(), bufs, anc, fl, this.#proto);
  }

  // The new socket is of this one's class (the Promise API's sockets accept
  // their own kind) with the default timeout, not the listener's. Linux fails
  // an AF_ALG accept that asks for the peer's address (ECONNABORTED: its
  // sockets have no name), so, as CPython, none is asked for there.
  protected acceptOp(): AcceptOp<[this, Address]> {
    return new AcceptOp(this.open(), (nfd, addr) => [this.#sibling(nfd), addr as Address], this.#family !== AF_ALG);
  }

  // A closed socket is EBADF, after the address checks. connect_ex returns
  // the connect's errno, and EAGAIN for a timeout, as CPython.
  protected connectOp(address: unknown, ex: false): ConnectOp<void>;
  protected connectOp(address: unknown, ex: true): ConnectOp<number>;
  protected connectOp(address: unknown, ex: boolean): ConnectOp<void> | ConnectOp<number> {
    const salen = encodeAddress(this.#family, this.#proto, address, ex ? 'connect_ex' : 'connect');
    if (ex) return new ConnectOp(this.#fd, salen, (r) => (r === WSK_ETIMEOUT ? EAGAIN : -r));
    return new ConnectOp(this.#fd, salen, (r) => void check(r, 'connect', address));
  }

  // sendfile(): CPython's rule over this socket (sendfile.ts). The
  // descriptor is read when the rule needs it, after the argument checks.
  protected sendfileSteps(file: unknown, offset: unknown, count: unknown): Generator<SendfileStep, number, unknown> {
    const self = this;
    const sock: SendfileSocket = {
      get fd() { return self.open(); },
      type: this.#type,
      timeout: this.#timeout,
      sendOp: (data) => this.sendOp(data),
    };
    return sendfileSteps(sock, file, offset, count);
  }

  // util.inspect (Node, Bun) and Deno's console show what Python's repr shows.
  /** What Node's and Bun's `util.inspect` (console.log) show: Python's repr of the socket. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** What Deno's console shows: Python's repr of the socket. */
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }

  // socket.py's __repr__: laddr/raddr when there are any, [closed] after close() or detach().
  protected describe(name: string): string {
    let s = `<${name}${this.#closed ? ' [closed]' : ''} fd=${this.#fd}, family=${this.#family}, ` +
      `type=${this.#type}, proto=${this.#proto}`;
    if (!this.#closed) {
      for (const [key, get] of [['laddr', () => this.getsockname()], ['raddr', () => this.getpeername()]] as const) {
        try {
          const addr = get();
          if (truthy(addr)) s += `, ${key}=${pyStr(addr)}`;
        } catch (e) {
          if (!(e instanceof error)) throw e;
        }
      }
    }
    return s + '>';
  }
}

// sendto's and sendmsg's last IPv4 address (see #destination), and the host and port it
// was encoded from.
let lastDestination: (SendAddress & { readonly host: string; readonly port: number }) | null = null;

// PySequence_Fast over an iterable argument, each item converted; an array
// of Uint8Arrays, the usual argument, is used as it is.
function bytesList(v: unknown, notIterable: string, item: (x: unknown) => Uint8Array): Uint8Array[] {
  if (Array.isArray(v) && allBytes(v)) return v as Uint8Array[];
  return iterItems(v, notIterable).map(item);
}

// A loop, not every() with a closure: this runs on each sendmsg.
function allBytes(v: unknown[]): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] instanceof Uint8Array)) return false;
  return true;
}

function iterItems(v: unknown, notIterable: string): unknown[] {
  if (v === null || v === undefined || typeof (v as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(notIterable);
  }
  return Array.isArray(v) ? v : [...(v as Iterable<unknown>)];
}

// sendmsg's ancdata: an iterable of (level, type, data) sequences, parsed as
// CPython's "(iiy*)", with CPython's bounds on each item's CMSG_SPACE and on
// their sum; null for none.
function ancillaryItems(ancdata: unknown): Ancillary[] | null {
  const list = iterItems(ancdata, 'sendmsg() argument 2 must be an iterable');
  if (list.length === 0) return null;
  // The usual argument, items already in their converted form, is used as
  // it is: no copy of each item per message.
  const items = list.every(converted) ? list as Ancillary[] : list.map(ancillaryItem);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const data = items[i][2];
    if (data.length > SOCKLEN_T_LIMIT - cmsgSpace(NATIVE_CMSG, 1)) throw new error('ancillary data item too large');
    total += cmsgSpace(NATIVE_CMSG, data.length);
    if (total > SOCKLEN_T_LIMIT) throw new error('too much ancillary data');
  }
  return items;
}

// Whether ancillaryItem would return the item's own values (its conversions
// throw as ancillaryItem's would).
function converted(it: unknown): boolean {
  return Array.isArray(it) && it.length === 3 && asCInt(it[0]) === it[0] && asCInt(it[1]) === it[1] &&
    it[2] instanceof Uint8Array;
}

function ancillaryItem(it: unknown): Ancillary {
  const what = '[sendmsg() ancillary data items]() argument must be';
  if (!Array.isArray(it) && typeof it !== 'string') throw new TypeError(`${what} 3-item sequence, not ${typeName(it)}`);
  if (it.length !== 3) throw new TypeError(`${what} sequence of length 3, not ${it.length}`);
  return [asCInt(it[0]), asCInt(it[1]), asBytes(it[2])];
}

function checkAncbufsize(ancbufsize: number): void {
  if (ancbufsize < 0 || ancbufsize > SOCKLEN_T_LIMIT) throw new RangeError('invalid ancillary data buffer length');
}

// getsockopt(level, optname) of an AF_VSOCK socket, as CPython reads it: a
// 64-bit value (what the kernel's vsock options hold), returned as its low
// 32 bits, unsigned.
function vsockOpt(fd: number, level: number, name: number): number {
  const m = memory();
  m.dv.setUint32(scratch.salen, 8, true);
  m.dv.setBigUint64(scratch.opt, 0n, true);
  check(addon.getsockopt(fd, level, name, m.u8, scratch.opt, scratch.salen), 'getsockopt');
  return m.dv.getUint32(scratch.opt, true);
}

function sockoptInt(fd: number, name: number, level: number = SOL_SOCKET): number {
  const m = memory();
  m.dv.setUint32(scratch.salen, 4, true);
  m.dv.setInt32(scratch.opt, 0, true);
  const r = addon.getsockopt(fd, level, name, m.u8, scratch.opt, scratch.salen);
  if (r < 0) throw osError(-r);
  return m.dv.getInt32(scratch.opt, true);
}
