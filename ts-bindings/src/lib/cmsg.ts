// Control messages (ancillary data) as Python's socket module shows them:
// [level, type, data] triples, and the bytes of a msghdr's control buffer.
// One codec for two layouts: the host kernel's (the library's sendmsg and
// recvmsg, through the addon) and the ABI's (a guest's CMSG_* macros,
// core-c/include/wasock/host.h), which a guest's host converts between.
import { Buffer } from '../host/builtins.js';
import {
  CMSG_ALIGNMENT, CMSG_LEN_SIZE, CMSG_LEVEL_OFFSET, CMSG_TYPE_OFFSET, CMSGHDR_SIZE,
} from '../host/cmsg.generated.js';
import { WSK_CMSG_ALIGN, WSK_CMSG_HDR, WSK_CMSG_LEVEL, WSK_CMSG_TYPE } from '../host/core-abi.generated.js';

/** One control message: `[cmsg_level, cmsg_type, cmsg_data]`, as Python's `recvmsg` returns them. */
export type Ancillary = [level: number, type: number, data: Uint8Array];

// A control message layout: the header's size, the alignment of headers and
// of data, the width of cmsg_len (size_t natively, uint32 in the ABI) and
// where cmsg_level and cmsg_type (int32s) sit.
export interface CmsgLayout {
  readonly hdr: number;
  readonly align: number;
  readonly lenBytes: number;
  readonly level: number;
  readonly type: number;
}

/** The host kernel's struct cmsghdr (x86_64, aarch64: 16 bytes, 8-aligned). */
export const NATIVE_CMSG: CmsgLayout = {
  hdr: CMSGHDR_SIZE, align: CMSG_ALIGNMENT, lenBytes: CMSG_LEN_SIZE, level: CMSG_LEVEL_OFFSET, type: CMSG_TYPE_OFFSET,
};
/** The ABI's (wasm32's) struct cmsghdr: 12 bytes, 4-aligned. */
export const ABI_CMSG: CmsgLayout = {
  hdr: WSK_CMSG_HDR, align: WSK_CMSG_ALIGN, lenBytes: 4, level: WSK_CMSG_LEVEL, type: WSK_CMSG_TYPE,
};

// socketmodule.c's bound on a msghdr's lengths and on CMSG_LEN/CMSG_SPACE's
// results (INT_MAX).
export const SOCKLEN_T_LIMIT = 2147483647;

function align(l: CmsgLayout, n: number): number {
  return (n + l.align - 1) & ~(l.align - 1);
}

/** CMSG_LEN(n): a header plus n bytes of data, unpadded. */
export function cmsgLen(l: CmsgLayout, n: number): number {
  return align(l, l.hdr) + n;
}

/** CMSG_SPACE(n): a header plus n bytes of data, padded for the next header. */
export function cmsgSpace(l: CmsgLayout, n: number): number {
  return align(l, l.hdr) + align(l, n);
}

/**
 * The control buffer for items, each in CMSG_SPACE of its data, as CPython's sendmsg builds it;
 * written into `reuse` (a buffer this returned before) when that has the size, and `reuse`
 * itself when it already holds these items (a sender repeating its control messages).
 */
export function encodeCmsgs(items: readonly Ancillary[], l: CmsgLayout = NATIVE_CMSG,
  reuse: Uint8Array | null = null): Uint8Array {
  let size = 0;
  for (let i = 0; i < items.length; i++) size += cmsgSpace(l, items[i][2].length);
  const fits = reuse !== null && reuse.length === size ? reuse : null;
  if (fits !== null && holds(fits, items, l)) return fits;
  // Off V8's heap (Buffer's pool): a typed array of 64 bytes or less lives
  // on the heap, and the addon's first look at its memory moves it out (a
  // malloc per message); zeroed, since padding goes to the kernel too.
  // A buffer the addon has seen before costs it less than a new one.
  const out = (fits ?? Buffer.allocUnsafe(size)).fill(0);
  let off = 0;
  for (let i = 0; i < items.length; i++) {
    const [level, type, data] = items[i];
    // A length below 2**32 (socklen_t's bound) in size_t's low half: the
    // high half of a zeroed buffer stays 0.
    putInt32(out, off, cmsgLen(l, data.length));
    putInt32(out, off + l.level, level);
    putInt32(out, off + l.type, type);
    out.set(data, off + align(l, l.hdr));
    off += cmsgSpace(l, data.length);
  }
  return out;
}

// Whether buf, a buffer encodeCmsgs wrote (its padding and the high half of
// each length zero), holds exactly these items.
function holds(buf: Uint8Array, items: readonly Ancillary[], l: CmsgLayout): boolean {
  let off = 0;
  for (let i = 0; i < items.length; i++) {
    const [level, type, data] = items[i];
    if (getInt32(buf, off) !== cmsgLen(l, data.length) || getInt32(buf, off + l.level) !== level ||
      getInt32(buf, off + l.type) !== type) return false;
    const at = off + align(l, l.hdr);
    for (let j = 0; j < data.length; j++) if (buf[at + j] !== data[j]) return false;
    off += cmsgSpace(l, data.length);
  }
  return true;
}

// The layouts' int32s and cmsg_len's halves, little-endian (x86_64, aarch64,
// wasm32), read and written bytewise: a DataView per message costs more
// than the message's whole walk.
function getInt32(b: Uint8Array, off: number): number {
  return b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24);
}

function putInt32(b: Uint8Array, off: number, v: number): void {
  b[off] = v;
  b[off + 1] = v >> 8;
  b[off + 2] = v >> 16;
  b[off + 3] = v >> 24;
}

function readLen(b: Uint8Array, off: number, l: CmsgLayout): number {
  const low = getInt32(b, off) >>> 0;
  return l.lenBytes === 8 ? low + (getInt32(b, off + 4) >>> 0) * 2 ** 32 : low;
}

// A copy of n bytes of buf from off, of buf's kind (a Buffer's is a Buffer),
// so buf can be used again; a short one bytewise, cheaper than a view to
// copy from.
function copyOut(buf: Uint8Array, off: number, n: number): Uint8Array {
  const out = buf instanceof Buffer ? Buffer.allocUnsafeSlow(n) : new Uint8Array(n);
  if (n > SHORT_COPY) out.set(buf.subarray(off, off + n));
  else for (let i = 0; i < n; i++) out[i] = buf[off + i];
  return out;
}

// Below this many bytes a loop copies faster than TypedArray.set.
const SHORT_COPY = 64;

/**
 * The control messages in the first `controllen` bytes of buf, walked as
 * glibc's CMSG_FIRSTHDR/CMSG_NXTHDR walk them, each item's data as CPython's
 * recvmsg cuts it: a message the buffer truncated (MSG_CTRUNC) keeps the data
 * that is there and ends the walk; a header too short to be one ends it with
 * no item. `truncated` says whether either happened (CPython then warns).
 */
export function decodeCmsgs(buf: Uint8Array, controllen: number, l: CmsgLayout = NATIVE_CMSG):
  { items: Ancillary[]; truncated: boolean } {
  const items: Ancillary[] = [];
  const end = Math.min(controllen, buf.length);
  const dataAt = align(l, l.hdr);
  let off = 0;
  if (end < l.hdr) return { items, truncated: false };
  for (;;) {
    const len = readLen(buf, off, l);
    if (len < dataAt || end - off < dataAt) return { items, truncated: true };
    const room = end - off - dataAt;
    const want = len - dataAt;
    const n = Math.min(room, want);
    items.push([getInt32(buf, off + l.level), getInt32(buf, off + l.type), copyOut(buf, off + dataAt, n)]);
    if (want > room) return { items, truncated: true };
    // CMSG_NXTHDR as glibc 2.36 (Debian 12) has it, which the machine's
    // CPython is built with: the current message, padded, and a whole header
    // after it must fit; the next message's own length is not checked here
    // but cut above, as get_cmsg_data_len cuts it.
    const next = off + align(l, len);
    if (next + l.hdr > end) break;
    off = next;
  }
  return { items, truncated: false };
}
