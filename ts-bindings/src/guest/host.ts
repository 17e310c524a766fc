// createGuestHost(): the import objects for one guest instance — the wasock
// SDK module, WASI preview1 and emscripten's env — over one descriptor
// table, one policy and one GuestNet. Every import is guarded: an exception
// in the host (a bad pointer the checks missed, a detached buffer) becomes
// an errno for the guest (EFAULT for a range error, EINVAL otherwise) and an
// event, never a crash of the guest or the embedder.
import { HostMemory, type Imports } from '../host/imports.js';
import { lookupForGuest, type GuestDnsPolicy } from './dns.js';
import { E, wasiErrno } from './errno.js';
import { emscriptenImports } from './emscripten.js';
import { EventSink, type GuestEvent } from './events.js';
import { GuestNet } from './net.js';
import { Judge, type CompiledPolicy } from './policy.js';
import { sdkImports } from './sdk.js';
import { DescriptorTable } from './table.js';
import { wasiImports } from './wasi.js';

/** Options of {@link createGuestHost}, for embedders that instantiate a guest module themselves. */
export interface GuestHostOptions {
  /** The guest's name in denial events. */
  name?: string;
  /** The compiled policy (see {@link compilePolicy}); left out, everything is denied. */
  policy?: CompiledPolicy;
  // node:wasi's import object (wasi_snapshot_preview1); its descriptors are renumbered.
  /** The `wasi_snapshot_preview1` import object of a WASI implementation (e.g. `node:wasi`'s), whose descriptors the host renumbers around the guest's sockets. */
  wasi?: Record<string, (...a: any[]) => any>;
  // The host fds behind WASI's 0, 1, 2 (for poll across both kinds) and the
  // number of preopened directories (WASI fds 3..).
  /** The host descriptors behind the guest's 0, 1, 2 (so that poll covers both kinds). */
  stdioFds?: [number, number, number];
  /** How many directories the WASI implementation preopened (guest fds 3, ...). */
  preopens?: number;
  // Listening sockets the embedder made for the guest (host fds): guest fds
  // right after the preopened directories, outside maxSockets.
  /** Host descriptors of listening sockets made for the guest: its fds right after the preopened directories, not counted against `maxSockets`. */
  listeners?: number[];
  // Host fd + 1 of every socket the guest holds (see table.ts).
  /** Shared record of the host descriptors the guest holds (host fd + 1 each), so that an embedder can close them if the guest's thread dies. */
  ledger?: Int32Array;
  // Bytes of linear memory past which the guest is stopped (GuestStop),
  // checked whenever it calls the host after growing.
  /** Bytes of linear memory past which the guest is stopped, checked on each host call after it grew. */
  maxMemory?: number;
  // Set to non-zero (Atomics) by the runner at the guest's time limit: its
  // next host call stops it (GuestStop), so it ends through its normal exit
  // path and its descriptors are closed in its own thread.
  /** Set to non-zero (with Atomics) to stop the guest at its next host call, through its normal exit path. */
  stop?: Int32Array;
  /** Called for each denied operation; by default its `message` is written to stderr. */
  onEvent?: (e: GuestEvent) => void;
}

/** What {@link createGuestHost} returns: the imports to instantiate the guest with, and the calls to make around it. */
export interface GuestHost {
  /** The import object: `wasock` (the guest SDK's), `wasi_snapshot_preview1` (WASI with sockets), `env` (emscripten's syscalls). */
  imports: { wasock: Imports; wasi_snapshot_preview1: Record<string, (...a: any[]) => any>; env: Record<string, any> };
  // The guest's memory (and, for emscripten's getaddrinfo, its exports: malloc).
  /** Gives the host the instantiated guest's memory (and its exports, for emscripten's `malloc`); call before it runs. */
  attach(memory: WebAssembly.Memory, exports?: Record<string, any>): void;
  // Closes every socket and file the guest left open (its stdio is unmapped).
  /** Closes every socket and file the guest left open (its stdio excepted); call when it ends. */
  closeAll(): void;
  /** How many sockets the guest holds now. */
  openSockets(): number;
  // Datagrams dropped because their source was not granted.
  /** How many datagrams were dropped because their source was not granted by `accept`. */
  droppedDatagrams(): number;
}

const DENY_ALL: CompiledPolicy = {
  ip: { connect: [], bind: [], sendto: [], accept: [] }, unix: { connect: [], bind: [], sendto: [], accept: [] },
  families: [], dns: [], pinned: {}, maxSockets: 64, cwd: process.cwd(),
};

type AnyFn = (...a: any[]) => any;

// Thrown through the guest to stop it (a limit reached); the runner turns it
// into the guest's exit code. Never caught by the import guards.
export class GuestStop extends Error {
  constructor(readonly code: number, readonly op: string, message: string) {
    super(message);
  }
}

// A guest stopped at its memory limit (as a SIGKILL'd process), and at its
// time limit (as timeout(1) reports it).
/** The exit code of a guest stopped at its memory limit: 137, as a SIGKILL'd process. */
export const EXIT_MEMORY_LIMIT = 137;
/** The exit code of a guest stopped at its time limit: 124, as timeout(1) reports it. */
export const EXIT_TIME_LIMIT = 124;

// The most parameters any of our own imports takes (sendto, recvfrom).
const MAX_ARITY = 7;

// Wraps each function of an import object: a host exception becomes errno
// (mapped to the ABI's convention by toAbi) and an event. node:wasi's own
// functions reject a wrong argument count, so they get the arguments as they
// came; ours take fixed parameters (no array per call on the data path).
function guarded<T extends Record<string, AnyFn>>(fns: T, toAbi: (linuxErrno: number) => number,
  events: EventSink, abi: string, ours: boolean, limits: () => void, keep: ReadonlySet<string> = new Set()): T {
  const out: Record<string, AnyFn> = {};
  for (const [name, fn] of Object.entries(fns)) {
    if (keep.has(name)) {
      out[name] = fn;
      continue;
    }
    const fail = (err: unknown) => {
      if (err instanceof GuestStop) throw err;
      const errno = err instanceof RangeError ? E.EFAULT : E.EINVAL;
      events.deny(`${abi}.${name}`, `host error: ${String((err as Error)?.message ?? err).split('\n')[0]}`, errno);
      return toAbi(errno);
    };
    out[name] = ours && fn.length <= MAX_ARITY
      ? (a: any, b: any, c: any, d: any, e: any, f: any, g: any) => {
        // Limits first (GuestStop): also before calls node:wasi answers alone.
        limits();
        try {
          return fn(a, b, c, d, e, f, g);
        } catch (err) {
          return fail(err);
        }
      }
      : (...args: any[]) => {
        limits();
        try {
          return fn(...args);
        } catch (err) {
          return fail(err);
        }
      };
  }
  return out as T;
}

/**
 * For embedders that instantiate and run a guest module themselves (in their own worker): the
 * import objects that give it sockets under `opts.policy`, the same host {@link runGuest} uses.
 * Blocking calls block the calling thread: run the guest off the main thread.
 */
export function createGuestHost(opts: GuestHostOptions): GuestHost {
  const policy = opts.policy ?? DENY_ALL;
  const judge = new Judge(policy);
  const events = new EventSink(opts.name ?? 'guest', opts.onEvent ?? ((e) => process.stderr.write(`${e.message}\n`)));
  const mem = new HostMemory();
  const table = new DescriptorTable(policy.maxSockets, opts.ledger ?? null);
  const stdio = opts.stdioFds ?? [0, 1, 2];
  const preopens = opts.preopens ?? 0;
  for (let i = 0; i < 3 + preopens; i++) table.set(i, { kind: 'wasi', wfd: i, hostFd: i < 3 ? stdio[i] : null, stdio: i < 3 });
  const net = new GuestNet({ mem, table, judge, events, cwd: policy.cwd });
  (opts.listeners ?? []).forEach((hfd, i) => {
    const r = net.adoptListener(hfd, 3 + preopens + i);
    if (r < 0) throw new Error(`listening socket ${hfd}: errno ${-r}`);
  });
  let instanceExports: Record<string, any> | null = null;
  // Every import checks the memory limit (mem.onGrow, set by attach), not
  // only those that read guest memory through mem: a guest that grows and
  // calls only clock_time_get or fd_write is stopped too.
  let attached = false;
  const stop = opts.stop ?? null;
  const limits = () => {
    if (attached) mem.refresh();
    if (stop !== null && Atomics.load(stop, 0) !== 0) throw new GuestStop(EXIT_TIME_LIMIT, 'time-limit', 'its time limit passed');
  };

  // Name resolution runs in the host (dns.ts): the guest asks by name.
  const dns: GuestDnsPolicy = {
    any: policy.dns.includes('*'),
    allowed: (name) => judge.dnsAllowed(name),
    pinned: (name) => judge.pinned(name),
    deny: (op, address) => { events.deny(op, address, E.EACCES, `--allow-dns=${address}`); },
  };
  const wasock = guarded(sdkImports(mem, net, dns), (e) => e, events, 'wasock', true, limits);
  // proc_exit unwinds the guest by throwing: never caught here.
  const wasi = guarded(wasiImports(opts.wasi ?? {}, mem, net, table), wasiErrno, events, 'wasi', false, limits, new Set(['proc_exit']));
  const env = guarded(emscriptenImports({
    mem, net,
    exports: () => instanceExports,
    lookup: (name, family) => lookupForGuest(name, family, dns),
  }), (e) => -wasiErrno(e), events, 'env', true, limits);

  return {
    imports: { wasock, wasi_snapshot_preview1: wasi, env },
    attach(memory: WebAssembly.Memory, exports?: Record<string, any>) {
      const max = opts.maxMemory ?? 0;
      if (max > 0) {
        mem.onGrow = (bytes) => {
          if (bytes > max) throw new GuestStop(EXIT_MEMORY_LIMIT, 'memory-limit', `linear memory grew to ${bytes} bytes, past its limit of ${max}`);
        };
      }
      mem.attach(memory);
      attached = true;
      instanceExports = exports ?? null;
    },
    closeAll() {
      table.closeAll();
      // node:wasi never closes what it opened for the guest (the preopened
      // directories, files left open): each stayed open in the embedder's
      // process after every run. Closed through uvwasi, which forgets them;
      // stdio only ever unmaps (its numbers are the embedder's).
      const close = opts.wasi?.fd_close;
      for (const [vfd, e] of [...table.entries()]) {
        if (e.kind !== 'wasi' || e.stdio) continue;
        table.remove(vfd);
        if (close && e.wfd > 2) close(e.wfd);
      }
    },
    openSockets: () => table.sockets,
    droppedDatagrams: () => net.dropped,
  };
}
