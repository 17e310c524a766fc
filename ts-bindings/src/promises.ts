// wasock/promises: Python's socket module for the event loop. The same names
// as 'wasock'; whatever can block returns a Promise. Sockets run the same
// operations as the sync API's (ops.ts), waiting on the event loop instead of
// in poll(2); see async-socket.ts. Every call that can wait takes an optional
// trailing AbortSignal.
/**
 * `wasock/promises`: Python's `socket` module for the event loop. The same names as `wasock` (the
 * constants, the exception classes, the types, the functions that never wait), but every call that
 * can wait returns a Promise: the socket methods (see {@link SocketType}), `create_connection` and
 * the name lookups (`getaddrinfo`, `gethostbyname`, ...). Each of those takes an optional trailing
 * `AbortSignal`; an aborted call rejects with {@link AbortError}.
 *
 * A Promise API call never throws: bad arguments and OS failures reject its Promise, with the same
 * error classes as the sync API (`socket.error`, `socket.gaierror`, `socket.timeout`, TypeError,
 * RangeError). Values map as in `wasock` (None is null, tuples are arrays, bytes are Uint8Array,
 * keyword arguments are trailing positionals).
 *
 * @module wasock/promises
 */
import * as sync from './index.js';
import { AsyncSocket } from './lib/async-socket.js';
import { asCInt, unpack } from './lib/convert.js';
import { connectEach, createServerOf, socketFunctions } from './lib/factories.js';
import { isSignal } from './lib/pending.js';
import { callOffLoop } from './lib/name-worker.js';
import { abortError, forget } from './host/readiness.js';
import { localGetaddrinfoList, type AddrInfo } from './lib/netdb.js';
import type { AddressArg, Host, HostEntry, Int, NameInfoAddressArg, Port, Timeout } from './lib/types.js';
import { AF_INET, SCM_RIGHTS, SOCK_STREAM, SOL_SOCKET } from './host/constants.generated.js';
import { fdArray, fdBytes, receivedFds } from './lib/fds.js';

export * from './index.js';
export * from './host/constants.generated.js';
export { AsyncSocket as SocketType };
export { AbortError, pollStats } from './host/readiness.js';
export type { SocketDuplex, WebStreamPair } from './lib/streams.js';

type Signal = AbortSignal | undefined;

// A trailing AbortSignal, split off the arguments.
function splitSignal(args: unknown[]): [unknown[], Signal] {
  if (args.length && isSignal(args[args.length - 1])) return [args.slice(0, -1), args[args.length - 1] as AbortSignal];
  return [args, undefined];
}

const made = socketFunctions(AsyncSocket);
/**
 * Python's `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)` for the event
 * loop: a new Promise API socket ({@link SocketType}), called with or without `new`, and the class
 * of every such socket. Making a socket never waits, so this returns it directly.
 *
 * @throws socket.error with the kernel's errno when it refuses (e.g. `EAFNOSUPPORT`); TypeError or
 *   RangeError for bad arguments.
 */
export const socket = made.socket;
/**
 * Python's `socket.socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0)`: two connected Promise
 * API sockets, returned directly.
 *
 * @throws socket.error when the kernel refuses.
 */
export const socketpair = made.socketpair;
/**
 * Python's `socket.fromfd(fd, family, type, proto=0)`: a Promise API socket over a duplicate of
 * `fd`, returned directly; `fd` stays the caller's.
 *
 * @throws socket.error (EBADF when `fd` is not open).
 */
export const fromfd = made.fromfd;
// `socket` as a type too: function f(s: socket.socket) {}.
/** The Promise API's socket class as a type: `function serve(s: socket.socket) {}`. */
export type socket = AsyncSocket;

// socket.close(fd): operations still waiting on that descriptor reject with
// EBADF, as when their socket is closed, rather than wait forever.
/**
 * Python's `socket.close(fd)`: closes a bare descriptor, ignoring ECONNRESET. Operations of this
 * library still waiting on that descriptor reject with `socket.error` (EBADF).
 *
 * @throws socket.error, e.g. EBADF for a descriptor that is not open.
 */
export function close(fd: Int): void;
export function close(fd: unknown): void {
  sync.close(fd as Int);
  forget(asCInt(fd));
}

// getaddrinfo(host, port, family, type, proto, flags[, signal]). Numeric
// answers, and those the hosts file decides, come from the core at once (one
// call: wsk_getaddrinfo_local); DNS lookups run off the loop. An abort rejects at once (the lookup itself
// finishes in its worker, unobserved).
/**
 * Python's `socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`, awaited: resolves
 * to a list of `[family, type, proto, canonname, sockaddr]`. Numeric hosts and ports, and names the
 * hosts file answers before DNS (as the resolver configuration orders them), are answered at
 * once; a lookup that takes DNS runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.gaierror (`errno` an `EAI_*` value, `code` e.g. `'EAI_NONAME'`);
 *   TypeError or RangeError for bad arguments; AbortError.
 */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family?: Int, type?: Int,
  proto?: Int, flags?: Int, signal?: AbortSignal): Promise<AddrInfo[]>;
/** `getaddrinfo(host, port, signal)`: the other arguments left out. */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, signal?: AbortSignal):
  Promise<AddrInfo[]>;
/** `getaddrinfo(host, port, family, signal)`. */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int,
  signal?: AbortSignal): Promise<AddrInfo[]>;
/** `getaddrinfo(host, port, family, type, signal)`. */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int, type: Int,
  signal?: AbortSignal): Promise<AddrInfo[]>;
/** `getaddrinfo(host, port, family, type, proto, signal)`. */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family: Int, type: Int,
  proto: Int, signal?: AbortSignal): Promise<AddrInfo[]>;
export function getaddrinfo(host: unknown, port: unknown, ...rest: unknown[]): Promise<AddrInfo[]> {
  const [args, signal] = splitSignal(rest);
  // An aborted signal rejects whatever the answer would take, as Node's own APIs do.
  if (signal?.aborted) return Promise.reject(abortError(signal));
  try {
    // Numeric answers and what the hosts file decides (localhost, names pinned there) come
    // from the core here; only DNS (or the system resolver) is worth a worker's start-up.
    const local = localGetaddrinfoList(host, port, args[0], args[1], args[2], args[3]);
    if (local !== null) return Promise.resolve(local);
  } catch (e) {
    return Promise.reject(e);
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

/**
 * Python's `socket.getnameinfo(sockaddr, flags)`, awaited: resolves to `[host, port]` as text.
 * The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.gaierror; TypeError for a bad sockaddr; AbortError.
 */
export const getnameinfo = offLoop('getnameinfo') as (sockaddr: NameInfoAddressArg, flags: Int,
  signal?: AbortSignal) => Promise<[host: string, port: string]>;
/**
 * Python's `socket.gethostbyname(hostname)`, awaited: resolves to one IPv4 address as text.
 * The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.gaierror when the name does not resolve; AbortError.
 */
export const gethostbyname = offLoop('gethostbyname') as (hostname: Host, signal?: AbortSignal) => Promise<string>;
/**
 * Python's `socket.gethostbyname_ex(hostname)`, awaited: resolves to `[hostname, aliaslist,
 * ipaddrlist]` (IPv4 only). The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.gaierror when the name does not resolve; AbortError.
 */
export const gethostbyname_ex = offLoop('gethostbyname_ex') as (hostname: Host, signal?: AbortSignal) =>
  Promise<HostEntry>;
/**
 * Python's `socket.gethostbyaddr(ip_address)`, awaited: resolves to `[hostname, aliaslist,
 * ipaddrlist]` for an address (or a name, looked up first). The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.herror when there is no name for the address; socket.gaierror; AbortError.
 */
export const gethostbyaddr = offLoop('gethostbyaddr') as (ip_address: Host, signal?: AbortSignal) =>
  Promise<HostEntry>;
/**
 * Python's `socket.getfqdn([name])`, awaited: resolves to a fully qualified name for `name` (this
 * host when empty or left out), or `name` itself when none is found. Never rejects for a name that
 * does not resolve. The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 */
export const getfqdn = offLoop('getfqdn') as {
  (name?: string, signal?: AbortSignal): Promise<string>;
  (signal?: AbortSignal): Promise<string>;
};
/**
 * Python's `socket.getservbyname(servicename[, protocolname])`, awaited: resolves to the port of a
 * service ('http' is 80) from the services file. The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.error ('service/proto not found'); AbortError.
 */
export const getservbyname = offLoop('getservbyname') as {
  (servicename: string, protocolname?: string | null, signal?: AbortSignal): Promise<number>;
  (servicename: string, signal?: AbortSignal): Promise<number>;
};
/**
 * Python's `socket.getservbyport(port[, protocolname])`, awaited: resolves to the name of a service
 * from its port. The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.error ('port/proto not found'); RangeError (port out of 0-65535); AbortError.
 */
export const getservbyport = offLoop('getservbyport') as {
  (port: Int, protocolname?: string | null, signal?: AbortSignal): Promise<string>;
  (port: Int, signal?: AbortSignal): Promise<string>;
};
/**
 * Python's `socket.getprotobyname(protocolname)`, awaited: resolves to a protocol's number ('tcp' is
 * 6) from the protocols file. The lookup runs on a worker thread, off the event loop.
 *
 * @param signal Rejects the Promise at once with an `AbortError` when aborted (the lookup itself
 *   finishes in its worker thread, unobserved).
 * @throws (rejects) socket.error ('protocol not found'); AbortError.
 */
export const getprotobyname = offLoop('getprotobyname') as (protocolname: string, signal?: AbortSignal) =>
  Promise<number>;

// CPython's create_server (factories.ts), the same code as the sync API's.
/**
 * Python's `socket.create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
 * dualstack_ipv6=False)` for the event loop: a listening Promise API socket, returned directly, not
 * in a Promise, because nothing in it waits (bind and listen never block), as `socket()` returns
 * its socket directly. See `create_server` of `wasock` for the arguments.
 *
 * @param family AF_INET or AF_INET6; an AF_INET6 socket gets IPV6_V6ONLY 1, or 0 with
 *   `dualstack_ipv6`.
 * @param backlog Passed to `listen()`; null or left out: `listen()`'s default.
 * @param reuse_port Sets SO_REUSEPORT too.
 * @param dualstack_ipv6 One AF_INET6 socket that accepts IPv4 connections as well.
 * @returns The listening socket.
 * @throws socket.error, its message `'<strerror> (while attempting to bind on address <address>)'`
 *   when bind fails (the socket is closed); RangeError when `dualstack_ipv6` is asked for without
 *   AF_INET6 or where `has_dualstack_ipv6()` is false.
 */
export function create_server(address: AddressArg, family?: Int, backlog?: Int | null, reuse_port?: boolean,
  dualstack_ipv6?: boolean): AsyncSocket;
export function create_server(address: unknown, family: unknown = AF_INET, backlog: unknown = null,
  reuse_port: unknown = false, dualstack_ipv6: unknown = false): AsyncSocket {
  return createServerOf(AsyncSocket, address, family, backlog, reuse_port, dualstack_ipv6);
}

// CPython's create_connection (factories.ts), each connect awaited:
// create_connection(address, timeout?, source_address?, all_errors?, signal?).
// The timeout covers each connect, as in CPython.
/**
 * Python's `socket.create_connection(address, timeout=<default>, source_address=None,
 * all_errors=False)`, awaited: resolves `address` (`[host, port]`) off the loop and connects to each
 * answer in turn, resolving to the first socket that connects (a Promise API socket).
 *
 * @param timeout Set on each socket before its connect (so it covers each attempt); left out: the
 *   default timeout; `null`: no limit.
 * @param source_address `[host, port]` to bind to first, or null.
 * @param all_errors When every attempt fails: false rejects with the last error, true with an
 *   `AggregateError` of all of them (Python's ExceptionGroup).
 * @param signal Aborts the lookup or the connect in progress: rejects with an `AbortError`, and the
 *   socket being connected is closed.
 * @throws (rejects) socket.gaierror, socket.error, socket.timeout, AggregateError, AbortError.
 */
export async function create_connection(address: readonly [host: Host | null, port: Port], timeout?: Timeout,
  source_address?: AddressArg | null, all_errors?: boolean, signal?: AbortSignal): Promise<AsyncSocket>;
/** `create_connection(address, signal)`: the default timeout. */
export async function create_connection(address: readonly [host: Host | null, port: Port], signal?: AbortSignal):
  Promise<AsyncSocket>;
/** `create_connection(address, timeout, signal)`. */
export async function create_connection(address: readonly [host: Host | null, port: Port], timeout: Timeout,
  signal?: AbortSignal): Promise<AsyncSocket>;
/** `create_connection(address, timeout, source_address, signal)`. */
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

// ---- send_fds / recv_fds: socket.py's, over the socket's own sendmsg/recvmsg ----------------

/**
 * Python's `socket.send_fds(sock, buffers, fds[, flags[, address]])`, awaited: sends the descriptors
 * `fds` over an AF_UNIX Promise API socket with `sock.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS,
 * fds]])`, resolving to the number of bytes of data sent. As in CPython's socket.py, `flags` and
 * `address` are accepted and not passed on.
 *
 * @param signal Aborts the wait: the Promise rejects with an `AbortError`; nothing is sent.
 * @throws (rejects) as sendmsg; TypeError when `fds` is not an iterable of ints.
 */
export function send_fds(sock: AsyncSocket, buffers: Iterable<sync.Bytes>, fds: Iterable<Int>, flags?: Int,
  address?: AddressArg | null, signal?: AbortSignal): Promise<number>;
export function send_fds(sock: AsyncSocket, ...rest: unknown[]): Promise<number> {
  const [[buffers, fds], signal] = splitSignal(rest);
  try {
    return sock.sendmsg(buffers as Iterable<sync.Bytes>, [[SOL_SOCKET, SCM_RIGHTS, fdArray(fds)]],
      undefined, undefined, signal);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Python's `socket.recv_fds(sock, bufsize, maxfds[, flags])`, awaited: resolves to
 * `[data, fds, msg_flags, address]` with at most `bufsize` bytes and up to `maxfds` descriptors
 * (close-on-exec). As in CPython's socket.py, `flags` is accepted and not passed on.
 *
 * @param signal Aborts the wait: the Promise rejects with an `AbortError`; nothing is received.
 * @throws (rejects) as recvmsg; RangeError `'CMSG_LEN() argument out of range'` for a negative `maxfds`.
 */
export function recv_fds(sock: AsyncSocket, bufsize: Int, maxfds: Int, flags?: Int, signal?: AbortSignal):
  Promise<sync.RecvFdsResult>;
export async function recv_fds(sock: AsyncSocket, ...rest: unknown[]): Promise<sync.RecvFdsResult> {
  const [[bufsize, maxfds], signal] = splitSignal(rest);
  const [data, anc, msgFlags, addr] = await sock.recvmsg(bufsize as Int, sync.CMSG_LEN(fdBytes(maxfds)), undefined,
    signal);
  return [data, receivedFds(anc), msgFlags, addr];
}
