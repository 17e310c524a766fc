// inet_aton/ntoa/pton/ntop and the byte-order functions: argument handling
// here, the conversions themselves in the core (core-c/src/inet_*.c).
import { core, cString, memory, putString, scratch } from '../host/core.js';
import { error, osError } from './errors.js';
import { argTypeName, asBytes, asCInt, asIndex, isInt, typeName } from './convert.js';
import { AF_INET, AF_INET6 } from '../host/constants.generated.js';
import { EAFNOSUPPORT } from '../host/core-abi.generated.js';
import type { Bytes, Int } from './types.js';

function strArg(fn: string, n: number, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`${fn}() argument ${n} must be str, not ${argTypeName(v)}`);
  if (v.includes('\0')) throw new RangeError('embedded null character');
  return v;
}

/**
 * Python's `socket.inet_aton(ip_string)`: an IPv4 address in the dotted forms inet_aton(3) accepts
 * (`'127.1'` too) as its 4 bytes in network order.
 *
 * @throws socket.error ('illegal IP address string passed to inet_aton'); TypeError for a non-string.
 */
export function inet_aton(ip: string): Uint8Array;
export function inet_aton(ip: unknown): Uint8Array {
  if (!putString(strArg('inet_aton', 1, ip)) || core.wsk_inet_aton(scratch.text, scratch.opt) !== 1) {
    throw new error('illegal IP address string passed to inet_aton');
  }
  return memory().u8.slice(scratch.opt, scratch.opt + 4);
}

/**
 * Python's `socket.inet_ntoa(packed_ip)`: 4 bytes of an IPv4 address as dotted text.
 *
 * @throws socket.error when `packed` is not 4 bytes long.
 */
export function inet_ntoa(packed: Bytes): string;
export function inet_ntoa(packed: unknown): string {
  const b = asBytes(packed);
  if (b.length !== 4) throw new error('packed IP wrong length for inet_ntoa');
  core.wsk_inet_ntoa(new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true), scratch.text);
  return cString(scratch.text);
}

/**
 * Python's `socket.inet_pton(address_family, ip_string)`: an `AF_INET` or `AF_INET6` address's
 * text as its 4 or 16 bytes in network order.
 *
 * @throws socket.error for text that is not an address of that family (EAFNOSUPPORT for another
 *   family); TypeError for a non-string.
 */
export function inet_pton(family: Int, ip: string): Uint8Array;
export function inet_pton(family: unknown, ip: unknown): Uint8Array {
  const af = asCInt(family);
  const text = strArg('inet_pton', 2, ip);
  if (!putString(text)) throw new error('illegal IP address string passed to inet_pton');
  const r = core.wsk_inet_pton(af, scratch.text, scratch.opt);
  if (r < 0) throw osError(EAFNOSUPPORT);
  if (r === 0) throw new error('illegal IP address string passed to inet_pton');
  return memory().u8.slice(scratch.opt, scratch.opt + (af === AF_INET ? 4 : 16));
}

/**
 * Python's `socket.inet_ntop(address_family, packed_ip)`: 4 (`AF_INET`) or 16 (`AF_INET6`) bytes as
 * the address's text (`'::1'`).
 *
 * @throws RangeError for another family or a wrong length (Python's ValueError).
 */
export function inet_ntop(family: Int, packed: Bytes): string;
export function inet_ntop(family: unknown, packed: unknown): string {
  const af = asCInt(family);
  const b = asBytes(packed);
  if (af !== AF_INET && af !== AF_INET6) throw new RangeError(`unknown address family ${af}`);
  if (b.length !== (af === AF_INET ? 4 : 16)) throw new RangeError('invalid length of packed IP address string');
  memory().u8.set(b, scratch.opt);
  const r = core.wsk_inet_ntop(af, scratch.opt, scratch.text, scratch.textSize);
  if (r < 0) throw osError(-r);
  return cString(scratch.text);
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

// htons/ntohs parse a C int ('i'), then check the 16-bit range.
function u16(fn: string, v: unknown): number {
  const x = asCInt(v);
  if (x < 0) throw new RangeError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (x > 0xffff) throw new RangeError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`);
  return x;
}

// htonl/ntohl take only ints (no __index__) as a C unsigned long, then check 32 bits.
function u32(v: unknown): number {
  if (!isInt(v)) throw new TypeError(`expected int, ${typeName(v)} found`);
  const x = asIndex(v);
  if (x < 0) throw new RangeError("can't convert negative value to unsigned int");
  if (x >= 2 ** 64) throw new RangeError('Python int too large to convert to C unsigned long');
  if (x > 0xffffffff) throw new RangeError('int larger than 32 bits');
  return Number(x);
}

// The host is little-endian (x86_64, aarch64), so network order is a swap.
/**
 * Python's `socket.htons(x)`: a 16-bit number from host to network byte order.
 *
 * @throws RangeError outside 0-65535 (Python's OverflowError).
 */
export const htons = (x: Int): number => swap16(u16('htons', x));
/**
 * Python's `socket.ntohs(x)`: a 16-bit number from network to host byte order.
 *
 * @throws RangeError outside 0-65535 (Python's OverflowError).
 */
export const ntohs = (x: Int): number => swap16(u16('ntohs', x));
/**
 * Python's `socket.htonl(x)`: a 32-bit number from host to network byte order.
 *
 * @throws RangeError outside 0-2**32-1 (Python's OverflowError); TypeError for a non-integer.
 */
export const htonl = (x: Int): number => swap32(u32(x));
/**
 * Python's `socket.ntohl(x)`: a 32-bit number from network to host byte order.
 *
 * @throws RangeError outside 0-2**32-1 (Python's OverflowError); TypeError for a non-integer.
 */
export const ntohl = (x: Int): number => swap32(u32(x));
