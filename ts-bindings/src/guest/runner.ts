// runGuest(): one worker thread per guest (its blocking calls never block the
// embedder's event loop), node:wasi for everything but sockets, and the
// guest host (host.ts) for sockets. The runner owns what outlives the
// worker: the stdio descriptors it opened, the preopened listening sockets
// it made, and the ledger of every socket the guest holds, which it closes
// once the worker is gone, however it ended (exit, trap, terminate()).
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { openSync, readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { Socket as NetSocket } from 'node:net';
import type { Writable } from 'node:stream';
import { addon } from '../host/native.js';
import { configureResolver, type ResolverOptions } from '../lib/resolver.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR } from '../host/constants.generated.js';
import type { GuestEvent } from './events.js';
import { EXIT_MEMORY_LIMIT, EXIT_TIME_LIMIT, GuestStop, createGuestHost } from './host.js';
import { compilePolicy, ipBytes, type CompiledPolicy, type PolicySpec } from './policy.js';
import { closeLedger } from './table.js';

type StdioSpec = 'inherit' | 'ignore' | number | Writable;

/** Options of {@link runGuest}. Everything left out is denied or empty: no arguments, no environment, no grants. */
export interface RunGuestOptions {
  /** The guest's argv after its name (argv[0] is `name`). */
  args?: string[];
  /** The guest's environment variables (none of the host's are passed on). */
  env?: Record<string, string>;
  // Guest stdin, stdout, stderr: the host's ('inherit', default), a file
  // descriptor, 'ignore', or (stdout/stderr) a Writable the output streams to.
  // The guest closing its 0, 1 or 2 never closes the descriptor behind it.
  /** The guest's stdin, stdout and stderr: `'inherit'` (the default), `'ignore'`, a host file descriptor, or for stdout/stderr a Node `Writable`. The guest closing its 0, 1 or 2 never closes the host's. */
  stdio?: [StdioSpec?, StdioSpec?, StdioSpec?];
  // Guest path -> host directory (WASI preopens, fds 3, 4, ...).
  /** Directories the guest may use, as guest path -> host directory (WASI preopens: fds 3, 4, ...). Unix socket paths are judged by the policy, not by these. */
  preopens?: Record<string, string>;
  // Listening sockets made for the guest (capability style): "127.0.0.1:8080",
  // "[::1]:8080", "unix:/run/app.sock"; guest fds right after the preopened
  // directories (3, 4, ... when there are none). They need no grant.
  /** Listening sockets made for the guest before it starts (capability style, no grant needed): `"127.0.0.1:8080"`, `"[::1]:8080"`, `"unix:/run/app.sock"`. The guest finds them as the descriptors after the preopened directories. */
  listen?: string[];
  /** What the guest may do with sockets: a {@link PolicySpec} (compiled on start) or a {@link CompiledPolicy}. Left out: nothing (deny by default). */
  policy?: PolicySpec | CompiledPolicy;
  /** The host-side resolver configuration the guest's name lookups use (see `configureResolver` of `wasock`). */
  resolver?: ResolverOptions;
  /** The guest's name in denial events and as its argv[0]; by default the file name of `wasm`, or `'guest'`. */
  name?: string;
  /** Called for each denied operation; by default its `message` is written to stderr. */
  onEvent?: (e: GuestEvent) => void;
  // Called once the guest's first instruction is about to run (ms since runGuest was called).
  /** Called once, when the guest is about to run its first instruction, with the milliseconds since runGuest was called and those spent instantiating. */
  onStart?: (info: { startupMs: number; instantiateMs: number }) => void;
  // Wall-clock limit in seconds: the guest is stopped and runGuest resolves to 124.
  /** Wall-clock limit in seconds: past it the guest is stopped and runGuest resolves to {@link EXIT_TIME_LIMIT} (124). */
  timeLimit?: number;
  // Bytes of linear memory the guest may grow to (checked whenever it calls
  // the host) and the bound of its worker's JavaScript heap: past it the
  // guest is stopped and runGuest resolves to 137.
  /** Bytes the guest's linear memory may grow to (and the bound of its worker's JavaScript heap): past it the guest is stopped and runGuest resolves to {@link EXIT_MEMORY_LIMIT} (137). */
  maxMemory?: number;
}

// Exit codes for a guest the runner stopped (as timeout(1) and a SIGKILL'd shell child).
export { EXIT_MEMORY_LIMIT, EXIT_TIME_LIMIT };
// A trap in the guest (SIGABRT's code).
/** The exit code runGuest resolves to when the guest traps (an `unreachable`, an out-of-bounds access...): 134, SIGABRT's code. */
export const EXIT_TRAP = 134;
// How long a guest past its time limit has to reach its next host call
// before its worker is terminated.
const STOP_GRACE_MS = 250;
// Pending connections of a preopened listener.
const LISTEN_BACKLOG = 128;
// The longest setTimeout delay (ms).
const TIMER_MAX = 2 ** 31 - 1;

function isCompiled(p: PolicySpec | CompiledPolicy): p is CompiledPolicy {
  return typeof (p as CompiledPolicy).ip === 'object' && Array.isArray((p as CompiledPolicy).families);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Compiles a Wasm module from a file path, a `file:` URL, bytes, or returns a `WebAssembly.Module`
 * as is; {@link runGuest} accepts the same. Compile once and run many guests from it.
 *
 * @throws TypeError when the bytes are not a WebAssembly module; the file system's error when the
 *   file cannot be read; WebAssembly.CompileError for an invalid module.
 */
export async function loadModule(wasm: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module): Promise<WebAssembly.Module> {
  if (wasm instanceof WebAssembly.Module) return wasm;
  const bytes = typeof wasm === 'string' || wasm instanceof URL ? readFileSync(wasm) : new Uint8Array(wasm as ArrayBuffer);
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) throw new TypeError('not a WebAssembly module (bad magic number)');
  return WebAssembly.compile(bytes);
}

// The sockaddr for a --listen address.
async function listenAddress(spec: string): Promise<{ domain: number; sa: Uint8Array }> {
  if (spec.startsWith('unix:')) {
    const path = Buffer.from(spec.slice(5), 'utf8');
    if (path.length === 0 || path.length > 107) throw new RangeError(`bad unix path in ${spec}`);
    const sa = new Uint8Array(2 + path.length + 1);
    new DataView(sa.buffer).setUint16(0, AF_UNIX, true);
    sa.set(path, 2);
    return { domain: AF_UNIX, sa };
  }
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(spec);
  if (!m || Number(m[3]) > 65535) throw new RangeError(`bad listen address ${spec} (HOST:PORT, [V6]:PORT or unix:PATH)`);
  const host = m[1] ?? m[2];
  const bytes = ipBytes(host) ?? ipBytes((await lookup(host)).address);
  if (bytes === null) throw new RangeError(`cannot resolve ${host}`);
  const v6 = bytes.length === 16;
  const sa = new Uint8Array(v6 ? 28 : 16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, v6 ? AF_INET6 : AF_INET, true);
  dv.setUint16(2, Number(m[3]), false);
  sa.set(bytes, v6 ? 8 : 4);
  return { domain: v6 ? AF_INET6 : AF_INET, sa };
}

async function makeListener(spec: string): Promise<number> {
  const { domain, sa } = await listenAddress(spec);
  const fd = addon.socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`listen ${spec}: socket: errno ${-fd}`);
  const one = new Uint8Array([1, 0, 0, 0]);
  let r = domain === AF_UNIX ? 0 : addon.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 0, 4);
  if (r >= 0) r = addon.bind(fd, sa, 0, sa.length);
  if (r >= 0) r = addon.listen(fd, LISTEN_BACKLOG);
  if (r < 0) {
    addon.close(fd);
    throw new Error(`listen ${spec}: errno ${-r}`);
  }
  return fd;
}

/**
 * Runs a wasm32-wasi program that uses POSIX sockets (built with the guest SDK, `wasock cc`, plain
 * wasi-libc, or emscripten `-sSTANDALONE_WASM`) in a worker thread, under a deny-by-default
 * policy: a socket, address, option or name lookup the policy does not grant fails in the guest
 * with EACCES/EPERM (and an event, see `onEvent`), never on the host. The guest's blocking calls
 * block its worker, not the caller's event loop.
 *
 * @param wasm A file path, `file:` URL, the module's bytes, or a compiled `WebAssembly.Module`.
 * @returns The guest's exit code: what it passed to exit() or returned from main;
 *   {@link EXIT_TRAP} (134) after a trap, {@link EXIT_TIME_LIMIT} (124) or
 *   {@link EXIT_MEMORY_LIMIT} (137) when stopped at a limit.
 * @throws (rejects) RangeError for a bad `timeLimit`/`maxMemory` or grant; TypeError for a file that
 *   is not Wasm; an Error when a `listen` socket cannot be made.
 */
export async function runGuest(wasm: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module,
  options: RunGuestOptions = {}): Promise<number> {
  const t0 = performance.now();
  for (const k of ['timeLimit', 'maxMemory'] as const) {
    const v = options[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new RangeError(`${k}: ${v} is not a non-negative number`);
  }
  const module = await loadModule(wasm);
  const policy = isCompiled(options.policy ?? {}) ? options.policy as CompiledPolicy : await compilePolicy(options.policy as PolicySpec);
  const name = options.name ?? (typeof wasm === 'string' ? wasm.split('/').pop()! : 'guest');
  const listenSpecs = options.listen ?? [];
  // Every socket the guest can hold at once: its own plus the preopened ones.
  const ledger = new Int32Array(new SharedArrayBuffer(4 * (policy.maxSockets + listenSpecs.length)));
  const pumps: Array<Promise<void>> = [];
  const closeAfter: number[] = [];
  const streams: NetSocket[] = [];
  const cleanup = () => {
    for (const fd of closeAfter.splice(0)) addon.close(fd);
    closeLedger(ledger);
  };
  let listeners: number[];
  let fds: number[];
  try {
    listeners = [];
    for (const spec of listenSpecs) {
      const fd = await makeListener(spec);
      ledger[listeners.length] = fd + 1;
      listeners.push(fd);
    }
    fds = [0, 1, 2].map((i) => stdioFd(options.stdio?.[i] ?? 'inherit', i, closeAfter, streams, pumps));
  } catch (e) {
    for (const st of streams) st.destroy();
    cleanup();
    throw e;
  }
  // The time limit asks first (the guest's next host call stops it, in its
  // own thread, descriptors closed there); a guest that makes no host call
  // within STOP_GRACE_MS is terminated.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./guest.js', import.meta.url), {
    workerData: {
      wasockGuest: true, module, name, policy, args: options.args ?? [], env: options.env ?? {},
      preopens: options.preopens ?? {}, fds, listeners, ledger, resolver: options.resolver ?? null,
      t0: performance.timeOrigin + t0, maxMemory: options.maxMemory ?? 0, stop,
    },
    stdout: false,
    stderr: false,
    resourceLimits: options.maxMemory ? { maxOldGenerationSizeMb: Math.max(64, Math.ceil(options.maxMemory / 2 ** 20)) } : undefined,
  });
  const report = (op: string, address: string, message: string) => {
    const event: GuestEvent = { guest: name, op, address, errno: 0, grant: '', suppressed: 0, message };
    if (options.onEvent) options.onEvent(event);
    else process.stderr.write(`${message}\n`);
  };
  let stoppedWith: number | null = null;
  // setTimeout fires at once past 2^31-1 ms (Node clamps it to 1 ms): a
  // longer limit waits in steps.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = options.timeLimit !== undefined ? performance.now() + options.timeLimit * 1000 : 0;
  const arm = () => {
    const left = deadline - performance.now();
    timer = setTimeout(left > TIMER_MAX ? arm : () => {
      stoppedWith = EXIT_TIME_LIMIT;
      report('time-limit', `${options.timeLimit} s`, `wasock: guest ${name}: stopped after its time limit of ${options.timeLimit} s`);
      Atomics.store(stop, 0, 1);
      timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    }, Math.min(Math.max(left, 0), TIMER_MAX));
  };
  if (options.timeLimit !== undefined) arm();
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
    worker.on('error', (e: any) => {
      if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        stoppedWith = EXIT_MEMORY_LIMIT;
        report('memory-limit', `${options.maxMemory} bytes`, `wasock: guest ${name}: stopped at its memory limit`);
      } else reject(e);
    });
    worker.on('exit', (c) => {
      if (stoppedWith !== null) resolve(stoppedWith);
      else if (exit !== null) resolve(exit);
      else reject(new Error(`guest worker exited (${c}) without a result`));
    });
  }).catch((e) => {
    // A failed worker never closes its stdio: drop our ends too, or the
    // pumps would keep this process alive.
    for (const st of streams) st.destroy();
    throw e;
  }).finally(() => {
    if (timer) clearTimeout(timer);
    // The worker is gone: nothing else can close or reuse these numbers now.
    cleanup();
  });
  if (stoppedWith !== null) for (const st of streams) st.destroy();
  await Promise.all(pumps);
  return code;
}

// The host descriptor behind guest fd i.
function stdioFd(spec: StdioSpec, i: number, closeAfter: number[], streams: NetSocket[], pumps: Array<Promise<void>>): number {
  if (spec === 'inherit') return i;
  if (typeof spec === 'number') return spec;
  if (spec === 'ignore') {
    const fd = openSync('/dev/null', 'r+');
    closeAfter.push(fd);
    return fd;
  }
  // A Writable: a socketpair whose other end streams into it.
  const pair = new Uint8Array(8);
  const r = addon.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair, 0);
  if (r < 0) throw new Error(`socketpair: errno ${-r}`);
  const dv = new DataView(pair.buffer);
  const [mine, theirs] = [dv.getInt32(0, true), dv.getInt32(4, true)];
  closeAfter.push(theirs);
  const s = new NetSocket({ fd: mine, readable: true, writable: false });
  streams.push(s);
  pumps.push(new Promise((resolve) => {
    s.on('data', (d) => spec.write(d));
    s.on('end', () => resolve());
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  }));
  return theirs;
}

// ---- the worker side ----------------------------------------------------------------------

export async function workerMain(): Promise<void> {
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
      stdioFds: d.fds, preopens: Object.keys(d.preopens).length, listeners: d.listeners, ledger: d.ledger,
      maxMemory: d.maxMemory, stop: d.stop,
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
    const t2 = performance.now();
    port.postMessage({ type: 'start', startupMs: performance.timeOrigin + t2 - d.t0, instantiateMs: t2 - t1 });
    let code: number;
    try {
      host.attach(memory, instance.exports as Record<string, any>);
      code = wasi.start(instance) ?? 0;
    } catch (e: any) {
      if (e instanceof GuestStop) {
        // The runner reported the time limit when it asked for the stop.
        if (e.code !== EXIT_TIME_LIMIT) {
          port.postMessage({ type: 'event', event: { guest: d.name, op: e.op, address: '', errno: 0, grant: '', suppressed: 0,
            message: `wasock: guest ${d.name}: stopped: ${e.message}` } });
        }
        code = e.code;
      } else if (e instanceof WebAssembly.RuntimeError) {
        process.stderr.write(`wasock: guest ${d.name}: trap: ${e.message}\n`);
        code = EXIT_TRAP;
      } else throw e;
    }
    host.closeAll();
    port.postMessage({ type: 'exit', code });
  } catch (e: any) {
    port.postMessage({ type: 'error', message: e?.message ?? String(e) });
  }
}
