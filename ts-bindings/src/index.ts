// wasock: Python's socket module, synchronous and blocking, for JavaScript.
// Every name of Python's socket module that wasock has is exported under the same name.
/**
 * `wasock`: Python's `socket` module (CPython 3.11), synchronous and blocking, for JavaScript
 * (Node, Deno, Bun on Linux). `import * as socket from 'wasock'` gives every name of Python's module
 * under the same name; each call blocks the thread as CPython's does, under the socket's timeout.
 * `wasock/promises` has the same names for the event loop.
 *
 * How Python's values map to JavaScript:
 * - None is `null`; an argument left out (`undefined`) takes its default.
 * - Tuples are arrays: an AF_INET address is `['127.0.0.1', 80]`, AF_INET6 `['::1', 80, 0, 0]`.
 * - bytes are `Uint8Array` (Node's Buffer is one); any ArrayBufferView or ArrayBuffer is accepted
 *   as input. str is string; int and float are number (bigint and boolean are accepted as ints).
 * - Keyword arguments are trailing positional arguments, in the order Python's documentation
 *   lists them: `create_connection(address, timeout, source_address, all_errors)`.
 * - Timeouts are in seconds, as in Python.
 *
 * Errors: an OS failure throws {@link error} (Python's OSError, a subclass of Error) with `errno`,
 * `strerror`, a Node-style `code` (`'ECONNREFUSED'`) and, for socket calls, `syscall` and the
 * `address`/`port` given; {@link herror}, {@link gaierror} (name lookups, `errno` an `EAI_*`
 * value) and {@link timeout} extend it. Where CPython raises TypeError so does the library; where it
 * raises ValueError or OverflowError, RangeError.
 *
 * Constants: the module also exports Python's constants (about a thousand: `AF_*`, `SOCK_*`,
 * `SO_*`, `SOL_*`, `MSG_*`, `IPPROTO_*`, `IPPORT_*`, `INADDR_*`, `IP_*`, `IPV6_*`, `TCP_*`, `EAI_*`,
 * `AI_*`, `NI_*`, `TIPC_*`, `SOMAXCONN`, ...) as numbers with the values of Linux's headers, each
 * under Python's name; the ones Python's module has on Linux are all there. They are not
 * documented one by one here: see Python's socket documentation and the Linux manual pages
 * (socket(7), ip(7), tcp(7), ...).
 *
 * @module wasock
 */
import { SocketType, getdefaulttimeout, setdefaulttimeout } from './lib/socket.js';
import { addon } from './host/native.js';
import { error, osError } from './lib/errors.js';
import { connectEach, createServerOf, hasDualstackOf, socketFunctions } from './lib/factories.js';
import { asCInt, asCLong, asIndex, asInt, typeName, unpack } from './lib/convert.js';
import { AF_INET, SCM_RIGHTS, SOCK_STREAM, SOL_SOCKET } from './host/constants.generated.js';
import { ECONNRESET } from './host/core-abi.generated.js';
import { cmsgLen, cmsgSpace, NATIVE_CMSG, SOCKLEN_T_LIMIT } from './lib/cmsg.js';
import { getaddrinfo } from './lib/netdb.js';
import type { AddressArg, Bytes, Host, Int, InterfaceEntry, Port, RecvFdsResult, Timeout } from './lib/types.js';
import { fdArray, fdBytes, receivedFds } from './lib/fds.js';

export * from './host/constants.generated.js';
export { SocketType, getdefaulttimeout, setdefaulttimeout };
export { error, herror, gaierror, timeout } from './lib/errors.js';
export { AddressFamily, SocketKind, MsgFlag, AddressInfo } from './lib/enums.js';
export { inet_aton, inet_ntoa, inet_pton, inet_ntop, htons, ntohs, htonl, ntohl } from './lib/text.js';
export {
  getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, gethostname, getfqdn, getservbyname,
  getservbyport, getprotobyname, configureResolver,
} from './lib/netdb.js';
export type { ResolverOptions, Nameserver } from './lib/netdb.js';
export type { SocketFile } from './lib/makefile.js';
export type {
  Int, Bytes, WritableBytes, Timeout, Host, Port, Address, AddressArg, IPv4Address, IPv6Address, InetAddress,
  UnixAddress, NetlinkAddress, PacketAddress, TipcAddress, VsockAddress, CanAddress, RawAddress, IPv4AddressArg, IPv6AddressArg,
  UnixAddressArg, NetlinkAddressArg, PacketAddressArg, TipcAddressArg, VsockAddressArg, CanAddressArg, AlgAddressArg, AlgType, AddrInfo, HostEntry,
  NameInfoAddressArg, InterfaceEntry, IntEnum,
} from './lib/types.js';
export type { SocketFactory, SocketpairFunction, FromfdFunction } from './lib/factories.js';
export type { SendfileFile, PyFileLike } from './lib/types.js';

/** Python's `socket.has_ipv6`: true, as the library supports IPv6 (whether the host has an IPv6 address is another matter). */
export const has_ipv6 = true;

const made = socketFunctions(SocketType);
/**
 * Python's `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)`: a new socket
 * ({@link SocketType}), called with or without `new`. It is also the class of every socket:
 * `s instanceof socket.socket` holds. With `fileno`, wraps that open descriptor (not a copy) and
 * asks the kernel for the family, type and protocol left out.
 *
 * @throws socket.error with the kernel's errno when it refuses (e.g. `EAFNOSUPPORT`,
 *   `EPROTONOSUPPORT`, `EMFILE`); TypeError for a non-integer argument; RangeError for a negative
 *   `fileno`.
 */
export const socket = made.socket;
/**
 * Python's `socket.socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0)`: two sockets connected to
 * each other, as an array `[a, b]`; `family` null or left out means AF_UNIX.
 *
 * @throws socket.error when the kernel refuses (e.g. `EOPNOTSUPP` for AF_INET).
 */
export const socketpair = made.socketpair;
/**
 * Python's `socket.fromfd(fd, family, type, proto=0)`: a socket over a duplicate (dup(2)) of the
 * open descriptor `fd`, which stays the caller's to close.
 *
 * @throws socket.error (EBADF when `fd` is not open).
 */
export const fromfd = made.fromfd;
// `socket` as a type too, as in Python: function f(s: socket.socket) {}.
/** The socket class as a type, as in Python: `function serve(s: socket.socket) {}`. */
export type socket = SocketType;

// CPython's create_connection (factories.ts), each connect blocking.
// The timeout left out (undefined) is the default timeout; null blocks.
/**
 * Python's `socket.create_connection(address, timeout=<default>, source_address=None, all_errors=False)`,
 * keyword arguments as trailing positionals: resolves `address` (`[host, port]`) with getaddrinfo
 * and tries each answer in turn until one connects.
 *
 * @param timeout Set on the socket before connecting; left out (`undefined`): the default timeout
 *   ({@link getdefaulttimeout}); `null`: blocking.
 * @param source_address `[host, port]` to bind to first, or null.
 * @param all_errors When every attempt fails: false throws the last error, true an
 *   `AggregateError` of all of them (Python's ExceptionGroup).
 * @returns The connected socket.
 * @throws socket.gaierror when the name does not resolve; socket.error / socket.timeout of the
 *   last attempt; AggregateError with `all_errors`.
 */
export function create_connection(address: readonly [host: Host | null, port: Port], timeout?: Timeout,
  source_address?: AddressArg | null, all_errors?: boolean): SocketType;
export function create_connection(address: unknown, timeout: unknown = undefined,
  source_address: unknown = null, all_errors: unknown = false): SocketType {
  const [host, port] = unpack(address, 2);
  const each = connectEach(SocketType, getaddrinfoFor(host, port), timeout, source_address, all_errors);
  let step = each.next();
  while (!step.done) {
    const [sock, sa] = step.value;
    try {
      sock.connect(sa);
    } catch (e) {
      step = each.throw(e);
      continue;
    }
    step = each.next();
  }
  return step.value;
}

// CPython's create_server and has_dualstack_ipv6 (factories.ts).
/**
 * Python's `socket.create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
 * dualstack_ipv6=False)`, keyword arguments as trailing positionals: a SOCK_STREAM socket with
 * SO_REUSEADDR set, bound to `address` (`[host, port]`) and listening.
 *
 * @param family AF_INET or AF_INET6; an AF_INET6 socket gets IPV6_V6ONLY 1, or 0 with
 *   `dualstack_ipv6`.
 * @param backlog Passed to `listen()`; null or left out: `listen()`'s default.
 * @param reuse_port Sets SO_REUSEPORT too.
 * @param dualstack_ipv6 One AF_INET6 socket that accepts IPv4 connections as well.
 * @returns The listening socket.
 * @throws socket.error, its message `'<strerror> (while attempting to bind on address <address>)'`
 *   when bind fails (the socket is closed); RangeError when `dualstack_ipv6` is asked for without
 *   AF_INET6 or where {@link has_dualstack_ipv6} is false.
 */
export function create_server(address: AddressArg, family?: Int, backlog?: Int | null, reuse_port?: boolean,
  dualstack_ipv6?: boolean): SocketType;
export function create_server(address: unknown, family: unknown = AF_INET, backlog: unknown = null,
  reuse_port: unknown = false, dualstack_ipv6: unknown = false): SocketType {
  return createServerOf(SocketType, address, family, backlog, reuse_port, dualstack_ipv6);
}

/**
 * Python's `socket.has_dualstack_ipv6()`: whether an AF_INET6 stream socket can accept IPv4
 * connections too (IPV6_V6ONLY can be set to 0), tried on a socket made and closed for it.
 */
export function has_dualstack_ipv6(): boolean {
  return hasDualstackOf(SocketType);
}

// CMSG_LEN and CMSG_SPACE: glibc's macros over the host's struct cmsghdr
// (lib/cmsg.ts), with CPython's bounds: the result must fit SOCKLEN_T_LIMIT.
const CMSG_LEN0 = cmsgLen(NATIVE_CMSG, 0);

// A Py_ssize_t argument ('n'), then CPython's range check with its message.
function cmsgLength(v: unknown, fn: string, max: number): number {
  const n = asIndex(v);
  if (n < -(2 ** 63) || n >= 2 ** 63) throw new RangeError('Python int too large to convert to C ssize_t');
  if (n < 0 || n > max) throw new RangeError(`${fn}() argument out of range`);
  return Number(n);
}

/**
 * Python's `socket.CMSG_LEN(length)`: the `cmsg_len` of an ancillary data item carrying `length`
 * bytes (the header plus the data, without trailing padding), as Linux's CMSG_LEN macro computes
 * it for this host (x86_64: 16 + length).
 *
 * @throws RangeError `'CMSG_LEN() argument out of range'` for a negative length or one whose result
 *   would pass 2**31 - 1; TypeError for a non-integer.
 */
export function CMSG_LEN(length: Int): number;
export function CMSG_LEN(length: unknown): number {
  return cmsgLen(NATIVE_CMSG, cmsgLength(length, 'CMSG_LEN', SOCKLEN_T_LIMIT - CMSG_LEN0));
}

/**
 * Python's `socket.CMSG_SPACE(length)`: the buffer space an ancillary data item carrying `length`
 * bytes takes, trailing padding included, as Linux's CMSG_SPACE macro computes it for this host;
 * sum these for `recvmsg()`'s `ancbufsize`.
 *
 * @throws RangeError `'CMSG_SPACE() argument out of range'` for a negative length or one whose
 *   result would pass 2**31 - 1; TypeError for a non-integer.
 */
export function CMSG_SPACE(length: Int): number;
export function CMSG_SPACE(length: unknown): number {
  // CPython bounds the length by CMSG_SPACE(1), the padding before and after the data.
  const n = cmsgLength(length, 'CMSG_SPACE', SOCKLEN_T_LIMIT - cmsgSpace(NATIVE_CMSG, 1));
  return cmsgSpace(NATIVE_CMSG, n);
}

// socket.close(fd): closes a bare descriptor, as os.close but ignoring ECONNRESET.
/**
 * Python's `socket.close(fd)`: closes a bare file descriptor (as from `detach()`), ignoring
 * ECONNRESET.
 *
 * @throws socket.error, e.g. EBADF for a descriptor that is not open.
 */
export function close(fd: Int): void;
export function close(fd: unknown): void {
  const r = addon.close(asCInt(fd));
  if (r < 0 && r !== -ECONNRESET) throw osError(-r);
}

function getaddrinfoFor(host: unknown, port: unknown) {
  return getaddrinfo(host as Host | null, port as Port, 0, SOCK_STREAM) as
    Array<[number, number, number, string, unknown]>;
}

function ifName(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(v)}`);
}

/**
 * Python's `socket.if_nametoindex(if_name)`: the index of the network interface named `name` (a
 * string, or bytes).
 *
 * @throws socket.error when there is no such interface; TypeError for another type.
 */
export function if_nametoindex(name: string | Uint8Array): number;
export function if_nametoindex(name: unknown): number {
  const r = addon.ifNameToIndex(ifName(name));
  if (r <= 0) throw new error('no interface with this name');
  return r;
}

/**
 * Python's `socket.if_indextoname(if_index)`: the name of the network interface with that index.
 *
 * @throws socket.error (ENXIO) when there is none; RangeError for a negative or too large index.
 */
export function if_indextoname(index: Int): string;
export function if_indextoname(index: unknown): string {
  const i = asInt(index);
  if (i < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (i > 0xffffffff) throw new RangeError('Python int too large to convert to C unsigned long');
  const r = addon.ifIndexToName(i);
  if (typeof r === 'number') throw osError(-r);
  return r;
}

/**
 * Python's `socket.if_nameindex()`: every network interface, as `[index, name]` pairs.
 *
 * @throws socket.error when the system cannot list them.
 */
export function if_nameindex(): InterfaceEntry[] {
  const r = addon.ifNameIndex();
  if (typeof r === 'number') throw osError(-r);
  return r;
}


// ---- send_fds / recv_fds: socket.py's, over the socket's own sendmsg/recvmsg ----------------

export type { Ancillary, AncillaryArg, RecvmsgResult, RecvmsgIntoResult, RecvFdsResult } from './lib/types.js';

/**
 * Python's `socket.send_fds(sock, buffers, fds[, flags[, address]])`: sends the descriptors `fds`
 * over an AF_UNIX socket with `sock.sendmsg(buffers, [[SOL_SOCKET, SCM_RIGHTS, fds as C ints]])`.
 * As in CPython's socket.py, `flags` and `address` are accepted and not passed on.
 *
 * @returns The number of bytes of data sent.
 * @throws As sendmsg; TypeError when `fds` is not an iterable of ints; RangeError past a C int.
 */
export function send_fds(sock: SocketType, buffers: Iterable<Bytes>, fds: Iterable<Int>, flags?: Int,
  address?: AddressArg | null): number;
export function send_fds(sock: SocketType, buffers: unknown, fds: unknown): number {
  return sock.sendmsg(buffers as Iterable<Bytes>, [[SOL_SOCKET, SCM_RIGHTS, fdArray(fds)]]);
}

/**
 * Python's `socket.recv_fds(sock, bufsize, maxfds[, flags])`: receives at most `bufsize` bytes and
 * up to `maxfds` descriptors (close-on-exec) with `sock.recvmsg(bufsize, CMSG_LEN(maxfds * 4))`. As
 * in CPython's socket.py, `flags` is accepted and not passed on.
 *
 * @returns `[data, fds, msg_flags, address]`.
 * @throws As recvmsg; RangeError `'CMSG_LEN() argument out of range'` for a negative `maxfds`.
 */
export function recv_fds(sock: SocketType, bufsize: Int, maxfds: Int, flags?: Int): RecvFdsResult;
export function recv_fds(sock: SocketType, bufsize: Int, maxfds: unknown): RecvFdsResult {
  const [data, anc, msgFlags, addr] = sock.recvmsg(bufsize, CMSG_LEN(fdBytes(maxfds)));
  return [data, receivedFds(anc), msgFlags, addr];
}

// ---- sethostname, dup, BDADDR_*: the module's remaining names on Linux -----------------------

/**
 * Python's `socket.BDADDR_ANY`: the Bluetooth "any" address, `'00:00:00:00:00:00'`, for binding
 * AF_BLUETOOTH sockets.
 */
export const BDADDR_ANY = '00:00:00:00:00:00';
/** Python's `socket.BDADDR_LOCAL`: the Bluetooth local address, `'00:00:00:FF:FF:FF'`. */
export const BDADDR_LOCAL = '00:00:00:FF:FF:FF';

/**
 * Python's `socket.sethostname(name)`: sets the host name of the machine (of its UTS namespace).
 * Needs privilege (CAP_SYS_ADMIN); without it the kernel refuses with EPERM.
 *
 * @param name Text (UTF-8 encoded) or bytes (passed as they are, as Python passes bytes).
 * @throws socket.error: EPERM without privilege, EINVAL for a name longer than 64 bytes;
 *   RangeError for text with a NUL (Python's ValueError 'embedded null byte'); TypeError for
 *   another type.
 */
export function sethostname(name: string | Uint8Array): void;
export function sethostname(name: unknown): void {
  let b: Uint8Array;
  if (name instanceof Uint8Array) {
    b = name;
  } else if (typeof name === 'string') {
    if (name.includes('\0')) throw new RangeError('embedded null byte');
    b = Buffer.from(name, 'utf8');
  } else {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(name)}`);
  }
  const r = addon.sethostname(b, 0, b.length);
  if (r < 0) throw osError(-r, 'sethostname');
}

/**
 * Python's `socket.dup(fd)`: a duplicate of the socket descriptor `fd`, not inherited by child
 * processes (close-on-exec), as `os.dup()`.
 *
 * @returns The new descriptor, the caller's to close (e.g. with the module's `close(fd)`).
 * @throws socket.error (EBADF for a descriptor that is not open); TypeError for a non-integer.
 */
export function dup(fd: Int): number;
export function dup(fd: unknown): number {
  // A C long, passed on as a C int (truncated, as CPython's _Py_dup(int) takes it).
  const r = addon.dup(asCLong(fd) | 0);
  if (r < 0) throw osError(-r, 'dup');
  return r;
}
