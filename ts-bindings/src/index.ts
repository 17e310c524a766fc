// wasock: Python's socket module, synchronous and blocking, for JavaScript.
// Every name of the seed is exported under the same name.
import { SocketType, getdefaulttimeout, setdefaulttimeout } from './socket.js';
import { addon } from './native.js';
import { memory, scratch } from './core.js';
import { error, osError } from './errors.js';
import { asCInt, asInt, truthy, typeName, unpack } from './convert.js';
import { AF_UNIX, SOCK_STREAM } from './constants.generated.js';
import { getaddrinfo } from './netdb.js';

export * from './constants.generated.js';
export { SocketType, getdefaulttimeout, setdefaulttimeout };
export { error, herror, gaierror, timeout } from './errors.js';
export { inet_aton, inet_ntoa, inet_pton, inet_ntop, htons, ntohs, htonl, ntohl } from './text.js';
export {
  getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, gethostname, getfqdn, getservbyname,
  getservbyport, getprotobyname, configureResolver,
} from './netdb.js';
export type { ResolverOptions, Nameserver } from './netdb.js';
export type { SocketFile } from './makefile.js';

export const has_ipv6 = true;

// socket.socket(...) works with and without `new`, and `instanceof socket`
// holds, as in Python where the class is called to construct.
export const socket = function socket(family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown) {
  return new SocketType(family, type, proto, fileno);
} as unknown as {
  new (family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown): SocketType;
  (family?: unknown, type?: unknown, proto?: unknown, fileno?: unknown): SocketType;
  prototype: SocketType;
};
socket.prototype = SocketType.prototype;

export function socketpair(family: unknown = null, type: unknown = SOCK_STREAM, proto: unknown = 0):
  [SocketType, SocketType] {
  const fam = family === null ? AF_UNIX : asCInt(family);
  const typ = asCInt(type);
  const pro = asCInt(proto);
  const r = addon.socketpair(fam, typ, pro, memory().u8, scratch.fds);
  if (r < 0) throw osError(-r);
  const dv = memory().dv;
  const a = dv.getInt32(scratch.fds, true);
  const b = dv.getInt32(scratch.fds + 4, true);
  return [new SocketType(fam, typ, pro, a), new SocketType(fam, typ, pro, b)];
}

// fromfd duplicates the descriptor, as CPython does: the original stays the caller's.
export function fromfd(fd: unknown, family: unknown, type: unknown, proto: unknown = 0): SocketType {
  const nfd = addon.dup(asCInt(fd));
  if (nfd < 0) throw osError(-nfd);
  return new SocketType(family, type, proto, nfd);
}

// CPython's create_connection: try each getaddrinfo answer in order, keep the
// first that connects, raise the last OS error otherwise. `timeout` left
// undefined means the default timeout; null means blocking.
export function create_connection(address: unknown, timeout: unknown = undefined,
  source_address: unknown = null, all_errors: unknown = false): SocketType {
  const [host, port] = unpack(address, 2);
  const errors: error[] = [];
  for (const [af, socktype, proto, , sa] of getaddrinfoFor(host, port)) {
    let sock: SocketType | null = null;
    try {
      sock = new SocketType(af, socktype, proto);
      if (timeout !== undefined) sock.settimeout(timeout);
      if (truthy(source_address)) sock.bind(source_address);
      sock.connect(sa);
      return sock;
    } catch (e) {
      if (!(e instanceof error)) throw e;
      // Without all_errors only the last error is kept, as in CPython 3.11.
      if (!all_errors) errors.length = 0;
      errors.push(e);
      sock?.close();
    }
  }
  if (errors.length === 0) throw new error('getaddrinfo returns an empty list');
  // Python's ExceptionGroup is JavaScript's AggregateError.
  if (all_errors) throw new AggregateError(errors, 'create_connection failed');
  throw errors[0];
}

// socket.close(fd): closes a bare descriptor, as os.close but ignoring ECONNRESET.
export function close(fd: unknown): void {
  const r = addon.close(asCInt(fd));
  if (r < 0 && r !== -ECONNRESET) throw osError(-r);
}

const ECONNRESET = 104;

function getaddrinfoFor(host: unknown, port: unknown) {
  return getaddrinfo(host, port, 0, SOCK_STREAM) as Array<[number, number, number, string, unknown]>;
}

function ifName(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(v)}`);
}

export function if_nametoindex(name: unknown): number {
  const r = addon.ifNameToIndex(ifName(name));
  if (r <= 0) throw new error('no interface with this name');
  return r;
}

export function if_indextoname(index: unknown): string {
  const i = asInt(index);
  if (i < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (i > 0xffffffff) throw new RangeError('Python int too large to convert to C unsigned long');
  const r = addon.ifIndexToName(i);
  if (typeof r === 'number') throw osError(-r);
  return r;
}

export function if_nameindex(): Array<[number, string]> {
  const r = addon.ifNameIndex();
  if (typeof r === 'number') throw osError(-r);
  return r;
}

