// Errno for guests. The host's rules speak Linux numbering (the ABI's); WASI
// preview1 guests (wasi-libc) and emscripten guests read WASI's numbering,
// so their adapters translate at the boundary with wasiErrno().
import { constants as osConstants } from 'node:os';

const linux = osConstants.errno as Record<string, number>;

// The Linux errno values the guest host returns itself, by name.
export const E = {
  EPERM: linux.EPERM, ENOENT: linux.ENOENT, EBADF: linux.EBADF, EAGAIN: linux.EAGAIN, ENOMEM: linux.ENOMEM,
  EACCES: linux.EACCES, EFAULT: linux.EFAULT, ENOTDIR: linux.ENOTDIR, EINVAL: linux.EINVAL, EMFILE: linux.EMFILE,
  ENOTTY: linux.ENOTTY, ESPIPE: linux.ESPIPE, ENAMETOOLONG: linux.ENAMETOOLONG, ENOSYS: linux.ENOSYS,
  ENOTSOCK: linux.ENOTSOCK, EMSGSIZE: linux.EMSGSIZE, ENOPROTOOPT: linux.ENOPROTOOPT,
  EPROTONOSUPPORT: linux.EPROTONOSUPPORT, EOPNOTSUPP: linux.EOPNOTSUPP, EAFNOSUPPORT: linux.EAFNOSUPPORT,
  ECONNABORTED: linux.ECONNABORTED, ENOBUFS: linux.ENOBUFS, ECONNRESET: linux.ECONNRESET, ECONNREFUSED: linux.ECONNREFUSED,
} as const;

// WASI preview1's errno enumeration, in order (wasi_snapshot_preview1.witx).
const WASI_ERRNO_NAMES = ('SUCCESS 2BIG ACCES ADDRINUSE ADDRNOTAVAIL AFNOSUPPORT AGAIN ALREADY BADF BADMSG BUSY ' +
  'CANCELED CHILD CONNABORTED CONNREFUSED CONNRESET DEADLK DESTADDRREQ DOM DQUOT EXIST FAULT FBIG HOSTUNREACH IDRM ' +
  'ILSEQ INPROGRESS INTR INVAL IO ISCONN ISDIR LOOP MFILE MLINK MSGSIZE MULTIHOP NAMETOOLONG NETDOWN NETRESET ' +
  'NETUNREACH NFILE NOBUFS NODEV NOENT NOEXEC NOLCK NOLINK NOMEM NOMSG NOPROTOOPT NOSPC NOSYS NOTCONN NOTDIR ' +
  'NOTEMPTY NOTRECOVERABLE NOTSOCK NOTSUP NOTTY NXIO OVERFLOW OWNERDEAD PERM PIPE PROTO PROTONOSUPPORT PROTOTYPE ' +
  'RANGE ROFS SPIPE SRCH STALE TIMEDOUT TXTBSY XDEV NOTCAPABLE').split(' ');
const wasiIndex = (name: string) => WASI_ERRNO_NAMES.indexOf(name);

// The WASI errno values the WASI adapter returns itself, by name.
export const W = {
  SUCCESS: 0, BADF: wasiIndex('BADF'), FAULT: wasiIndex('FAULT'), INVAL: wasiIndex('INVAL'), IO: wasiIndex('IO'),
  MFILE: wasiIndex('MFILE'), NOTDIR: wasiIndex('NOTDIR'), NOTSOCK: wasiIndex('NOTSOCK'), NOTSUP: wasiIndex('NOTSUP'),
  SPIPE: wasiIndex('SPIPE'), NOTCAPABLE: wasiIndex('NOTCAPABLE'), NOSYS: wasiIndex('NOSYS'),
} as const;

const LINUX_TO_WASI = new Uint16Array(256).fill(W.IO);
WASI_ERRNO_NAMES.forEach((n, i) => {
  const v = linux[`E${n}`];
  if (v !== undefined && v < 256) LINUX_TO_WASI[v] = i;
});
LINUX_TO_WASI[0] = 0;
// Linux names with no WASI twin of their own.
LINUX_TO_WASI[linux.EWOULDBLOCK] = wasiIndex('AGAIN');
LINUX_TO_WASI[linux.EOPNOTSUPP] = W.NOTSUP;
LINUX_TO_WASI[linux.ESHUTDOWN] = wasiIndex('PIPE');
LINUX_TO_WASI[linux.EHOSTDOWN] = wasiIndex('HOSTUNREACH');

export function wasiErrno(linuxErrno: number): number {
  return linuxErrno >= 0 && linuxErrno < 256 ? LINUX_TO_WASI[linuxErrno] : W.IO;
}

const NAME_OF = new Map(Object.entries(linux).map(([k, v]) => [v, k]));
export function errnoName(linuxErrno: number): string {
  return NAME_OF.get(linuxErrno) ?? `errno ${linuxErrno}`;
}
