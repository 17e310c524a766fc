// SocketType: the seed's socket object over the core's operation loop. The
// core decides blocking/non-blocking/timeout behaviour; this class converts
// arguments, keeps Python's per-object state (family, type, proto, timeout)
// and turns results into values or exceptions.
import { core, ext, EXT_BASE, memory, scratch, WSK_ETIMEOUT } from './core.js';
import { addon } from './native.js';
import { decodeAddress, encodeAddress } from './address.js';
import { error, osError, timedOut } from './errors.js';
import {
  asBytes, asCInt, asCLong, asClinicInt, asIndex, asSize, asTimeout, asUIntMask, asWritable, isInt, pyStr, truthy,
} from './convert.js';
import { SocketFile } from './makefile.js';
import {
  AF_INET, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_DOMAIN, SO_PROTOCOL, SO_TYPE,
  SOMAXCONN,
} from './constants.generated.js';

const EAGAIN = 11;
const EINTR = 4;
const EBADF = 9;
const EINPROGRESS = 115;

let defaultTimeout: number | null = null;

export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

export function setdefaulttimeout(timeout: unknown): void {
  defaultTimeout = asTimeout(timeout);
}

// A core timeout: None is -1 (blocking).
function coreTimeout(t: number | null): number {
  return t === null ? -1 : t;
}

// A failed first attempt that the core's loop continues: it would block, or
// a signal interrupted it.
function inCoreLoop(r: number): boolean {
  return r === -EAGAIN || r === -EINTR;
}

// Runs a core operation whose data pointer names `buf` (the external window).
function viaCore(buf: Uint8Array, op: () => number): number {
  ext.buf = buf;
  try {
    return check(op());
  } finally {
    ext.buf = null;
  }
}

function check(r: number): number {
  if (r >= 0) return r;
  if (r === WSK_ETIMEOUT) throw timedOut();
  throw osError(-r);
}

// The Promise API (async-socket.ts) runs these same methods, argument
// conversion and native first attempt included, with `asyncAttempt.on` set.
// An attempt that would block (or was interrupted) then returns `asyncAttempt`
// itself, carrying its errno and, for sendall, the bytes already sent,
// instead of entering the core's loop: the caller awaits readiness on the
// event loop and asks the core's rule (wsk_next_step) what comes next. It is
// returned, not thrown: a throw costs a captured stack trace (Node asks V8
// for one on every throw), about 1 KiB and a stack walk per wait.
// `skip` (an errno, for one first read attempt) is the Promise API's hint that
// the last read on this socket would have blocked: the native attempt is not
// made and that errno is taken as its answer, so the caller awaits readiness
// first. `full` tells it whether a read filled its buffer.
export const asyncAttempt = { on: false, err: 0, done: 0, skip: 0, full: false };

// The attempt would block: the caller's return value in async mode.
function wouldBlock(err: number, done: number = 0): never {
  asyncAttempt.err = err;
  asyncAttempt.done = done;
  return asyncAttempt as never;
}

// Sockets left to the garbage collector still close their descriptor.
const finalizer = new FinalizationRegistry<number>((fd) => {
  addon.close(fd);
});

export class SocketType {
  #fd: number;
  #family: number;
  #type: number;
  #proto: number;
  #timeout: number | null;
  // socket.py's _io_refs/_closed: close() waits for the last makefile() file.
  #ioRefs = 0;
  #closed = false;

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
    if (this.#fd === -1) {
      this.#fd = check(core.wsk_socket(fam, typ, pro, coreTimeout(this.#timeout)));
    } else {
      check(core.wsk_settimeout(this.#fd, coreTimeout(this.#timeout)));
    }
    finalizer.register(this, this.#fd, this);
  }

  get family(): number { return this.#family; }
  get type(): number { return this.#type; }
  get proto(): number { return this.#proto; }
  get timeout(): number | null { return this.#timeout; }

  fileno(): number {
    return this.#fd;
  }

  #open(): number {
    if (this.#fd < 0) throw osError(EBADF);
    return this.#fd;
  }

  close(): void {
    this.#closed = true;
    if (this.#ioRefs <= 0) this.#realClose();
  }

  #realClose(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    finalizer.unregister(this);
    check(core.wsk_close(fd));
  }

  detach(): number {
    this.#closed = true;
    const fd = this.#fd;
    this.#fd = -1;
    finalizer.unregister(this);
    return fd;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  bind(address: unknown): void {
    const salen = encodeAddress(this.#family, address, 'bind');
    const r = addon.bind(this.#open(), memory().u8, scratch.sa, salen);
    if (r < 0) throw osError(-r);
  }

  // -errno or WSK_ETIMEOUT; a closed socket is EBADF, after the address checks.
  #connect(address: unknown, caller: string): number {
    const salen = encodeAddress(this.#family, address, caller);
    if (this.#fd < 0) return -EBADF;
    return core.wsk_connect(this.#fd, scratch.sa, salen, coreTimeout(this.#timeout));
  }

  connect(address: unknown): void {
    const r = this.#connect(address, 'connect');
    if (asyncAttempt.on && (r === -EINPROGRESS || r === -EINTR)) return wouldBlock(-r);
    check(r);
  }

  // Errors of the connect itself are returned; a timeout is EAGAIN, as CPython.
  connect_ex(address: unknown): number {
    const r = this.#connect(address, 'connect_ex');
    if (asyncAttempt.on && (r === -EINPROGRESS || r === -EINTR)) return wouldBlock(-r);
    if (r === WSK_ETIMEOUT) return EAGAIN;
    return -r;
  }

  listen(backlog?: unknown): void {
    let b = backlog === undefined ? Math.min(SOMAXCONN, 128) : asCInt(backlog);
    if (b < 0) b = 0;
    const r = addon.listen(this.#open(), b);
    if (r < 0) throw osError(-r);
  }

  accept(): [SocketType, unknown] {
    const fd = this.#open();
    const m = memory();
    m.dv.setUint32(scratch.salen, 128, true);
    // A native first attempt, as for recv; the core's loop continues it.
    let nfd = addon.accept4(fd, m.u8, scratch.sa, scratch.salen, 0);
    if (nfd < 0) {
      if (!inCoreLoop(nfd)) throw osError(-nfd);
      if (asyncAttempt.on) return wouldBlock(-nfd);
      nfd = check(core.wsk_accept(fd, scratch.sa, scratch.salen, coreTimeout(this.#timeout), -nfd));
    }
    const addr = decodeAddress(scratch.sa, memory().dv.getUint32(scratch.salen, true));
    // The new socket takes the default timeout, not the listener's; it is of
    // the listener's class (the Promise API's sockets accept their own kind).
    const conn = new (this.constructor as typeof SocketType)(this.#family, this.#type, this.#proto, nfd);
    return [conn, addr];
  }

  #name(fn: typeof addon.getsockname): unknown {
    const fd = this.#open();
    const m = memory();
    m.u8.fill(0, scratch.sa, scratch.sa + 128);
    m.dv.setUint32(scratch.salen, 128, true);
    const r = fn(fd, m.u8, scratch.sa, scratch.salen);
    if (r < 0) throw osError(-r);
    return decodeAddress(scratch.sa, m.dv.getUint32(scratch.salen, true));
  }

  getsockname(): unknown {
    return this.#name(addon.getsockname);
  }

  getpeername(): unknown {
    return this.#name(addon.getpeername);
  }

  getsockopt(level: unknown, optname: unknown, buflen: unknown = 0): number | Uint8Array {
    const lvl = asCInt(level);
    const name = asCInt(optname);
    const len = asCInt(buflen);
    const fd = this.#open();
    if (len === 0) return sockoptInt(fd, name, lvl);
    if (len < 0 || len > scratch.optSize) throw new error('getsockopt buflen out of range');
    const m = memory();
    m.dv.setUint32(scratch.salen, len, true);
    const r = addon.getsockopt(fd, lvl, name, m.u8, scratch.opt, scratch.salen);
    if (r < 0) throw osError(-r);
    const got = m.dv.getUint32(scratch.salen, true);
    return m.u8.slice(scratch.opt, scratch.opt + got);
  }

  // CPython tries three parses in turn: (level, optname, int), (level, optname,
  // None, optlen) passing NULL, (level, optname, bytes); errors are the last one's.
  setsockopt(level: unknown, optname: unknown, value: unknown, optlen?: unknown): void {
    if (optlen !== undefined) {
      let parsed = value === null;
      let lvl = 0, name = 0, len = 0;
      try {
        [lvl, name, len] = [asCInt(level), asCInt(optname), asUIntMask(optlen)];
      } catch {
        parsed = false;
      }
      if (!parsed) throw new TypeError('setsockopt() takes exactly 3 arguments (4 given)');
      const r = addon.setsockopt(this.#open(), lvl, name, memory().u8, -1, len);
      if (r < 0) throw osError(-r);
      return;
    }
    const lvl = asCInt(level);
    const name = asCInt(optname);
    const m = memory();
    let len: number;
    if (isInt(value)) {
      const v = asIndex(value);
      if (v > 2147483647 || v < -2147483648) throw new TypeError(`a bytes-like object is required, not 'int'`);
      m.dv.setInt32(scratch.opt, Number(v), true);
      len = 4;
    } else {
      const b = asBytes(value);
      if (b.length > scratch.optSize) throw osError(22);
      m.u8.set(b, scratch.opt);
      len = b.length;
    }
    const r = addon.setsockopt(this.#open(), lvl, name, m.u8, scratch.opt, len);
    if (r < 0) throw osError(-r);
  }

  setblocking(flag: unknown): void {
    this.#setTimeout(asCLong(flag) ? null : 0);
  }

  getblocking(): boolean {
    return this.#timeout !== 0;
  }

  settimeout(value: unknown): void {
    this.#setTimeout(asTimeout(value));
  }

  // As CPython, the timeout is kept even when the descriptor then fails (EBADF when closed).
  #setTimeout(t: number | null): void {
    this.#timeout = t;
    check(core.wsk_settimeout(this.#fd, coreTimeout(t)));
  }

  gettimeout(): number | null {
    return this.#timeout;
  }

  shutdown(how: unknown): void {
    const h = asClinicInt(how);
    const r = addon.shutdown(this.#open(), h);
    if (r < 0) throw osError(-r);
  }

  // Bytes move straight between the kernel and `buf`, with no copy. The first
  // attempt is a direct native call: a ready socket then never crosses into
  // Wasm, which measured ~15% of a 64-byte round trip. An attempt that would
  // block or was interrupted goes on in the core's operation loop (passing
  // its errno), which alone decides whether to wait, retry or fail.
  // Like CPython's sock_recv_guts, recv of 0 bytes makes no call (recvfrom always does).
  // -1: the attempt would block, in async mode (asyncAttempt.err says why).
  #recvInto(buf: Uint8Array, n: number, flags: number, withAddr: boolean): number {
    if (n === 0 && !withAddr) return 0;
    const fd = this.#open();
    if (asyncAttempt.on && asyncAttempt.skip) {
      asyncAttempt.err = asyncAttempt.skip;
      return -1;
    }
    let r: number;
    if (withAddr) {
      const m = memory();
      m.dv.setUint32(scratch.salen, 128, true);
      r = addon.recvfrom(fd, buf, 0, n, flags, m.u8, scratch.sa, scratch.salen);
    } else {
      r = addon.recv(fd, buf, 0, n, flags);
    }
    if (r >= 0) {
      asyncAttempt.full = r === n;
      return r;
    }
    if (!inCoreLoop(r)) throw osError(-r);
    if (asyncAttempt.on) {
      asyncAttempt.err = -r;
      return -1;
    }
    return viaCore(buf, () => core.wsk_recvfrom(fd, EXT_BASE, n, flags, withAddr ? scratch.sa : 0,
      withAddr ? scratch.salen : 0, coreTimeout(this.#timeout), -r));
  }

  #fromAddr(): unknown {
    return decodeAddress(scratch.sa, memory().dv.getUint32(scratch.salen, true));
  }

  recv(bufsize: unknown, flags: unknown = 0): Uint8Array {
    const size = asSize(bufsize);
    if (size < 0) throw new RangeError('negative buffersize in recv');
    const fl = asCInt(flags);
    const buf = Buffer.allocUnsafe(size);
    const n = this.#recvInto(buf, size, fl, false);
    if (n < 0) return asyncAttempt as never;
    return n === size ? buf : buf.subarray(0, n);
  }

  recvfrom(bufsize: unknown, flags: unknown = 0): [Uint8Array, unknown] {
    const size = asSize(bufsize);
    if (size < 0) throw new RangeError('negative buffersize in recvfrom');
    const fl = asCInt(flags);
    const buf = Buffer.allocUnsafe(size);
    const n = this.#recvInto(buf, size, fl, true);
    if (n < 0) return asyncAttempt as never;
    return [n === size ? buf : buf.subarray(0, n), this.#fromAddr()];
  }

  recv_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): number {
    const buf = asWritable(buffer, 'recv_into');
    const n = asSize(nbytes);
    if (n < 0) throw new RangeError('negative buffersize in recv_into');
    if (n > buf.length) throw new RangeError('buffer too small for requested bytes');
    const got = this.#recvInto(buf, n === 0 ? buf.length : n, asCInt(flags), false);
    return got < 0 ? asyncAttempt as never : got;
  }

  recvfrom_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): [number, unknown] {
    const buf = asWritable(buffer, 'recvfrom_into');
    const n = asSize(nbytes);
    if (n < 0) throw new RangeError('negative buffersize in recvfrom_into');
    if (n > buf.length) throw new RangeError('nbytes is greater than the length of the buffer');
    const got = this.#recvInto(buf, n === 0 ? buf.length : n, asCInt(flags), true);
    if (got < 0) return asyncAttempt as never;
    return [got, this.#fromAddr()];
  }

  send(data: unknown, flags: unknown = 0): number {
    const buf = asBytes(data);
    const fl = asCInt(flags);
    const fd = this.#open();
    const r = addon.send(fd, buf, 0, buf.length, fl);
    if (r >= 0) return r;
    if (!inCoreLoop(r)) throw osError(-r);
    if (asyncAttempt.on) return wouldBlock(-r);
    return viaCore(buf, () => core.wsk_sendto(fd, EXT_BASE, buf.length, fl, 0, 0, coreTimeout(this.#timeout), -r));
  }

  // One deadline covers every partial send (the core's); a first attempt that
  // sends everything, the common case, never reaches it.
  sendall(data: unknown, flags: unknown = 0): void {
    const buf = asBytes(data);
    const fl = asCInt(flags);
    const fd = this.#open();
    const r = addon.send(fd, buf, 0, buf.length, fl);
    if (r === buf.length) return;
    if (r < 0 && !inCoreLoop(r)) throw osError(-r);
    const done = Math.max(r, 0);
    if (asyncAttempt.on) return wouldBlock(r < 0 ? -r : EAGAIN, done);
    viaCore(buf, () => core.wsk_sendall(fd, EXT_BASE + done, buf.length - done, fl, coreTimeout(this.#timeout),
      scratch.count, r < 0 ? -r : 0));
  }

  // sendto(data, address) or sendto(data, flags, address), as the seed writes it.
  // Trailing undefined arguments count as omitted.
  sendto(data: unknown, flagsOrAddress?: unknown, address?: unknown, ..._extra: unknown[]): number {
    let argc = arguments.length;
    while (argc > 0 && arguments[argc - 1] === undefined) argc--;
    if (argc < 2 || argc > 3) throw new TypeError(`sendto() takes 2 or 3 arguments (${argc} given)`);
    let flags: unknown = 0;
    let addr = flagsOrAddress;
    if (argc === 3) {
      flags = flagsOrAddress === undefined ? 0 : flagsOrAddress;
      addr = address;
    }
    const buf = asBytes(data);
    const fl = asCInt(flags);
    const salen = encodeAddress(this.#family, addr, 'sendto');
    const fd = this.#open();
    const r = addon.sendto(fd, buf, 0, buf.length, fl, memory().u8, scratch.sa, salen);
    if (r >= 0) return r;
    if (!inCoreLoop(r)) throw osError(-r);
    if (asyncAttempt.on) return wouldBlock(-r);
    return viaCore(buf, () => core.wsk_sendto(fd, EXT_BASE, buf.length, fl, scratch.sa, salen,
      coreTimeout(this.#timeout), -r));
  }

  makefile(mode: unknown = 'r', buffering: unknown = null, encoding: unknown = null, errors: unknown = null,
    newline: unknown = null): SocketFile {
    const file = new SocketFile(this, mode, buffering, encoding, errors, newline, () => this.#decrefIO());
    // Counted once the file exists: CPython counts before its checks, so a refused
    // makefile('w', 0) leaves a reference that keeps close() from ever closing.
    this.#ioRefs++;
    return file;
  }

  // socket.py's _decref_socketios: a makefile() file closed.
  #decrefIO(): void {
    if (this.#ioRefs > 0) this.#ioRefs--;
    if (this.#closed) this.close();
  }

  // socket.py's get/set_inheritable: os.get/set_inheritable on fileno().
  get_inheritable(): boolean {
    const r = addon.getInheritable(this.#fd);
    if (r < 0) throw osError(-r);
    return r === 1;
  }

  set_inheritable(inheritable: unknown): void {
    const r = addon.setInheritable(this.#fd, inheritable ? 1 : 0);
    if (r < 0) throw osError(-r);
  }

  dup(): SocketType {
    const fd = this.#open();
    const nfd = addon.dup(fd);
    if (nfd < 0) throw osError(-nfd);
    return new (this.constructor as typeof SocketType)(this.#family, this.#type, this.#proto, nfd);
  }

  // socket.py's __repr__: laddr/raddr when there are any, [closed] after close() or detach().
  toString(): string {
    let s = `<socket.socket${this.#closed ? ' [closed]' : ''} fd=${this.#fd}, family=${this.#family}, ` +
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

function sockoptInt(fd: number, name: number, level: number = SOL_SOCKET): number {
  const m = memory();
  m.dv.setUint32(scratch.salen, 4, true);
  m.dv.setInt32(scratch.opt, 0, true);
  const r = addon.getsockopt(fd, level, name, m.u8, scratch.opt, scratch.salen);
  if (r < 0) throw osError(-r);
  return m.dv.getInt32(scratch.opt, true);
}

