// Python address tuples <-> the core's sockaddr codecs, and setipaddr (the
// address a host argument stands for), as CPython keeps them together. Type
// and range checks happen here, with CPython's messages; the bytes are the
// core's business.
import { checkNet } from './deno-net.js';
import { core, cString, memory, putString, putText, scratch } from '../host/core.js';
import { error, osError } from './errors.js';
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AI_PASSIVE, SOCK_DGRAM } from '../host/constants.generated.js';
import { ENAMETOOLONG, WSK_ADDR_NAME, WSK_ADDR_TEXT } from '../host/core-abi.generated.js';
import { asBytes, asInt, asUIntMask, typeName } from './convert.js';
import { decodeFamily, encodeFamily } from './families.js';
import { coreGetaddrinfo, entrySockaddr, inetAddress, numericGetaddrinfo, systemGetaddrinfo } from './gai.js';

export type { Address } from './types.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

// A host argument checked as CPython's idna_converter does; kept as given.
function hostArg(host: unknown): string | Uint8Array {
  const nul = typeof host === 'string' ? host.includes('\0') : host instanceof Uint8Array ? host.includes(0) : null;
  if (nul === null) throw new TypeError(`str, bytes or bytearray expected, not ${typeName(host)}`);
  if (nul) throw new TypeError('host name must not contain null character');
  return host as string | Uint8Array;
}

function hostBytes(host: string | Uint8Array): Uint8Array {
  return typeof host === 'string' ? utf8.encode(host) : host;
}

function port(v: unknown, caller: string): number {
  const p = asInt(v);
  if (p < 0 || p > 0xffff) throw new RangeError(`${caller}(): port must be 0-65535.`);
  return p;
}

// Runs a codec on a host; a name is resolved (numeric result) and retried.
function encodeHost(hostIn: unknown, family: number, run: (text: number) => number): void {
  const host = hostArg(hostIn);
  if (!(typeof host === 'string' ? putString(host) : putText(host))) throw new error('host name too long');
  let r = run(scratch.text);
  if (r === WSK_ADDR_NAME) {
    putText(utf8.encode(resolveNumeric(hostBytes(host), family)));
    r = run(scratch.text);
  }
  if (r < 0) throw osError(-r);
}

function tupleOf(addr: unknown, family: string, caller: string): unknown[] {
  if (!Array.isArray(addr)) {
    throw new TypeError(`${caller}(): ${family} address must be tuple, not ${typeName(addr)}`);
  }
  return addr;
}

// Encodes `addr` for a socket of `family` into scratch.sa; returns salen.
export function encodeAddress(family: number, addr: unknown, caller: string): number {
  const salenPtr = scratch.salen;
  if (family === AF_INET) {
    const t = tupleOf(addr, 'AF_INET', caller);
    if (t.length !== 2) throw new TypeError('AF_INET address must be a pair (host, port)');
    hostArg(t[0]);
    const p = port(t[1], caller);
    netAllowed(t[0], p, caller);
    encodeHost(t[0], AF_INET, (text) => core.wsk_sockaddr_in(text, p, scratch.sa, salenPtr));
  } else if (family === AF_INET6) {
    const t = tupleOf(addr, 'AF_INET6', caller);
    if (t.length < 2 || t.length > 4) {
      throw new TypeError('AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])');
    }
    hostArg(t[0]);
    const p = port(t[1], caller);
    netAllowed(t[0], p, caller);
    // CPython parses both with 'I' (wrapped to 32 bits); only flowinfo's 20-bit field is checked.
    const flowinfo = t.length > 2 ? asUIntMask(t[2]) : 0;
    const scope = t.length > 3 ? asUIntMask(t[3]) : 0;
    if (flowinfo > 0xfffff) throw new RangeError(`${caller}(): flowinfo must be 0-1048575.`);
    encodeHost(t[0], AF_INET6, (text) => core.wsk_sockaddr_in6(text, p, flowinfo, scope, scratch.sa, salenPtr));
  } else if (family === AF_UNIX) {
    const path = typeof addr === 'string' ? utf8.encode(addr) : asBytes(addr);
    if (!putText(path)) throw new error('AF_UNIX path too long');
    const r = core.wsk_sockaddr_un(scratch.text, path.length, scratch.sa, salenPtr);
    if (r === -ENAMETOOLONG) throw new error('AF_UNIX path too long');
    if (r < 0) throw osError(-r);
  } else {
    return encodeFamily(family, addr, caller);
  }
  return memory().dv.getUint32(salenPtr, true);
}

// Under Deno, its net permission for the host as given (deno-net.ts).
function netAllowed(host: unknown, p: number, caller: string): void {
  checkNet(typeof host === 'string' ? host : Buffer.from(host as Uint8Array).toString('latin1'), p, caller);
}

// CPython's setipaddr: the address a host argument stands for (the first
// getaddrinfo answer), with its special cases. Returns [family, bytes].
export function setipaddr(name: Uint8Array, af: number): [number, Uint8Array] {
  if (name.length === 0) {
    // The wildcard: getaddrinfo(NULL, "0", af, SOCK_DGRAM, AI_PASSIVE), whose
    // answer never needs a lookup (no host, a numeric port).
    const n = numericGetaddrinfo(null, '0', af, SOCK_DGRAM, 0, AI_PASSIVE) as number;
    if (n > 1) throw new error('wildcard resolved to multiple address');
    return inetAddress(entrySockaddr(0));
  }
  const text = utf8d.decode(name);
  if (text === '255.255.255.255' || text === '<broadcast>') {
    if (af !== AF_INET && af !== AF_UNSPEC) throw new error('address family mismatched');
    return [AF_INET, Uint8Array.of(255, 255, 255, 255)];
  }
  if (coreGetaddrinfo(name, null, af, 0, 0, 0) === null) {
    return inetAddress(systemGetaddrinfo(name, null, af, 0, 0, 0)[0][4]);
  }
  return inetAddress(entrySockaddr(0));
}

// A name resolves as CPython's setipaddr does; the codec then takes the
// numeric text.
function resolveNumeric(host: Uint8Array, family: number): string {
  const [fam, addr] = setipaddr(host, family);
  memory().u8.set(addr, scratch.opt);
  core.wsk_inet_ntop(fam, scratch.opt, scratch.text, scratch.textSize);
  return cString(scratch.text);
}

// An address's numeric text, ASCII but for an IPv6 scope's interface name:
// by hand, as Node 20's TextDecoder costs about a microsecond a call, as much
// as a datagram's recvfrom itself.
function numericText(text: Uint8Array): string {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] > 0x7f) return utf8d.decode(text);
    s += String.fromCharCode(text[i]);
  }
  return s;
}

// Decodes the sockaddr at `sa` (salen bytes) as CPython's makesockaddr does.
export function decodeAddress(sa: number, salen: number): unknown {
  if (salen === 0) return null;
  const other = decodeFamily(sa, salen);
  if (other !== undefined) return other;
  const out = scratch.addr;
  const r = core.wsk_sockaddr_decode(sa, salen, out);
  const m = memory();
  const family = m.dv.getInt32(out + WSK_ADDR_TEXT.family, true);
  if (r < 0) {
    // No codec for this family: CPython's (family, sa_data) fallback.
    return [family, m.u8.slice(sa + 2, sa + 16)];
  }
  const port = m.dv.getUint32(out + WSK_ADDR_TEXT.port, true);
  const len = m.dv.getUint32(out + WSK_ADDR_TEXT.len, true);
  const text = m.u8.subarray(out + WSK_ADDR_TEXT.text, out + WSK_ADDR_TEXT.text + len);
  if (family === AF_INET) return [numericText(text), port];
  if (family === AF_INET6) {
    return [numericText(text), port, m.dv.getUint32(out + WSK_ADDR_TEXT.flowinfo, true),
      m.dv.getUint32(out + WSK_ADDR_TEXT.scope_id, true)];
  }
  const abstract = m.dv.getUint32(out + WSK_ADDR_TEXT.abstract, true) !== 0;
  return abstract ? Uint8Array.from(text) : utf8d.decode(text);
}
