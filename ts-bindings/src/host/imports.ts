// The host side of the import ABI (core-c/include/wasock/host.h) over the
// addon. Every import returns 0 or a positive errno and writes its outputs
// through pointers into the instance's memory; a pointer that does not fit
// that memory is EFAULT, never a trap in the host.
import { addon, type Mem } from './native.js';
import { resolverFile } from '../lib/resolver.js';
import { AF_INET, AF_INET6, SOCK_DGRAM } from './constants.generated.js';
import {
  EAFNOSUPPORT, EFAULT, EINVAL, ENAMETOOLONG, ENODEV, ENOSYS, ENOTTY, ERANGE, WSK_POLLFD, WSK_SOCKADDR_MAX,
} from './core-abi.generated.js';

// The ioctl requests of the ABI (<wasock/host.h> WSK_*, through the addon):
// the three that answer an int, and FIONBIO, which takes one.
const { FIONREAD, SIOCOUTQ, SIOCATMARK, FIONBIO } = addon.ioctls;
const IOCTL_OUT = new Set([FIONREAD, SIOCOUTQ, SIOCATMARK]);

// Addresses at or above EXT_BASE name the library's current JS buffer instead
// of linear memory, so recv/send move bytes between the socket and the
// caller's Uint8Array directly. The core never dereferences buffer pointers,
// it only passes and offsets them, which is what makes this sound. The core's
// memory is far smaller than 2 GiB, so the ranges cannot overlap.
export const EXT_BASE = 0x8000_0000;

export interface ExternalWindow {
  buf: Uint8Array | null;
  // The current operation whose message lives in JS (sendmsg/recvmsg's
  // buffers, control messages and address; sendfile's file): the core
  // passes EXT_BASE for the message record, and the sendmsg/recvmsg import
  // makes the operation's own native call.
  op: { attempt(): number } | null;
}

export class HostMemory {
  private memory: WebAssembly.Memory | null = null;
  private ab = new ArrayBuffer(0);
  u8 = new Uint8Array(0);
  dv = new DataView(this.ab);
  // Called with the new size whenever the memory has grown (a guest's
  // host enforces its memory limit here).
  onGrow: ((bytes: number) => void) | null = null;

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }

  // Linear memory may grow, detaching the old buffer (a view of it then has
  // length 0); only then ask for the new one: Memory.prototype.buffer is a
  // costly native getter, and so is ArrayBuffer's byteLength on this memory,
  // where a view's length is an inlined read.
  refresh(): void {
    if (this.u8.length !== 0) return;
    const ab = this.memory!.buffer;
    if (ab !== this.ab) {
      this.ab = ab;
      this.u8 = new Uint8Array(ab);
      this.dv = new DataView(ab);
      this.onGrow?.(ab.byteLength);
    }
  }

  fits(ptr: number, len: number): boolean {
    this.refresh();
    return ptr >= 0 && len >= 0 && ptr + len <= this.ab.byteLength;
  }
}

export type Imports = Record<string, (...args: number[]) => number>;

// Builds the "wasock" import module for one instance. `ext` enables the
// external-buffer window; only the library's own trusted core gets one.
export function hostImports(mem: HostMemory, ext: ExternalWindow | null): Imports {
  // (bufOf, offOf) of the last resolved data pointer; module-level to keep the
  // data path free of allocations.
  let rb: Mem = mem.u8;
  let ro = 0;

  function data(ptr: number, len: number): boolean {
    ptr >>>= 0;
    len >>>= 0;
    if (ext !== null && ptr >= EXT_BASE) {
      const b = ext.buf;
      const off = ptr - EXT_BASE;
      if (b === null || off + len > b.byteLength) return false;
      rb = b;
      ro = off;
      return true;
    }
    if (!mem.fits(ptr, len)) return false;
    rb = mem.u8;
    ro = ptr;
    return true;
  }

  function put32(ptr: number, v: number): number {
    ptr >>>= 0;
    if (!mem.fits(ptr, 4)) return EFAULT;
    mem.dv.setUint32(ptr, v >>> 0, true);
    return 0;
  }

  function get32(ptr: number): number {
    return mem.dv.getUint32(ptr >>> 0, true);
  }

  // Result of an addon call that yields a value to store at `out`.
  function yieldTo(r: number, out: number): number {
    return r < 0 ? -r : put32(out, r);
  }

  function msgCall(msg: number, out: number): number {
    if (ext === null || ext.op === null || msg >>> 0 !== EXT_BASE) return EFAULT;
    return yieldTo(ext.op.attempt(), out);
  }

  // Optional sockaddr in/out pair: sa == 0 means NULL.
  function saOk(sa: number, salenPtr: number): boolean {
    if (sa === 0) return true;
    if (!mem.fits(salenPtr >>> 0, 4)) return false;
    return mem.fits(sa >>> 0, get32(salenPtr));
  }

  return {
    socket: (domain, type, proto, out) => yieldTo(addon.socket(domain, type, proto), out),
    socketpair(domain, type, proto, out) {
      if (!mem.fits(out >>> 0, 8)) return EFAULT;
      const r = addon.socketpair(domain, type, proto, mem.u8, out >>> 0);
      return r < 0 ? -r : 0;
    },
    bind(fd, sa, salen) {
      if (!mem.fits(sa >>> 0, salen >>> 0)) return EFAULT;
      return -addon.bind(fd, mem.u8, sa >>> 0, salen >>> 0);
    },
    connect(fd, sa, salen) {
      if (!mem.fits(sa >>> 0, salen >>> 0)) return EFAULT;
      return -addon.connect(fd, mem.u8, sa >>> 0, salen >>> 0);
    },
    listen: (fd, backlog) => -addon.listen(fd, backlog),
    accept(fd, sa, salenPtr, flags, out) {
      if (!saOk(sa, salenPtr)) return EFAULT;
      const r = addon.accept4(fd, mem.u8, sa === 0 ? -1 : sa >>> 0, sa === 0 ? -1 : salenPtr >>> 0, flags);
      return yieldTo(r, out);
    },
    sendto(fd, buf, len, flags, sa, salen, out) {
      if (!data(buf, len)) return EFAULT;
      let r: number;
      if (sa === 0) {
        r = addon.send(fd, rb, ro, len >>> 0, flags);
      } else {
        if (!mem.fits(sa >>> 0, salen >>> 0)) return EFAULT;
        r = addon.sendto(fd, rb, ro, len >>> 0, flags, mem.u8, sa >>> 0, salen >>> 0);
      }
      return yieldTo(r, out);
    },
    recvfrom(fd, buf, len, flags, sa, salenPtr, out) {
      if (!data(buf, len)) return EFAULT;
      let r: number;
      if (sa === 0) {
        r = addon.recv(fd, rb, ro, len >>> 0, flags);
      } else {
        if (!saOk(sa, salenPtr)) return EFAULT;
        r = addon.recvfrom(fd, rb, ro, len >>> 0, flags, mem.u8, sa >>> 0, salenPtr >>> 0);
      }
      return yieldTo(r, out);
    },
    // The library's core names its message record EXT_BASE (ext.op); it
    // never lays one out in its memory, and guests have their own host.
    sendmsg: (_fd, msg, _flags, out) => msgCall(msg, out),
    recvmsg: (_fd, msg, _flags, out) => msgCall(msg, out),
    shutdown: (fd, how) => -addon.shutdown(fd, how),
    close: (fd) => -addon.close(fd),
    getsockopt(fd, level, name, val, lenPtr) {
      if (!mem.fits(lenPtr >>> 0, 4) || !mem.fits(val >>> 0, get32(lenPtr))) return EFAULT;
      return -addon.getsockopt(fd, level, name, mem.u8, val >>> 0, lenPtr >>> 0);
    },
    setsockopt(fd, level, name, val, len) {
      if (!mem.fits(val >>> 0, len >>> 0)) return EFAULT;
      return -addon.setsockopt(fd, level, name, mem.u8, val >>> 0, len >>> 0);
    },
    getsockname(fd, sa, salenPtr) {
      if (sa === 0 || !saOk(sa, salenPtr)) return EFAULT;
      return -addon.getsockname(fd, mem.u8, sa >>> 0, salenPtr >>> 0);
    },
    getpeername(fd, sa, salenPtr) {
      if (sa === 0 || !saOk(sa, salenPtr)) return EFAULT;
      return -addon.getpeername(fd, mem.u8, sa >>> 0, salenPtr >>> 0);
    },
    poll(fds, nfds, timeoutMs, out) {
      nfds >>>= 0;
      if (nfds > 65536 || !mem.fits(fds >>> 0, nfds * WSK_POLLFD.size)) return nfds > 65536 ? EINVAL : EFAULT;
      return yieldTo(addon.poll(mem.u8, fds >>> 0, nfds, timeoutMs), out);
    },
    set_nonblock: (fd, on) => -addon.setNonblock(fd, on),
    dup: (fd, out) => yieldTo(addon.dup(fd), out),
    if_indextoname(index, buf, size) {
      const name = addon.ifIndexToName(index >>> 0);
      if (typeof name === 'number') return -name;
      const bytes = Buffer.from(name + '\0', 'latin1');
      if (bytes.length > (size >>> 0)) return ERANGE;
      if (!mem.fits(buf >>> 0, bytes.length)) return EFAULT;
      mem.u8.set(bytes, buf >>> 0);
      return 0;
    },
    clock_ns(out) {
      out >>>= 0;
      if (!mem.fits(out, 8)) return EFAULT;
      mem.dv.setBigUint64(out, BigInt(Math.floor(addon.clockNs())), true);
      return 0;
    },
    // ---- name resolution (core-c/src/rfile.c, dns_query.c, getaddrinfo.c)
    resolver_file(id, buf, size, lenOut, genInOut) {
      buf >>>= 0;
      size >>>= 0;
      if (!mem.fits(lenOut >>> 0, 4) || !mem.fits(genInOut >>> 0, 4)) return EFAULT;
      const slot = resolverFile(id);
      if (slot === null) return EINVAL;
      if (get32(genInOut) === slot.gen) return 0;
      const n = Math.min(size, slot.bytes.length);
      if (!mem.fits(buf, n)) return EFAULT;
      mem.u8.set(slot.bytes.subarray(0, n), buf);
      put32(lenOut, slot.bytes.length);
      return put32(genInOut, slot.gen);
    },
    // Web Crypto's generator, present in every runtime without an import
    // (node:crypto cost ~4 ms of every start-up); 64 KiB per call at most.
    random(buf, len) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len)) return EFAULT;
      for (let off = 0; off < len; off += 65536) {
        globalThis.crypto.getRandomValues(mem.u8.subarray(buf + off, buf + Math.min(len, off + 65536)));
      }
      return 0;
    },
    gethostname(buf, size) {
      const name = addon.gethostname();
      if (typeof name === 'number') return -name;
      const bytes = Buffer.from(name + '\0', 'utf8');
      if (bytes.length > (size >>> 0)) return ENAMETOOLONG;
      if (!mem.fits(buf >>> 0, bytes.length)) return EFAULT;
      mem.u8.set(bytes, buf >>> 0);
      return 0;
    },
    // getifaddrs(3) in the addon: every address, as glibc's interface check
    // sees them (os.networkInterfaces() leaves out links that are down).
    ifaddrs(buf, max, nOut) {
      buf >>>= 0;
      max >>>= 0;
      // host.h's 24-byte record { int32 family; uint32 prefixlen; uint8 addr[16] }.
      if (!mem.fits(nOut >>> 0, 4) || !mem.fits(buf, max * 24)) return EFAULT;
      const n = addon.ifAddrs(mem.u8, buf, max);
      return n < 0 ? -n : put32(nOut, n);
    },
    // The core's resolver sockets: for the library, ordinary sockets.
    resolver_socket: (domain, type, out) => yieldTo(addon.socket(domain, type, 0), out),
    // The local address the kernel would use to reach dst: a UDP socket
    // connected to it (nothing is sent), its getsockname(), closed.
    route_source(dst, dstlen, src, srclenPtr) {
      dst >>>= 0;
      dstlen >>>= 0;
      src >>>= 0;
      srclenPtr >>>= 0;
      if (dstlen > WSK_SOCKADDR_MAX || !mem.fits(dst, dstlen) || !mem.fits(srclenPtr, 4) ||
        !mem.fits(src, get32(srclenPtr))) {
        return dstlen > WSK_SOCKADDR_MAX ? EINVAL : EFAULT;
      }
      if (dstlen < 2) return EINVAL;
      const family = mem.dv.getUint16(dst, true);
      if (family !== AF_INET && family !== AF_INET6) return EAFNOSUPPORT;
      const fd = addon.socket(family, SOCK_DGRAM, 0);
      if (fd < 0) return -fd;
      let r = addon.connect(fd, mem.u8, dst, dstlen);
      if (r >= 0) r = addon.getsockname(fd, mem.u8, src, srclenPtr);
      addon.close(fd);
      return r < 0 ? -r : 0;
    },
    // Descriptors here are the real ones, which only the library's own core
    // may name: a guest's host wraps these imports and translates its virtual
    // descriptors, and one that has no ioctl of its own must not pass a
    // guest's numbers through to real descriptors, so without the external
    // window (the trusted core's mark) the answer is ENOSYS.
    ioctl(fd, request, argPtr) {
      if (ext === null) return ENOSYS;
      request >>>= 0;
      if (request !== FIONBIO && !IOCTL_OUT.has(request)) return ENOTTY;
      if (!mem.fits(argPtr >>> 0, 4)) return EFAULT;
      const r = addon.ioctlInt(fd, request, request === FIONBIO ? mem.dv.getInt32(argPtr >>> 0, true) : 0);
      if (r < 0) return -r;
      return request === FIONBIO ? 0 : put32(argPtr, r);
    },
    // The records are written by the addon in host.h's layout; it also
    // checks that max records fit the memory (EFAULT).
    if_nameindex(buf, max, nOut) {
      if (!mem.fits(nOut >>> 0, 4)) return EFAULT;
      return yieldTo(addon.ifNameIndexRecords(mem.u8, buf >>> 0, max >>> 0), nOut);
    },
    ifaddrs_named(buf, max, nOut) {
      if (!mem.fits(nOut >>> 0, 4)) return EFAULT;
      return yieldTo(addon.ifAddrsNamed(mem.u8, buf >>> 0, max >>> 0), nOut);
    },
    if_nametoindex(name, out) {
      name >>>= 0;
      let end = name;
      while (end < mem.u8.length && mem.u8[end] !== 0) end++;
      if (end >= mem.u8.length) return EFAULT;
      const r = addon.ifNameToIndex(Buffer.from(mem.u8.subarray(name, end)).toString('latin1'));
      return r <= 0 ? ENODEV : put32(out, r);
    },
  };
}

