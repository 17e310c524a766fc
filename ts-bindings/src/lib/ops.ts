// One socket operation, as the sync and Promise APIs share it: its arguments
// already converted, one attempt (one system call through the addon), and the
// value the method returns. An operation knows nothing of how it waits; two
// drivers run it:
//   - the sync driver (runSync, below): the first attempt direct, then the
//     core's operation loop from that attempt's errno (sock_io.c), which alone
//     decides whether to wait in poll(2), retry or fail, under the deadline;
//   - the Promise driver (pending.ts): the same first attempt, then the core's
//     rule (wsk_next_step / wsk_connect_step) with waits on the event loop.
// A ready socket never crosses into Wasm: the first attempt is a direct
// native call (the core crossing measured ~15% of a 64-byte round trip).
//
// Results are numbers with one sign convention, the core's: >= 0 a result,
// -errno a failure, WSK_ETIMEOUT the deadline passed. settle() turns a final
// result into the method's value, or throws the error it stands for.
import { Buffer } from '../host/builtins.js';
import { core, ext, EXT_BASE, memory, scratch } from '../host/core.js';
import { addon } from '../host/native.js';
import { decodeAddress } from './address.js';
import { check } from './errors.js';
import { decodeCmsgs, encodeCmsgs, NATIVE_CMSG, type Ancillary } from './cmsg.js';
import { AF_INET, AF_INET6, MSG_DONTWAIT } from '../host/constants.generated.js';

import {
  EAGAIN, EINTR, WSK_POLLIN, WSK_POLLOUT, WSK_STEP_ASYNC, WSK_SOCKADDR_IN6, WSK_SOCKADDR_MAX,
} from '../host/core-abi.generated.js';

// poll(2)'s events, as the addon's readiness watches take them.
export const POLLIN = WSK_POLLIN;
export const POLLOUT = WSK_POLLOUT;

export interface Op<T> {
  readonly fd: number;
  // What a wait is for: POLLIN or POLLOUT.
  readonly events: number;
  // One attempt: a result >= 0, or -errno.
  attempt(): number;
  // The sync driver: the core's loop, continuing after a first attempt that
  // failed with err (the core decides; an error it does not wait on comes
  // back as -err). Blocks in the host's poll under the timeout.
  resume(err: number, timeout: number): number;
  // The Promise driver: the core's rule after an attempt failed with err.
  step(err: number, timeout: number, deadline: bigint, flags: number): number;
  // The Promise driver: the attempt after a wait, which ended ready or not.
  retry(ready: boolean): number;
  // The value of the operation from its final result; throws for an error.
  settle(r: number): T;
  // Before the Promise driver waits: inputs kept in the core's shared scratch
  // buffers are copied, since other operations reuse them meanwhile.
  park?(): void;
}

// The sync driver.
export function runSync<T>(op: Op<T>, timeout: number): T {
  const r = op.attempt();
  return op.settle(r >= 0 ? r : op.resume(-r, timeout));
}

// Runs a core operation in the external window (docs/abi.md): its data
// pointer names `buf`, or (`op`) its message record is EXT_BASE and the
// import makes the operation's own attempt (host/imports.ts).
export function viaCore(buf: Uint8Array | null, run: () => number, op: { attempt(): number } | null = null): number {
  ext.buf = buf;
  ext.op = op;
  try {
    return run();
  } finally {
    ext.buf = null;
    ext.op = null;
  }
}

// What the recv/send family share: the rule and the retry of wsk_next_step.
// Their objects are reusable: init() sets one call's arguments, so the sync
// driver, which runs one operation at a time to its end, keeps one object per
// kind (`shared`) and the data path allocates nothing but the bytes it
// returns; the Promise driver makes one per call, since calls overlap there.
abstract class DataOp<T> implements Op<T> {
  fd = -1;
  // The call's MSG_* flags (accept has none).
  flags = 0;
  abstract readonly events: number;
  abstract attempt(): number;
  abstract resume(err: number, timeout: number): number;
  abstract settle(r: number): T;

  // MSG_DONTWAIT asks this one call not to block, so in blocking mode its
  // EAGAIN is final, as the kernel's is under CPython: that the Promise API's
  // descriptors are non-blocking anyway (WSK_STEP_ASYNC) does not make it wait.
  step(err: number, timeout: number, deadline: bigint, flags: number): number {
    if (this.flags & MSG_DONTWAIT) flags &= ~WSK_STEP_ASYNC;
    return core.wsk_next_step(err, timeout, deadline, flags);
  }

  // A wait that ended without readiness just tries again: the attempt's
  // EAGAIN then lets the rule report the timeout.
  retry(_ready: boolean): number {
    return this.attempt();
  }
}

const NO_BYTES = new Uint8Array(0);

// recv, recv_into, and (withAddr) recvfrom, recvfrom_into: size bytes into
// buf; the sender's address lands in the scratch sockaddr, read by settle().
// Like CPython's sock_recv_guts, a recv of 0 bytes makes no call (recvfrom
// always does).
export abstract class RecvOp<T> extends DataOp<T> {
  readonly events = POLLIN;
  abstract readonly withAddr: boolean;
  buf: Uint8Array = NO_BYTES;
  size = 0;
  // The socket's protocol, which decides AF_CAN's sender address form.
  proto = 0;

  init(fd: number, buf: Uint8Array, size: number, flags: number, proto = 0): this {
    this.fd = fd;
    this.buf = buf;
    this.size = size;
    this.flags = flags;
    this.proto = proto;
    return this;
  }

  attempt(): number {
    if (!this.withAddr) return this.size === 0 ? 0 : addon.recv(this.fd, this.buf, 0, this.size, this.flags);
    const m = memory();
    m.dv.setUint32(scratch.salen, WSK_SOCKADDR_MAX, true);
    return addon.recvfrom(this.fd, this.buf, 0, this.size, this.flags, m.u8, scratch.sa, scratch.salen);
  }

  resume(err: number, timeout: number): number {
    const [sa, salen] = this.withAddr ? [scratch.sa, scratch.salen] : [0, 0];
    return viaCore(this.buf, () => core.wsk_recvfrom(this.fd, EXT_BASE, this.size, this.flags, sa, salen,
      timeout, err));
  }

  // The bytes received: the whole buffer when it filled, else a view of its start.
  protected bytes(n: number): Uint8Array {
    return n === this.size ? this.buf : this.buf.subarray(0, n);
  }
}

// One class per value shape, so the data path allocates no closure.
export class RecvBytesOp extends RecvOp<Uint8Array> {
  static readonly shared = new RecvBytesOp();
  readonly withAddr = false;

  settle(r: number): Uint8Array {
    return this.bytes(check(r, 'recv'));
  }
}

export class RecvIntoOp extends RecvOp<number> {
  static readonly shared = new RecvIntoOp();
  readonly withAddr = false;

  settle(r: number): number {
    return check(r, 'recv');
  }
}

export class RecvfromOp extends RecvOp<[Uint8Array, unknown]> {
  static readonly shared = new RecvfromOp();
  readonly withAddr = true;

  settle(r: number): [Uint8Array, unknown] {
    return [this.bytes(check(r, 'recvfrom')), senderAddress(this.proto)];
  }
}

export class RecvfromIntoOp extends RecvOp<[number, unknown]> {
  static readonly shared = new RecvfromIntoOp();
  readonly withAddr = true;

  settle(r: number): [number, unknown] {
    return [check(r, 'recvfrom'), senderAddress(this.proto)];
  }
}

// The last IP sender decoded, by its sockaddr bytes: a datagram socket hears
// the same few peers again and again, and the decode (a call into the core
// and a string) costs a third of a small datagram's recvfrom. Only
// addresses whose text depends on nothing else are kept: AF_INET, and
// AF_INET6 without a scope (whose text names an interface).
const lastSa = new Uint8Array(WSK_SOCKADDR_MAX);
let lastLen = -1;
let lastAddr: unknown[] = [];

// The sender's address of the last recvfrom, as Python shows it for a socket
// of protocol `proto` (an IP address's form does not depend on it).
export function senderAddress(proto = 0, m: { dv: DataView; u8: Uint8Array } = memory()): unknown {
  const len = m.dv.getUint32(scratch.salen, true);
  const sa = scratch.sa;
  if (len === lastLen && sameBytes(m.u8, sa, len)) return lastAddr.slice();
  const addr = decodeAddress(sa, len, proto);
  if (len <= WSK_SOCKADDR_MAX && Array.isArray(addr) && isPlainIp(m.dv, sa, len)) {
    lastSa.set(m.u8.subarray(sa, sa + len));
    lastLen = len;
    lastAddr = addr.slice();
  }
  return addr;
}

function sameBytes(u8: Uint8Array, at: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (u8[at + i] !== lastSa[i]) return false;
  return true;
}

function isPlainIp(dv: DataView, sa: number, len: number): boolean {
  const family = len >= 2 ? dv.getUint16(sa, true) : -1;
  if (family === AF_INET) return true;
  const scope = WSK_SOCKADDR_IN6.scope_id;
  return family === AF_INET6 && len >= scope + 4 && dv.getUint32(sa + scope, true) === 0;
}

// send, and sendto with the address encoded in the scratch sockaddr of sa
// (the core's memory), salen bytes.
export class SendOp extends DataOp<number> {
  static readonly shared = new SendOp();
  readonly events = POLLOUT;
  buf: Uint8Array = NO_BYTES;
  salen = 0;
  // sendto's address as given, for its errors.
  address: unknown = undefined;
  #sa: Uint8Array | null = null;
  #saOff = 0;

  init(fd: number, buf: Uint8Array, flags: number, dest: SendAddress | null, address?: unknown): this {
    this.fd = fd;
    this.buf = buf;
    this.flags = flags;
    this.#sa = dest === null ? null : dest.mem;
    this.#saOff = dest === null ? 0 : dest.off;
    this.salen = dest === null ? 0 : dest.salen;
    this.address = address;
    return this;
  }

  attempt(): number {
    const { fd, buf, flags } = this;
    if (this.#sa === null) return addon.send(fd, buf, 0, buf.length, flags);
    return addon.sendto(fd, buf, 0, buf.length, flags, this.#sa, this.#saOff, this.salen);
  }

  // The core reads the address from its scratch sockaddr: one kept by value
  // elsewhere (SendAddress) is copied there first.
  resume(err: number, timeout: number): number {
    const { fd, buf, flags, salen } = this;
    if (salen && this.#saOff !== scratch.sa) memory().u8.set(this.#sa!.subarray(this.#saOff, this.#saOff + salen), scratch.sa);
    return viaCore(buf, () => core.wsk_sendto(fd, EXT_BASE, buf.length, flags, salen ? scratch.sa : 0, salen,
      timeout, err));
  }

  park(): void {
    if (this.#sa === null || this.#saOff === 0) return;
    this.#sa = this.#sa.slice(this.#saOff, this.#saOff + this.salen);
    this.#saOff = 0;
  }

  settle(r: number): number {
    return this.#sa === null ? check(r, 'send') : check(r, 'sendto', this.address);
  }
}

// sendall: every byte, however many sends it takes, under one deadline. What
// went out is never sent again; an attempt that sent only part reports EAGAIN
// (the send buffer is full) after counting it.
export class SendallOp extends DataOp<void> {
  static readonly shared = new SendallOp();
  readonly events = POLLOUT;
  buf: Uint8Array = NO_BYTES;
  #done = 0;
  #partial = false;

  init(fd: number, buf: Uint8Array, flags: number): this {
    this.fd = fd;
    this.buf = buf;
    this.flags = flags;
    this.#done = 0;
    this.#partial = false;
    return this;
  }

  attempt(): number {
    const { buf } = this;
    const r = addon.send(this.fd, buf, this.#done, buf.length - this.#done, this.flags);
    if (r < 0) return r;
    this.#done += r;
    this.#partial = this.#done < buf.length;
    return this.#partial ? -EAGAIN : 0;
  }

  // After a partial send the core starts with a fresh attempt of the rest.
  resume(err: number, timeout: number): number {
    const { buf, fd, flags } = this;
    const done = this.#done;
    return viaCore(buf, () => core.wsk_sendall(fd, EXT_BASE + done, buf.length - done, flags, timeout,
      scratch.count, this.#partial ? 0 : err));
  }

  settle(r: number): void {
    check(r, 'send');
  }
}

const NO_BUFFERS: Uint8Array[] = [];

// A message's buffers as the addon takes them: one alone, not in an array.
function iovec(buffers: Uint8Array[]): Uint8Array | Uint8Array[] {
  return buffers.length === 1 ? buffers[0] : buffers;
}

// An encoded destination of sendto or sendmsg: salen bytes of mem from off.
export interface SendAddress {
  readonly mem: Uint8Array;
  readonly off: number;
  readonly salen: number;
}

// sendmsg: the buffers sent as one iovec, in place; the control messages
// encoded in the kernel's layout, into the buffer of this object's last
// message when it has the size (the sync driver's one object reuses it: the
// addon looks into a buffer it has seen before faster than into a new one);
// the address, when there is one (salen > 0), as the caller encoded it: in
// the scratch sockaddr, as sendto's, or in a buffer of its own (offset 0).
export class SendmsgOp extends DataOp<number> {
  static readonly shared = new SendmsgOp();
  readonly events = POLLOUT;
  buffers: Uint8Array[] = NO_BUFFERS;
  control: Uint8Array | null = null;
  salen = 0;
  // The address as given, for its errors.
  address: unknown = undefined;
  #sa: Uint8Array = NO_BYTES;
  #saOff = -1;
  #encoded: Uint8Array | null = null;

  init(fd: number, buffers: Uint8Array[], items: Ancillary[] | null, flags: number, dest: SendAddress | null,
    address: unknown): this {
    this.fd = fd;
    this.buffers = buffers;
    this.control = items === null ? null : (this.#encoded = encodeCmsgs(items, NATIVE_CMSG, this.#encoded));
    this.flags = flags;
    this.salen = dest === null ? 0 : dest.salen;
    this.address = address;
    this.#sa = dest === null ? NO_BYTES : dest.mem;
    this.#saOff = dest === null ? -1 : dest.off;
    return this;
  }

  attempt(): number {
    return addon.sendmsg(this.fd, iovec(this.buffers), this.control, this.flags, this.#sa, this.#saOff, this.salen);
  }

  resume(err: number, timeout: number): number {
    return viaCore(null, () => core.wsk_sendmsg(this.fd, EXT_BASE, this.flags, timeout, err), this);
  }

  park(): void {
    if (this.#saOff <= 0) return;
    this.#sa = this.#sa.slice(this.#saOff, this.#saOff + this.salen);
    this.#saOff = 0;
  }

  settle(r: number): number {
    return check(r, 'sendmsg', this.salen ? this.address : undefined);
  }
}

// recvmsg and recvmsg_into: scatter into the buffers, the control messages
// into a buffer of ancbufsize bytes (this object's last one when it has the
// size, as SendmsgOp's), decoded and copied out by settle() as CPython's
// sock_recvmsg_guts does; the sender's address into the scratch sockaddr.
export abstract class RecvmsgBase<T> extends DataOp<[T, Ancillary[], number, unknown]> {
  readonly events = POLLIN;
  buffers: Uint8Array[] = NO_BUFFERS;
  control: Uint8Array | null = null;
  #room: Uint8Array | null = null;
  // The socket's protocol, which decides AF_CAN's sender address form.
  proto = 0;

  init(fd: number, buffers: Uint8Array[], ancbufsize: number, flags: number, proto = 0): this {
    this.fd = fd;
    this.buffers = buffers;
    if (ancbufsize === 0) {
      this.control = null;
    } else {
      if (this.#room === null || this.#room.length !== ancbufsize) this.#room = Buffer.allocUnsafe(ancbufsize);
      this.control = this.#room;
    }
    this.flags = flags;
    this.proto = proto;
    return this;
  }

  attempt(): number {
    const m = memory();
    m.dv.setUint32(scratch.salen, WSK_SOCKADDR_MAX, true);
    return addon.recvmsg(this.fd, iovec(this.buffers), this.control, this.flags, m.u8, scratch.sa, scratch.salen,
      scratch.msgOut);
  }

  resume(err: number, timeout: number): number {
    return viaCore(null, () => core.wsk_recvmsg(this.fd, EXT_BASE, this.flags, timeout, err), this);
  }

  // The first item of the answer: the data, or its length.
  protected abstract value(n: number): T;

  settle(r: number): [T, Ancillary[], number, unknown] {
    check(r, 'recvmsg');
    const m = memory();
    const controllen = m.dv.getInt32(scratch.msgOut, true);
    const msgFlags = m.dv.getInt32(scratch.msgOut + 4, true);
    const anc = this.control === null ? [] : receivedCmsgs(this.control, controllen);
    return [this.value(r), anc, msgFlags, senderAddress(this.proto, m)];
  }
}

export class RecvmsgOp extends RecvmsgBase<Uint8Array> {
  static readonly shared = new RecvmsgOp();

  // The bytes received; with MSG_TRUNC the kernel counts the whole
  // datagram, and the data is what fit (CPython shrinks, never grows).
  protected value(n: number): Uint8Array {
    const buf = this.buffers[0];
    return n >= buf.length ? buf : buf.subarray(0, n);
  }
}

export class RecvmsgIntoOp extends RecvmsgBase<number> {
  static readonly shared = new RecvmsgIntoOp();

  protected value(n: number): number {
    return n;
  }
}

// The control messages as CPython returns them, with its warning for a walk
// that ended on a malformed or cut message. The kernel itself writes only
// whole headers, cuts a message by its cmsg_len and passes descriptors only
// whole and where they fit, so every descriptor received is in the answer.
function receivedCmsgs(control: Uint8Array, controllen: number): Ancillary[] {
  const { items, truncated } = decodeCmsgs(control, controllen, NATIVE_CMSG);
  if (truncated) process.emitWarning('received malformed or improperly-truncated ancillary data', 'RuntimeWarning');
  return items;
}

// The reusable operations' classes, as SocketBase picks an object of one.
export type DataOpClass<C> = { new (): C; readonly shared: C };

// accept: the new descriptor, with the peer's address in the scratch sockaddr
// (withAddr), or none asked for: the address is then None.
export class AcceptOp<T> extends DataOp<T> {
  readonly events = POLLIN;

  constructor(fd: number, readonly value: (nfd: number, addr: unknown) => T, readonly withAddr = true) {
    super();
    this.fd = fd;
  }

  attempt(): number {
    const m = memory();
    m.dv.setUint32(scratch.salen, this.withAddr ? WSK_SOCKADDR_MAX : 0, true);
    if (!this.withAddr) return addon.accept4(this.fd, m.u8, -1, -1, 0);
    return addon.accept4(this.fd, m.u8, scratch.sa, scratch.salen, 0);
  }

  resume(err: number, timeout: number): number {
    return core.wsk_accept(this.fd, this.withAddr ? scratch.sa : 0, scratch.salen, timeout, err);
  }

  settle(r: number): T {
    return this.value(check(r, 'accept'), senderAddress());
  }
}

// connect, CPython's internal_connect: the address in the scratch sockaddr;
// what follows a first answer of EINPROGRESS (or EINTR) is wsk_connect_step's
// rule, and after writability the outcome is SO_ERROR (wsk_connect_result).
// connect_ex settles with the errno as a number instead of an exception.
export class ConnectOp<T> implements Op<T> {
  readonly events = POLLOUT;

  constructor(readonly fd: number, readonly salen: number, readonly value: (r: number) => T) {}

  attempt(): number {
    return addon.connect(this.fd, memory().u8, scratch.sa, this.salen);
  }

  resume(err: number, timeout: number): number {
    return core.wsk_connect(this.fd, scratch.sa, this.salen, timeout, err);
  }

  step(err: number, timeout: number, deadline: bigint, flags: number): number {
    return core.wsk_connect_step(err, timeout, deadline, flags);
  }

  // Not writable yet is EINTR to the rule: a timeout, or wait on.
  retry(ready: boolean): number {
    return ready ? core.wsk_connect_result(this.fd) : -EINTR;
  }

  settle(r: number): T {
    return this.value(r);
  }
}
