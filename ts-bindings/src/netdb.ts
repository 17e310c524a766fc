// The netdb functions with CPython 3.11's argument handling. The answers
// come from the core (core-c/src/getaddrinfo.c, getnameinfo.c, lookup.c,
// netdb_names.c): its own hosts/services/protocols parsers and DNS stub
// resolver, configured through the host (resolver.ts). Only AI_IDN with a
// non-ASCII name still goes to the system resolver through the addon.
import { domainToASCII } from 'node:url';
import { core, cString, memory, scratch } from './core.js';
import { addon } from './native.js';
import { decodeAddress } from './address.js';
import { error, gaiError, herror, osError } from './errors.js';
import { asCInt, asInt } from './convert.js';

// The core's netdb exports (core-c/include/wasock/netdb.h).
interface NetdbExports {
  wsk_getaddrinfo_numeric(host: number, serv: number, family: number, type: number, proto: number,
    flags: number, out: number): number;
  wsk_gai_out(): number;
  wsk_getnameinfo(sa: number, salen: number, host: number, hostlen: number, serv: number,
    servlen: number, flags: number): number;
  wsk_getaddrinfo(host: number, serv: number, family: number, type: number, proto: number,
    flags: number, out: number): number;
  wsk_getnameinfo_full(sa: number, salen: number, host: number, hostlen: number, serv: number,
    servlen: number, flags: number): number;
  wsk_hostent_out(): number;
  wsk_servent_out(): number;
  wsk_getservbyname(name: number, proto: number): number;
  wsk_getservbyport(port: number, proto: number): number;
  wsk_getprotobyname(name: number): number;
  wsk_gethostbyname(name: number, af: number): number;
  wsk_gethostbyaddr(addr: number, af: number): number;
  wsk_h_errno(): number;
}
const netdb = core as unknown as NetdbExports;

// The core's "ask a resolver" answer, and struct wsk_gai_out's wasm32 layout.
const GAI_LOOKUP = -1001;
const OUT_SEEN = 0;
const OUT_COUNT = 4;
const OUT_CANON = 8;
const OUT_ENTRIES = 12;
const ENTRY_SIZE = 44;
const ENTRY_ADDR = 16;
const gaiOut = netdb.wsk_gai_out();

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_DGRAM = 2;
const SIN_SIZE = 16;
const AI_NUMERICHOST = 4;
const EAI_NONAME = -2;
const EAI_SYSTEM = -11;
const EIO = 5;
// CPython's buffers: NI_MAXHOST for the host, 32 bytes for the port.
const SERV_LEN = 32;

export type AddrInfo = [number, number, number, string, unknown];

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

// A C string: everything before the first NUL, as CPython's char * sees it.
function cBytes(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
}

// The index of the first lone surrogate, or -1.
function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) return i;
  }
  return -1;
}

// PyUnicode_AsUTF8: lone surrogates raise UnicodeEncodeError (a ValueError).
function strictUtf8(s: string): Uint8Array {
  const bad = loneSurrogate(s);
  if (bad >= 0) {
    const hex = s.charCodeAt(bad).toString(16);
    throw new RangeError(`'utf-8' codec can't encode character '\\u${hex}' in position ${bad}: ` +
      'surrogates not allowed');
  }
  return utf8.encode(s);
}

function idnaError(why: string): RangeError {
  return new RangeError(`encoding with 'idna' codec failed (UnicodeError: ${why})`);
}

// Python's 'idna' codec (encodings/idna.py). ASCII takes its fast path,
// label lengths checked; other text is converted by Node's UTS #46
// ToASCII, which agrees with IDNA 2003 nameprep for most names.
function idnaEncode(host: string): Uint8Array {
  if (host === '') return new Uint8Array(0);
  if (/^[\x00-\x7f]*$/.test(host)) {
    const labels = host.split('.');
    for (const label of labels.slice(0, -1)) {
      if (label.length === 0 || label.length >= 64) throw idnaError('label empty or too long');
    }
    if (labels[labels.length - 1].length >= 64) throw idnaError('label too long');
    return utf8.encode(host);
  }
  const ascii = domainToASCII(host);
  if (ascii === '') throw idnaError('label empty or too long');
  return utf8.encode(ascii);
}

// A C string argument on its way to the core: ASCII text (one byte per
// char, no NUL), bytes (no NUL), or NULL. Text skips TextEncoder and its
// allocations on the common path.
type CText = string | Uint8Array | null;

// The ASCII text before the first NUL.
function cAscii(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

// The 'idna' codec's ASCII fast path in one pass: the text itself (label
// lengths checked, as encodings/idna.py does), or null when the text is not
// ASCII (then idnaEncode's general path).
function asciiIdna(host: string): string | null {
  let label = 0;
  let bad = false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c > 0x7f) return null;
    if (c === 0x2e) {
      if (label === 0 || label >= 64) bad = true;
      label = 0;
    } else {
      label++;
    }
  }
  if (host.length === 0) return host;
  if (bad) throw idnaError('label empty or too long');
  if (label >= 64) throw idnaError('label too long');
  return host;
}

// getaddrinfo's host: None, str (IDNA-encoded) or bytes.
function hostArg(host: unknown): CText {
  if (host === null || host === undefined) return null;
  if (typeof host === 'string') {
    const a = asciiIdna(host);
    return a !== null ? cAscii(a) : cBytes(idnaEncode(host));
  }
  if (host instanceof Uint8Array) return cBytes(host);
  throw new TypeError('getaddrinfo() argument 1 must be string or None');
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// getaddrinfo's port: an exact int (as "%ld"), str, bytes or None.
function portArg(port: unknown): CText {
  if (port === null || port === undefined) return null;
  if (typeof port === 'number' && Number.isSafeInteger(port)) return String(port);
  let n: bigint | null = null;
  if (typeof port === 'bigint') n = port;
  else if (typeof port === 'number' && Number.isInteger(port)) n = BigInt(port);
  if (n !== null) {
    if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) {
      throw new RangeError('Python int too large to convert to C long');
    }
    return utf8.encode(n.toString());
  }
  if (typeof port === 'string') return isAscii(port) ? cAscii(port) : cBytes(strictUtf8(port));
  if (port instanceof Uint8Array) return cBytes(port);
  throw new error('Int or String expected');
}

// Writes one C string at `at` (NUL-terminated); returns its pointer, 0 for NULL.
function putC(u8: Uint8Array, at: number, b: CText): number {
  if (b === null) return 0;
  if (typeof b === 'string') {
    for (let i = 0; i < b.length; i++) u8[at + i] = b.charCodeAt(i);
  } else {
    u8.set(b, at);
  }
  u8[at + b.length] = 0;
  return at;
}

// Host and port side by side in the scratch text buffer; the port's pointer
// is left in putPort. False if too long.
let putHost = 0;
let putPort = 0;
function putStrings(host: CText, port: CText): boolean {
  const hn = host === null ? 0 : host.length + 1;
  if (hn + (port === null ? 0 : port.length + 1) > scratch.textSize) return false;
  const u8 = memory().u8;
  putHost = putC(u8, scratch.text, host);
  putPort = putC(u8, scratch.text + hn, port);
  return true;
}

// An addon answer: the list, or the gaierror / OSError CPython would raise.
type AddonAnswer = Array<[number, number, number, string, Uint8Array]> | number | unknown[];

function raiseFor(res: AddonAnswer): never {
  if (typeof res === 'number') throw res === EAI_SYSTEM ? osError(EIO) : gaiError(res);
  const errno = (res as unknown[])[1];
  throw osError(typeof errno === 'number' && errno > 0 ? errno : EIO);
}

function isErrorAnswer(res: AddonAnswer): boolean {
  return typeof res === 'number' || (Array.isArray(res) && typeof res[0] === 'number');
}

function decodeBytes(sa: Uint8Array): unknown {
  memory().u8.set(sa, scratch.sa);
  return decodeAddress(scratch.sa, sa.length);
}

// The system resolver, for what the core cannot answer alone.
function resolve(host: CText, port: CText, family: number, type: number,
  proto: number, flags: number): Array<[number, number, number, string, Uint8Array]> {
  const text = (b: CText) => (b === null || typeof b === 'string' ? b : utf8d.decode(b));
  const res = addon.getaddrinfo(text(host), text(port), family, type, proto, flags) as AddonAnswer;
  if (isErrorAnswer(res)) raiseFor(res);
  return res as Array<[number, number, number, string, Uint8Array]>;
}

// Runs the core; returns the entry count, or null when a lookup is needed.
function numeric(host: CText, port: CText, family: number, type: number,
  proto: number, flags: number): number | null {
  if (!putStrings(host, port)) return null;
  // The interface list AI_ADDRCONFIG needs is not known here: 0 defers it.
  memory().dv.setUint32(gaiOut + OUT_SEEN, 0, true);
  const r = netdb.wsk_getaddrinfo(putHost, putPort, family, type, proto, flags, gaiOut);
  if (r === GAI_LOOKUP) return null;
  if (r < 0) throw gaiError(r);
  return r;
}

function entryPtr(i: number): number {
  return gaiOut + OUT_ENTRIES + i * ENTRY_SIZE;
}

export function getaddrinfo(host: unknown, port: unknown, family: unknown = 0, type: unknown = 0,
  proto: unknown = 0, flags: unknown = 0): AddrInfo[] {
  // Omitted (undefined) means the default; null is None, which "i" rejects.
  const fam = asCInt(family);
  const typ = asCInt(type);
  const pro = asCInt(proto);
  const flg = asCInt(flags);
  const h = hostArg(host);
  const p = portArg(port);
  const n = numeric(h, p, fam, typ, pro, flg);
  if (n === null) {
    return resolve(h, p, fam, typ, pro, flg).map(([f, t, pr, canon, sa]) =>
      [f, t, pr, canon, decodeBytes(sa)] as AddrInfo);
  }
  const m = memory();
  const dv = m.dv;
  const u8 = m.u8;
  const canonPtr = dv.getUint32(gaiOut + OUT_CANON, true);
  const out: AddrInfo[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = entryPtr(i);
    const f = dv.getInt32(e, true);
    const salen = dv.getUint32(e + 12, true);
    const sa = e + ENTRY_ADDR;
    const canon = i === 0 && canonPtr !== 0 ? cString(canonPtr) : '';
    // A sockaddr_in is decoded here, as makesockaddr would (inet_ntop and
    // the port); every other address goes through decodeAddress.
    const addr = f === AF_INET && salen >= SIN_SIZE && (u8[sa] | (u8[sa + 1] << 8)) === AF_INET
      ? [`${u8[sa + 4]}.${u8[sa + 5]}.${u8[sa + 6]}.${u8[sa + 7]}`, (u8[sa + 2] << 8) | u8[sa + 3]]
      : decodeAddress(sa, salen);
    out[i] = [f, dv.getInt32(e + 4, true), dv.getInt32(e + 8, true), canon, addr];
  }
  return out;
}

// PyArg "I": any integer, masked to 32 bits.
function uintMask(v: unknown): number {
  const n = asInt(v);
  if (Number.isSafeInteger(n)) return ((n % 0x100000000) + 0x100000000) % 0x100000000;
  return Number(BigInt.asUintN(32, BigInt(n)));
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
  const flowinfo = sa.length > 2 ? uintMask(sa[2]) : 0;
  const scope = sa.length > 3 ? uintMask(sa[3]) : 0;
  if (flowinfo > 0xfffff) throw new RangeError('getnameinfo(): flowinfo must be 0-1048575.');
  return [host, port, flowinfo, scope];
}

// The address CPython builds: getaddrinfo(host, "%d" % port, AF_UNSPEC,
// SOCK_DGRAM, AI_NUMERICHOST), flowinfo and scope_id then written into it.
// Leaves the sockaddr in scratch.sa; returns its length.
function sockaddrFor(host: string, port: number, tupleLen: number, flowinfo: number,
  scope: number): number {
  const h = utf8.encode(host);
  const p = utf8.encode(String(port));
  const n = numeric(h, p, 0, SOCK_DGRAM, 0, AI_NUMERICHOST);
  let sa: Uint8Array;
  if (n === null) {
    const res = resolve(h, p, 0, SOCK_DGRAM, 0, AI_NUMERICHOST);
    if (res.length > 1) throw new error('sockaddr resolved to multiple addresses');
    sa = res[0][4];
  } else {
    if (n > 1) throw new error('sockaddr resolved to multiple addresses');
    const e = entryPtr(0);
    sa = memory().u8.slice(e + ENTRY_ADDR, e + ENTRY_ADDR + memory().dv.getUint32(e + 12, true));
  }
  const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const family = dv.getUint16(0, true);
  if (family === AF_INET && tupleLen !== 2) throw new error('IPv4 sockaddr must be 2 tuple');
  if (family === AF_INET6) {
    dv.setUint32(4, flowinfo, false);
    dv.setUint32(24, scope, true);
  }
  memory().u8.set(sa, scratch.sa);
  return sa.length;
}

export function getnameinfo(sockaddr: unknown, flags?: unknown): [string, string] {
  if (flags === undefined) throw new TypeError('getnameinfo() takes exactly 2 arguments (1 given)');
  const flg = asCInt(flags);
  const [host, port, flowinfo, scope] = sockaddrArg(sockaddr);
  const salen = sockaddrFor(host, port, (sockaddr as unknown[]).length, flowinfo, scope);
  const servBuf = scratch.opt;
  const r = netdb.wsk_getnameinfo_full(scratch.sa, salen, scratch.text, scratch.textSize, servBuf, SERV_LEN,
    flg);
  if (r === 0) return [cString(scratch.text), cString(servBuf)];
  if (r !== GAI_LOOKUP) throw gaiError(r);
  // A name or service lookup: the system resolver until the core has its own.
  const res = addon.getnameinfo(memory().u8.slice(scratch.sa, scratch.sa + salen), flg);
  if (typeof res === 'number' || typeof (res as unknown[])[0] === 'number') raiseFor(res as AddonAnswer);
  return res as [string, string];
}

// ---- the rest of the netdb family ---------------------------------------

export { configureResolver } from './resolver.js';
export type { ResolverOptions, Nameserver } from './resolver.js';

const AF_UNSPEC = 0;
const AI_PASSIVE = 1;
// struct wsk_hostent's wasm32 layout (core-c/include/wasock/resolv.h).
const HE_NADDRS = 4;
const HE_NNAMES = 8;
const HE_ADDRS = 12;
const HADDR_SIZE = 24;
const HOST_ADDRS = 48;
const HE_NAMES = HE_ADDRS + HOST_ADDRS * HADDR_SIZE;
// struct wsk_servent: name[64], proto[32], port.
const SE_PORT = 96;

// hstrerror's texts, by h_errno.
const H_ERRORS = ['Resolver Error 0 (no error)', 'Unknown host', 'Host name lookup failure',
  'Unknown server error', 'No address associated with name'];

function hError(h: number): herror {
  return new herror(h, H_ERRORS[h] ?? 'Unknown resolver error');
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'tuple';
  return typeof v === 'string' ? 'str' : typeof v;
}

// PyArg "s": a str without NUL, UTF-8 encoded.
function strArg(fn: string, pos: number, v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new TypeError(`${fn}() argument ${pos} must be str, not ${typeName(v)}`);
  if (v.includes('\0')) throw new RangeError('embedded null character');
  return strictUtf8(v);
}

// Two NUL-terminated strings in the scratch text area (the second may be null).
function putTwo(a: Uint8Array, b: Uint8Array | null): [number, number] {
  if (!putStrings(a, b)) throw new RangeError('argument too long');
  return [putHost, putPort];
}

export function getservbyname(servicename: unknown, protocolname: unknown = null): number {
  const name = strArg('getservbyname', 1, servicename);
  const proto = protocolname === null || protocolname === undefined ? null :
    strArg('getservbyname', 2, protocolname);
  const [n, p] = putTwo(name, proto);
  if (!netdb.wsk_getservbyname(n, p)) throw new error('service/proto not found');
  return memory().dv.getInt32(netdb.wsk_servent_out() + SE_PORT, true);
}

export function getservbyport(port: unknown, protocolname: unknown = null): string {
  const num = asCInt(port);
  const proto = protocolname === null || protocolname === undefined ? null :
    strArg('getservbyport', 2, protocolname);
  if (num < 0 || num > 0xffff) throw new RangeError('getservbyport: port must be 0-65535.');
  const [p] = proto === null ? [0] : putTwo(proto, null);
  if (!netdb.wsk_getservbyport(num, p)) throw new error('port/proto not found');
  return cString(netdb.wsk_servent_out());
}

export function getprotobyname(protocolname: unknown): number {
  const [n] = putTwo(strArg('getprotobyname', 1, protocolname), null);
  const r = netdb.wsk_getprotobyname(n);
  if (r < 0) throw new error('protocol not found');
  return r;
}

// CPython's gethostbyname*/gethostbyaddr argument: str (IDNA) or bytes.
function hostnameArg(fn: string, v: unknown): Uint8Array {
  if (typeof v === 'string') {
    const b = idnaEncode(v);
    if (b.includes(0)) throw new RangeError('embedded null byte');
    return b;
  }
  if (v instanceof Uint8Array) {
    if (v.includes(0)) throw new RangeError('embedded null byte');
    return v;
  }
  throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${typeName(v)}`);
}

// CPython's setipaddr: the address a host argument stands for (the first
// getaddrinfo answer), with its special cases. Returns [family, bytes].
export function setipaddr(name: Uint8Array, af: number): [number, Uint8Array] {
  const text = utf8d.decode(name);
  if (name.length === 0) {
    const n = numeric(null, utf8.encode('0'), af, SOCK_DGRAM, 0, AI_PASSIVE)!;
    if (n > 1) throw new error('wildcard resolved to multiple address');
    return entryAddr(0);
  }
  if (text === '255.255.255.255' || text === '<broadcast>') {
    if (af !== AF_INET && af !== AF_UNSPEC) throw new error('address family mismatched');
    return [AF_INET, Uint8Array.of(255, 255, 255, 255)];
  }
  if (numeric(name, null, af, 0, 0, 0) === null) {
    const res = resolve(name, null, af, 0, 0, 0);
    const sa = res[0][4];
    const fam = sa[0] | (sa[1] << 8);
    return [fam, fam === AF_INET ? sa.slice(4, 8) : sa.slice(8, 24)];
  }
  return entryAddr(0);
}

function entryAddr(i: number): [number, Uint8Array] {
  const e = entryPtr(i);
  const fam = memory().dv.getInt32(e, true);
  const sa = e + ENTRY_ADDR;
  return [fam, memory().u8.slice(fam === AF_INET ? sa + 4 : sa + 8, fam === AF_INET ? sa + 8 : sa + 24)];
}

function addrText(fam: number, b: Uint8Array): string {
  const u8 = memory().u8;
  u8.set(b, scratch.sa);
  core.wsk_inet_ntop(fam, scratch.sa, scratch.text, scratch.textSize);
  return cString(scratch.text);
}

// The static hostent the core filled: [name, aliases, addresses].
function readHostent(): [string, string[], string[]] {
  const he = netdb.wsk_hostent_out();
  const dv = memory().dv;
  const nnames = dv.getUint32(he + HE_NNAMES, true);
  const naddrs = dv.getUint32(he + HE_NADDRS, true);
  const names: string[] = [];
  let p = he + HE_NAMES;
  for (let i = 0; i < nnames; i++) {
    const s = cString(p);
    names.push(s);
    p += utf8.encode(s).length + 1;
  }
  const addrs: string[] = [];
  for (let i = 0; i < naddrs; i++) {
    const a = he + HE_ADDRS + i * HADDR_SIZE;
    const fam = dv.getInt32(a, true);
    addrs.push(addrText(fam, memory().u8.slice(a + 4, a + 4 + (fam === AF_INET ? 4 : 16))));
  }
  return [names[0] ?? '', names.slice(1), addrs];
}

export function gethostbyname(hostname: unknown): string {
  const [fam, a] = setipaddr(hostnameArg('gethostbyname', hostname), AF_INET);
  return addrText(fam, a);
}

export function gethostbyname_ex(hostname: unknown): [string, string[], string[]] {
  const name = hostnameArg('gethostbyname_ex', hostname);
  setipaddr(name, AF_INET);
  const [n] = putTwo(name, null);
  // CPython reports glibc's global h_errno, not gethostbyname_r's own.
  if (netdb.wsk_gethostbyname(n, AF_INET) !== 0) throw hError(netdb.wsk_h_errno());
  return readHostent();
}

export function gethostbyaddr(ip_address: unknown): [string, string[], string[]] {
  const [fam, a] = setipaddr(hostnameArg('gethostbyaddr', ip_address), AF_UNSPEC);
  memory().u8.set(a, scratch.sa);
  if (netdb.wsk_gethostbyaddr(scratch.sa, fam) !== 0) throw hError(netdb.wsk_h_errno());
  return readHostent();
}

export function gethostname(): string {
  const r = addon.gethostname();
  if (typeof r === 'number') throw osError(-r);
  return r;
}

// socket.py's getfqdn, line for line.
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
