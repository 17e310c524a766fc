// The runtime's built-in modules that the socket library (wasock, wasock/promises) uses: Node's,
// which Deno and Bun also have. Every file on that path takes them from here (the guest host and
// the CLI, which a socket program does not load, import theirs).
//
// They are required, not imported: for an ESM import of a built-in, Node builds a module facade
// that reads every export, getters included (node:fs's ReadStream getter loads node:stream), a
// few milliseconds of every `import('wasock')`. What only some programs use (streams, worker
// threads) is required on first use.
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);

export const fs: typeof import('node:fs') = require('node:fs');
export const url: typeof import('node:url') = require('node:url');
export const util: typeof import('node:util') = require('node:util');
// A binding of its own: the global Buffer is a getter, which a hot path reads on every call.
export const { Buffer }: typeof import('node:buffer') = require('node:buffer');

export function stream(): typeof import('node:stream') {
  return require('node:stream');
}

export function workerThreads(): typeof import('node:worker_threads') {
  return require('node:worker_threads');
}
