// The guest's sockets: every socket operation of every guest ABI (the wasock
// SDK imports, WASI preview1, emscripten) is one method here, and every
// judgement is made here, in one place:
//
//   check(use, socket, sockaddr)  an address, against the policy (policy.ts);
//   socket()                      the kind the kernel made, against SOCKET_KINDS;
//   get/setsockopt()              (level, name, size), against OPTIONS;
//   ioctl()                       the request, against IOCTLS;
//   send/receive flags            against SEND_FLAGS / RECV_FLAGS (rules.ts);
//   control messages              against CMSGS, through msg.ts.
//
// Methods take guest pointers already split into (pointer, length) and
// return a value >= 0 or -errno (Linux numbering); adapters translate to
// their ABI's convention. Guest bytes the decision depends on (sockaddrs,
// option values) are copied into host memory first and the copy is what the
// kernel gets, so the guest cannot change them between check and use.
import { addon } from '../host/native.js';
import type { HostMemory } from '../host/imports.js';
import { AF_INET, AF_INET6, AF_NETLINK, AF_UNIX, MSG_CTRUNC, MSG_ERRQUEUE, SOL_SOCKET, SO_DOMAIN, SO_PROTOCOL, SO_TYPE, SOCK_CLOEXEC, SOCK_STREAM,
  IPPROTO_IPV6, IPV6_V6ONLY } from '../host/constants.generated.js';
import {
  WSK_IOV_BASE, WSK_IOV_LEN, WSK_IOV_MAX, WSK_IOV_SIZE, WSK_MSG_CONTROL, WSK_MSG_CONTROLLEN, WSK_MSG_FLAGS, WSK_MSG_IOV,
  WSK_MSG_IOVLEN, WSK_MSG_NAME, WSK_MSG_NAMELEN, WSK_MSG_SIZE, WSK_SOCKADDR_IN as IN, WSK_SOCKADDR_IN6 as IN6,
  WSK_SOCKADDR_MAX,
} from '../host/core-abi.generated.js';
import { E } from './errno.js';
import type { EventSink } from './events.js';
import { CONTROL_MAX, GuestControl } from './msg.js';
import { ipEndpoint, unixEndpoint, type Endpoint, type Family, type Judge, type Operation } from './policy.js';
import {
  FCNTL, FIONREAD, IOCTLS, MSG_DONTWAIT, MSG_FASTOPEN, MSG_PEEK, RECV_FLAGS, SEND_FLAGS, SOCK_FLAGS, familyKnown,
  netlinkRequestAllowed, optionRule, type OptionRule,
  requestable, socketKind, type Grant, type SocketKind,
} from './rules.js';
import { MAX_FDS, type DescriptorTable, type SockEntry } from './table.js';
import { openUnixTarget, reachedUnixPath, sunPathName, SUN_PATH_MAX } from './unix-path.js';

// Largest sockaddr a guest may pass (struct sockaddr_storage).
const SOCKADDR_MAX = WSK_SOCKADDR_MAX;
// Bytes moved per call between guest memory and the kernel when the guest's
// buffers are scattered (iovecs): the host copies at most this much per
// call, whatever the guest asks (a stream send is then short, as POSIX allows).
export const IO_CHUNK = 256 * 1024;
// iovec entries per call (Linux's UIO_MAXIOV).
export const IOV_MAX = WSK_IOV_MAX;
// pollfd entries per poll (a guest's descriptors cannot exceed MAX_FDS).
const POLL_MAX = MAX_FDS;
// The largest option value any rule allows (TCP_INFO).
const OPT_MAX = 512;

export type Iov = Array<[number, number]>;

// A guest's struct msghdr, read (at: where it lies, for the write-back).
interface Msg {
  at: number;
  name: number;
  namelen: number;
  iov: Iov;
  control: number;
  controllen: number;
}

interface Target {
  sa: Uint8Array;
  len: number;
  release(): void;
}
const noRelease = () => {};

export interface NetContext {
  mem: HostMemory;
  table: DescriptorTable;
  judge: Judge;
  events: EventSink;
  cwd: string;
}

// An iovec list's total, and its one non-empty buffer when there is at most
// one (then no copy is needed).
function span(iov: Iov): [number, [number, number] | null] {
  let total = 0;
  let first = -1;
  for (let i = 0; i < iov.length; i++) {
    if (iov[i][1] > 0 && first < 0) first = i;
    total += iov[i][1];
  }
  if (first < 0) return [0, [0, 0]];
  return [total, iov[first][1] === total ? iov[first] : null];
}

// A new entry for a socket of kind sk and protocol (SO_PROTOCOL).
function fresh(sk: SocketKind, protocol: number): Omit<SockEntry, 'kind' | 'hfd'> {
  return { sk, protocol, bound: false, unixName: null, lastTo: null, lent: false };
}

export function isStream(s: SockEntry): boolean {
  return s.sk.type === SOCK_STREAM;
}

function hasGrant(judge: Judge, g: Grant, socketFamily?: Family): boolean {
  if (g === 'family') return socketFamily !== undefined && judge.familyGranted(socketFamily);
  return g === 'address' || judge.familyGranted(g);
}

// Linux answers EPERM for raw and packet sockets without CAP_NET_RAW.
function denyErrno(f: Family | Grant): number {
  return f === 'raw' || f === 'packet' ? E.EPERM : E.EACCES;
}

export class GuestNet {
  private readonly mem: HostMemory;
  private readonly table: DescriptorTable;
  private readonly judge: Judge;
  private readonly events: EventSink;
  private readonly cwd: string;
  // Host scratch: a sockaddr (+ its length at 128, and recvmsg's
  // msg_controllen and msg_flags after it), option values, ints.
  private readonly sa = new Uint8Array(SOCKADDR_MAX + 12);
  private readonly sadv = new DataView(this.sa.buffer);
  private readonly opt = new Uint8Array(OPT_MAX + 8);
  private readonly optdv = new DataView(this.opt.buffer);
  private readonly io = new Uint8Array(IO_CHUNK);
  private readonly control = new Uint8Array(CONTROL_MAX);
  private readonly cmsgs: GuestControl;
  private readonly none = new Uint8Array(0);
  private pollBuf = new Uint8Array(64 * 8);
  // Kernel names of this guest's unix binds (/proc/self/fd/N/NAME) -> the guest's.
  private readonly unixNames = new Map<string, Uint8Array>();
  // Datagrams dropped because their source was not granted.
  dropped = 0;

  constructor(ctx: NetContext) {
    this.mem = ctx.mem;
    this.table = ctx.table;
    this.judge = ctx.judge;
    this.events = ctx.events;
    this.cwd = ctx.cwd;
    this.cmsgs = new GuestControl({
      table: this.table,
      events: this.events,
      optionPermitted: (s, level, name) => this.optionPermitted('setsockopt', s, level, name),
      adoptable: (hfd) => {
        const e = this.made(hfd);
        return e && hasGrant(this.judge, e.sk.grant) ? e : undefined;
      },
    });
  }

  // EMFILE at the guest's socket limit, reported.
  private limit(op: string): number {
    const max = this.table.maxSockets;
    return this.events.deny(op, `limit of ${max} sockets`, E.EMFILE, `--max-sockets=${max * 2 || 1}`);
  }

  sock(vfd: number): SockEntry | number {
    const e = this.table.get(vfd);
    if (e === undefined) return -E.EBADF;
    if (e.kind !== 'sock') return -E.ENOTSOCK;
    return e;
  }

  isSocket(vfd: number): boolean {
    return this.table.get(vfd)?.kind === 'sock';
  }

  // ---- the check point ------------------------------------------------------------------

  // The guest's sockaddr, copied and judged for use on s: what the kernel
  // gets, or a positive errno.
  private target(use: Operation, s: SockEntry, sa: number, salen: number): Target | number {
    sa >>>= 0;
    salen >>>= 0;
    if (salen > SOCKADDR_MAX) return E.EINVAL;
    if (!this.mem.fits(sa, salen)) return E.EFAULT;
    if (salen < 2) return E.EINVAL;
    const copy = this.sa;
    copy.set(this.mem.u8.subarray(sa, sa + salen));
    const fam = this.sadv.getUint16(0, true);
    const ip = { sa: copy, len: salen, release: noRelease };
    // connect(AF_UNSPEC) dissolves an association: it reaches nothing.
    if (fam === 0 && use === 'connect' && s.sk.domain !== AF_UNIX) return ip;
    if (fam !== s.sk.domain) return E.EAFNOSUPPORT;
    if (this.judge.familyGranted(s.sk.family)) return ip;
    if (fam === AF_INET || fam === AF_INET6) {
      const eps = this.ipEndpoints(s, use === 'bind', salen);
      if (typeof eps === 'number') return eps;
      const err = this.check(use, s, eps);
      return err || ip;
    }
    if (fam === AF_UNIX) {
      const t = openUnixTarget(copy.subarray(2, salen), this.cwd, use === 'bind');
      if (typeof t === 'number') return this.unixFailure(use, s, copy.subarray(2, salen), t);
      // The empty name (bind's autobind: a random abstract name) reaches nothing.
      if (!(t.path === '' && !t.abstract)) {
        const err = this.check(use, s, [unixEndpoint(t.path, t.abstract)]);
        if (err) {
          t.release();
          return err;
        }
      }
      return { sa: t.sockaddr, len: t.sockaddr.length, release: t.release };
    }
    // Other families' sockets exist only with their family granted (above).
    return E.EAFNOSUPPORT;
  }

  // A path that could not be opened: its errno only where the policy grants
  // the path it reaches, so a guest cannot probe which files exist elsewhere.
  private unixFailure(use: Operation, s: SockEntry, sunPath: Uint8Array, errno: number): number {
    const written = reachedUnixPath(sunPath, this.cwd);
    if (written === null || this.judge.allowed(use, s.sk.family, [unixEndpoint(written, false)])) return errno;
    return this.check(use, s, [unixEndpoint(written, false)]);
  }

  private ipEndpoints(s: SockEntry, forBind: boolean, salen: number): Endpoint[] | number {
    const v = this.sa;
    const port = this.sadv.getUint16(IN.port, false);
    if (s.sk.domain === AF_INET) {
      if (salen < IN.size) return E.EINVAL;
      return [ipEndpoint(Array.from(v.subarray(IN.addr, IN.addr + 4)), port, forBind)];
    }
    // The kernel takes RFC 2133's sockaddr_in6, which ends before scope_id.
    if (salen < IN6.scope_id) return E.EINVAL;
    const eps = [ipEndpoint(Array.from(v.subarray(IN6.addr, IN6.addr + 16)), port, forBind)];
    // A dual-stack wildcard bind reaches IPv4 too.
    if (forBind && eps[0].wildcard && eps[0].addr.length === 16 && !this.v6only(s)) eps.push(ipEndpoint([0, 0, 0, 0], port, true));
    return eps;
  }

  // The one judgement of addresses: 0, or the errno after reporting it.
  check(use: Operation, s: SockEntry, eps: Endpoint[]): number {
    if (this.judge.allowed(use, s.sk.family, eps)) return 0;
    const denied = eps.find((e) => !this.judge.allowed(use, s.sk.family, [e])) ?? eps[0];
    return this.events.deny(use, eps.map((e) => e.text).join(' + '), denyErrno(s.sk.family), `--allow-${use}=${denied.text}`);
  }

  private v6only(s: SockEntry): boolean {
    return this.intOpt(s.hfd, IPPROTO_IPV6, IPV6_V6ONLY) > 0;
  }

  private intOpt(hfd: number, level: number, name: number): number {
    this.optdv.setUint32(4, 4, true);
    const r = addon.getsockopt(hfd, level, name, this.opt, 0, 4);
    return r < 0 ? r : this.optdv.getInt32(0, true);
  }

  // ---- descriptors ------------------------------------------------------------------------

  // What the kernel made, as it says (SO_DOMAIN, SO_TYPE, SO_PROTOCOL): a
  // new entry's body, or undefined for a kind no rule lists.
  private made(hfd: number): Omit<SockEntry, 'kind' | 'hfd'> | undefined {
    const d = this.intOpt(hfd, SOL_SOCKET, SO_DOMAIN);
    const t = this.intOpt(hfd, SOL_SOCKET, SO_TYPE);
    const p = this.intOpt(hfd, SOL_SOCKET, SO_PROTOCOL);
    const sk = d < 0 || t < 0 || p < 0 ? undefined : socketKind(d, t, p);
    return sk && fresh(sk, p);
  }

  socket(domain: number, type: number, proto: number): number {
    if (type & ~(0xf | SOCK_FLAGS)) return -E.EINVAL;
    if (!familyKnown(domain)) return -E.EAFNOSUPPORT;
    const kinds = requestable(domain, type, proto);
    const what = `domain ${domain} type ${type & 0xf} protocol ${proto}`;
    if (kinds.length === 0) return -E.EPROTONOSUPPORT;
    if (!kinds.some((k) => hasGrant(this.judge, k.grant))) {
      const g = kinds[0].grant;
      return -this.events.deny('socket', `${g} (${what})`, denyErrno(g), `--allow-family=${g}`);
    }
    if (!this.table.room(1)) return -this.limit('socket');
    const hfd = addon.socket(domain, type | SOCK_CLOEXEC, proto);
    if (hfd < 0) return hfd;
    const e = this.made(hfd);
    const sk = e?.sk;
    if (e === undefined || sk === undefined || !hasGrant(this.judge, sk.grant)) {
      addon.close(hfd);
      if (sk === undefined) return -this.events.deny('socket', `unlisted kind (${what}, as the kernel made it)`, E.EPROTONOSUPPORT);
      return -this.events.deny('socket', `${sk.grant} (${what})`, denyErrno(sk.grant), `--allow-family=${sk.grant}`);
    }
    return this.table.adopt(hfd, e);
  }

  // A listening socket the embedder made for the guest (a preopened socket):
  // adopted at vfd, outside the guest's socket count.
  adoptListener(hfd: number, vfd: number): number {
    const e = this.made(hfd);
    if (e === undefined) return -E.ENOTSOCK;
    return this.table.adopt(hfd, { ...e, bound: true, lent: true }, vfd, false);
  }

  socketpair(domain: number, type: number, proto: number): [number, number] | number {
    if (type & ~(0xf | SOCK_FLAGS)) return -E.EINVAL;
    if (domain !== AF_UNIX) return -E.EAFNOSUPPORT;
    const sk = socketKind(domain, type, proto);
    if (sk === undefined) return -E.EPROTONOSUPPORT;
    if (!this.table.room(2)) return -this.limit('socket');
    const r = addon.socketpair(domain, type | SOCK_CLOEXEC, proto, this.opt, 0);
    if (r < 0) return r;
    const h0 = this.optdv.getInt32(0, true);
    const h1 = this.optdv.getInt32(4, true);
    const a = this.table.adopt(h0, fresh(sk, proto));
    const b = this.table.adopt(h1, fresh(sk, proto));
    if (a < 0 || b < 0) {
      if (a >= 0) this.close(a);
      if (b >= 0) this.close(b);
      return -E.EMFILE;
    }
    return [a, b];
  }

  close(vfd: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    this.table.remove(vfd);
    const r = this.table.closeSocket(s);
    // A reset reported by close(2) still closed the descriptor.
    return r === -E.ECONNRESET ? 0 : r;
  }

  dup(vfd: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (!this.table.room(1)) return -this.limit('socket');
    const hfd = addon.dup(s.hfd);
    if (hfd < 0) return hfd;
    return this.table.adopt(hfd, { ...fresh(s.sk, s.protocol), bound: s.bound, unixName: s.unixName, lent: s.lent });
  }

  // ---- connection setup -----------------------------------------------------------------------

  bind(vfd: number, sa: number, salen: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    return this.through('bind', s, sa, salen, (t) => {
      const r = addon.bind(s.hfd, t.sa, 0, t.len);
      if (r >= 0) {
        s.bound = true;
        if (s.sk.domain === AF_UNIX) this.rememberUnixName(s, t, sa, salen);
      }
      return r;
    });
  }

  // An output sockaddr (sa, in/out *salenPtr) lies in guest memory.
  private outFits(sa: number, salenPtr: number): boolean {
    return this.mem.fits(salenPtr, 4) && this.mem.fits(sa, this.mem.dv.getUint32(salenPtr, true));
  }

  // The call on the judged target (released after it), or the refusal.
  private through(use: Operation, s: SockEntry, sa: number, salen: number, call: (t: Target) => number): number {
    const t = this.target(use, s, sa, salen);
    if (typeof t === 'number') return -t;
    try {
      return call(t);
    } finally {
      t.release();
    }
  }

  private rememberUnixName(s: SockEntry, t: Target, sa: number, salen: number): void {
    const guestName = this.mem.u8.slice(sa >>> 0, (sa >>> 0) + (salen >>> 0));
    s.unixName = guestName;
    if (t.sa[2] !== 0) this.unixNames.set(Buffer.from(t.sa.subarray(2)).toString('utf8'), guestName);
  }

  connect(vfd: number, sa: number, salen: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    return this.through('connect', s, sa, salen, (t) => addon.connect(s.hfd, t.sa, 0, t.len));
  }

  listen(vfd: number, backlog: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    // An unbound socket would listen on a wildcard ephemeral port.
    if (!s.bound && !this.judge.familyGranted(s.sk.family)) {
      return -this.events.deny('listen', '(unbound socket: an ephemeral wildcard port)', denyErrno(s.sk.family), '--allow-bind');
    }
    return addon.listen(s.hfd, backlog);
  }

  // accept4: the new guest descriptor or -errno. The peer is judged from the
  // kernel's answer, received into host memory, then copied out.
  accept(vfd: number, sa: number, salenPtr: number, flags: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (flags & ~SOCK_FLAGS) return -E.EINVAL;
    sa >>>= 0;
    salenPtr >>>= 0;
    if (sa !== 0 && !this.outFits(sa, salenPtr)) return -E.EFAULT;
    // At the limit the connection stays queued, as EMFILE leaves it in Linux.
    if (!this.table.room(1)) return -this.limit('accept');
    for (;;) {
      this.sadv.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true);
      const hfd = addon.accept4(s.hfd, this.sa, 0, SOCKADDR_MAX, flags | SOCK_CLOEXEC);
      if (hfd < 0) return hfd;
      const len = this.sadv.getUint32(SOCKADDR_MAX, true);
      const peer = this.peerEndpoint(s, len);
      if (peer === null || this.judge.acceptAllowed(s.sk.family, peer)) {
        const n = this.table.adopt(hfd, { ...fresh(s.sk, s.protocol), unixName: s.unixName });
        if (n >= 0 && sa !== 0) this.copyOutSockaddr(len, sa, salenPtr);
        return n;
      }
      addon.close(hfd);
      this.events.deny('accept', peer.text, E.EACCES, `--allow-accept=${peer.text}`);
      // A refused peer is dropped and the next one taken: a blocking accept
      // waits for it, a non-blocking one gets the kernel's EAGAIN only when no
      // peer is left (not while a granted one is queued behind the refused).
    }
  }

  // The peer in this.sa (len bytes, as the kernel wrote it), or null when
  // the socket's family is not judged by address.
  private peerEndpoint(s: SockEntry, len: number): Endpoint | null {
    const fam = len >= 2 ? this.sadv.getUint16(0, true) : 0;
    const port = this.sadv.getUint16(IN.port, false);
    if (fam === AF_INET && len >= IN.size) return ipEndpoint(Array.from(this.sa.subarray(IN.addr, IN.addr + 4)), port, false);
    if (fam === AF_INET6 && len >= IN6.scope_id) {
      return ipEndpoint(Array.from(this.sa.subarray(IN6.addr, IN6.addr + 16)), port, false);
    }
    if (s.sk.domain === AF_UNIX) {
      const { name, abstract } = sunPathName(this.sa.subarray(2, Math.max(2, Math.min(len, 2 + SUN_PATH_MAX))));
      return unixEndpoint(name, abstract);
    }
    return null;
  }

  // this.sa (len bytes) to the guest's (sa, *salenPtr), truncated as the
  // kernel truncates, *salenPtr set to the full length; this guest's own
  // unix binds shown under the names it bound.
  private copyOutSockaddr(len: number, sa: number, salenPtr: number): void {
    let src: Uint8Array = this.sa.subarray(0, len);
    if (len > 2 && this.sadv.getUint16(0, true) === AF_UNIX) src = this.guestUnixName(src);
    const cap = this.mem.dv.getUint32(salenPtr, true);
    this.mem.u8.set(src.subarray(0, Math.min(cap, src.length)), sa);
    this.mem.dv.setUint32(salenPtr, src.length, true);
  }

  private guestUnixName(kernelSa: Uint8Array): Uint8Array {
    const { name, abstract } = sunPathName(kernelSa.subarray(2));
    return (abstract ? undefined : this.unixNames.get(name)) ?? kernelSa;
  }

  // getsockname/getpeername: through host memory, then copied out.
  sockname(vfd: number, sa: number, salenPtr: number, peer: boolean): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    sa >>>= 0;
    salenPtr >>>= 0;
    if (!this.outFits(sa, salenPtr)) return -E.EFAULT;
    if (!peer && s.unixName !== null) {
      this.sa.set(s.unixName);
      this.copyOutSockaddr(s.unixName.length, sa, salenPtr);
      return 0;
    }
    this.sadv.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true);
    const r = peer ? addon.getpeername(s.hfd, this.sa, 0, SOCKADDR_MAX) : addon.getsockname(s.hfd, this.sa, 0, SOCKADDR_MAX);
    if (r < 0) return r;
    this.copyOutSockaddr(this.sadv.getUint32(SOCKADDR_MAX, true), sa, salenPtr);
    return 0;
  }

  shutdown(vfd: number, how: number): number {
    const s = this.sock(vfd);
    return typeof s === 'number' ? s : addon.shutdown(s.hfd, how);
  }

  // ---- data ------------------------------------------------------------------------------------

  // send/sendto from buf[off, off+len) (guest memory, already bounds-checked,
  // or a host copy): count or -errno.
  sendto(vfd: number, buf: Uint8Array, off: number, len: number, flags: number, sa: number, salen: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (flags & ~(SEND_FLAGS | MSG_FASTOPEN)) return -E.EOPNOTSUPP;
    const err = this.netlinkRefused(s, buf, off, len);
    if (err) return -err;
    return this.sendVia(s, flags, sa, salen, (to, tolen) => (to === null
      ? addon.send(s.hfd, buf, off, len, flags)
      : addon.sendto(s.hfd, buf, off, len, flags, to, 0, tolen)));
  }

  // Netlink messages a guest sends are listed queries, or EACCES.
  private netlinkRefused(s: SockEntry, buf: Uint8Array, off: number, len: number): number {
    if (s.sk.domain !== AF_NETLINK || netlinkRequestAllowed(s.protocol, buf, off, len)) return 0;
    return this.events.deny('sendto', `netlink protocol ${s.protocol}: a request that is not a listed query`, E.EACCES);
  }

  // A send on s to the guest's (sa, salen), judged: send(null) when there is
  // no address (a connected socket), else send(the judged copy, its length).
  private sendVia(s: SockEntry, flags: number, sa: number, salen: number,
    send: (to: Uint8Array | null, tolen: number) => number): number {
    sa >>>= 0;
    // MSG_FASTOPEN without an address has nothing to open: the kernel says so.
    if (sa === 0) return send(null, 0);
    const use: Operation = flags & MSG_FASTOPEN ? 'connect' : 'sendto';
    if (use === 'sendto' && this.sameAsLast(s, sa, salen)) return send(s.lastTo!, s.lastTo!.length);
    return this.through(use, s, sa, salen, (t) => {
      // A datagram stream to one IP peer is judged once.
      if (use === 'sendto' && s.sk.domain !== AF_UNIX) s.lastTo = t.sa.slice(0, t.len);
      return send(t.sa, t.len);
    });
  }

  private sameAsLast(s: SockEntry, sa: number, salen: number): boolean {
    const last = s.lastTo;
    if (last === null || last.length !== (salen >>> 0) || !this.mem.fits(sa, last.length)) return false;
    const u8 = this.mem.u8;
    for (let i = 0; i < last.length; i++) if (u8[sa + i] !== last[i]) return false;
    return true;
  }

  recvfrom(vfd: number, buf: Uint8Array, off: number, len: number, flags: number, sa: number, salenPtr: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (flags & ~RECV_FLAGS) return -E.EOPNOTSUPP;
    sa >>>= 0;
    salenPtr >>>= 0;
    if (sa !== 0 && !this.outFits(sa, salenPtr)) return -E.EFAULT;
    const err = this.dropUngranted(s, flags);
    if (err < 0) return err;
    if (sa === 0) return addon.recv(s.hfd, buf, off, len, flags);
    this.sadv.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true);
    const r = addon.recvfrom(s.hfd, buf, off, len, flags, this.sa, 0, SOCKADDR_MAX);
    if (r >= 0) this.copyOutSockaddr(this.sadv.getUint32(SOCKADDR_MAX, true), sa, salenPtr);
    return r;
  }

  private filtered(s: SockEntry): boolean {
    const kind = s.sk.domain === AF_UNIX ? 'unix' : s.sk.domain === AF_INET || s.sk.domain === AF_INET6 ? 'ip' : null;
    return kind !== null && !this.judge.familyGranted(s.sk.family) && this.judge.filtersPeers(kind);
  }

  // Datagrams from sources the accept grants do not name are dropped before
  // the guest sees a byte of them: each is peeked (no data), judged by its
  // source, and consumed if refused. 0 once a granted datagram is next (or
  // the socket is not filtered, or the guest reads its error queue: its own
  // sends' errors).
  private dropUngranted(s: SockEntry, flags: number): number {
    if (isStream(s) || flags & MSG_ERRQUEUE || !this.filtered(s)) return 0;
    for (;;) {
      this.sadv.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true);
      const r = addon.recvfrom(s.hfd, this.none, 0, 0, (flags & MSG_DONTWAIT) | MSG_PEEK, this.sa, 0, SOCKADDR_MAX);
      if (r < 0) return r;
      const peer = this.peerEndpoint(s, this.sadv.getUint32(SOCKADDR_MAX, true));
      if (peer === null || this.judge.acceptAllowed(s.sk.family, peer)) return 0;
      addon.recv(s.hfd, this.none, 0, 0, MSG_DONTWAIT);
      this.dropped++;
      this.events.deny('receive', `datagram from ${peer.text}`, E.EACCES, `--allow-accept=${peer.text}`);
    }
  }

  // Gather/scatter forms (WASI fd_write/sock_send): one
  // buffer goes straight to the kernel; several are copied through IO_CHUNK.
  sendv(vfd: number, iov: Iov, flags: number, sa: number, salen: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    const [total, one] = span(iov);
    if (one !== null) return this.sendto(vfd, this.mem.u8, one[0], one[1], flags, sa, salen);
    // A datagram is sent whole or not at all.
    if (!isStream(s) && total > IO_CHUNK) return -E.EMSGSIZE;
    const n = this.gather(iov, Math.min(total, IO_CHUNK));
    return this.sendto(vfd, this.io, 0, n, flags, sa, salen);
  }

  recvv(vfd: number, iov: Iov, flags: number, sa: number, salenPtr: number): number {
    const [total, one] = span(iov);
    if (one !== null) return this.recvfrom(vfd, this.mem.u8, one[0], one[1], flags, sa, salenPtr);
    const r = this.recvfrom(vfd, this.io, 0, Math.min(total, IO_CHUNK), flags, sa, salenPtr);
    if (r > 0) this.scatter(r, iov);
    return r;
  }

  private gather(iov: Iov, max: number): number {
    const u8 = this.mem.u8;
    let off = 0;
    for (const [p, l] of iov) {
      const k = Math.min(l, max - off);
      this.io.set(u8.subarray(p, p + k), off);
      off += k;
      if (off >= max) break;
    }
    return off;
  }

  private scatter(n: number, iov: Iov): void {
    this.mem.refresh();
    const u8 = this.mem.u8;
    let off = 0;
    for (const [p, l] of iov) {
      if (off >= n) break;
      const k = Math.min(l, n - off);
      u8.set(this.io.subarray(off, off + k), p);
      off += k;
    }
  }

  // iovec array (WSK_IOV_SIZE bytes each: ptr, len) at ptr: the list, or a positive errno.
  readIov(ptr: number, n: number, tooMany: number): Iov | number {
    ptr >>>= 0;
    n >>>= 0;
    if (n > IOV_MAX) return tooMany;
    if (!this.mem.fits(ptr, n * WSK_IOV_SIZE)) return E.EFAULT;
    const out: Iov = [];
    const dv = this.mem.dv;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = dv.getUint32(ptr + i * WSK_IOV_SIZE + WSK_IOV_BASE, true);
      const l = dv.getUint32(ptr + i * WSK_IOV_SIZE + WSK_IOV_LEN, true);
      if (!this.mem.fits(p, l)) return E.EFAULT;
      total += l;
      // ssize_t's limit on wasm32, as Linux's on a 32-bit process.
      if (total > 0x7fffffff) return E.EINVAL;
      out.push([p, l]);
    }
    return out;
  }

  // ---- messages with control data (sendmsg/recvmsg) --------------------------------------------

  // The guest's struct msghdr at msg (host.h WSK_MSG_*), its fields checked
  // against its memory: EFAULT for what does not fit (a NULL buffer of
  // non-zero length included, as Linux's copy from NULL faults), EMSGSIZE
  // for more than IOV_MAX iovecs.
  private readMsg(msg: number): Msg | number {
    msg >>>= 0;
    if (!this.mem.fits(msg, WSK_MSG_SIZE)) return E.EFAULT;
    const dv = this.mem.dv;
    const at = (f: number) => dv.getUint32(msg + f, true);
    const m = {
      at: msg, name: at(WSK_MSG_NAME), namelen: at(WSK_MSG_NAMELEN),
      control: at(WSK_MSG_CONTROL), controllen: at(WSK_MSG_CONTROLLEN), iov: [] as Iov,
    };
    const iov = this.readIov(at(WSK_MSG_IOV), at(WSK_MSG_IOVLEN), E.EMSGSIZE);
    if (typeof iov === 'number') return iov;
    m.iov = iov;
    if (m.controllen !== 0 && (m.control === 0 || !this.mem.fits(m.control, m.controllen))) return E.EFAULT;
    return m;
  }

  // The message's buffers as views of guest memory: the kernel gathers and
  // scatters them in place.
  private views(iov: Iov): Uint8Array[] {
    const u8 = this.mem.u8;
    return iov.map(([p, l]) => u8.subarray(p, p + l));
  }

  sendmsg(vfd: number, msg: number, flags: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (flags & ~(SEND_FLAGS | MSG_FASTOPEN)) return -E.EOPNOTSUPP;
    const m = this.readMsg(msg);
    if (typeof m === 'number') return -m;
    let control: Uint8Array | null = null;
    // Linux's answer to control data over net.core.optmem_max.
    if (m.controllen > CONTROL_MAX) return -E.ENOBUFS;
    if (m.controllen > 0) {
      const c = this.cmsgs.toKernel(s, this.mem.u8.slice(m.control, m.control + m.controllen));
      if (typeof c === 'number') return -c;
      control = c;
    }
    let bufs = this.views(m.iov);
    if (s.sk.domain === AF_NETLINK) {
      // Judged on a copy: what the kernel gets is what was judged.
      const [total] = span(m.iov);
      if (total > IO_CHUNK) return -E.EMSGSIZE;
      const n = this.gather(m.iov, total);
      const err = this.netlinkRefused(s, this.io, 0, n);
      if (err) return -err;
      bufs = [this.io.subarray(0, n)];
    }
    return this.sendVia(s, flags, m.name, m.namelen, (to, tolen) =>
      addon.sendmsg(s.hfd, bufs, control, flags, to ?? this.none, to === null ? -1 : 0, tolen));
  }

  recvmsg(vfd: number, msg: number, flags: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    if (flags & ~RECV_FLAGS) return -E.EOPNOTSUPP;
    const m = this.readMsg(msg);
    if (typeof m === 'number') return -m;
    if (m.name !== 0 && !this.mem.fits(m.name, m.namelen)) return -E.EFAULT;
    const err = this.dropUngranted(s, flags);
    if (err < 0) return err;
    const control = m.controllen > 0 ? this.control : null;
    this.sadv.setUint32(SOCKADDR_MAX, SOCKADDR_MAX, true);
    const r = addon.recvmsg(s.hfd, this.views(m.iov), control, flags, this.sa, 0, SOCKADDR_MAX, SOCKADDR_MAX + 4);
    if (r < 0) return r;
    let mflags = this.sadv.getInt32(SOCKADDR_MAX + 8, true);
    let controllen = 0;
    if (control !== null) {
      const got = this.cmsgs.toGuest(s, control.subarray(0, this.sadv.getUint32(SOCKADDR_MAX + 4, true)), m.controllen);
      this.mem.refresh();
      this.mem.u8.set(got.bytes, m.control);
      controllen = got.bytes.length;
      if (got.ctrunc) mflags |= MSG_CTRUNC;
    }
    this.mem.refresh();
    const dv = this.mem.dv;
    // The name's room is the namelen checked above, whatever the data
    // received into the guest's buffers wrote over the record since.
    dv.setUint32(m.at + WSK_MSG_NAMELEN, m.name !== 0 ? m.namelen : 0, true);
    if (m.name !== 0) this.copyOutSockaddr(this.sadv.getUint32(SOCKADDR_MAX, true), m.name, m.at + WSK_MSG_NAMELEN);
    dv.setUint32(m.at + WSK_MSG_CONTROLLEN, controllen, true);
    dv.setInt32(m.at + WSK_MSG_FLAGS, mflags, true);
    return r;
  }

  // ---- options, ioctl, modes -------------------------------------------------------------------

  getsockopt(vfd: number, level: number, name: number, val: number, lenPtr: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    const err = this.optionAllowed('getsockopt', s, level, name);
    if (err) return -err;
    val >>>= 0;
    lenPtr >>>= 0;
    if (!this.mem.fits(lenPtr, 4)) return -E.EFAULT;
    const glen = this.mem.dv.getUint32(lenPtr, true);
    if (glen > 0x7fffffff) return -E.EINVAL;
    if (!this.mem.fits(val, glen)) return -E.EFAULT;
    const rule = optionRule(level, name)!;
    this.optdv.setUint32(OPT_MAX, Math.min(glen, rule.max), true);
    const r = addon.getsockopt(s.hfd, level, name, this.opt, 0, OPT_MAX);
    if (r < 0) return r;
    const n = Math.min(this.optdv.getUint32(OPT_MAX, true), glen);
    this.mem.u8.set(this.opt.subarray(0, n), val);
    this.mem.dv.setUint32(lenPtr, n, true);
    return 0;
  }

  setsockopt(vfd: number, level: number, name: number, val: number, len: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    const err = this.optionAllowed('setsockopt', s, level, name);
    if (err) return -err;
    const rule = optionRule(level, name)!;
    val >>>= 0;
    len >>>= 0;
    if (!this.mem.fits(val, len)) return -E.EFAULT;
    if (len < rule.min) return -E.EINVAL;
    // Linux reads an option's own size and ignores the rest of a longer value.
    const n = Math.min(len, rule.max);
    this.opt.set(this.mem.u8.subarray(val, val + n));
    if (rule.accepts && !rule.accepts(this.optdv)) return -this.events.deny('setsockopt', `${rule.name} value`, E.EPERM);
    return addon.setsockopt(s.hfd, level, name, this.opt, 0, n);
  }

  // Whether the option's rule lets op through on s (its kind, then its grant).
  private optionListed(op: 'getsockopt' | 'setsockopt', s: SockEntry, rule: OptionRule | undefined): rule is OptionRule {
    return rule !== undefined && (op === 'getsockopt' ? rule.get : rule.set) &&
      (rule.families === undefined || rule.families.includes(s.sk.family));
  }

  private optionPermitted(op: 'getsockopt' | 'setsockopt', s: SockEntry, level: number, name: number): boolean {
    const rule = optionRule(level, name);
    return this.optionListed(op, s, rule) && hasGrant(this.judge, rule.grant, s.sk.family);
  }

  private optionAllowed(op: 'getsockopt' | 'setsockopt', s: SockEntry, level: number, name: number): number {
    const rule = optionRule(level, name);
    const what = rule ? rule.name : `level ${level} option ${name}`;
    if (!this.optionListed(op, s, rule)) return this.events.deny(op, what, E.ENOPROTOOPT);
    if (!hasGrant(this.judge, rule.grant, s.sk.family)) {
      return this.events.deny(op, what, E.EACCES, `--allow-family=${rule.grant === 'family' ? s.sk.family : rule.grant}`);
    }
    return 0;
  }

  // One int in or out (IOCTLS); arg points at it.
  ioctl(vfd: number, request: number, arg: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    const rule = IOCTLS.get(request >>> 0);
    if (rule === undefined) return -this.events.deny('ioctl', `request 0x${(request >>> 0).toString(16)}`, E.ENOTTY);
    arg >>>= 0;
    if (!this.mem.fits(arg, 4)) return -E.EFAULT;
    if (rule.dir === 'in') return addon.setNonblock(s.hfd, this.mem.dv.getInt32(arg, true) ? 1 : 0);
    const r = addon.ioctlInt(s.hfd, request >>> 0, 0);
    if (r < 0) return r;
    this.mem.dv.setInt32(arg, r, true);
    return 0;
  }

  // fcntl on a socket: O_NONBLOCK through F_GETFL/F_SETFL (flag values are
  // the caller's libc's); descriptor flags are always close-on-exec.
  fcntl(vfd: number, cmd: number, arg: number, oNonblock: number, oRdwr: number): number {
    const s = this.sock(vfd);
    if (typeof s === 'number') return s;
    switch (cmd) {
      case FCNTL.F_GETFL: return oRdwr | (addon.getNonblock(s.hfd) > 0 ? oNonblock : 0);
      case FCNTL.F_SETFL: return addon.setNonblock(s.hfd, arg & oNonblock ? 1 : 0);
      case FCNTL.F_GETFD: case FCNTL.F_SETFD: return cmd === FCNTL.F_GETFD ? 1 : 0;
      default: return -this.events.deny('fcntl', `command ${cmd}`, E.EINVAL);
    }
  }

  setNonblock(vfd: number, on: number): number {
    const s = this.sock(vfd);
    return typeof s === 'number' ? s : addon.setNonblock(s.hfd, on ? 1 : 0);
  }

  nonblocking(s: SockEntry): boolean {
    return addon.getNonblock(s.hfd) > 0;
  }

  // Bytes ready to read (FIONREAD), for WASI's poll_oneoff nbytes.
  readable(s: SockEntry): number {
    const r = addon.ioctlInt(s.hfd, FIONREAD, 0);
    return r < 0 ? 0 : r;
  }

  // ---- poll across both kinds ---------------------------------------------------------------------

  // Linux pollfds (8 bytes: int32 fd, int16 events, int16 revents) at fds in
  // guest memory: the ready count or -errno. Sockets and stdio are polled
  // with poll(2); files and directories are always ready, as Linux says of
  // regular files.
  poll(fds: number, nfds: number, timeoutMs: number): number {
    fds >>>= 0;
    nfds >>>= 0;
    if (nfds > POLL_MAX) return -E.EINVAL;
    if (!this.mem.fits(fds, nfds * 8)) return -E.EFAULT;
    if (this.pollBuf.length < nfds * 8) this.pollBuf = new Uint8Array(nfds * 8);
    const pdv = new DataView(this.pollBuf.buffer);
    const dv = this.mem.dv;
    let ready = 0;
    const immediate = new Uint8Array(nfds);
    for (let i = 0; i < nfds; i++) {
      const at = fds + i * 8;
      const vfd = dv.getInt32(at, true);
      const ev = dv.getInt16(at + 4, true);
      let hfd = -1;
      dv.setInt16(at + 6, 0, true);
      if (vfd >= 0) {
        const e = this.table.get(vfd);
        if (e === undefined) {
          dv.setInt16(at + 6, 0x20 /* POLLNVAL */, true);
          immediate[i] = 1;
          ready++;
        } else if (e.kind === 'sock') hfd = e.hfd;
        else if (e.hostFd !== null) hfd = e.hostFd;
        else {
          const r = ev & (0x1 | 0x4 | 0x40 | 0x100); // POLLIN POLLOUT POLLRDNORM POLLWRNORM
          dv.setInt16(at + 6, r, true);
          immediate[i] = 1;
          if (r) ready++;
        }
      }
      pdv.setInt32(i * 8, hfd, true);
      pdv.setInt16(i * 8 + 4, ev, true);
      pdv.setInt16(i * 8 + 6, 0, true);
    }
    const r = addon.poll(this.pollBuf, 0, nfds, ready ? 0 : timeoutMs);
    if (r < 0) return ready ? ready : r;
    this.mem.refresh();
    for (let i = 0; i < nfds; i++) {
      if (immediate[i]) continue;
      const rev = pdv.getInt16(i * 8 + 6, true);
      this.mem.dv.setInt16(fds + i * 8 + 6, rev, true);
      if (rev) ready++;
    }
    return ready;
  }
}
