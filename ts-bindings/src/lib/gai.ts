// The core's getaddrinfo (core-c/src/getaddrinfo.c) as the library calls it:
// getaddrinfo's argument conversions, the request written to the scratch
// text area, the answer read from struct wsk_gai_out, and the system
// resolver for what the core leaves to it (AI_IDN with a non-ASCII name).
// netdb.ts (getaddrinfo, getnameinfo) and address.ts (setipaddr) build on it.
import { core, memory, scratch } from '../host/core.js';
import { addon } from '../host/native.js';
import { error, gaiError, osError } from './errors.js';
import { cAscii, cBytes, idnaAscii, isAscii, strictUtf8 } from './idna.js';
import { AF_INET6, EAI_SYSTEM } from '../host/constants.generated.js';
import {
  EIO, WSK_GAI_ENTRY, WSK_GAI_LOOKUP, WSK_GAI_OUT, WSK_SOCKADDR_IN, WSK_SOCKADDR_IN6,
} from '../host/core-abi.generated.js';

// A C string argument on its way to the core: ASCII text (one byte per
// char, no NUL), bytes (no NUL), or NULL. Text skips TextEncoder and its
// allocations on the common path.
export type CText = string | Uint8Array | null;

const utf8d = new TextDecoder();

// getaddrinfo's host: None, str (IDNA-encoded) or bytes.
export function hostArg(host: unknown): CText {
  if (host === null || host === undefined) return null;
  if (typeof host === 'string') return cAscii(idnaAscii(host));
  if (host instanceof Uint8Array) return cBytes(host);
  throw new TypeError('getaddrinfo() argument 1 must be string or None');
}

// getaddrinfo's port: an exact int (as "%ld"), str, bytes or None.
export function portArg(port: unknown): CText {
  if (port === null || port === undefined) return null;
  if (typeof port === 'number' && Number.isSafeInteger(port)) return String(port);
  let n: bigint | null = null;
  if (typeof port === 'bigint') n = port;
  else if (typeof port === 'number' && Number.isInteger(port)) n = BigInt(port);
  if (n !== null) {
    if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) {
      throw new RangeError('Python int too large to convert to C long');
    }
    return n.toString();
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

// Two C strings side by side in the scratch text area (either may be NULL):
// their pointers, or null when they do not fit.
export function putCStrings(a: CText, b: CText): [number, number] | null {
  const an = a === null ? 0 : a.length + 1;
  if (an + (b === null ? 0 : b.length + 1) > scratch.textSize) return null;
  const u8 = memory().u8;
  return [putC(u8, scratch.text, a), putC(u8, scratch.text + an, b)];
}

const gaiOut = core.wsk_gai_out();

// How far the core goes: every lookup (wsk_getaddrinfo), none
// (wsk_getaddrinfo_numeric), or all but DNS (wsk_getaddrinfo_local).
type Reach = 'full' | 'numeric' | 'local';

// One call of the core: the entry count, a negative EAI code, or
// WSK_GAI_LOOKUP (also for a request too long to pass).
function callCore(reach: Reach, host: CText, port: CText, family: number, type: number, proto: number,
  flags: number): number {
  const at = putCStrings(host, port);
  if (at === null) return WSK_GAI_LOOKUP;
  // The interface list AI_ADDRCONFIG needs is not known here: 0 leaves it to the core.
  memory().dv.setUint32(gaiOut + WSK_GAI_OUT.seen, 0, true);
  const fn = reach === 'full' ? core.wsk_getaddrinfo
    : reach === 'local' ? core.wsk_getaddrinfo_local : core.wsk_getaddrinfo_numeric;
  return fn(at[0], at[1], family, type, proto, flags, gaiOut);
}

function answer(r: number): number | null {
  if (r === WSK_GAI_LOOKUP) return null;
  if (r < 0) throw gaiError(r);
  return r;
}

// getaddrinfo in the core, names looked up by its resolver (hosts file, DNS,
// services): the entry count (entries at gaiEntry(i)), or null when only the
// system resolver can answer (AI_IDN with a non-ASCII name, an overlong
// request). Raises gaierror for an EAI code.
export function coreGetaddrinfo(host: CText, port: CText, family: number, type: number, proto: number,
  flags: number): number | null {
  return answer(callCore('full', host, port, family, type, proto, flags));
}

// The same without DNS: the entry count when the hosts file (before DNS in
// nsswitch.conf's order) decides the answer, or null when DNS or the system
// resolver must. Raises gaierror for an EAI code.
export function localGetaddrinfo(host: CText, port: CText, family: number, type: number, proto: number,
  flags: number): number | null {
  return answer(callCore('local', host, port, family, type, proto, flags));
}

// The numeric part alone (no lookup is ever made): the entry count, or null
// when the answer needs a lookup. Raises gaierror for an EAI code.
export function numericGetaddrinfo(host: CText, port: CText, family: number, type: number, proto: number,
  flags: number): number | null {
  return answer(callCore('numeric', host, port, family, type, proto, flags));
}

// Entry i of the last answer (struct wsk_gai_entry); canonName() is entry 0's.
export function gaiEntry(i: number): number {
  return gaiOut + WSK_GAI_OUT.entries + i * WSK_GAI_ENTRY.size;
}

export function canonName(): number {
  return memory().dv.getUint32(gaiOut + WSK_GAI_OUT.canonname, true);
}

// A copy of entry i's sockaddr.
export function entrySockaddr(i: number): Uint8Array {
  const e = gaiEntry(i);
  const m = memory();
  const sa = e + WSK_GAI_ENTRY.addr;
  return m.u8.slice(sa, sa + m.dv.getUint32(e + WSK_GAI_ENTRY.addrlen, true));
}

// The address of an AF_INET or AF_INET6 sockaddr: [family, its 4 or 16 bytes].
export function inetAddress(sa: Uint8Array): [number, Uint8Array] {
  const family = sa[0] | (sa[1] << 8);
  if (family === AF_INET6) {
    return [family, sa.slice(WSK_SOCKADDR_IN6.addr, WSK_SOCKADDR_IN6.addr + 16)];
  }
  return [family, sa.slice(WSK_SOCKADDR_IN.addr, WSK_SOCKADDR_IN.addr + 4)];
}

// ---- the system resolver (through the addon) ----------------------------------

export type SystemAnswer = Array<[number, number, number, string, Uint8Array]>;
// An addon answer: the list, an EAI code, or [EAI_SYSTEM, errno].
type AddonAnswer = SystemAnswer | number | unknown[];

function raiseFor(res: AddonAnswer): never {
  if (typeof res === 'number') throw res === EAI_SYSTEM ? osError(EIO) : gaiError(res);
  const errno = (res as unknown[])[1];
  throw osError(typeof errno === 'number' && errno > 0 ? errno : EIO);
}

// getaddrinfo by the system's resolver, for what coreGetaddrinfo leaves to
// it: raises the gaierror / OSError CPython would.
export function systemGetaddrinfo(host: CText, port: CText, family: number, type: number, proto: number,
  flags: number): SystemAnswer {
  const text = (b: CText) => (b === null || typeof b === 'string' ? b : utf8d.decode(b));
  const res = addon.getaddrinfo(text(host), text(port), family, type, proto, flags) as AddonAnswer;
  if (typeof res === 'number' || (Array.isArray(res) && typeof res[0] === 'number')) raiseFor(res);
  return res as SystemAnswer;
}
