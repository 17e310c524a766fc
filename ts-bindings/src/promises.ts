// wasock/promises: Python's socket module for the event loop. The same names
// as 'wasock'; whatever can block returns a Promise. Sockets run the same
// operations as the sync API's (ops.ts), waiting on the event loop instead of
// in poll(2); see async-socket.ts. Every call that can wait takes an optional
// trailing AbortSignal.
import * as sync from './index.js';
import { AsyncSocket } from './lib/async-socket.js';
import { asCInt, unpack } from './lib/convert.js';
import { connectEach, socketFunctions } from './lib/factories.js';
import { isSignal } from './lib/pending.js';
import { callOffLoop } from './lib/name-worker.js';
import { abortError, forget } from './host/readiness.js';
import type { AddrInfo } from './lib/netdb.js';
import type { AddressArg, Host, HostEntry, Int, NameInfoAddressArg, Port, Timeout } from './lib/types.js';
import { SOCK_STREAM } from './host/constants.generated.js';
import { needsLookup } from './lib/gai.js';

export * from './index.js';
export { AsyncSocket as SocketType };
export { AbortError, pollStats } from './host/readiness.js';
export type { SocketDuplex, WebStreamPair } from './lib/streams.js';

type Signal = AbortSignal | undefined;

// A trailing AbortSignal, split off the arguments.
function splitSignal(args: unknown[]): [unknown[], Signal] {
  if (args.length && isSignal(args[args.length - 1])) return [args.slice(0, -1), args[args.length - 1] as AbortSignal];
  return [args, undefined];
}

export const { socket, socketpair, fromfd } = socketFunctions(AsyncSocket);
// `socket` as a type too: function f(s: socket.socket) {}.
export type socket = AsyncSocket;

// socket.close(fd): operations still waiting on that descriptor reject with
// EBADF, as when their socket is closed, rather than wait forever.
export function close(fd: Int): void;
export function close(fd: unknown): void {
  sync.close(fd as Int);
  forget(asCInt(fd));
}

// getaddrinfo(host, port, family, type, proto, flags[, signal]). Numeric
// answers come from the core at once; lookups run off the loop. An abort
// rejects at once (the lookup itself finishes in its worker, unobserved).
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family?: Int, type?: Int,
  proto?: Int, flags?: Int, signal?: AbortSignal): Promise<AddrInfo[]>;
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, signal?: AbortSignal):
  Promise<AddrInfo[]>;
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int,
  signal?: AbortSignal): Promise<AddrInfo[]>;
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int, type: Int,
  signal?: AbortSignal): Promise<AddrInfo[]>;
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int, type: Int,
  proto: Int, signal?: AbortSignal): Promise<AddrInfo[]>;
export function getaddrinfo(host: unknown, port: unknown, ...rest: unknown[]): Promise<AddrInfo[]> {
  const [args, signal] = splitSignal(rest);
  if (!needsLookup(host, port, args[0], args[1], args[2], args[3])) {
    try {
      return Promise.resolve(sync.getaddrinfo(host as Host | null, port as Port, ...(args as [])) as AddrInfo[]);
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

export const getnameinfo = offLoop('getnameinfo') as (sockaddr: NameInfoAddressArg, flags: Int,
  signal?: AbortSignal) => Promise<[host: string, port: string]>;
export const gethostbyname = offLoop('gethostbyname') as (hostname: Host, signal?: AbortSignal) => Promise<string>;
export const gethostbyname_ex = offLoop('gethostbyname_ex') as (hostname: Host, signal?: AbortSignal) =>
  Promise<HostEntry>;
export const gethostbyaddr = offLoop('gethostbyaddr') as (ip_address: Host, signal?: AbortSignal) =>
  Promise<HostEntry>;
export const getfqdn = offLoop('getfqdn') as {
  (name?: string, signal?: AbortSignal): Promise<string>;
  (signal?: AbortSignal): Promise<string>;
};
export const getservbyname = offLoop('getservbyname') as {
  (servicename: string, protocolname?: string | null, signal?: AbortSignal): Promise<number>;
  (servicename: string, signal?: AbortSignal): Promise<number>;
};
export const getservbyport = offLoop('getservbyport') as {
  (port: Int, protocolname?: string | null, signal?: AbortSignal): Promise<string>;
  (port: Int, signal?: AbortSignal): Promise<string>;
};
export const getprotobyname = offLoop('getprotobyname') as (protocolname: string, signal?: AbortSignal) =>
  Promise<number>;

// CPython's create_connection (factories.ts), each connect awaited:
// create_connection(address, timeout?, source_address?, all_errors?, signal?).
// The timeout covers each connect, as in CPython.
export async function create_connection(address: readonly [host: Host | null, port: Port], timeout?: Timeout,
  source_address?: AddressArg | null, all_errors?: boolean, signal?: AbortSignal): Promise<AsyncSocket>;
export async function create_connection(address: readonly [host: Host | null, port: Port], signal?: AbortSignal):
  Promise<AsyncSocket>;
export async function create_connection(address: readonly [host: Host | null, port: Port], timeout: Timeout,
  signal?: AbortSignal): Promise<AsyncSocket>;
export async function create_connection(address: readonly [host: Host | null, port: Port], timeout: Timeout,
  source_address: AddressArg | null, signal?: AbortSignal): Promise<AsyncSocket>;
export async function create_connection(address: unknown, ...rest: unknown[]): Promise<AsyncSocket> {
  const [args, signal] = splitSignal(rest);
  const [timeout, source_address = null, all_errors = false] = args;
  const [host, port] = unpack(address, 2);
  const infos = (await getaddrinfo(host as Host | null, port as Port, 0, SOCK_STREAM, signal)) as Array<[number, number, number, string,
    unknown]>;
  const each = connectEach(AsyncSocket, infos, timeout, source_address, all_errors);
  let step = each.next();
  while (!step.done) {
    const [sock, sa] = step.value;
    try {
      await sock.connect(sa, signal);
    } catch (e) {
      step = each.throw(e);
      continue;
    }
    step = each.next();
  }
  return step.value;
}
