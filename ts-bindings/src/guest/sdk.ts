// The "wasock" import module for guests built with the guest SDK (`wasock
// cc`): the ABI of core-c/include/wasock/host.h (0 or a positive Linux
// errno; outputs through pointers), over the guest's GuestNet. Exactly the
// imports listed here exist for a guest; the library's own host imports
// (host.ts) are reused only for calls that reach no descriptor of the guest
// and judge nothing (clocks, randomness, interface names, resolver files).
import type { HostMemory, Imports } from '../host/imports.js';
import { hostImports } from '../host/imports.js';
import { guestDnsImports, type GuestDnsPolicy } from './dns.js';
import { E } from './errno.js';
import type { GuestNet } from './net.js';

// resolver_file ids (core-c/include/wasock/resolv.h WSK_RFILE_*) a guest
// reads itself: services, protocols and gai.conf (its getaddrinfo sorts). The
// hosts file, resolv.conf and nsswitch.conf are the host's lookup's business.
const RFILE_GUEST = new Set([1, 2, 5]);

export function sdkImports(mem: HostMemory, net: GuestNet, dns: GuestDnsPolicy): Imports {
  const lib = hostImports(mem, null);

  function put32(ptr: number, v: number): number {
    ptr >>>= 0;
    if (!mem.fits(ptr, 4)) return E.EFAULT;
    mem.dv.setInt32(ptr, v, true);
    return 0;
  }

  // A -errno/value result stored at out: 0 or a positive errno.
  const yieldTo = (r: number, out: number) => (r < 0 ? -r : put32(out, r));
  const status = (r: number) => (r < 0 ? -r : 0);
  const outOk = (out: number, n = 4) => mem.fits(out >>> 0, n);

  return {
    socket: (domain, type, proto, out) => (outOk(out) ? yieldTo(net.socket(domain, type, proto), out) : E.EFAULT),
    socketpair(domain, type, proto, out) {
      if (!outOk(out, 8)) return E.EFAULT;
      const r = net.socketpair(domain, type, proto);
      if (typeof r === 'number') return -r;
      put32(out, r[0]);
      return put32((out >>> 0) + 4, r[1]);
    },
    bind: (fd, sa, salen) => status(net.bind(fd, sa, salen)),
    connect: (fd, sa, salen) => status(net.connect(fd, sa, salen)),
    listen: (fd, backlog) => status(net.listen(fd, backlog)),
    accept: (fd, sa, salenPtr, flags, out) => (outOk(out) ? yieldTo(net.accept(fd, sa, salenPtr, flags), out) : E.EFAULT),
    sendto(fd, buf, len, flags, sa, salen, out) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len) || !outOk(out)) return E.EFAULT;
      return yieldTo(net.sendto(fd, mem.u8, buf, len, flags, sa, salen), out);
    },
    recvfrom(fd, buf, len, flags, sa, salenPtr, out) {
      buf >>>= 0;
      len >>>= 0;
      if (!mem.fits(buf, len) || !outOk(out)) return E.EFAULT;
      return yieldTo(net.recvfrom(fd, mem.u8, buf, len, flags, sa, salenPtr), out);
    },
    sendmsg: (fd, msg, flags, out) => (outOk(out) ? yieldTo(net.sendmsg(fd, msg, flags), out) : E.EFAULT),
    recvmsg: (fd, msg, flags, out) => (outOk(out) ? yieldTo(net.recvmsg(fd, msg, flags), out) : E.EFAULT),
    shutdown: (fd, how) => status(net.shutdown(fd, how)),
    // Sockets only here; the SDK closes files through WASI's fd_close.
    close: (fd) => status(net.isSocket(fd) ? net.close(fd) : -E.EBADF),
    getsockopt: (fd, level, name, val, lenPtr) => status(net.getsockopt(fd, level, name, val, lenPtr)),
    setsockopt: (fd, level, name, val, len) => status(net.setsockopt(fd, level, name, val, len)),
    getsockname: (fd, sa, salenPtr) => status(net.sockname(fd, sa, salenPtr, false)),
    getpeername: (fd, sa, salenPtr) => status(net.sockname(fd, sa, salenPtr, true)),
    set_nonblock: (fd, on) => status(net.setNonblock(fd, on)),
    dup: (fd, out) => (outOk(out) ? yieldTo(net.dup(fd), out) : E.EFAULT),
    poll: (fds, nfds, timeoutMs, out) => (outOk(out) ? yieldTo(net.poll(fds, nfds, timeoutMs | 0), out) : E.EFAULT),
    ioctl: (fd, request, arg) => status(net.ioctl(fd, request, arg)),
    // Names are resolved by the host (dns.ts); a guest holds no resolver
    // socket (a module importing resolver_socket does not instantiate).
    ...guestDnsImports({ mem, ...dns }),
    resolver_file: (id, buf, size, lenOut, genInOut) =>
      (RFILE_GUEST.has(id) ? lib.resolver_file(id, buf, size, lenOut, genInOut) : E.EACCES),
    // Reach no guest descriptor and judge nothing: the library's own.
    if_indextoname: lib.if_indextoname,
    if_nametoindex: lib.if_nametoindex,
    clock_ns: lib.clock_ns,
    random: lib.random,
    gethostname: lib.gethostname,
    ifaddrs: lib.ifaddrs,
    ifaddrs_named: lib.ifaddrs_named,
    if_nameindex: lib.if_nameindex,
    // The host's own UDP socket, connected (nothing is sent) and closed:
    // reveals local routing only.
    route_source: lib.route_source,
  };
}
