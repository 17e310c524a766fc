// The netdb functions with CPython 3.11's argument handling. The answers
// come from the core (core-c/src/getaddrinfo.c, getnameinfo.c, lookup.c,
// netdb_names.c): its own hosts/services/protocols parsers and DNS stub
// resolver, configured through the host (resolver.ts). gai.ts calls its
// getaddrinfo (and, for AI_IDN with a non-ASCII name, the system resolver);
// address.ts has setipaddr, which gethostbyname and gethostbyaddr use.
import { checkNet } from './deno-net.js';
import { core, cString, memory, scratch } from '../host/core.js';
import { addon } from '../host/native.js';
import { decodeAddress, setipaddr } from './address.js';
import { error, gaiError, herror, osError } from './errors.js';
import { asCInt, asUIntMask, typeName } from './convert.js';
import { idnaAscii, strictUtf8 } from './idna.js';
import {
  canonName, coreGetaddrinfo, entrySockaddr, gaiEntry, hostArg, localGetaddrinfo, portArg, putCStrings,
  systemGetaddrinfo,
} from './gai.js';
import { AF_INET, AF_INET6, AF_UNSPEC, AI_NUMERICHOST, SOCK_DGRAM } from '../host/constants.generated.js';
import type {
  AddrInfo, Host, HostEntry, InetAddress, Int, NameInfoAddressArg, Port,
} from './types.js';
import {
  WSK_GAI_ENTRY, WSK_HADDR, WSK_HOSTENT, WSK_SERVENT, WSK_SOCKADDR_IN, WSK_SOCKADDR_IN6,
} from '../host/core-abi.generated.js';

// CPython's buffers: NI_MAXHOST for the host, 32 bytes for the port.
const SERV_LEN = 32;

export type { AddrInfo };

const utf8 = new TextEncoder();

function decodeBytes(sa: Uint8Array): unknown {
  memory().u8.set(sa, scratch.sa);
  return decodeAddress(scratch.sa, sa.length);
}

/**
 * Python's `socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`, keyword arguments
 * as trailing positionals: the addresses to reach `host` and `port` with, as a list of
 * `[family, type, proto, canonname, sockaddr]` (sockaddr `[host, port]` or `[host, port, flowinfo,
 * scope_id]`). Blocks while names are looked up: the hosts file, then DNS, as /etc/nsswitch.conf
 * and /etc/resolv.conf say (see {@link configureResolver}).
 *
 * @param host A name, a numeric address, or `null` (with `AI_PASSIVE`, the wildcard address).
 * @param port A number, a service name (`'http'`), numeric text, or `null`.
 * @param family `AF_INET`, `AF_INET6`, or 0 (`AF_UNSPEC`) for both.
 * @param type E.g. `SOCK_STREAM`; 0 for every type.
 * @param flags `AI_*` flags, OR'ed.
 * @throws socket.gaierror (`errno` the negative `EAI_*` value, `code` e.g. `'EAI_NONAME'`);
 *   TypeError, RangeError (e.g. a port out of range) for bad arguments.
 */
export function getaddrinfo(host: Host | null | undefined, port: Port | undefined, family?: Int, type?: Int,
  proto?: Int, flags?: Int): AddrInfo[];
export function getaddrinfo(host: unknown, port: unknown, family: unknown = 0, type: unknown = 0,
  proto: unknown = 0, flags: unknown = 0): AddrInfo[] {
  return lookupAddrinfo(false, host, port, family, type, proto, flags) as AddrInfo[];
}

// getaddrinfo without DNS (for the Promise API, on its event loop's thread):
// the answer when the hosts file decides it, null when it takes DNS or the
// system resolver (a worker's job then). Raises as getaddrinfo.
export function localGetaddrinfoList(host: unknown, port: unknown, family: unknown = 0, type: unknown = 0,
  proto: unknown = 0, flags: unknown = 0): AddrInfo[] | null {
  return lookupAddrinfo(true, host, port, family, type, proto, flags);
}

function lookupAddrinfo(local: boolean, host: unknown, port: unknown, family: unknown, type: unknown,
  proto: unknown, flags: unknown): AddrInfo[] | null {
  // Omitted (undefined) means the default; null is None, which "i" rejects.
  const fam = asCInt(family);
  const typ = asCInt(type);
  const pro = asCInt(proto);
  const flg = asCInt(flags);
  const h = hostArg(host);
  const p = portArg(port);
  if (typeof host === 'string' || host instanceof Uint8Array) {
    lookupAllowed(host, typeof p === 'string' && /^[0-9]+$/.test(p) ? Number(p) : undefined, 'getaddrinfo');
  }
  const n = (local ? localGetaddrinfo : coreGetaddrinfo)(h, p, fam, typ, pro, flg);
  if (n === null) {
    if (local) return null;
    return systemGetaddrinfo(h, p, fam, typ, pro, flg).map(([f, t, pr, canon, sa]) =>
      [f, t, pr, canon, decodeBytes(sa)] as AddrInfo);
  }
  const m = memory();
  const dv = m.dv;
  const u8 = m.u8;
  const canonPtr = canonName();
  const out: AddrInfo[] = new Array(n);
  const IN = WSK_SOCKADDR_IN;
  for (let i = 0; i < n; i++) {
    const e = gaiEntry(i);
    const f = dv.getInt32(e + WSK_GAI_ENTRY.family, true);
    const salen = dv.getUint32(e + WSK_GAI_ENTRY.addrlen, true);
    const sa = e + WSK_GAI_ENTRY.addr;
    const canon = i === 0 && canonPtr !== 0 ? cString(canonPtr) : '';
    // A sockaddr_in is decoded here, as makesockaddr would (inet_ntop and
    // the port); every other address goes through decodeAddress.
    const a = sa + IN.addr;
    const addr = f === AF_INET && salen >= IN.size && (u8[sa] | (u8[sa + 1] << 8)) === AF_INET
      ? [`${u8[a]}.${u8[a + 1]}.${u8[a + 2]}.${u8[a + 3]}`, (u8[sa + IN.port] << 8) | u8[sa + IN.port + 1]]
      : decodeAddress(sa, salen);
    out[i] = [f, dv.getInt32(e + WSK_GAI_ENTRY.socktype, true), dv.getInt32(e + WSK_GAI_ENTRY.protocol, true),
      canon, addr as InetAddress];
  }
  return out;
}

const illegal = 'getnameinfo(): illegal sockaddr argument';

// The sockaddr tuple as CPython's "si|II" reads it.
function sockaddrArg(sa: unknown): [string, number, number, number] {
  if (!Array.isArray(sa)) throw new TypeError('getnameinfo() argument 1 must be a tuple');
  if (sa.length < 2 || sa.length > 4) throw new TypeError(illegal);
  const host = sa[0];
  if (typeof host !== 'string') throw new TypeError(illegal);
  if (host.includes('\0')) throw new RangeError('embedded null character');
  strictUtf8(host);
  const port = asCInt(sa[1]);
  const flowinfo = sa.length > 2 ? asUIntMask(sa[2]) : 0;
  const scope = sa.length > 3 ? asUIntMask(sa[3]) : 0;
  if (flowinfo > 0xfffff) throw new RangeError('getnameinfo(): flowinfo must be 0-1048575.');
  return [host, port, flowinfo, scope];
}

// The address CPython builds: getaddrinfo(host, "%d" % port, AF_UNSPEC,
// SOCK_DGRAM, AI_NUMERICHOST), flowinfo and scope_id then written into it.
// Leaves the sockaddr in scratch.sa; returns its length.
function sockaddrFor(host: string, port: number, tupleLen: number, flowinfo: number,
  scope: number): number {
  const h = utf8.encode(host);
  const p = String(port);
  const n = coreGetaddrinfo(h, p, AF_UNSPEC, SOCK_DGRAM, 0, AI_NUMERICHOST);
  let sa: Uint8Array;
  if (n === null) {
    const res = systemGetaddrinfo(h, p, AF_UNSPEC, SOCK_DGRAM, 0, AI_NUMERICHOST);
    if (res.length > 1) throw new error('sockaddr resolved to multiple addresses');
    sa = res[0][4];
  } else {
    if (n > 1) throw new error('sockaddr resolved to multiple addresses');
    sa = entrySockaddr(0);
  }
  const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const family = dv.getUint16(0, true);
  if (family === AF_INET && tupleLen !== 2) throw new error('IPv4 sockaddr must be 2 tuple');
  if (family === AF_INET6) {
    dv.setUint32(WSK_SOCKADDR_IN6.flowinfo, flowinfo, false);
    dv.setUint32(WSK_SOCKADDR_IN6.scope_id, scope, true);
  }
  memory().u8.set(sa, scratch.sa);
  return sa.length;
}

// getnameinfo in the core: reverse lookups through its resolver, service
// names from its services file; it never leaves an answer to another resolver.
/**
 * Python's `socket.getnameinfo(sockaddr, flags)`: the host and service names for a numeric
 * `[host, port]` (or `[host, port, flowinfo, scope_id]`), as text. Blocks while the address is
 * looked up (use `NI_NUMERICHOST`/`NI_NUMERICSERV` to get numbers without lookups).
 *
 * @param flags `NI_*` flags, OR'ed.
 * @throws socket.gaierror when the lookup fails (e.g. with `NI_NAMEREQD`); socket.error or
 *   TypeError for a bad sockaddr.
 */
export function getnameinfo(sockaddr: NameInfoAddressArg, flags: Int): [host: string, port: string];
export function getnameinfo(sockaddr: unknown, flags?: unknown): [string, string] {
  if (flags === undefined) throw new TypeError('getnameinfo() takes exactly 2 arguments (1 given)');
  const flg = asCInt(flags);
  const [host, port, flowinfo, scope] = sockaddrArg(sockaddr);
  lookupAllowed(host, port, 'getnameinfo');
  const salen = sockaddrFor(host, port, (sockaddr as unknown[]).length, flowinfo, scope);
  const servBuf = scratch.opt;
  const r = core.wsk_getnameinfo_full(scratch.sa, salen, scratch.text, scratch.textSize, servBuf, SERV_LEN, flg);
  if (r !== 0) throw gaiError(r);
  return [cString(scratch.text), cString(servBuf)];
}

// ---- the rest of the netdb family ---------------------------------------

export { configureResolver } from './resolver.js';
export type { ResolverOptions, Nameserver } from './resolver.js';

// hstrerror's texts, by h_errno.
const H_ERRORS = ['Resolver Error 0 (no error)', 'Unknown host', 'Host name lookup failure',
  'Unknown server error', 'No address associated with name'];

function hError(h: number): herror {
  return new herror(h, H_ERRORS[h] ?? 'Unknown resolver error');
}

// PyArg "s": a str without NUL, UTF-8 encoded.
function strArg(fn: string, pos: number, v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new TypeError(`${fn}() argument ${pos} must be str, not ${typeName(v)}`);
  if (v.includes('\0')) throw new RangeError('embedded null character');
  return strictUtf8(v);
}

// Two NUL-terminated strings in the scratch text area (the second may be null).
function putTwo(a: Uint8Array, b: Uint8Array | null): [number, number] {
  const at = putCStrings(a, b);
  if (at === null) throw new RangeError('argument too long');
  return at;
}

/**
 * Python's `socket.getservbyname(servicename[, protocolname])`: a service's port ('http' gives 80)
 * from the services file; `protocolname` ('tcp', 'udp') narrows the search.
 *
 * @throws socket.error ('service/proto not found').
 */
export function getservbyname(servicename: string, protocolname?: string | null): number;
export function getservbyname(servicename: unknown, protocolname: unknown = null): number {
  const name = strArg('getservbyname', 1, servicename);
  const proto = protocolname === null || protocolname === undefined ? null :
    strArg('getservbyname', 2, protocolname);
  const [n, p] = putTwo(name, proto);
  if (!core.wsk_getservbyname(n, p)) throw new error('service/proto not found');
  return memory().dv.getInt32(core.wsk_servent_out() + WSK_SERVENT.port, true);
}

/**
 * Python's `socket.getservbyport(port[, protocolname])`: the name of the service on `port` ('http'
 * for 80) from the services file.
 *
 * @throws socket.error ('port/proto not found'); RangeError for a port outside 0-65535.
 */
export function getservbyport(port: Int, protocolname?: string | null): string;
export function getservbyport(port: unknown, protocolname: unknown = null): string {
  const num = asCInt(port);
  const proto = protocolname === null || protocolname === undefined ? null :
    strArg('getservbyport', 2, protocolname);
  if (num < 0 || num > 0xffff) throw new RangeError('getservbyport: port must be 0-65535.');
  const [p] = proto === null ? [0] : putTwo(proto, null);
  if (!core.wsk_getservbyport(num, p)) throw new error('port/proto not found');
  return cString(core.wsk_servent_out());
}

/**
 * Python's `socket.getprotobyname(protocolname)`: a protocol's number ('icmp' gives 1) from the
 * protocols file, to pass as `proto` to `socket()`.
 *
 * @throws socket.error ('protocol not found').
 */
export function getprotobyname(protocolname: string): number;
export function getprotobyname(protocolname: unknown): number {
  const [n] = putTwo(strArg('getprotobyname', 1, protocolname), null);
  const r = core.wsk_getprotobyname(n);
  if (r < 0) throw new error('protocol not found');
  return r;
}

// CPython's gethostbyname*/gethostbyaddr argument: str (IDNA) or bytes.
// Under Deno, its net permission for a host looked up (deno-net.ts).
function lookupAllowed(host: string | Uint8Array, port: number | undefined, syscall: string): void {
  checkNet(typeof host === 'string' ? host : Buffer.from(host).toString('latin1'), port, syscall);
}

function hostnameArg(fn: string, v: unknown): Uint8Array {
  if (typeof v === 'string') {
    const b = utf8.encode(idnaAscii(v));
    if (b.includes(0)) throw new RangeError('embedded null byte');
    return b;
  }
  if (v instanceof Uint8Array) {
    if (v.includes(0)) throw new RangeError('embedded null byte');
    return v;
  }
  throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${typeName(v)}`);
}

function addrText(fam: number, b: Uint8Array): string {
  const u8 = memory().u8;
  u8.set(b, scratch.sa);
  core.wsk_inet_ntop(fam, scratch.sa, scratch.text, scratch.textSize);
  return cString(scratch.text);
}

// The static hostent the core filled: [name, aliases, addresses].
function readHostent(): [string, string[], string[]] {
  const he = core.wsk_hostent_out();
  const dv = memory().dv;
  const nnames = dv.getUint32(he + WSK_HOSTENT.nnames, true);
  const naddrs = dv.getUint32(he + WSK_HOSTENT.naddrs, true);
  const u8 = memory().u8;
  const names: string[] = [];
  let p = he + WSK_HOSTENT.names;
  for (let i = 0; i < nnames; i++) {
    names.push(cString(p));
    p = u8.indexOf(0, p) + 1;
  }
  const addrs: string[] = [];
  for (let i = 0; i < naddrs; i++) {
    const a = he + WSK_HOSTENT.addrs + i * WSK_HADDR.size;
    const fam = dv.getInt32(a + WSK_HADDR.family, true);
    const at = a + WSK_HADDR.addr;
    addrs.push(addrText(fam, memory().u8.slice(at, at + (fam === AF_INET ? 4 : 16))));
  }
  return [names[0] ?? '', names.slice(1), addrs];
}

/**
 * Python's `socket.gethostbyname(hostname)`: one IPv4 address for `hostname`, as text
 * (`'127.0.0.1'`). IPv4 only: use {@link getaddrinfo} for IPv6. Blocks while the name is looked up.
 *
 * @throws socket.gaierror when the name does not resolve.
 */
export function gethostbyname(hostname: Host): string;
export function gethostbyname(hostname: unknown): string {
  const name = hostnameArg('gethostbyname', hostname);
  lookupAllowed(name, undefined, 'gethostbyname');
  const [fam, a] = setipaddr(name, AF_INET);
  return addrText(fam, a);
}

/**
 * Python's `socket.gethostbyname_ex(hostname)`: `[hostname, aliaslist, ipaddrlist]`, the primary
 * name, other names and IPv4 addresses of a host. Blocks while the name is looked up.
 *
 * @throws socket.gaierror when the name does not resolve.
 */
export function gethostbyname_ex(hostname: Host): HostEntry;
export function gethostbyname_ex(hostname: unknown): HostEntry {
  const name = hostnameArg('gethostbyname_ex', hostname);
  lookupAllowed(name, undefined, 'gethostbyname_ex');
  setipaddr(name, AF_INET);
  const [n] = putTwo(name, null);
  // CPython reports glibc's global h_errno, not gethostbyname_r's own.
  if (core.wsk_gethostbyname(n, AF_INET) !== 0) throw hError(core.wsk_h_errno());
  return readHostent();
}

/**
 * Python's `socket.gethostbyaddr(ip_address)`: `[hostname, aliaslist, ipaddrlist]` for an address
 * (IPv4 or IPv6; a name is looked up first). Blocks while the reverse lookup runs.
 *
 * @throws socket.herror (`'Unknown host'`) when no name is found; socket.gaierror for a name that
 *   does not resolve.
 */
export function gethostbyaddr(ip_address: Host): HostEntry;
export function gethostbyaddr(ip_address: unknown): HostEntry {
  const name = hostnameArg('gethostbyaddr', ip_address);
  lookupAllowed(name, undefined, 'gethostbyaddr');
  const [fam, a] = setipaddr(name, AF_UNSPEC);
  memory().u8.set(a, scratch.sa);
  if (core.wsk_gethostbyaddr(scratch.sa, fam) !== 0) throw hError(core.wsk_h_errno());
  return readHostent();
}

/**
 * Python's `socket.gethostname()`: this machine's host name.
 *
 * @throws socket.error when the system call fails.
 */
export function gethostname(): string {
  const r = addon.gethostname();
  if (typeof r === 'number') throw osError(-r);
  return r;
}

// socket.py's getfqdn, line for line.
/**
 * Python's `socket.getfqdn([name])`: a fully qualified name for `name` (this host when it is empty,
 * left out, `'0.0.0.0'` or `'::'`): the first name with a dot among the reverse lookup's
 * answers, else the host name found, or `name` itself when the lookup fails. Blocks while looking up.
 */
export function getfqdn(name?: string): string;
export function getfqdn(name: unknown = ''): string {
  if (typeof name !== 'string') throw new TypeError(`'${typeName(name)}' object has no attribute 'strip'`);
  let n = name.trim();
  if (!n || n === '0.0.0.0' || n === '::') n = gethostname();
  let res: [string, string[], string[]];
  try {
    res = gethostbyaddr(n);
  } catch (e) {
    if (e instanceof error) return n;
    throw e;
  }
  const [hostname, aliases] = res;
  for (const a of [hostname, ...aliases]) if (a.includes('.')) return a;
  return hostname;
}
