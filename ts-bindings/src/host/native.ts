// The N-API addon (ts-bindings/native/): one raw syscall per function.
//
// The sign convention (ts-bindings/native/addon.h states it for the C side):
// every function returns a number, its result (>= 0; 0 when the call has
// none) on success or -errno on failure, errno in Linux numbering; it throws
// nothing itself. Wrong argument types give -EINVAL, offsets or lengths out
// of range -EFAULT. The exceptions, marked below: gethostname and
// ifIndexToName answer a string, ifNameIndex an array (or -errno);
// getaddrinfo answers in the EAI_* numbering (a negative
// EAI_* code, glibc's, or [EAI_SYSTEM, errno]); clockNs a time in ns.
//
// Buffers are (buffer, offset, length) triples so reads and writes land in
// the caller's memory (Wasm memory or a JS buffer) with no copy; in "mem",
// an offset of -1 stands for NULL.
import { fs, require, url } from './builtins.js';

export type Mem = ArrayBuffer | ArrayBufferView;

export interface Addon {
  version: number;
  socket(domain: number, type: number, proto: number): number;
  socketpair(domain: number, type: number, proto: number, mem: Mem, off: number): number;
  bind(fd: number, mem: Mem, off: number, len: number): number;
  connect(fd: number, mem: Mem, off: number, len: number): number;
  listen(fd: number, backlog: number): number;
  accept4(fd: number, mem: Mem, saOff: number, salenOff: number, flags: number): number;
  send(fd: number, buf: Mem, off: number, len: number, flags: number): number;
  sendto(fd: number, buf: Mem, off: number, len: number, flags: number, mem: Mem, saOff: number, saLen: number): number;
  recv(fd: number, buf: Mem, off: number, len: number, flags: number): number;
  recvfrom(fd: number, buf: Mem, off: number, len: number, flags: number, mem: Mem, saOff: number, salenOff: number): number;
  // The buffers are one iovec (at most 1024, Linux's UIO_MAXIOV, else -EMSGSIZE), used in place;
  // one buffer may come alone, not in an array (cheaper for the addon to read);
  // control is the control messages in the kernel's layout (lib/cmsg.ts), or null.
  sendmsg(fd: number, buffers: Mem | readonly Mem[], control: Mem | null, flags: number, mem: Mem, saOff: number,
    saLen: number): number;
  // Also stores msg_controllen and msg_flags as two int32s at mem[outOff]; adds MSG_CMSG_CLOEXEC.
  recvmsg(fd: number, buffers: Mem | readonly Mem[], control: Mem | null, flags: number, mem: Mem, saOff: number,
    salenOff: number, outOff: number): number;
  shutdown(fd: number, how: number): number;
  close(fd: number): number;
  getsockopt(fd: number, level: number, name: number, mem: Mem, valOff: number, lenOff: number): number;
  setsockopt(fd: number, level: number, name: number, mem: Mem, valOff: number, len: number): number;
  getsockname(fd: number, mem: Mem, saOff: number, salenOff: number): number;
  getpeername(fd: number, mem: Mem, saOff: number, salenOff: number): number;
  poll(mem: Mem, off: number, nfds: number, timeoutMs: number): number;
  setNonblock(fd: number, on: number): number;
  getNonblock(fd: number): number;
  dup(fd: number): number;
  getInheritable(fd: number): number;
  setInheritable(fd: number, on: number): number;
  fdType(fd: number): number;
  // Exceptions: a string or an array on success, -errno on failure.
  gethostname(): string | number;
  ifNameToIndex(name: string): number;
  ifIndexToName(index: number): string | number;
  ifNameIndex(): Array<[number, string]> | number;
  ifAddrs(mem: Mem, off: number, max: number): number;
  // Records laid out as <wasock/host.h> says (WSK_IFA_*, WSK_IFNI_*), at most max written;
  // the result counts them all. The addon checks max * record size against mem.
  ifAddrsNamed(mem: Mem, off: number, max: number): number;
  ifNameIndexRecords(mem: Mem, off: number, max: number): number;
  // FIONREAD/SIOCINQ, SIOCOUTQ, SIOCATMARK (result: the int) and FIONBIO (value in); any
  // other request is ENOTTY in the addon itself.
  ioctlInt(fd: number, request: number, value: number): number;
  // The request numbers ioctlInt accepts (<wasock/host.h> WSK_*).
  ioctls: { FIONREAD: number; SIOCINQ: number; SIOCOUTQ: number; SIOCATMARK: number; FIONBIO: number };
  // Exception: the system resolver (glibc's getaddrinfo), for what the core leaves to it
  // (gai.ts): the answer, a negative EAI_* code, or [EAI_SYSTEM, errno].
  getaddrinfo(host: string | null, port: string | null, family: number, type: number, proto: number,
    flags: number): Array<[number, number, number, string, Uint8Array]> | number | [number, number];
  // Exception: CLOCK_MONOTONIC in ns.
  clockNs(): number;
  // Readiness for the Promise API (readiness.ts), on libuv or, with polled, on the addon's
  // epoll instance: dispatch(count) reads `count` (fd, events) pairs from readyList.
  pollSetup(dispatch: (count: number) => void, receiver: object, readyList: Int32Array, polled: boolean): number;
  // The epoll backend only: the pairs now ready, listed without blocking (JS dispatches them);
  // and, after a poll found nothing, the helper thread's blocking wait (dispatch follows).
  pollRun(): number;
  pollPark(): number;
  // The watches waited for; those whose descriptor was closed behind the library's back are
  // reported ready (their retry meets EBADF).
  pollCheck(): number;
  // fd is listed when ready for `events`; with poll (1, the epoll backend), the wait is
  // registered and then the pairs now ready are listed as pollRun lists them: their count.
  pollWait(fd: number, events: number, poll: number): number;
  pollCancel(fd: number, events: number): number;
  // Whether fd's waits keep the loop alive (1) or not (0), until pollClose.
  pollRef(fd: number, on: number): number;
  pollClose(fd: number): number;
  pollCount(): number;
  // socket.sendfile: sendfile(2) of count bytes of inFd from offset (a Number or a BigInt),
  // inFd's own file offset left unchanged; the bytes sent. No SIGPIPE is raised.
  sendfile(outFd: number, inFd: number, offset: number | bigint, count: number): number;
  // lseek(fd, offset, SEEK_SET): the new offset.
  lseek(fd: number, offset: number | bigint): number;
  // sethostname(2) with the name's bytes.
  sethostname(buf: Mem, off: number, len: number): number;
}

// dist/*.js sit one level below the package root, as do prebuilds/ and ts-bindings/.
const root = new URL('../', import.meta.url);

// The prebuild for this platform and libc, in prebuildify's layout and node-gyp-build's naming
// (runtime "node", N-API: one binary for every Node major). tools/prebuild.mjs writes it.
export function prebuildPath(platform: string, arch: string, libc: 'glibc' | 'musl'): string {
  return `prebuilds/${platform}-${arch}/node.napi.${libc}.node`;
}
export const SOURCE_BUILD = 'ts-bindings/native/build/Release/wasock.node';

// Only asked when the glibc prebuild would not load and a musl one is there: generating a report costs milliseconds,
// and on musl there is no glibc version in it. Bun and Deno may have no process.report.
function isMusl(): boolean {
  try {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return !!header && !header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

// The first candidate that exists and loads. Existence is checked first so that a missing
// file costs a stat, not a thrown MODULE_NOT_FOUND; a file that fails to load is remembered
// with its error for the message below.
function loadAddon(): Addon {
  const where = `${process.platform}-${process.arch}`;
  if (process.platform !== 'linux') throw new Error(`wasock supports Linux only (this is ${where})`);
  // Deno and Bun report the Node version they stand in for, 20 or newer.
  if (Number(process.versions.node.split('.')[0]) < 20) {
    throw new Error(`wasock needs Node 20 or newer (this is ${process.version})`);
  }
  const tried: string[] = [];
  const attempt = (rel: string): Addon | undefined => {
    const file = url.fileURLToPath(new URL(rel, root));
    if (!fs.existsSync(file)) {
      tried.push(`${rel} (none)`);
      return undefined;
    }
    try {
      return require(file) as Addon;
    } catch (e) {
      tried.push(`${rel} (${String((e as Error)?.message ?? e).split('\n')[0]})`);
      return undefined;
    }
  };
  const musl = prebuildPath('linux', process.arch, 'musl');
  const found = attempt(prebuildPath('linux', process.arch, 'glibc'))
    ?? (fs.existsSync(url.fileURLToPath(new URL(musl, root))) && isMusl() ? attempt(musl) : undefined)
    ?? attempt(SOURCE_BUILD);
  if (found) return found;
  throw new Error(`wasock: no native addon loads on ${where}: tried ${tried.join(', ')}. ` +
    'Build it with `npm rebuild wasock` (needs python3, make and a C compiler; in a clone of wasock: make)');
}

export const addon: Addon = loadAddon();
