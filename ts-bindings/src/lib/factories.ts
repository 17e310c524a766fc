// The module functions that make sockets, written once over a socket class:
// the sync API passes SocketType, the Promise API AsyncSocket.
import { addon } from '../host/native.js';
import { memory, scratch } from '../host/core.js';
import { error, osError } from './errors.js';
import { asCInt, pyStr, truthy } from './convert.js';
import {
  AF_INET6, AF_UNIX, IPPROTO_IPV6, IPV6_V6ONLY, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT,
} from '../host/constants.generated.js';
import type { SocketBase, SocketClass } from './socket-base.js';
import type { AddressArg, Int, Timeout } from './types.js';

// socket.socket(...) works with and without `new`, and `instanceof socket`
// holds, as in Python where the class is called to construct.
// socket(family = AF_INET, type = SOCK_STREAM, proto = 0, fileno = null).
/**
 * The type of `socket.socket`: `socket(family = AF_INET, type = SOCK_STREAM, proto = 0, fileno =
 * null)` makes a socket, called with or without `new`; `prototype` makes `instanceof` work.
 */
export interface SocketFactory<S> {
  /** Makes a socket (see the constructor of the socket class); `new` is optional. */
  new (family?: Int, type?: Int, proto?: Int, fileno?: Int | null): S;
  /** Makes a socket, as Python calls the class. */
  (family?: Int, type?: Int, proto?: Int, fileno?: Int | null): S;
  /** The socket class's prototype, so that `s instanceof socket.socket` holds. */
  readonly prototype: S;
}

// socketpair(family = AF_UNIX, type = SOCK_STREAM, proto = 0).
/** The type of `socketpair(family = AF_UNIX, type = SOCK_STREAM, proto = 0)`: two connected sockets. */
export type SocketpairFunction<S> = (family?: Int | null, type?: Int, proto?: Int) => [S, S];
// fromfd(fd, family, type, proto = 0): a socket over a duplicate of fd.
/** The type of `fromfd(fd, family, type, proto = 0)`: a socket over a duplicate of `fd`. */
export type FromfdFunction<S> = (fd: Int, family: Int, type: Int, proto?: Int) => S;

function socketFactory<S>(Cls: SocketClass<S>): SocketFactory<S> {
  const f = function socket(family?: Int, type?: Int, proto?: Int, fileno?: Int | null): S {
    return new Cls(family, type, proto, fileno);
  };
  f.prototype = Cls.prototype;
  return f as unknown as SocketFactory<S>;
}

// socket.socket, socketpair and fromfd of one API, its sockets of class Cls.
export function socketFunctions<S>(Cls: SocketClass<S>):
  { socket: SocketFactory<S>; socketpair: SocketpairFunction<S>; fromfd: FromfdFunction<S> } {
  return {
    socket: socketFactory(Cls),
    socketpair: (family: unknown = null, type: unknown = SOCK_STREAM, proto: unknown = 0): [S, S] =>
      socketpairOf(Cls, family, type, proto),
    fromfd: (fd: unknown, family: unknown, type: unknown, proto: unknown = 0): S =>
      fromfdOf(Cls, fd, family, type, proto),
  };
}

function socketpairOf<S>(Cls: SocketClass<S>, family: unknown, type: unknown, proto: unknown): [S, S] {
  const fam = family === null ? AF_UNIX : asCInt(family);
  const typ = asCInt(type);
  const pro = asCInt(proto);
  const r = addon.socketpair(fam, typ, pro, memory().u8, scratch.fds);
  if (r < 0) throw osError(-r);
  const dv = memory().dv;
  const a = dv.getInt32(scratch.fds, true);
  const b = dv.getInt32(scratch.fds + 4, true);
  return [new Cls(fam, typ, pro, a), new Cls(fam, typ, pro, b)];
}

// fromfd duplicates the descriptor, as CPython does: the original stays the caller's.
function fromfdOf<S>(Cls: SocketClass<S>, fd: unknown, family: unknown, type: unknown, proto: unknown): S {
  const nfd = addon.dup(asCInt(fd));
  if (nfd < 0) throw osError(-nfd);
  return new Cls(family as Int, type as Int, proto as Int, nfd);
}

// A getaddrinfo answer: (family, type, proto, canonname, sockaddr).
type Candidate = readonly [number, number, number, string, unknown];

// CPython's create_connection, the part both APIs share: for each getaddrinfo
// answer in turn, a socket with the timeout and source address, yielded with
// the address to connect it to. The caller connects it (blocking or awaited)
// and throws any error back in; the first socket connected is the result.
// Else the last OS error is raised, or with all_errors every one of them, as
// an AggregateError (Python's ExceptionGroup). `timeout` undefined means the
// default timeout, null blocking. A socket that failed is closed.
export function* connectEach<S extends SocketBase>(Cls: SocketClass<S>, candidates: Iterable<Candidate>,
  timeout: unknown, sourceAddress: unknown, allErrors: unknown): Generator<[S, AddressArg], S, void> {
  const errors: error[] = [];
  for (const [af, socktype, proto, , sa] of candidates) {
    let sock: S | null = null;
    try {
      sock = new Cls(af, socktype, proto);
      if (timeout !== undefined) sock.settimeout(timeout as Timeout);
      if (truthy(sourceAddress)) sock.bind(sourceAddress as AddressArg);
      yield [sock, sa as AddressArg];
      return sock;
    } catch (e) {
      sock?.close();
      if (!(e instanceof error)) throw e;
      // Without all_errors only the last error is kept, as in CPython 3.11.
      if (!truthy(allErrors)) errors.length = 0;
      errors.push(e);
    }
  }
  if (errors.length === 0) throw new error('getaddrinfo returns an empty list');
  if (truthy(allErrors)) throw new AggregateError(errors, 'create_connection failed');
  throw errors[0];
}

// Python's `x == n` for an int argument (bool and bigint are ints; anything else is unequal).
function equalsInt(v: unknown, n: number): boolean {
  if (typeof v === 'bigint') return v === BigInt(n);
  return (typeof v === 'number' || typeof v === 'boolean') && Number(v) === n;
}

// CPython 3.11's has_dualstack_ipv6(): whether an AF_INET6 stream socket
// accepts IPV6_V6ONLY = 0. The probe socket is closed either way.
export function hasDualstackOf<S extends SocketBase>(Cls: SocketClass<S>): boolean {
  let sock: S | null = null;
  try {
    sock = new Cls(AF_INET6, SOCK_STREAM);
    sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0);
    return true;
  } catch (e) {
    if (e instanceof error) return false;
    throw e;
  } finally {
    sock?.close();
  }
}

// CPython 3.11's create_server(address, *, family, backlog, reuse_port,
// dualstack_ipv6), line for line, on POSIX: SO_REUSEADDR (its failure ignored),
// SO_REUSEPORT on request, IPV6_V6ONLY 0 for dualstack else 1 for AF_INET6, a
// bind error re-raised as error(errno, '<strerror> (while attempting to bind on
// address <repr>)'), then listen(). Nothing here waits (bind and listen never
// block), so both APIs return the socket directly. On an error the socket is
// closed: CPython closes it on OSError and leaves any other to its finalizer;
// here it is closed on every error, there being no finalizer to rely on.
export function createServerOf<S extends SocketBase>(Cls: SocketClass<S>, address: unknown, family: unknown,
  backlog: unknown, reusePort: unknown, dualstackIpv6: unknown): S {
  // SO_REUSEPORT exists on Linux, so CPython's "not supported" ValueError never applies here.
  if (truthy(dualstackIpv6)) {
    if (!hasDualstackOf(Cls)) throw new RangeError('dualstack_ipv6 not supported on this platform');
    if (!equalsInt(family, AF_INET6)) throw new RangeError('dualstack_ipv6 requires AF_INET6 family');
  }
  const sock = new Cls(family as Int, SOCK_STREAM);
  try {
    try {
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    } catch (e) {
      // Fail later on bind(), as CPython does for platforms without it.
      if (!(e instanceof error)) throw e;
    }
    if (truthy(reusePort)) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    if (equalsInt(family, AF_INET6)) {
      sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, truthy(dualstackIpv6) ? 0 : 1);
    }
    try {
      sock.bind(address as AddressArg);
    } catch (err) {
      if (!(err instanceof error)) throw err;
      const e = new error(err.errno as number, `${err.strerror} (while attempting to bind on address ${pyStr(address, true)})`);
      e.code = err.code;
      throw e;
    }
    if (backlog === null || backlog === undefined) sock.listen();
    else sock.listen(backlog as Int);
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}
