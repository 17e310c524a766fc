// The N-API addon: one raw syscall per function, each returning its result or
// -errno. Buffers are (buffer, offset, length) triples so reads and writes land
// in the caller's memory (Wasm memory or a JS buffer) with no copy.
import { createRequire } from 'node:module';

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
  getaddrinfo(host: string | null, port: string | null, family: number, type: number, proto: number,
    flags: number): Array<[number, number, number, string, Uint8Array]> | number;
  getnameinfo(sa: Uint8Array, flags: number): [string, string] | number | [number, number];
  clockNs(): number;
  // uv_poll readiness for the Promise API (readiness.ts): dispatch(count) reads readyList.
  pollSetup(dispatch: (count: number) => void, receiver: object, readyList: Int32Array, threaded: boolean): number;
  pollWait(fd: number, events: number): number;
  pollCancel(fd: number, events: number): number;
  pollClose(fd: number): number;
  pollCount(): number;
}

const require = createRequire(import.meta.url);

// dist/*.js sit one level below the package root, as does ts-bindings/.
export const addon: Addon = require('../ts-bindings/native/build/Release/wasock.node');
