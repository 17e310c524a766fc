// The guest's descriptor table: one number space for WASI descriptors (stdio,
// preopened directories, files) and sockets, lowest free number first as
// POSIX allocates. Guest numbers are virtual; the host descriptor behind a
// socket is never visible to the guest.
//
// Ownership rules:
//  - stdio entries belong to the embedder: closing guest fd 0, 1 or 2 only
//    unmaps it (the embedder's descriptor stays open);
//  - every socket descriptor the kernel makes for the guest (socket, accept,
//    socketpair, dup) counts against maxSockets and is recorded in the
//    ledger, a shared Int32Array the runner reads after the worker is gone
//    (also after terminate()), so each is closed exactly once even when
//    the guest never returns;
//  - close clears the ledger slot first, then closes: a worker stopped in
//    between leaks one descriptor rather than closing a number twice.
import { addon } from '../host/native.js';
import { E } from './errno.js';
import type { SocketKind } from './rules.js';

// Descriptor numbers a guest can hold at once (WASI and sockets together).
export const MAX_FDS = 4096;

export interface WasiEntry {
  kind: 'wasi';
  wfd: number;             // node:wasi's number for it
  hostFd: number | null;   // the host fd, when known (stdio), for poll
  stdio: boolean;
}

export interface SockEntry {
  kind: 'sock';
  hfd: number;
  sk: SocketKind;          // what the kernel said it made
  protocol: number;        // and its SO_PROTOCOL (netlink requests are judged by it)
  bound: boolean;          // bound under a grant (listen needs it)
  // The sun_path the guest bound (the kernel saw /proc/self/fd/N/NAME).
  unixName: Uint8Array | null;
  // The last destination judged for sendto (a datagram stream to one peer
  // is judged once).
  lastTo: Uint8Array | null;
  // Lent by the host (a listening socket of --listen), with its copies: the
  // guest uses it but may not hand it on (SCM_RIGHTS), since the listener
  // may hold what the guest could not have bound itself.
  lent: boolean;
}

export type Entry = WasiEntry | SockEntry;

export class DescriptorTable {
  private readonly map = new Map<number, Entry>();
  sockets = 0;

  // ledger: host fd + 1 per slot, 0 when free; null for embedders that
  // manage host descriptors themselves.
  constructor(readonly maxSockets: number, private readonly ledger: Int32Array | null = null) {}

  get(vfd: number): Entry | undefined {
    return this.map.get(vfd | 0);
  }

  has(vfd: number): boolean {
    return this.map.has(vfd | 0);
  }

  set(vfd: number, e: Entry): void {
    this.map.set(vfd | 0, e);
  }

  entries(): IterableIterator<[number, Entry]> {
    return this.map.entries();
  }

  // The lowest free number, or -1.
  alloc(e: Entry): number {
    for (let fd = 0; fd < MAX_FDS; fd++) {
      if (!this.map.has(fd)) {
        this.map.set(fd, e);
        return fd;
      }
    }
    return -1;
  }

  // Room for n more sockets?
  room(n: number): boolean {
    return this.sockets + n <= this.maxSockets;
  }

  // A new host socket becomes a guest descriptor: its number, or -errno (the
  // host descriptor is then closed).
  adopt(hfd: number, e: Omit<SockEntry, 'kind' | 'hfd'>, vfd = -1, counted = true): number {
    if (counted && !this.room(1)) {
      addon.close(hfd);
      return -E.EMFILE;
    }
    const entry: SockEntry = { kind: 'sock', hfd, ...e };
    const n = vfd >= 0 && !this.map.has(vfd) ? (this.map.set(vfd, entry), vfd) : this.alloc(entry);
    if (n < 0) {
      addon.close(hfd);
      return -E.EMFILE;
    }
    // Uncounted sockets (preopened listeners) are in the ledger already: the runner made them.
    if (counted) {
      this.sockets++;
      this.record(hfd);
    }
    return n;
  }

  // Unmaps vfd; a socket's host descriptor is closed (its result returned,
  // as -errno or 0). WASI entries are only unmapped: their adapter decides.
  remove(vfd: number): Entry | undefined {
    const e = this.map.get(vfd | 0);
    if (e === undefined) return undefined;
    this.map.delete(vfd | 0);
    return e;
  }

  closeSocket(e: SockEntry, counted = true): number {
    if (counted) this.sockets--;
    this.forget(e.hfd);
    return addon.close(e.hfd);
  }

  // The guest ended: every socket it holds is closed.
  closeAll(): void {
    for (const [vfd, e] of this.map) {
      if (e.kind !== 'sock') continue;
      this.map.delete(vfd);
      this.closeSocket(e);
    }
  }

  private record(hfd: number): void {
    const l = this.ledger;
    if (l === null) return;
    for (let i = 0; i < l.length; i++) {
      if (Atomics.compareExchange(l, i, 0, hfd + 1) === 0) return;
    }
  }

  private forget(hfd: number): void {
    const l = this.ledger;
    if (l === null) return;
    for (let i = 0; i < l.length; i++) {
      if (Atomics.compareExchange(l, i, hfd + 1, 0) === hfd + 1) return;
    }
  }
}

// The runner's side: closes what a finished (or terminated) guest left.
export function closeLedger(ledger: Int32Array): number {
  let n = 0;
  for (let i = 0; i < ledger.length; i++) {
    const v = Atomics.exchange(ledger, i, 0);
    if (v > 0) {
      addon.close(v - 1);
      n++;
    }
  }
  return n;
}
