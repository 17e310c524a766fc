// The host for Wasm guests: runGuest() runs a wasm32-wasi program (built with
// the guest SDK, `wasock cc`, or emscripten -sSTANDALONE_WASM) in a worker
// thread with real sockets under a capability policy; createGuestHost() gives
// embedders the import objects to instantiate a module themselves.
//
// The socket imports are a decorator around hostImports() (host.ts), bound to
// the guest's own memory (no external-buffer window): each guest has a virtual
// descriptor table shared with its WASI descriptors (one number space: a WASI
// fd and a socket never get the same number), and every address-bearing call
// passes the policy (policy.ts) before it reaches the kernel. A denial is
// EACCES (EPERM for raw/packet sockets, as Linux without CAP_NET_RAW) and an
// event naming the guest, the operation and the address.
//
// WASI: node:wasi (uvwasi) — see docs/guests.md for the measurement behind
// the choice. Its descriptors are renumbered through the same table, and
// fd_read/fd_write/fd_close/fd_fdstat_*/poll_oneoff/sock_* understand socket
// descriptors, so read(), write(), close(), fcntl(O_NONBLOCK) and select() of
// an unmodified wasi-libc work on sockets.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { openSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { Socket as NetSocket } from 'node:net';
import type { Writable } from 'node:stream';
import { addon } from './native.js';
import { HostMemory, hostImports, type Imports } from './host.js';
import { configureResolver, type ResolverOptions } from './resolver.js';
import {
  AF_INET, AF_INET6, AF_UNIX, Judge, compilePolicy, familyName, ipEndpoint,
  unixEndpoint, type CompiledPolicy, type Endpoint, type Family, type Operation, type PolicySpec,
} from './policy.js';
import { emscriptenImports } from './emscripten.js';
import { guestDnsImports, lookupForGuest, type GuestDnsPolicy } from './guest/dns.js';

export type { PolicySpec, CompiledPolicy } from './policy.js';
export { compilePolicy } from './policy.js';

// ---- errno: Linux (the ABI) -> WASI (wasi-libc and emscripten) ----------------------

const WASI_ERRNO_NAMES = ('SUCCESS 2BIG ACCES ADDRINUSE ADDRNOTAVAIL AFNOSUPPORT AGAIN ALREADY BADF BADMSG BUSY ' +
  'CANCELED CHILD CONNABORTED CONNREFUSED CONNRESET DEADLK DESTADDRREQ DOM DQUOT EXIST FAULT FBIG HOSTUNREACH IDRM ' +
  'ILSEQ INPROGRESS INTR INVAL IO ISCONN ISDIR LOOP MFILE MLINK MSGSIZE MULTIHOP NAMETOOLONG NETDOWN NETRESET ' +
  'NETUNREACH NFILE NOBUFS NODEV NOENT NOEXEC NOLCK NOLINK NOMEM NOMSG NOPROTOOPT NOSPC NOSYS NOTCONN NOTDIR ' +
  'NOTEMPTY NOTRECOVERABLE NOTSOCK NOTSUP NOTTY NXIO OVERFLOW OWNERDEAD PERM PIPE PROTO PROTONOSUPPORT PROTOTYPE ' +
  'RANGE ROFS SPIPE SRCH STALE TIMEDOUT TXTBSY XDEV NOTCAPABLE').split(' ');
const LINUX_TO_WASI = new Uint16Array(256).fill(29 /* EIO */);
{
  const lin = osConstants.errno as Record<string, number>;
  WASI_ERRNO_NAMES.forEach((n, i) => {
    const v = lin[`E${n}`];
    if (v !== undefined && v < 256) LINUX_TO_WASI[v] = i;
  });
  LINUX_TO_WASI[0] = 0;
  LINUX_TO_WASI[lin.EWOULDBLOCK ?? 11] = 6;
  LINUX_TO_WASI[lin.EOPNOTSUPP ?? 95] = 58;
  LINUX_TO_WASI[lin.ESHUTDOWN ?? 108] = 64;
  LINUX_TO_WASI[lin.EHOSTDOWN ?? 112] = 23;
}
export function wasiErrno(linux: number): number {
  return linux >= 0 && linux < 256 ? LINUX_TO_WASI[linux] : 29;
}

const E = {
  EPERM: 1, EBADF: 9, EAGAIN: 11, EACCES: 13, EFAULT: 14, EINVAL: 22, EMFILE: 24, ESPIPE: 29, ENOTSOCK: 88,
  EAFNOSUPPORT: 97, ECONNABORTED: 103, EMSGSIZE: 90, ENOTDIR: 20,
};
const W = { BADF: 8, INVAL: 28, NOTSOCK: 57, NOTSUP: 58, SPIPE: 70, NOTDIR: 54, FAULT: 21, MFILE: 33, NOTCAPABLE: 76 };

// ---- events --------------------------------------------------------------------------

export interface GuestEvent {
  guest: string;
  op: string;          // socket, connect, bind, listen, sendto, accept, resolve
  address: string;     // what was denied: "10.0.0.1:80", "unix:/run/x.sock", "example.com", "raw"
  errno: number;       // what the guest got (Linux numbering): 13 EACCES, 1 EPERM, 24 EMFILE
  message: string;     // one line: "wasock: guest NAME: denied connect 10.0.0.1:80 (EACCES)"
}

function eventLine(e: Omit<GuestEvent, 'message'>): string {
  const name = e.errno === E.EPERM ? 'EPERM' : e.errno === E.EMFILE ? 'EMFILE' : 'EACCES';
  return `wasock: guest ${e.guest}: denied ${e.op} ${e.address} (${name})`;
}

// ---- the descriptor table -----------------------------------------------------------

interface WasiEntry { kind: 'wasi'; wfd: number; hostFd: number | null }
interface SockEntry {
  kind: 'sock';
  hfd: number;
  family: Family;
  domain: number;
  type: number;
  bound: boolean;            // bound under a grant (listen needs it)
}
type Entry = WasiEntry | SockEntry;

const MAX_FDS = 4096;

export interface GuestHostOptions {
  name?: string;
  policy?: CompiledPolicy;
  // node:wasi's import object (wasi_snapshot_preview1); its descriptors are renumbered.
  wasi?: Record<string, (...a: any[]) => any>;
  // The host fds behind WASI's 0, 1, 2 (for poll across both kinds) and the
  // number of preopened directories (WASI fds 3..).
  stdioFds?: [number, number, number];
  preopens?: number;
  onEvent?: (e: GuestEvent) => void;
}

export interface GuestHost {
  imports: { wasock: Imports; wasi_snapshot_preview1: Record<string, (...a: any[]) => any>; env: Record<string, any> };
  // The guest's memory (and, for emscripten's getaddrinfo, its exports: malloc).
  attach(memory: WebAssembly.Memory, exports?: Record<string, any>): void;
  // Closes every socket the guest left open.
  closeAll(): void;
  openSockets(): number;
}

export function createGuestHost(opts: GuestHostOptions): GuestHost {
  const guest = opts.name ?? 'guest';
  const judge = new Judge(opts.policy ?? { ip: { connect: [], bind: [], sendto: [], accept: [] },
    unix: { connect: [], bind: [], sendto: [], accept: [] }, families: [], dns: [], maxSockets: 64, cwd: process.cwd() });
  const mem = new HostMemory();
  const inner = hostImports(mem, null);
  const table = new Map<number, Entry>();
  const stdio = opts.stdioFds ?? [0, 1, 2];
  for (let i = 0; i < 3 + (opts.preopens ?? 0); i++) table.set(i, { kind: 'wasi', wfd: i, hostFd: i < 3 ? stdio[i] : null });
  let sockets = 0;
  let instanceExports: Record<string, any> | null = null;
  const scratch = new Uint8Array(256);
  const sdv = new DataView(scratch.buffer);

  function emit(op: string, address: string, errno: number): number {
    const e = { guest, op, address, errno };
    const ev: GuestEvent = { ...e, message: eventLine(e) };
    if (opts.onEvent) opts.onEvent(ev);
    else process.stderr.write(`${ev.message}\n`);
    return errno;
  }

  // Name resolution runs in the host (guest/dns.ts): the guest asks by name.
  const dnsPolicy: GuestDnsPolicy = {
    any: judge.p.dns.includes('*'),
    allowed: (name) => judge.dnsAllowed(name),
    pinned: (name) => judge.p.pinned?.[name.toLowerCase().replace(/\.$/, '')] ?? null,
    deny: (op, address) => { emit(op, address, E.EACCES); },
  };

  function alloc(e: Entry): number {
    for (let fd = 0; fd < MAX_FDS; fd++) {
      if (!table.has(fd)) {
        table.set(fd, e);
        return fd;
      }
    }
    return -1;
  }

  function sock(fd: number): SockEntry | number {
    const e = table.get(fd | 0);
    if (e === undefined) return E.EBADF;
    if (e.kind !== 'sock') return E.ENOTSOCK;
    return e;
  }

  // A new host socket becomes a guest descriptor (or is closed: EMFILE).
  function adopt(hfd: number, domain: number, type: number, family: Family): number {
    if (sockets >= judge.p.maxSockets) {
      addon.close(hfd);
      return -emit('socket', `limit of ${judge.p.maxSockets} sockets`, E.EMFILE);
    }
    const vfd = alloc({ kind: 'sock', hfd, family, domain, type, bound: false });
    if (vfd < 0) {
      addon.close(hfd);
      return -E.EMFILE;
    }
    sockets++;
    return vfd;
  }

  function put32(ptr: number, v: number): boolean {
    ptr >>>= 0;
    if (!mem.fits(ptr, 4)) return false;
    mem.dv.setInt32(ptr, v, true);
    return true;
  }

  // ---- addresses: decode the guest's sockaddr and judge it ----------------------------

  // The endpoints a sockaddr reaches (null: malformed -> errno).
  function endpoints(s: SockEntry, sa: number, salen: number, forBind: boolean): Endpoint[] | number {
    sa >>>= 0;
    salen >>>= 0;
    if (salen > 128) return E.EINVAL;
    if (!mem.fits(sa, salen)) return E.EFAULT;
    if (salen < 2) return E.EINVAL;
    const fam = mem.dv.getUint16(sa, true);
    if (fam !== s.domain) return E.EAFNOSUPPORT;
    if (fam === AF_INET) {
      if (salen < 16) return E.EINVAL;
      const port = mem.dv.getUint16(sa + 2, false);
      return [ipEndpoint(Array.from(mem.u8.subarray(sa + 4, sa + 8)), port, forBind)];
    }
    if (fam === AF_INET6) {
      if (salen < 24) return E.EINVAL;
      const port = mem.dv.getUint16(sa + 2, false);
      const addr = Array.from(mem.u8.subarray(sa + 8, sa + 24));
      const eps = [ipEndpoint(addr, port, forBind)];
      // A dual-stack wildcard bind reaches IPv4 too.
      if (forBind && eps[0].wildcard && eps[0].addr.length === 16 && !v6only(s)) eps.push(ipEndpoint([0, 0, 0, 0], port, true));
      return eps;
    }
    if (fam === AF_UNIX) {
      return [unixEndpoint(mem.u8.slice(sa + 2, sa + salen), judge.p.cwd)];
    }
    return [{ kind: 'ip', addr: [], port: 0, wildcard: false, path: '', abstract: false, text: `family ${fam}` }];
  }

  function v6only(s: SockEntry): boolean {
    sdv.setUint32(4, 4, true);
    const r = addon.getsockopt(s.hfd, 41 /* IPPROTO_IPV6 */, 26 /* IPV6_V6ONLY */, scratch, 0, 4);
    return r >= 0 && sdv.getInt32(0, true) !== 0;
  }

  function denyErrno(s: SockEntry): number {
    return s.family === 'raw' || s.family === 'packet' ? E.EPERM : E.EACCES;
  }

  // Checks op on sa for socket s: 0 (go ahead), or the errno to return.
  function check(op: Operation, s: SockEntry, sa: number, salen: number): number {
    // connect(AF_UNSPEC) dissolves an association: reaches nothing.
    if (op === 'connect' && salen >= 2 && mem.fits(sa >>> 0, 2) && mem.dv.getUint16(sa >>> 0, true) === 0 && s.domain !== AF_UNIX) return 0;
    const eps = endpoints(s, sa, salen, op === 'bind');
    if (typeof eps === 'number') return eps;
    if (judge.allowed(op, s.family, eps)) {
      if (op === 'bind') s.bound = true;
      return 0;
    }
    return emit(op, eps.map((e) => e.text).join(' + '), denyErrno(s));
  }

  // ---- the "wasock" import module --------------------------------------------------

  function doSocket(domain: number, type: number, proto: number): number {
    const fam = familyName(domain, type);
    if (!judge.mayCreate(fam)) {
      if (fam === null) return -E.EAFNOSUPPORT;
      return -emit('socket', fam, fam === 'raw' || fam === 'packet' ? E.EPERM : E.EACCES);
    }
    const r = addon.socket(domain, type, proto);
    return r < 0 ? r : adopt(r, domain, type, fam!);
  }

  // accept4 on a guest listener: the new guest descriptor or -errno. Peers
  // are judged from the kernel's answer (getpeername), not the guest's buffer.
  function doAccept(fd: number, sa: number, salenPtr: number, flags: number): number {
    const s = sock(fd);
    if (typeof s === 'number') return -s;
    sa >>>= 0;
    salenPtr >>>= 0;
    if (sa !== 0 && (!mem.fits(salenPtr, 4) || !mem.fits(sa, mem.dv.getUint32(salenPtr, true)))) return -E.EFAULT;
    for (;;) {
      const hfd = addon.accept4(s.hfd, mem.u8, sa === 0 ? -1 : sa, sa === 0 ? -1 : salenPtr, flags);
      if (hfd < 0) return hfd;
      sdv.setUint32(128, 128, true);
      const pr = addon.getpeername(hfd, scratch, 0, 128);
      const len = sdv.getUint32(128, true);
      let ok = true;
      let text = '';
      if (pr >= 0 && (s.domain === AF_INET || s.domain === AF_INET6) && len >= 16) {
        const e = s.domain === AF_INET
          ? ipEndpoint(Array.from(scratch.subarray(4, 8)), sdv.getUint16(2, false), false)
          : ipEndpoint(Array.from(scratch.subarray(8, 24)), sdv.getUint16(2, false), false);
        ok = judge.acceptAllowed(s.family, e);
        text = e.text;
      }
      if (ok) return adopt(hfd, s.domain, s.type, s.family);
      addon.close(hfd);
      emit('accept', text, E.EACCES);
      // A refused peer is dropped; a blocking accept waits for the next one.
      if (addon.getNonblock(s.hfd) > 0 || (flags & 0x800)) return -E.EAGAIN;
    }
  }

  // send/sendto from any buffer (guest memory or a gathered copy): count or -errno.
  function doSendto(fd: number, data: Uint8Array, off: number, len: number, flags: number, sa: number, salen: number): number {
    const s = sock(fd);
    if (typeof s === 'number') return -s;
    sa >>>= 0;
    if (sa !== 0) {
      const err = check('sendto', s, sa, salen);
      if (err) return -err;
    }
    if (sa === 0) return addon.send(s.hfd, data, off, len, flags);
    return addon.sendto(s.hfd, data, off, len, flags, mem.u8, sa, salen >>> 0);
  }

  function doRecvfrom(fd: number, data: Uint8Array, off: number, len: number, flags: number, sa: number, salenPtr: number): number {
    const s = sock(fd);
    if (typeof s === 'number') return -s;
    sa >>>= 0;
    salenPtr >>>= 0;
    if (sa === 0) return addon.recv(s.hfd, data, off, len, flags);
    if (!mem.fits(salenPtr, 4) || !mem.fits(sa, mem.dv.getUint32(salenPtr, true))) return -E.EFAULT;
    return addon.recvfrom(s.hfd, data, off, len, flags, mem.u8, sa, salenPtr);
  }

  const wasock: Imports = {
    ...inner,
    socket(domain, type, proto, out) {
      if (!mem.fits(out >>> 0, 4)) return E.EFAULT;
      const r = doSocket(domain, type, proto);
      if (r < 0) return -r;
      put32(out, r);
      return 0;
    },
    socketpair(domain, type, proto, out) {
      if (!mem.fits(out >>> 0, 8)) return E.EFAULT;
      if (domain !== AF_UNIX) return E.EAFNOSUPPORT;
      if (sockets + 2 > judge.p.maxSockets) return emit('socket', `limit of ${judge.p.maxSockets} sockets`, E.EMFILE);
      const r = addon.socketpair(domain, type, proto, scratch, 0);
      if (r < 0) return -r;
      const a = adopt(sdv.getInt32(0, true), domain, type, 'unix');
      const b = adopt(sdv.getInt32(4, true), domain, type, 'unix');
      if (a < 0 || b < 0) {
        if (a >= 0) wasock.close(a);
        if (b >= 0) wasock.close(b);
        return E.EMFILE;
      }
      put32(out, a);
      put32((out >>> 0) + 4, b);
      return 0;
    },
    bind(fd, sa, salen) {
      const s = sock(fd);
      if (typeof s === 'number') return s;
      const err = check('bind', s, sa, salen);
      return err || inner.bind(s.hfd, sa, salen);
    },
    connect(fd, sa, salen) {
      const s = sock(fd);
      if (typeof s === 'number') return s;
      const err = check('connect', s, sa, salen);
      return err || inner.connect(s.hfd, sa, salen);
    },
    listen(fd, backlog) {
      const s = sock(fd);
      if (typeof s === 'number') return s;
      // An unbound socket would listen on a wildcard ephemeral port.
      if (!s.bound && !judge.familyGranted(s.family)) return emit('listen', '(unbound socket: wildcard)', denyErrno(s));
      return inner.listen(s.hfd, backlog);
    },
    accept(fd, sa, salenPtr, flags, out) {
      if (!mem.fits(out >>> 0, 4)) return E.EFAULT;
      const r = doAccept(fd, sa, salenPtr, flags);
      if (r < 0) return -r;
      put32(out, r);
      return 0;
    },
    sendto(fd, buf, len, flags, sa, salen, out) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len) || !mem.fits(out >>> 0, 4)) return E.EFAULT;
      const r = doSendto(fd, mem.u8, buf, len, flags, sa, salen);
      if (r < 0) return -r;
      put32(out, r);
      return 0;
    },
    recvfrom(fd, buf, len, flags, sa, salenPtr, out) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len) || !mem.fits(out >>> 0, 4)) return E.EFAULT;
      const r = doRecvfrom(fd, mem.u8, buf, len, flags, sa, salenPtr);
      if (r < 0) return -r;
      put32(out, r);
      return 0;
    },
    shutdown(fd, how) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.shutdown(s.hfd, how);
    },
    close(fd) {
      const e = table.get(fd | 0);
      if (e === undefined) return E.EBADF;
      table.delete(fd | 0);
      if (e.kind === 'wasi') {
        const r = opts.wasi?.fd_close?.(e.wfd) ?? 0;
        return r ? E.EBADF : 0;
      }
      sockets--;
      const r = -addon.close(e.hfd);
      return r === 104 ? 0 : r;
    },
    getsockopt(fd, level, name, val, lenPtr) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.getsockopt(s.hfd, level, name, val, lenPtr);
    },
    setsockopt(fd, level, name, val, len) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.setsockopt(s.hfd, level, name, val, len);
    },
    getsockname(fd, sa, salenPtr) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.getsockname(s.hfd, sa, salenPtr);
    },
    getpeername(fd, sa, salenPtr) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.getpeername(s.hfd, sa, salenPtr);
    },
    set_nonblock(fd, on) {
      const s = sock(fd);
      return typeof s === 'number' ? s : inner.set_nonblock(s.hfd, on);
    },
    dup(fd, out) {
      const s = sock(fd);
      if (typeof s === 'number') return s;
      if (!mem.fits(out >>> 0, 4)) return E.EFAULT;
      const r = addon.dup(s.hfd);
      if (r < 0) return -r;
      const vfd = adopt(r, s.domain, s.type, s.family);
      if (vfd < 0) return -vfd;
      const e = table.get(vfd) as SockEntry;
      e.bound = s.bound;
      put32(out, vfd);
      return 0;
    },
    poll(fds, nfds, timeoutMs, out) {
      fds >>>= 0;
      nfds >>>= 0;
      if (nfds > 4096) return E.EINVAL;
      if (!mem.fits(fds, nfds * 8) || !mem.fits(out >>> 0, 4)) return E.EFAULT;
      const n = pollGuest(fds, nfds, timeoutMs | 0, 'linux');
      if (n < 0) return -n;
      put32(out, n);
      return 0;
    },
    // Only the files a guest's core reads itself: services, protocols and
    // gai.conf. The hosts file, resolv.conf and nsswitch.conf belong to the
    // host's resolver (lookup_name): a guest reading them is refused.
    resolver_file(id, buf, size, lenOut, genInOut) {
      if (id !== 1 && id !== 2 && id !== 5) return E.EACCES;
      return inner.resolver_file(id, buf, size, lenOut, genInOut);
    },
    ...guestDnsImports({ mem, ...dnsPolicy }),
  };
  // The library's stub resolver socket is no guest's: a module importing it
  // does not instantiate.
  delete wasock.resolver_socket;

  // ---- poll across both kinds ----------------------------------------------------------
  // Linux pollfds (8 bytes) at fds in guest memory; style 'linux' (the wasock
  // import and emscripten). Returns the count or -errno.
  let pollBuf = new Uint8Array(0);
  function pollGuest(fds: number, nfds: number, timeoutMs: number, _style: 'linux'): number {
    if (pollBuf.length < nfds * 8) pollBuf = new Uint8Array(Math.max(64, nfds * 8));
    const pdv = new DataView(pollBuf.buffer);
    let ready = 0;
    const immediate = new Uint8Array(nfds);
    for (let i = 0; i < nfds; i++) {
      const vfd = mem.dv.getInt32(fds + i * 8, true);
      const ev = mem.dv.getInt16(fds + i * 8 + 4, true);
      let hfd = -1;
      mem.dv.setInt16(fds + i * 8 + 6, 0, true);
      if (vfd >= 0) {
        const e = table.get(vfd);
        if (e === undefined) {
          mem.dv.setInt16(fds + i * 8 + 6, 0x20 /* POLLNVAL */, true);
          immediate[i] = 1;
          ready++;
        } else if (e.kind === 'sock') hfd = e.hfd;
        else if (e.hostFd !== null) hfd = e.hostFd;
        else {
          // A file or directory: always ready, as Linux says of regular files.
          const r = ev & (0x1 | 0x4 | 0x40 | 0x100);
          mem.dv.setInt16(fds + i * 8 + 6, r, true);
          immediate[i] = 1;
          if (r) ready++;
        }
      }
      pdv.setInt32(i * 8, hfd, true);
      pdv.setInt16(i * 8 + 4, ev, true);
      pdv.setInt16(i * 8 + 6, 0, true);
    }
    const r = addon.poll(pollBuf, 0, nfds, ready ? 0 : timeoutMs);
    if (r < 0) return ready ? ready : r;
    for (let i = 0; i < nfds; i++) {
      if (immediate[i]) continue;
      const rev = pdv.getInt16(i * 8 + 6, true);
      mem.dv.setInt16(fds + i * 8 + 6, rev, true);
      if (rev) ready++;
    }
    return ready;
  }

  // ---- WASI, renumbered through the table -------------------------------------------------

  const wasiIn = opts.wasi ?? {};
  const wasi: Record<string, (...a: any[]) => any> = {};
  // Which arguments are descriptors.
  const FD_ARGS: Record<string, number[]> = { path_link: [0, 4], path_rename: [0, 3], path_symlink: [2] };
  for (const [name, fn] of Object.entries(wasiIn)) {
    const fdArgs = FD_ARGS[name] ?? (name.startsWith('fd_') || name.startsWith('path_') || name.startsWith('sock_') ? [0] : []);
    if (fdArgs.length === 0) {
      wasi[name] = fn;
      continue;
    }
    wasi[name] = (...a: any[]) => {
      for (const i of fdArgs) {
        const e = table.get(a[i] | 0);
        if (e === undefined) return W.BADF;
        if (e.kind === 'sock') return W.NOTDIR;
        a[i] = e.wfd;
      }
      return fn(...a);
    };
  }
  // Socket descriptors through the WASI calls wasi-libc's read/write/close/fcntl/select use.
  const passFd = (name: string, onSock: (s: SockEntry, ...a: any[]) => number) => {
    const orig = wasi[name] ?? (() => W.NOTSUP);
    wasi[name] = (fd: number, ...a: any[]) => {
      const e = table.get(fd | 0);
      if (e !== undefined && e.kind === 'sock') return onSock(e, ...a, fd | 0);
      return orig(fd, ...a);
    };
  };
  const IOV_MAX = 1024;
  // Gathers iovecs (8 bytes each: ptr, len) into [ptr,len] pairs; null: bad.
  function iovs(ptr: number, n: number): Array<[number, number]> | number {
    ptr >>>= 0;
    n >>>= 0;
    if (n > IOV_MAX) return W.INVAL;
    if (!mem.fits(ptr, n * 8)) return W.FAULT;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const p = mem.dv.getUint32(ptr + i * 8, true);
      const l = mem.dv.getUint32(ptr + i * 8 + 4, true);
      if (!mem.fits(p, l)) return W.FAULT;
      out.push([p, l]);
    }
    return out;
  }
  function sockRead(s: SockEntry, iovPtr: number, iovCnt: number, nOut: number, flags: number): number {
    const v = iovs(iovPtr, iovCnt);
    if (typeof v === 'number') return v;
    if (!mem.fits(nOut >>> 0, 4)) return W.FAULT;
    const first = v.find(([, l]) => l > 0);
    if (!first) return put32(nOut, 0) ? 0 : W.FAULT;
    let r: number;
    const total = v.reduce((t, [, l]) => t + l, 0);
    if (first[1] === total) r = addon.recv(s.hfd, mem.u8, first[0], first[1], flags);
    else {
      const tmp = Buffer.allocUnsafe(Math.min(total, 1 << 20));
      r = addon.recv(s.hfd, tmp, 0, tmp.length, flags);
      if (r > 0) mem.scatter(tmp, r, v);
    }
    if (r < 0) return wasiErrno(-r);
    put32(nOut, r);
    return 0;
  }
  function sockWrite(s: SockEntry, iovPtr: number, iovCnt: number, nOut: number, flags: number): number {
    const v = iovs(iovPtr, iovCnt);
    if (typeof v === 'number') return v;
    if (!mem.fits(nOut >>> 0, 4)) return W.FAULT;
    const total = v.reduce((t, [, l]) => t + l, 0);
    let r: number;
    const first = v.find(([, l]) => l > 0);
    if (!first) return put32(nOut, 0) ? 0 : W.FAULT;
    if (first[1] === total) r = addon.send(s.hfd, mem.u8, first[0], first[1], flags);
    else {
      r = addon.send(s.hfd, mem.gather(v, total), 0, total, flags);
    }
    if (r < 0) return wasiErrno(-r);
    put32(nOut, r);
    return 0;
  }
  passFd('fd_read', (s, iov, cnt, nOut) => sockRead(s, iov, cnt, nOut, 0));
  passFd('fd_write', (s, iov, cnt, nOut) => sockWrite(s, iov, cnt, nOut, 0));
  passFd('fd_pread', () => W.SPIPE);
  passFd('fd_pwrite', () => W.SPIPE);
  passFd('fd_seek', () => W.SPIPE);
  passFd('fd_tell', () => W.SPIPE);
  passFd('fd_fdstat_get', (s, ptr) => {
    ptr >>>= 0;
    if (!mem.fits(ptr, 24)) return W.FAULT;
    mem.u8.fill(0, ptr, ptr + 24);
    mem.u8[ptr] = (s.type & 0xf) === 1 ? 6 : 5; // SOCKET_STREAM : SOCKET_DGRAM
    mem.dv.setUint16(ptr + 2, addon.getNonblock(s.hfd) > 0 ? 4 : 0, true);
    mem.dv.setBigUint64(ptr + 8, 0xffff_ffffn, true);
    mem.dv.setBigUint64(ptr + 16, 0xffff_ffffn, true);
    return 0;
  });
  passFd('fd_fdstat_set_flags', (s, flags) => wasiErrno(-addon.setNonblock(s.hfd, flags & 4 ? 1 : 0)));
  passFd('fd_filestat_get', (s, ptr) => {
    ptr >>>= 0;
    if (!mem.fits(ptr, 64)) return W.FAULT;
    mem.u8.fill(0, ptr, ptr + 64);
    mem.u8[ptr + 16] = (s.type & 0xf) === 1 ? 6 : 5;
    return 0;
  });
  passFd('fd_prestat_get', () => W.BADF);
  passFd('sock_recv', (s, iov, cnt, riFlags, nOut, roFlags) => {
    const f = (riFlags & 1 ? 2 : 0) | (riFlags & 2 ? 0x100 : 0);
    const r = sockRead(s, iov, cnt, nOut, f);
    if (r === 0 && mem.fits(roFlags >>> 0, 2)) mem.dv.setUint16(roFlags >>> 0, 0, true);
    return r;
  });
  passFd('sock_send', (s, iov, cnt, _f, nOut) => sockWrite(s, iov, cnt, nOut, 0));
  passFd('sock_shutdown', (s, how) => {
    const h = how === 1 ? 0 : how === 2 ? 1 : how === 3 ? 2 : -1;
    return h < 0 ? W.INVAL : wasiErrno(-addon.shutdown(s.hfd, h));
  });
  passFd('sock_accept', (_s, flags, out, fd) => {
    if (!mem.fits(out >>> 0, 4)) return W.FAULT;
    return wasiErrno(wasock.accept(fd, 0, 0, flags & 4 ? 0x800 : 0, out));
  });
  // WASI calls that make descriptors: give them guest numbers.
  const makesFd = (name: string, outArg: number) => {
    const orig = wasi[name];
    if (!orig) return;
    wasi[name] = (...a: any[]) => {
      const r = orig(...a);
      if (r !== 0) return r;
      const p = a[outArg] >>> 0;
      mem.refresh();
      const wfd = mem.dv.getUint32(p, true);
      const vfd = alloc({ kind: 'wasi', wfd, hostFd: null });
      if (vfd < 0) {
        wasiIn.fd_close?.(wfd);
        return W.MFILE;
      }
      mem.dv.setUint32(p, vfd, true);
      return 0;
    };
  };
  makesFd('path_open', 8);
  {
    const origAccept = wasi.sock_accept;
    wasi.sock_accept = (fd: number, flags: number, out: number) => {
      const e = table.get(fd | 0);
      if (e?.kind === 'sock') return origAccept(fd, flags, out);
      if (e === undefined) return W.BADF;
      const r = wasiIn.sock_accept?.(e.wfd, flags, out) ?? W.NOTSUP;
      if (r !== 0) return r;
      const vfd = alloc({ kind: 'wasi', wfd: mem.dv.getUint32(out >>> 0, true), hostFd: null });
      mem.dv.setUint32(out >>> 0, vfd, true);
      return 0;
    };
  }
  wasi.fd_close = (fd: number) => {
    const e = table.get(fd | 0);
    if (e === undefined) return W.BADF;
    if (e.kind === 'sock') return wasiErrno(wasock.close(fd));
    table.delete(fd | 0);
    return wasiIn.fd_close ? wasiIn.fd_close(e.wfd) : 0;
  };
  wasi.fd_renumber = (from: number, to: number) => {
    const a = table.get(from | 0);
    if (a === undefined || !table.has(to | 0)) return W.BADF;
    if ((from | 0) === (to | 0)) return 0;
    wasi.fd_close(to);
    table.set(to | 0, a);
    table.delete(from | 0);
    return 0;
  };
  // poll_oneoff: when a subscription names a socket (or stdio), poll here.
  const origPoll = wasiIn.poll_oneoff;
  wasi.poll_oneoff = (inPtr: number, outPtr: number, nsubs: number, nOut: number) => {
    inPtr >>>= 0;
    outPtr >>>= 0;
    nsubs >>>= 0;
    if (nsubs === 0 || nsubs > 4096) return W.INVAL;
    if (!mem.fits(inPtr, nsubs * 48) || !mem.fits(outPtr, nsubs * 32) || !mem.fits(nOut >>> 0, 4)) return W.FAULT;
    let anySock = false;
    for (let i = 0; i < nsubs; i++) {
      const tag = mem.u8[inPtr + i * 48 + 8];
      if (tag === 1 || tag === 2) {
        const e = table.get(mem.dv.getUint32(inPtr + i * 48 + 16, true));
        if (e === undefined) continue;
        if (e.kind === 'sock') anySock = true;
      }
    }
    if (!anySock && origPoll) {
      // Renumber in place for uvwasi, then restore.
      const saved: Array<[number, number]> = [];
      for (let i = 0; i < nsubs; i++) {
        const at = inPtr + i * 48;
        const tag = mem.u8[at + 8];
        if (tag !== 1 && tag !== 2) continue;
        const vfd = mem.dv.getUint32(at + 16, true);
        const e = table.get(vfd);
        saved.push([at + 16, vfd]);
        mem.dv.setUint32(at + 16, e && e.kind === 'wasi' ? e.wfd : 0x7fffffff, true);
      }
      const r = origPoll(inPtr, outPtr, nsubs, nOut);
      mem.refresh();
      for (const [at, v] of saved) mem.dv.setUint32(at, v, true);
      return r;
    }
    // Our own: fd subscriptions through poll(2), the earliest clock as timeout.
    let timeout = -1;
    let clockIdx = -1;
    const fdSubs: Array<{ i: number; vfd: number; write: boolean }> = [];
    const now = process.hrtime.bigint();
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * 48;
      const tag = mem.u8[at + 8];
      if (tag === 0) {
        let t = mem.dv.getBigUint64(at + 24, true);
        if (mem.dv.getUint16(at + 40, true) & 1) t = t > now ? t - now : 0n; // absolute (monotonic assumed)
        const ms = Number((t + 999_999n) / 1_000_000n);
        if (timeout < 0 || ms < timeout) {
          timeout = Math.min(ms, 0x7fffffff);
          clockIdx = i;
        }
      } else if (tag === 1 || tag === 2) fdSubs.push({ i, vfd: mem.dv.getUint32(at + 16, true), write: tag === 2 });
    }
    const pfds = new Uint8Array(fdSubs.length * 8);
    const pdv = new DataView(pfds.buffer);
    const pre: number[] = [];
    fdSubs.forEach((f, k) => {
      const e = table.get(f.vfd);
      const hfd = e === undefined ? -1 : e.kind === 'sock' ? e.hfd : e.hostFd ?? -1;
      if (e === undefined || (e.kind === 'wasi' && e.hostFd === null)) pre.push(k);
      pdv.setInt32(k * 8, hfd, true);
      pdv.setInt16(k * 8 + 4, f.write ? 4 : 1, true);
    });
    const r = addon.poll(pfds, 0, fdSubs.length, pre.length ? 0 : timeout);
    mem.refresh();
    let n = 0;
    const writeEvent = (userdataAt: number, err: number, type: number, flags: number) => {
      const o = outPtr + n * 32;
      mem.u8.fill(0, o, o + 32);
      mem.dv.setBigUint64(o, mem.dv.getBigUint64(userdataAt, true), true);
      mem.dv.setUint16(o + 8, err, true);
      mem.u8[o + 10] = type;
      mem.dv.setUint16(o + 24, flags, true);
      n++;
    };
    fdSubs.forEach((f, k) => {
      const at = inPtr + f.i * 48;
      const e = table.get(f.vfd);
      if (e === undefined) return writeEvent(at, W.BADF, f.write ? 2 : 1, 0);
      if (pre.includes(k)) return writeEvent(at, 0, f.write ? 2 : 1, 0);
      const rev = r >= 0 ? pdv.getInt16(k * 8 + 6, true) : 0;
      if (rev) writeEvent(at, rev & 0x8 ? 29 /* EIO */ : 0, f.write ? 2 : 1, rev & 0x10 ? 1 : 0);
    });
    if (n === 0 && clockIdx >= 0) writeEvent(inPtr + clockIdx * 48, 0, 0, 0);
    mem.dv.setUint32(nOut >>> 0, n, true);
    return 0;
  };

  const env = emscriptenImports({ mem, wasock, doSocket, doAccept, doSendto, doRecvfrom, isSocket: (fd: number) => table.get(fd | 0)?.kind === 'sock', hostFd: (fd: number) => { const e = table.get(fd | 0); return e?.kind === 'sock' ? e.hfd : -1; }, pollGuest, wasiErrno,
    exports: () => instanceExports,
    lookup: (name: string, family: number) => lookupForGuest(name, family, dnsPolicy) });

  return {
    imports: { wasock, wasi_snapshot_preview1: wasi, env },
    attach(memory: WebAssembly.Memory, exports?: Record<string, any>) {
      mem.attach(memory);
      instanceExports = exports ?? null;
    },
    closeAll() {
      for (const [fd, e] of table) {
        if (e.kind === 'sock') {
          addon.close(e.hfd);
          table.delete(fd);
          sockets--;
        }
      }
    },
    openSockets: () => sockets,
  };
}

// ---- runGuest: a worker thread per guest -----------------------------------------------

type StdioSpec = 'inherit' | 'ignore' | number | Writable;

export interface RunGuestOptions {
  args?: string[];
  env?: Record<string, string>;
  // Guest stdin, stdout, stderr: the host's ('inherit', default), a file
  // descriptor, 'ignore', or (stdout/stderr) a Writable the output streams to.
  stdio?: [StdioSpec?, StdioSpec?, StdioSpec?];
  // Guest path -> host directory (WASI preopens).
  preopens?: Record<string, string>;
  policy?: PolicySpec | CompiledPolicy;
  resolver?: ResolverOptions;
  name?: string;
  onEvent?: (e: GuestEvent) => void;
  // Called once the guest's first instruction is about to run (ms since runGuest was called).
  onStart?: (info: { startupMs: number; instantiateMs: number }) => void;
}

function isCompiled(p: PolicySpec | CompiledPolicy): p is CompiledPolicy {
  return typeof (p as CompiledPolicy).ip === 'object' && Array.isArray((p as CompiledPolicy).families);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export async function loadModule(wasm: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module): Promise<WebAssembly.Module> {
  if (wasm instanceof WebAssembly.Module) return wasm;
  const bytes = typeof wasm === 'string' || wasm instanceof URL ? readFileSync(wasm) : new Uint8Array(wasm as ArrayBuffer);
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) throw new TypeError('not a WebAssembly module (bad magic number)');
  return WebAssembly.compile(bytes);
}

export async function runGuest(wasm: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module,
  options: RunGuestOptions = {}): Promise<number> {
  const t0 = performance.now();
  const module = await loadModule(wasm);
  const policy = isCompiled(options.policy ?? {}) ? options.policy as CompiledPolicy : await compilePolicy(options.policy as PolicySpec);
  const name = options.name ?? (typeof wasm === 'string' ? wasm.split('/').pop()! : 'guest');
  const pumps: Array<Promise<void>> = [];
  const closeAfter: number[] = [];
  const streams: NetSocket[] = [];
  const fds = [0, 1, 2].map((i) => {
    const spec = options.stdio?.[i] ?? 'inherit';
    if (spec === 'inherit') return i;
    if (typeof spec === 'number') return spec;
    if (spec === 'ignore') {
      const fd = openSync('/dev/null', 'r+');
      closeAfter.push(fd);
      return fd;
    }
    // A Writable: a socketpair whose other end streams into it.
    const pair = new Uint8Array(8);
    const r = addon.socketpair(AF_UNIX, 1 /* SOCK_STREAM */, 0, pair, 0);
    if (r < 0) throw new Error(`socketpair: errno ${-r}`);
    const dv = new DataView(pair.buffer);
    const [mine, theirs] = [dv.getInt32(0, true), dv.getInt32(4, true)];
    closeAfter.push(theirs);
    const s = new NetSocket({ fd: mine, readable: true, writable: false });
    streams.push(s);
    pumps.push(new Promise((resolve) => {
      s.on('data', (d) => spec.write(d));
      s.on('end', () => resolve());
      s.on('error', () => resolve());
    }));
    return theirs;
  });
  const worker = new Worker(new URL('./guest.js', import.meta.url), {
    workerData: {
      wasockGuest: true, module, name, policy, args: options.args ?? [], env: options.env ?? {},
      preopens: options.preopens ?? {}, fds, resolver: options.resolver ?? null, t0: performance.timeOrigin + t0,
    },
    stdout: false,
    stderr: false,
  });
  const code = await new Promise<number>((resolve, reject) => {
    let exit: number | null = null;
    worker.on('message', (m: any) => {
      if (m.type === 'event') {
        if (options.onEvent) options.onEvent(m.event);
        else process.stderr.write(`${m.event.message}\n`);
      } else if (m.type === 'start') options.onStart?.({ startupMs: m.startupMs, instantiateMs: m.instantiateMs });
      else if (m.type === 'exit') exit = m.code;
      else if (m.type === 'error') reject(new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (c) => (exit !== null ? resolve(exit) : reject(new Error(`guest worker exited (${c}) without a result`))));
  }).catch((e) => {
    // A failed worker never closes its stdio: drop our ends too, or the
    // pumps would keep this process alive.
    for (const st of streams) st.destroy();
    throw e;
  }).finally(() => {
    for (const fd of closeAfter) addon.close(fd);
  });
  await Promise.all(pumps);
  return code;
}

// ---- the worker side ----------------------------------------------------------------------

async function workerMain(): Promise<void> {
  const d = workerData as any;
  const port = parentPort!;
  try {
    // node:wasi warns that it is experimental: not the guest's business.
    const emit = process.emitWarning;
    process.emitWarning = ((w: any, ...rest: any[]) => {
      if (String(w?.message ?? w).includes('WASI')) return;
      return (emit as any).call(process, w, ...rest);
    }) as typeof process.emitWarning;
    const { WASI } = await import('node:wasi');
    if (d.resolver) configureResolver(d.resolver);
    const t1 = performance.now();
    const wasi = new WASI({
      version: 'preview1', args: [d.name, ...d.args], env: d.env, preopens: d.preopens,
      stdin: d.fds[0], stdout: d.fds[1], stderr: d.fds[2], returnOnExit: true,
    });
    const host = createGuestHost({
      name: d.name, policy: d.policy, wasi: (wasi.getImportObject() as any).wasi_snapshot_preview1,
      stdioFds: d.fds, preopens: Object.keys(d.preopens).length,
      onEvent: (event) => port.postMessage({ type: 'event', event }),
    });
    const module: WebAssembly.Module = d.module;
    const wanted = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
    const imports: Record<string, any> = {};
    for (const m of wanted) if (m in host.imports) imports[m] = (host.imports as any)[m];
    // emscripten imports we do not supply (file system syscalls): ENOSYS.
    for (const i of WebAssembly.Module.imports(module)) {
      if (i.module === 'env' && i.kind === 'function' && !(i.name in imports.env)) {
        imports.env = { ...imports.env, [i.name]: () => -52 /* -ENOSYS, WASI numbering */ };
      }
    }
    const instance = new WebAssembly.Instance(module, imports);
    const memory = instance.exports.memory as WebAssembly.Memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('the guest exports no memory');
    host.attach(memory, instance.exports as Record<string, any>);
    const t2 = performance.now();
    port.postMessage({ type: 'start', startupMs: performance.timeOrigin + t2 - d.t0, instantiateMs: t2 - t1 });
    let code: number;
    try {
      code = wasi.start(instance) ?? 0;
    } catch (e: any) {
      if (e instanceof WebAssembly.RuntimeError) {
        process.stderr.write(`wasock: guest ${d.name}: trap: ${e.message}\n`);
        code = 134;
      } else throw e;
    }
    host.closeAll();
    port.postMessage({ type: 'exit', code });
  } catch (e: any) {
    port.postMessage({ type: 'error', message: e?.message ?? String(e) });
  }
}

if (!isMainThread && (workerData as any)?.wasockGuest === true) void workerMain();
