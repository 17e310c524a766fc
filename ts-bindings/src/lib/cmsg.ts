// Control messages (ancillary data) as Python's socket module shows them:
// [level, type, data] triples, and the bytes of a msghdr's control buffer.
// One codec for two layouts: the host kernel's (the library's sendmsg and
// recvmsg, through the addon) and the ABI's (a guest's CMSG_* macros,
// core-c/include/wasock/host.h), which a guest's host converts between.
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
 * written into `reuse` (a buffer this returned before) when that has the size.
 */
export function encodeCmsgs(items: readonly Ancillary[], l: CmsgLayout = NATIVE_CMSG,
  reuse: Uint8Array | null = null): Uint8Array {
  let size = 0;
  for (const [, , data] of items) size += cmsgSpace(l, data.length);
  // Off V8's heap (Buffer's pool): a typed array of 64 bytes or less lives
  // on the heap, and the addon's first look at its memory moves it out (a
  // malloc per message); zeroed, since padding goes to the kernel too.
  // A buffer the addon has seen before costs it less than a new one.
  const out = (reuse !== null && reuse.length === size ? reuse : Buffer.allocUnsafe(size)).fill(0);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let off = 0;
  for (const [level, type, data] of items) {
    // A length below 2**32 (socklen_t's bound) in size_t's low half: the
    // high half of a zeroed buffer stays 0, and no BigInt is made.
    dv.setUint32(off, cmsgLen(l, data.length), true);
    dv.setInt32(off + l.level, level, true);
    dv.setInt32(off + l.type, type, true);
    out.set(data, off + align(l, l.hdr));
    off += cmsgSpace(l, data.length);
  }
  return out;
}

function readLen(dv: DataView, off: number, l: CmsgLayout): number {
  const low = dv.getUint32(off, true);
  return l.lenBytes === 8 ? low + dv.getUint32(off + 4, true) * 2 ** 32 : low;
}

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
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dataAt = align(l, l.hdr);
  let off = 0;
  if (end < l.hdr) return { items, truncated: false };
  for (;;) {
    const len = readLen(dv, off, l);
    if (len < dataAt || end - off < dataAt) return { items, truncated: true };
    const room = end - off - dataAt;
    const want = len - dataAt;
    const n = Math.min(room, want);
    const level = dv.getInt32(off + l.level, true);
    const type = dv.getInt32(off + l.type, true);
    // A copy, of buf's kind (a Buffer's is a Buffer), so buf can be used again.
    items.push([level, type, Uint8Array.prototype.slice.call(buf, off + dataAt, off + dataAt + n)]);
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
