// wasock/promises: Python's socket module for the event loop. The same names
// as 'wasock'; whatever can block returns a Promise. Sockets are the sync
// API's SocketType (one implementation of conversions, codecs and state)
// whose waits happen on the event loop (uv_poll) instead of in poll(2); see
// async-socket.ts. Every blocking call takes an optional trailing AbortSignal.
import * as sync from './index.js';
import { AsyncSocket } from './async-socket.js';
import { error } from './errors.js';
import { asCInt, truthy, unpack } from './convert.js';
import { callOffLoop } from './name-worker.js';
import { abortError, forget } from './readiness.js';
import type { AddrInfo } from './netdb.js';
import { inet_pton } from './text.js';
import { AF_INET, AF_INET6, SOCK_STREAM } from './constants.generated.js';

export * from './index.js';
export { AsyncSocket as SocketType };
export { AbortError, pollStats } from './readiness.js';
export type { SocketDuplex, WebStreamPair } from './streams.js';

type Signal = AbortSignal | undefined;

function isSignal(v: unknown): v is AbortSignal {
  return typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;
}

// A trailing AbortSignal, split off the arguments.
function splitSignal(args: unknown[]): [unknown[], Signal] {
  if (args.length && isSignal(args[args.length - 1])) return [args.slice(0, -1), args[args.length - 1] as AbortSignal];
  return [args, undefined];
}

// socket.socket(...) with or without `new`, as in the sync API.
export const socket = function socket(family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown) {
  return new AsyncSocket(family, type, proto, fileno);
} as unknown as {
  new (family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown): AsyncSocket;
  (family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown): AsyncSocket;
  prototype: AsyncSocket;
};
socket.prototype = AsyncSocket.prototype;

// The sync function's checks and descriptors, handed over to Promise API sockets.
function adopt(s: sync.SocketType): AsyncSocket {
  const { family, type, proto } = s;
  return new AsyncSocket(family, type, proto, s.detach());
}

export function socketpair(family?: unknown, type?: unknown, proto?: unknown): [AsyncSocket, AsyncSocket] {
  const [a, b] = sync.socketpair(family, type, proto);
  return [adopt(a), adopt(b)];
}

export function fromfd(fd: unknown, family: unknown, type: unknown, proto?: unknown): AsyncSocket {
  return adopt(sync.fromfd(fd, family, type, proto));
}

// socket.close(fd): operations still waiting on that descriptor reject with
// EBADF, as when their socket is closed, rather than wait forever.
export function close(fd: unknown): void {
  sync.close(fd);
  forget(asCInt(fd));
}

// A host or port that needs no lookup: the core answers it at once.
function numericHost(host: unknown): boolean {
  if (host === null || host === undefined) return true;
  if (typeof host !== 'string') return false;
  const h = host.includes('%') ? host.slice(0, host.indexOf('%')) : host;
  for (const af of [AF_INET, AF_INET6]) {
    try {
      inet_pton(af, h);
      return true;
    } catch { /* not this family */ }
  }
  return false;
}

function numericPort(port: unknown): boolean {
  return port === null || port === undefined || typeof port === 'number' || typeof port === 'bigint' ||
    (typeof port === 'string' && /^[0-9]+$/.test(port));
}

// getaddrinfo(host, port, family, type, proto, flags[, signal]). Numeric
// answers come from the core at once; lookups run off the loop. An abort
// rejects at once (the lookup itself finishes in its worker, unobserved).
export function getaddrinfo(host: unknown, port: unknown, ...rest: unknown[]): Promise<AddrInfo[]> {
  const [args, signal] = splitSignal(rest);
  if (numericHost(host) && numericPort(port)) {
    try {
      return Promise.resolve(sync.getaddrinfo(host, port, ...(args as [])) as AddrInfo[]);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return abortable(callOffLoop('getaddrinfo', [host, port, ...args]), signal);
}

function abortable<T>(p: Promise<T>, signal: Signal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// The other name functions: each the sync API's, run off the loop.
function offLoop(name: string) {
  return (...all: unknown[]): Promise<never> => {
    const [args, signal] = splitSignal(all);
    return abortable(callOffLoop<never>(name, args), signal);
  };
}

export const getnameinfo = offLoop('getnameinfo') as (sockaddr: unknown, flags: unknown, signal?: AbortSignal) =>
  Promise<[string, string]>;
export const gethostbyname = offLoop('gethostbyname') as (hostname: unknown, signal?: AbortSignal) => Promise<string>;
export const gethostbyname_ex = offLoop('gethostbyname_ex') as (hostname: unknown, signal?: AbortSignal) =>
  Promise<[string, string[], string[]]>;
export const gethostbyaddr = offLoop('gethostbyaddr') as (ip_address: unknown, signal?: AbortSignal) =>
  Promise<[string, string[], string[]]>;
export const getfqdn = offLoop('getfqdn') as (name?: unknown, signal?: AbortSignal) => Promise<string>;
export const getservbyname = offLoop('getservbyname') as (servicename: unknown, protocolname?: unknown,
  signal?: AbortSignal) => Promise<number>;
export const getservbyport = offLoop('getservbyport') as (port: unknown, protocolname?: unknown,
  signal?: AbortSignal) => Promise<string>;
export const getprotobyname = offLoop('getprotobyname') as (protocolname: unknown, signal?: AbortSignal) =>
  Promise<number>;

// CPython's create_connection: each getaddrinfo answer in turn, the first that
// connects wins, else the last error. `timeout` undefined is the default
// timeout, null blocking; it covers each connect, as in CPython.
export async function create_connection(address: unknown, ...rest: unknown[]): Promise<AsyncSocket> {
  const [args, signal] = splitSignal(rest);
  const [timeout, source_address = null] = args;
  const [host, port] = unpack(address, 2);
  const infos = (await getaddrinfo(host, port, 0, SOCK_STREAM, signal)) as Array<[number, number, number, string,
    unknown]>;
  let last: unknown = null;
  for (const [af, socktype, proto, , sa] of infos) {
    let sock: AsyncSocket | null = null;
    try {
      sock = new AsyncSocket(af, socktype, proto);
      if (timeout !== undefined) sock.settimeout(timeout);
      if (truthy(source_address)) sock.bind(source_address);
      await sock.connect(sa, signal);
      return sock;
    } catch (e) {
      sock?.close();
      if (!(e instanceof error)) throw e;
      last = e;
    }
  }
  if (last) throw last;
  throw new error('getaddrinfo returns an empty list');
}
