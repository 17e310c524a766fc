// WASI preview1 (wasi_snapshot_preview1) for guests: node:wasi (uvwasi) runs
// files, clocks and the rest; this adapter puts its descriptors in the
// guest's table (one number space with sockets) and answers the calls
// wasi-libc's read/write/close/fcntl/select/accept make on sockets through
// GuestNet. WASI's errno numbering at this boundary.
import { addon } from '../host/native.js';
import type { HostMemory } from '../host/imports.js';
import { E, W, wasiErrno } from './errno.js';
import { isStream, type GuestNet } from './net.js';
import type { DescriptorTable, SockEntry } from './table.js';
// Linux values the adapter translates WASI's into.
import { MSG_PEEK, MSG_WAITALL, SOCK_NONBLOCK } from '../host/constants.generated.js';
import {
  WSK_POLLERR as POLLERR, WSK_POLLHUP as POLLHUP, WSK_POLLIN as POLLIN, WSK_POLLOUT as POLLOUT, WSK_POLLFD,
} from '../host/core-abi.generated.js';

type Fn = (...a: any[]) => any;

// wasi_snapshot_preview1 layouts (witx): subscription 48 bytes, event 32.
const SUB_SIZE = 48;
const EVENT_SIZE = 32;
const EVENTTYPE_CLOCK = 0, EVENTTYPE_FD_READ = 1, EVENTTYPE_FD_WRITE = 2;
const SUBCLOCKFLAGS_ABSTIME = 1;
const EVENTRWFLAGS_HANGUP = 1;
const FILETYPE_SOCKET_DGRAM = 5, FILETYPE_SOCKET_STREAM = 6;
const FDFLAGS_NONBLOCK = 4;
const RIFLAGS_RECV_PEEK = 1, RIFLAGS_RECV_WAITALL = 2;
const SDFLAGS_RD = 1, SDFLAGS_WR = 2;
// What a guest may do to its stdio, which are the embedder's descriptors:
// read, write and look. Changing their flags (O_NONBLOCK on the embedder's
// terminal), offset, size, times or advice is ENOTCAPABLE; closing and
// renumbering only unmap them (below).
const STDIO_CALLS = new Set(['fd_read', 'fd_write', 'fd_fdstat_get', 'fd_filestat_get', 'fd_prestat_get', 'fd_tell',
  'fd_sync', 'fd_datasync']);
// Subscriptions per poll_oneoff (a guest's descriptors are at most MAX_FDS).
const SUBS_MAX = 4096;

export function wasiImports(wasiIn: Record<string, Fn>, mem: HostMemory, net: GuestNet, table: DescriptorTable): Record<string, Fn> {
  const wasi: Record<string, Fn> = {};
  const put32 = (ptr: number, v: number) => {
    ptr >>>= 0;
    if (!mem.fits(ptr, 4)) return false;
    mem.dv.setUint32(ptr, v, true);
    return true;
  };
  // A -errno/count result, the count stored at nOut: WASI errno.
  const counted = (r: number, nOut: number) => (r < 0 ? wasiErrno(-r) : put32(nOut, r) ? W.SUCCESS : W.FAULT);

  // Descriptor arguments of uvwasi's calls are renumbered to its own.
  const FD_ARGS: Record<string, number[]> = { path_link: [0, 4], path_rename: [0, 3], path_symlink: [2] };
  for (const [name, fn] of Object.entries(wasiIn)) {
    const fdArgs = FD_ARGS[name] ?? (name.startsWith('fd_') || name.startsWith('path_') || name.startsWith('sock_') ? [0] : []);
    if (fdArgs.length === 0) {
      wasi[name] = fn;
      continue;
    }
    const onStdio = STDIO_CALLS.has(name);
    wasi[name] = (...a: any[]) => {
      for (const i of fdArgs) {
        const e = table.get(a[i] | 0);
        if (e === undefined) return W.BADF;
        if (e.kind === 'sock') return W.NOTDIR;
        if (e.stdio && !onStdio) return W.NOTCAPABLE;
        a[i] = e.wfd;
      }
      return fn(...a);
    };
  }

  // Calls that mean something on sockets go to GuestNet; sock_* calls are
  // never node:wasi's (it has no sockets, and its sock_send crashed the
  // process on arguments a guest can make).
  const onSocket = (name: string, fn: (s: SockEntry, vfd: number, ...a: any[]) => number) => {
    // Without node:wasi's own: a descriptor the guest does not hold is EBADF, as everywhere.
    const orig = name.startsWith('sock_') ? (fd: number) => (table.has(fd | 0) ? W.NOTSOCK : W.BADF)
      : wasi[name] ?? ((fd: number) => (table.has(fd | 0) ? W.NOTSUP : W.BADF));
    wasi[name] = (fd: number, ...a: any[]) => {
      const e = table.get(fd | 0);
      if (e !== undefined && e.kind === 'sock') return fn(e, fd | 0, ...a);
      return orig(fd, ...a);
    };
  };
  const iov = (ptr: number, n: number) => net.readIov(ptr, n, E.EINVAL);
  function readv(vfd: number, iovPtr: number, iovCnt: number, nOut: number, flags: number): number {
    const v = iov(iovPtr, iovCnt);
    if (typeof v === 'number') return wasiErrno(v);
    if (!mem.fits(nOut >>> 0, 4)) return W.FAULT;
    return counted(net.recvv(vfd, v, flags, 0, 0), nOut);
  }
  function writev(vfd: number, iovPtr: number, iovCnt: number, nOut: number): number {
    const v = iov(iovPtr, iovCnt);
    if (typeof v === 'number') return wasiErrno(v);
    if (!mem.fits(nOut >>> 0, 4)) return W.FAULT;
    return counted(net.sendv(vfd, v, 0, 0, 0), nOut);
  }
  onSocket('fd_read', (_s, vfd, iovPtr, cnt, nOut) => readv(vfd, iovPtr, cnt, nOut, 0));
  onSocket('fd_write', (_s, vfd, iovPtr, cnt, nOut) => writev(vfd, iovPtr, cnt, nOut));
  for (const name of ['fd_pread', 'fd_pwrite', 'fd_seek', 'fd_tell']) onSocket(name, () => W.SPIPE);
  onSocket('fd_fdstat_get', (s, _vfd, ptr) => {
    ptr >>>= 0;
    if (!mem.fits(ptr, 24)) return W.FAULT;
    mem.u8.fill(0, ptr, ptr + 24);
    mem.u8[ptr] = isStream(s) ? FILETYPE_SOCKET_STREAM : FILETYPE_SOCKET_DGRAM;
    mem.dv.setUint16(ptr + 2, net.nonblocking(s) ? FDFLAGS_NONBLOCK : 0, true);
    // Rights: fd_read | fd_write | poll_fd_readwrite | sock_shutdown (and the rest): all of a socket's.
    mem.dv.setBigUint64(ptr + 8, 0xffff_ffffn, true);
    mem.dv.setBigUint64(ptr + 16, 0xffff_ffffn, true);
    return W.SUCCESS;
  });
  onSocket('fd_fdstat_set_flags', (_s, vfd, flags) => wasiErrno(-Math.min(0, net.setNonblock(vfd, flags & FDFLAGS_NONBLOCK))));
  onSocket('fd_filestat_get', (s, _vfd, ptr) => {
    ptr >>>= 0;
    if (!mem.fits(ptr, 64)) return W.FAULT;
    mem.u8.fill(0, ptr, ptr + 64);
    mem.u8[ptr + 16] = isStream(s) ? FILETYPE_SOCKET_STREAM : FILETYPE_SOCKET_DGRAM;
    return W.SUCCESS;
  });
  // wasi-libc scans preopens from fd 3 until EBADF: sockets end no scan
  // (preopened directories come first, see runner.ts).
  onSocket('fd_prestat_get', () => W.BADF);
  onSocket('sock_recv', (_s, vfd, iovPtr, cnt, riFlags, nOut, roFlags) => {
    const flags = (riFlags & RIFLAGS_RECV_PEEK ? MSG_PEEK : 0) | (riFlags & RIFLAGS_RECV_WAITALL ? MSG_WAITALL : 0);
    const r = readv(vfd, iovPtr, cnt, nOut, flags);
    if (r === W.SUCCESS && mem.fits(roFlags >>> 0, 2)) mem.dv.setUint16(roFlags >>> 0, 0, true);
    return r;
  });
  onSocket('sock_send', (_s, vfd, iovPtr, cnt, _siFlags, nOut) => writev(vfd, iovPtr, cnt, nOut));
  onSocket('sock_shutdown', (_s, vfd, how) => {
    const h = how === SDFLAGS_RD ? 0 : how === SDFLAGS_WR ? 1 : how === (SDFLAGS_RD | SDFLAGS_WR) ? 2 : -1;
    return h < 0 ? W.INVAL : wasiErrno(-Math.min(0, net.shutdown(vfd, h)));
  });
  onSocket('sock_accept', (_s, vfd, flags, out) => {
    if (!mem.fits(out >>> 0, 4)) return W.FAULT;
    return counted(net.accept(vfd, 0, 0, flags & FDFLAGS_NONBLOCK ? SOCK_NONBLOCK : 0), out);
  });

  // path_open makes a descriptor: it gets a guest number.
  const pathOpen = wasi.path_open;
  if (pathOpen) {
    wasi.path_open = (...a: any[]) => {
      const r = pathOpen(...a);
      if (r !== 0) return r;
      const p = a[8] >>> 0;
      mem.refresh();
      const wfd = mem.dv.getUint32(p, true);
      const vfd = table.alloc({ kind: 'wasi', wfd, hostFd: null, stdio: false });
      if (vfd < 0) {
        wasiIn.fd_close?.(wfd);
        return W.MFILE;
      }
      mem.dv.setUint32(p, vfd, true);
      return W.SUCCESS;
    };
  }

  // Closing stdio only unmaps it: the descriptor is the embedder's.
  wasi.fd_close = (fd: number) => {
    const e = table.get(fd | 0);
    if (e === undefined) return W.BADF;
    if (e.kind === 'sock') return wasiErrno(-Math.min(0, net.close(fd)));
    table.remove(fd | 0);
    if (e.stdio) return W.SUCCESS;
    return wasiIn.fd_close ? wasiIn.fd_close(e.wfd) : W.SUCCESS;
  };
  wasi.fd_renumber = (from: number, to: number) => {
    const a = table.get(from | 0);
    if (a === undefined || !table.has(to | 0)) return W.BADF;
    if ((from | 0) === (to | 0)) return W.SUCCESS;
    wasi.fd_close(to);
    table.set(to | 0, a);
    table.remove(from | 0);
    return W.SUCCESS;
  };

  wasi.poll_oneoff = pollOneoff(mem, net, table);
  return wasi;
}

// poll_oneoff, always here (node:wasi's own crashed the process on inputs a
// guest can make): poll(2) over sockets and stdio, files and directories
// always ready (as Linux says of regular files), the earliest clock as the
// timeout.
function pollOneoff(mem: HostMemory, net: GuestNet, table: DescriptorTable): Fn {
  return (inPtr: number, outPtr: number, nsubs: number, nOut: number) => {
    inPtr >>>= 0;
    outPtr >>>= 0;
    nsubs >>>= 0;
    if (nsubs === 0 || nsubs > SUBS_MAX) return W.INVAL;
    if (!mem.fits(inPtr, nsubs * SUB_SIZE) || !mem.fits(outPtr, nsubs * EVENT_SIZE) || !mem.fits(nOut >>> 0, 4)) return W.FAULT;
    const dv = mem.dv;
    const isFdSub = (tag: number) => tag === EVENTTYPE_FD_READ || tag === EVENTTYPE_FD_WRITE;
    let timeout = -1;
    let clockIdx = -1;
    const fdSubs: Array<{ i: number; vfd: number; write: boolean }> = [];
    const now = process.hrtime.bigint();
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * SUB_SIZE;
      const tag = mem.u8[at + 8];
      if (tag === EVENTTYPE_CLOCK) {
        let t = dv.getBigUint64(at + 24, true);
        if (dv.getUint16(at + 40, true) & SUBCLOCKFLAGS_ABSTIME) t = t > now ? t - now : 0n; // monotonic assumed
        const ms = Number((t + 999_999n) / 1_000_000n);
        if (timeout < 0 || ms < timeout) {
          timeout = Math.min(ms, 0x7fffffff);
          clockIdx = i;
        }
      } else if (isFdSub(tag)) fdSubs.push({ i, vfd: dv.getUint32(at + 16, true), write: tag === EVENTTYPE_FD_WRITE });
    }
    const P = WSK_POLLFD;
    const pfds = new Uint8Array(fdSubs.length * P.size);
    const pdv = new DataView(pfds.buffer);
    const immediate: boolean[] = [];
    fdSubs.forEach((f, k) => {
      const e = table.get(f.vfd);
      const hfd = e === undefined ? -1 : e.kind === 'sock' ? e.hfd : e.hostFd ?? -1;
      immediate[k] = e === undefined || (e.kind === 'wasi' && e.hostFd === null);
      pdv.setInt32(k * P.size + P.fd, hfd, true);
      pdv.setInt16(k * P.size + P.events, f.write ? POLLOUT : POLLIN, true);
    });
    const r = addon.poll(pfds, 0, fdSubs.length, immediate.some(Boolean) ? 0 : timeout);
    mem.refresh();
    let n = 0;
    const writeEvent = (userdataAt: number, err: number, type: number, nbytes: number, flags: number) => {
      const o = outPtr + n * EVENT_SIZE;
      mem.u8.fill(0, o, o + EVENT_SIZE);
      mem.dv.setBigUint64(o, mem.dv.getBigUint64(userdataAt, true), true);
      mem.dv.setUint16(o + 8, err, true);
      mem.u8[o + 10] = type;
      mem.dv.setBigUint64(o + 16, BigInt(nbytes), true);
      mem.dv.setUint16(o + 24, flags, true);
      n++;
    };
    fdSubs.forEach((f, k) => {
      const at = inPtr + f.i * SUB_SIZE;
      const type = f.write ? EVENTTYPE_FD_WRITE : EVENTTYPE_FD_READ;
      const e = table.get(f.vfd);
      if (e === undefined) return writeEvent(at, W.BADF, type, 0, 0);
      if (immediate[k]) return writeEvent(at, W.SUCCESS, type, 0, 0);
      const rev = r >= 0 ? pdv.getInt16(k * P.size + P.revents, true) : 0;
      if (!rev) return;
      // fd_readwrite.nbytes: what wasi-libc's ioctl(FIONREAD) reports.
      const nbytes = !f.write && e.kind === 'sock' ? net.readable(e) : 0;
      writeEvent(at, rev & POLLERR ? W.IO : W.SUCCESS, type, nbytes, rev & POLLHUP ? EVENTRWFLAGS_HANGUP : 0);
    });
    if (n === 0 && clockIdx >= 0) writeEvent(inPtr + clockIdx * SUB_SIZE, W.SUCCESS, EVENTTYPE_CLOCK, 0, 0);
    mem.dv.setUint32(nOut >>> 0, n, true);
    return W.SUCCESS;
  };
}
