// wasock/guest: run Wasm programs that use POSIX sockets under a
// deny-by-default capability policy. runGuest() runs a wasm32-wasi program
// (built with the guest SDK, `wasock cc`, plain wasi-libc, or emscripten
// -sSTANDALONE_WASM) in a worker thread; createGuestHost() gives embedders
// the import objects to instantiate a module themselves.
//
// The parts (ts-bindings/src/guest/): policy.ts (grants and their
// judgement), rules.ts (the allowlists: socket kinds, options, ioctls,
// flags, control messages), net.ts (every socket operation and the one
// check point), msg.ts (control messages, descriptors mapped both ways),
// table.ts (the guest's descriptors), unix-path.ts, events.ts, one adapter
// per guest ABI (sdk.ts, wasi.ts, emscripten.ts), host.ts (their
// assembly), runner.ts (runGuest and the worker).
/**
 * `wasock/guest`: run WebAssembly programs that use POSIX sockets, sandboxed. {@link runGuest}
 * runs a wasm32-wasi program (built with the guest SDK, `npx wasock cc`, plain wasi-libc, or
 * emscripten `-sSTANDALONE_WASM`) in a worker thread under a deny-by-default policy
 * ({@link PolicySpec}); {@link createGuestHost} gives embedders the import objects to instantiate
 * a module themselves. The allowlists (socket kinds, options, ioctls, flags, control messages) are exported as data.
 * docs/guests.md describes the sandbox and the grants.
 *
 * @module wasock/guest
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { workerMain } from './guest/runner.js';

export { runGuest, loadModule, EXIT_TIME_LIMIT, EXIT_MEMORY_LIMIT, EXIT_TRAP, type RunGuestOptions } from './guest/runner.js';
export { createGuestHost, type GuestHost, type GuestHostOptions } from './guest/host.js';
export { compilePolicy, type PolicySpec, type CompiledPolicy } from './guest/policy.js';
export type { GuestEvent } from './guest/events.js';
// The allowlists, as data (docs/guests.md shows them; tools/gen-guest-tables.mjs writes that).
export { SOCKET_KINDS, OPTIONS, IOCTLS, NETLINK_REQUESTS, SEND_FLAGS, RECV_FLAGS, CMSGS } from './guest/rules.js';

// The guest's worker loads this same module (runner.ts starts it by URL).
if (!isMainThread && (workerData as any)?.wasockGuest === true) void workerMain();
