// getaddrinfo and getnameinfo with CPython 3.11's argument handling. Numeric
// hosts and services are answered by the core (core-c/src/getaddrinfo.c,
// getnameinfo.c) exactly as glibc would; whatever needs a lookup (a host
// name, a service name, a reverse lookup, AI_ADDRCONFIG's interface list)
// is handed to the system resolver through the addon.
import { domainToASCII } from 'node:url';
import { core, cString, memory, scratch } from './core.js';
import { addon } from './native.js';
import { decodeAddress } from './address.js';
import { error, gaiError, osError } from './errors.js';
import { asCInt, asInt } from './convert.js';

// The core's netdb exports (core-c/include/wasock/netdb.h).
interface NetdbExports {
  wsk_getaddrinfo_numeric(host: number, serv: number, family: number, type: number, proto: number,
    flags: number, out: number): number;
  wsk_gai_out(): number;
  wsk_getnameinfo(sa: number, salen: number, host: number, hostlen: number, serv: number,
    servlen: number, flags: number): number;
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
const AI_NUMERICHOST = 4;
const EAI_NONAME = -2;
const EAI_SYSTEM = -11;
const EIO = 5;
// CPython's buffers: NI_MAXHOST for the host, 32 bytes for the port.
const SERV_LEN = 32;

export type AddrInfo = [number, number, number, string, unknown];

const utf8 = new TextEncoder();

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

// getaddrinfo's host: None, str (IDNA-encoded) or bytes.
function hostArg(host: unknown): Uint8Array | null {
  if (host === null || host === undefined) return null;
  if (typeof host === 'string') return cBytes(idnaEncode(host));
  if (host instanceof Uint8Array) return cBytes(host);
  throw new TypeError('getaddrinfo() argument 1 must be string or None');
}

// getaddrinfo's port: an exact int (as "%ld"), str, bytes or None.
function portArg(port: unknown): Uint8Array | null {
  if (port === null || port === undefined) return null;
  let n: bigint | null = null;
  if (typeof port === 'bigint') n = port;
  else if (typeof port === 'number' && Number.isInteger(port)) n = BigInt(port);
  if (n !== null) {
    if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) {
      throw new RangeError('Python int too large to convert to C long');
    }
    return utf8.encode(n.toString());
  }
  if (typeof port === 'string') return cBytes(strictUtf8(port));
  if (port instanceof Uint8Array) return cBytes(port);
  throw new error('Int or String expected');
}

// Host and port side by side in the scratch text buffer; null if too long.
function putStrings(host: Uint8Array | null, port: Uint8Array | null): [number, number] | null {
  const need = (host ? host.length + 1 : 0) + (port ? port.length + 1 : 0);
  if (need > scratch.textSize) return null;
  const u8 = memory().u8;
  let at = scratch.text;
  const put = (b: Uint8Array | null): number => {
    if (!b) return 0;
    const p = at;
    u8.set(b, p);
    u8[p + b.length] = 0;
    at += b.length + 1;
    return p;
  };
  return [put(host), put(port)];
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
function resolve(host: Uint8Array | null, port: Uint8Array | null, family: number, type: number,
  proto: number, flags: number): Array<[number, number, number, string, Uint8Array]> {
  const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
  const res = addon.getaddrinfo(text(host), text(port), family, type, proto, flags) as AddonAnswer;
  if (isErrorAnswer(res)) raiseFor(res);
  return res as Array<[number, number, number, string, Uint8Array]>;
}

// Runs the core; returns the entry count, or null when a lookup is needed.
function numeric(host: Uint8Array | null, port: Uint8Array | null, family: number, type: number,
  proto: number, flags: number): number | null {
  const at = putStrings(host, port);
  if (at === null) return null;
  // The interface list AI_ADDRCONFIG needs is not known here: 0 defers it.
  memory().dv.setUint32(gaiOut + OUT_SEEN, 0, true);
  const r = netdb.wsk_getaddrinfo_numeric(at[0], at[1], family, type, proto, flags, gaiOut);
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
  const out: AddrInfo[] = [];
  const canonPtr = memory().dv.getUint32(gaiOut + OUT_CANON, true);
  for (let i = 0; i < n; i++) {
    const e = entryPtr(i);
    const dv = memory().dv;
    const canon = i === 0 && canonPtr !== 0 ? cString(canonPtr) : '';
    out.push([dv.getInt32(e, true), dv.getInt32(e + 4, true), dv.getInt32(e + 8, true), canon,
      decodeAddress(e + ENTRY_ADDR, dv.getUint32(e + 12, true))]);
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
  const r = netdb.wsk_getnameinfo(scratch.sa, salen, scratch.text, scratch.textSize, servBuf, SERV_LEN, flg);
  if (r === 0) return [cString(scratch.text), cString(servBuf)];
  if (r !== GAI_LOOKUP) throw gaiError(r);
  // A name or service lookup: the system resolver until the core has its own.
  const res = addon.getnameinfo(memory().u8.slice(scratch.sa, scratch.sa + salen), flg);
  if (typeof res === 'number' || typeof (res as unknown[])[0] === 'number') raiseFor(res as AddonAnswer);
  return res as [string, string];
}
