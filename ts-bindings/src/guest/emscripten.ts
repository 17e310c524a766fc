// Emscripten guests: the `env.__syscall_*` socket family that an
// emscripten -sSTANDALONE_WASM module imports (its libc is musl with Linux
// numbering for AF_*, SOCK_*, MSG_*, SOL_* and sockaddr layouts; its errno
// values are WASI's). Each syscall returns its result or -errno and goes
// through the guest's GuestNet: the same descriptor table, policy and
// allowlists as the SDK's guests.
import type { HostMemory } from '../host/imports.js';
import { E, wasiErrno } from './errno.js';
import type { GuestNet } from './net.js';
import { ipBytes } from './policy.js';
import type { HostEntry } from './dns.js';
import { core, cString } from '../host/core.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, AI_PASSIVE, EAI_FAMILY, EAI_MEMORY, EAI_NONAME, EAI_SERVICE, IPPROTO_TCP, IPPROTO_UDP,
  SOCK_DGRAM, SOCK_STREAM,
} from '../host/constants.generated.js';
import { WSK_SOCKADDR_IN, WSK_SOCKADDR_IN6 } from '../host/core-abi.generated.js';

export interface EmscriptenHostParts {
  mem: HostMemory;
  net: GuestNet;
  // The instance's exports (malloc) once instantiated, and the host's
  // lookup for this guest (guest/dns.ts lookupForGuest: its DNS grant).
  exports(): Record<string, any> | null;
  lookup(name: string, family: number): HostEntry;
}


// musl's fcntl.h (O_NONBLOCK, O_RDWR).
const O_NONBLOCK = 0o4000, O_RDWR = 2;

export function emscriptenImports(h: EmscriptenHostParts): Record<string, (...a: number[]) => number> {
  const { mem, net } = h;
  // A -errno (Linux) or a result -> emscripten's convention (-errno, WASI numbering).
  const ret = (r: number) => (r < 0 ? -wasiErrno(-r) : r);
  const fail = (linuxErrno: number) => -wasiErrno(linuxErrno);

  function cstr(p: number): string | null {
    p >>>= 0;
    if (p === 0) return null;
    let e = p;
    while (e < mem.u8.length && mem.u8[e] !== 0 && e - p < 1024) e++;
    return Buffer.from(mem.u8.subarray(p, e)).toString('utf8');
  }
  const gaiText = new Map<number, number>();

  return {
    // emscripten's getaddrinfo is a JS import: one addrinfo (its freeaddrinfo
    // frees ai_addr and ai), numeric hosts or the first address the host's
    // resolver gives for a name the guest may resolve.
    getaddrinfo(node, service, hints, out) {
      const x = h.exports();
      if (!x || typeof x.malloc !== 'function' || !mem.fits(out >>> 0, 4)) return EAI_MEMORY;
      let family = 0, socktype = 0, proto = 0, flags = 0;
      if (hints >>> 0) {
        if (!mem.fits(hints >>> 0, 32)) return EAI_MEMORY;
        flags = mem.dv.getInt32(hints >>> 0, true);
        family = mem.dv.getInt32((hints >>> 0) + 4, true);
        socktype = mem.dv.getInt32((hints >>> 0) + 8, true);
        proto = mem.dv.getInt32((hints >>> 0) + 12, true);
      }
      if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) return EAI_FAMILY;
      const host = cstr(node);
      const serv = cstr(service);
      let port = 0;
      if (serv !== null) {
        if (!/^\d+$/.test(serv) || Number(serv) > 65535) return EAI_SERVICE;
        port = Number(serv);
      }
      let addr: number[] | null = null;
      if (host === null) addr = (flags & AI_PASSIVE) ? (family === AF_INET6 ? new Array(16).fill(0) : [0, 0, 0, 0])
        : (family === AF_INET6 ? [...new Array(15).fill(0), 1] : [127, 0, 0, 1]);
      else addr = ipBytes(host);
      if (addr === null && host !== null) {
        // The guest's bytes, as the SDK's lookup_name passes them.
        const e = h.lookup(Buffer.from(host, 'utf8').toString('latin1'), family);
        if (e.eai !== 0) return e.eai;
        const a = e.addrs[0];
        if (a) addr = Array.from(a.addr.subarray(0, a.family === AF_INET ? 4 : 16));
      }
      if (addr === null || (family === AF_INET && addr.length !== 4) || (family === AF_INET6 && addr.length !== 16)) {
        return EAI_NONAME;
      }
      const v6 = addr.length === 16;
      const salen = v6 ? WSK_SOCKADDR_IN6.size : WSK_SOCKADDR_IN.size;
      const ai = x.malloc(32) >>> 0;
      const sa = x.malloc(salen) >>> 0;
      if (!ai || !sa) return EAI_MEMORY;
      mem.refresh();
      mem.u8.fill(0, ai, ai + 32);
      mem.u8.fill(0, sa, sa + salen);
      mem.dv.setUint16(sa, v6 ? AF_INET6 : AF_INET, true);
      mem.dv.setUint16(sa + WSK_SOCKADDR_IN.port, port, false);
      mem.u8.set(addr, sa + (v6 ? WSK_SOCKADDR_IN6.addr : WSK_SOCKADDR_IN.addr));
      mem.dv.setInt32(ai, flags, true);
      mem.dv.setInt32(ai + 4, v6 ? AF_INET6 : AF_INET, true);
      mem.dv.setInt32(ai + 8, socktype || SOCK_STREAM, true);
      mem.dv.setInt32(ai + 12, proto || ((socktype || SOCK_STREAM) === SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP), true);
      mem.dv.setUint32(ai + 16, salen, true);
      mem.dv.setUint32(ai + 20, sa, true);
      mem.dv.setUint32(out >>> 0, ai, true);
      return 0;
    },
    gai_strerror(code) {
      const have = gaiText.get(code);
      if (have !== undefined) return have;
      const x = h.exports();
      // glibc's texts, as the library's gaierror carries them.
      const text = Buffer.from(`${cString(core.wsk_gai_strerror(code))}\0`);
      const p = x && typeof x.malloc === 'function' ? x.malloc(text.length) >>> 0 : 0;
      if (!p) return 0;
      mem.refresh();
      mem.u8.set(text, p);
      gaiText.set(code, p);
      return p;
    },
    __syscall_socket: (domain, type, proto) => ret(net.socket(domain, type, proto)),
    __syscall_socketpair(domain, type, proto, sv) {
      if (!mem.fits(sv >>> 0, 8)) return fail(E.EFAULT);
      const r = net.socketpair(domain, type, proto);
      if (typeof r === 'number') return ret(r);
      mem.dv.setInt32(sv >>> 0, r[0], true);
      mem.dv.setInt32((sv >>> 0) + 4, r[1], true);
      return 0;
    },
    __syscall_bind: (fd, sa, len) => ret(net.bind(fd, sa, len)),
    __syscall_connect: (fd, sa, len) => ret(net.connect(fd, sa, len)),
    __syscall_listen: (fd, backlog) => ret(net.listen(fd, backlog)),
    __syscall_accept4: (fd, sa, lenPtr, flags) => ret(net.accept(fd, sa, lenPtr, flags)),
    __syscall_getsockname: (fd, sa, lenPtr) => ret(net.sockname(fd, sa, lenPtr, false)),
    __syscall_getpeername: (fd, sa, lenPtr) => ret(net.sockname(fd, sa, lenPtr, true)),
    __syscall_shutdown: (fd, how) => ret(net.shutdown(fd, how)),
    __syscall_getsockopt: (fd, level, name, val, lenPtr) => ret(net.getsockopt(fd, level, name, val, lenPtr)),
    __syscall_setsockopt: (fd, level, name, val, len) => ret(net.setsockopt(fd, level, name, val, len)),
    __syscall_sendto(fd, buf, len, flags, sa, salen) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len)) return fail(E.EFAULT);
      return ret(net.sendto(fd, mem.u8, buf, len, flags, sa, salen));
    },
    __syscall_recvfrom(fd, buf, len, flags, sa, salenPtr) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len)) return fail(E.EFAULT);
      return ret(net.recvfrom(fd, mem.u8, buf, len, flags, sa, salenPtr));
    },
    // musl's wasm32 struct msghdr and struct cmsghdr are the ABI's (host.h
    // WSK_MSG_*, WSK_CMSG_*: 28 and 12 bytes, CMSG_ALIGN 4): the SDK's path.
    __syscall_sendmsg: (fd, msg, flags) => ret(net.sendmsg(fd, msg, flags)),
    __syscall_recvmsg: (fd, msg, flags) => ret(net.recvmsg(fd, msg, flags)),
    __syscall_poll: (fds, nfds, timeout) => ret(net.poll(fds, nfds, timeout | 0)),
    // fcntl and ioctl on sockets only; emscripten answers its own files itself.
    __syscall_fcntl64(fd, cmd, varargs) {
      if (!net.isSocket(fd)) return fail(E.ENOSYS);
      let arg = 0;
      if (cmd === 4 /* F_SETFL */) {
        if (!mem.fits(varargs >>> 0, 4)) return fail(E.EFAULT);
        arg = mem.dv.getInt32(varargs >>> 0, true);
      }
      return ret(net.fcntl(fd, cmd, arg, O_NONBLOCK, O_RDWR));
    },
    __syscall_ioctl(fd, req, varargs) {
      if (!net.isSocket(fd)) return fail(E.ENOTTY);
      if (!mem.fits(varargs >>> 0, 4)) return fail(E.EFAULT);
      return ret(net.ioctl(fd, req, mem.dv.getUint32(varargs >>> 0, true)));
    },
  };
}
