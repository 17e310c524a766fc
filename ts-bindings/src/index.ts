// wasock: Python's socket module, synchronous and blocking, for JavaScript.
// Every name of the seed is exported under the same name.
import { SocketType, getdefaulttimeout, setdefaulttimeout } from './lib/socket.js';
import { addon } from './host/native.js';
import { error, osError } from './lib/errors.js';
import { connectEach, socketFunctions } from './lib/factories.js';
import { asCInt, asInt, typeName, unpack } from './lib/convert.js';
import { SOCK_STREAM } from './host/constants.generated.js';
import { ECONNRESET } from './host/core-abi.generated.js';
import { getaddrinfo } from './lib/netdb.js';
import type { AddressArg, Host, Int, InterfaceEntry, Port, Timeout } from './lib/types.js';

export * from './host/constants.generated.js';
export { SocketType, getdefaulttimeout, setdefaulttimeout };
export { error, herror, gaierror, timeout } from './lib/errors.js';
export { inet_aton, inet_ntoa, inet_pton, inet_ntop, htons, ntohs, htonl, ntohl } from './lib/text.js';
export {
  getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, gethostname, getfqdn, getservbyname,
  getservbyport, getprotobyname, configureResolver,
} from './lib/netdb.js';
export type { ResolverOptions, Nameserver } from './lib/netdb.js';
export type { SocketFile } from './lib/makefile.js';
export type {
  Int, Bytes, WritableBytes, Timeout, Host, Port, Address, AddressArg, IPv4Address, IPv6Address, InetAddress,
  UnixAddress, NetlinkAddress, PacketAddress, TipcAddress, VsockAddress, RawAddress, IPv4AddressArg, IPv6AddressArg,
  UnixAddressArg, NetlinkAddressArg, PacketAddressArg, TipcAddressArg, VsockAddressArg, AddrInfo, HostEntry,
  NameInfoAddressArg, InterfaceEntry,
} from './lib/types.js';
export type { SocketFactory, SocketpairFunction, FromfdFunction } from './lib/factories.js';

export const has_ipv6 = true;

export const { socket, socketpair, fromfd } = socketFunctions(SocketType);
// `socket` as a type too, as in Python: function f(s: socket.socket) {}.
export type socket = SocketType;

// CPython's create_connection (factories.ts), each connect blocking.
// The timeout left out (undefined) is the default timeout; null blocks.
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

// socket.close(fd): closes a bare descriptor, as os.close but ignoring ECONNRESET.
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

export function if_nametoindex(name: string | Uint8Array): number;
export function if_nametoindex(name: unknown): number {
  const r = addon.ifNameToIndex(ifName(name));
  if (r <= 0) throw new error('no interface with this name');
  return r;
}

export function if_indextoname(index: Int): string;
export function if_indextoname(index: unknown): string {
  const i = asInt(index);
  if (i < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (i > 0xffffffff) throw new RangeError('Python int too large to convert to C unsigned long');
  const r = addon.ifIndexToName(i);
  if (typeof r === 'number') throw osError(-r);
  return r;
}

export function if_nameindex(): InterfaceEntry[] {
  const r = addon.ifNameIndex();
  if (typeof r === 'number') throw osError(-r);
  return r;
}

