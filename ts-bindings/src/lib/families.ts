// Address tuples of AF_NETLINK, AF_PACKET, AF_TIPC, AF_CAN, AF_ALG and
// AF_VSOCK: argument checks with CPython 3.11's exact messages here
// (TypeError; ValueError and OverflowError as RangeError), the sockaddr bytes
// in the core's codecs (core-c/src/sockaddr_{nl,ll,tipc,can,alg,vm}.c).
// address.ts calls in for these families.
import { core, memory, putText, scratch } from '../host/core.js';
import { error, osError } from './errors.js';
import { addon } from '../host/native.js';
import {
  AF_ALG, AF_CAN, AF_NETLINK, AF_PACKET, AF_TIPC, AF_VSOCK, CAN_BCM, CAN_ISOTP, CAN_J1939, CAN_RAW,
} from '../host/constants.generated.js';
import { asBytes, asIndex, asUIntMask, isInt, typeName } from './convert.js';
import {
  EINVAL, ENODEV, WSK_ADDR_TUPLE, WSK_ALG_NAME_SIZE, WSK_ALG_TYPE_SIZE, WSK_IFNAMSIZ, WSK_TIPC_CLUSTER_SCOPE,
} from '../host/core-abi.generated.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

// The families whose returned addresses the core's tuple decoder reads (AF_ALG
// has none: Linux never returns one).
function isTupleFamily(family: number): boolean {
  return family === AF_NETLINK || family === AF_PACKET || family === AF_TIPC || family === AF_CAN ||
    family === AF_VSOCK;
}

// CPython checks PyTuple_Check first, naming the caller.
function tupleOf(addr: unknown, name: string, caller: string): unknown[] {
  if (!Array.isArray(addr)) throw new TypeError(`${caller}(): ${name} address must be tuple, not ${typeName(addr)}`);
  return addr;
}

// PyArg_ParseTuple with a ';message' format: a wrong count, or a converter
// that fails without raising (the 's' and count checks), gives the message;
// errors a converter raises itself (int conversion, buffers) are kept.
function count(t: unknown[], min: number, max: number, message: string): void {
  if (t.length < min || t.length > max) throw new TypeError(message);
}

// 'I': any int, wrapped to 32 bits; a non-int is PyNumber_Index's TypeError.
const uint = asUIntMask;

// 'i' inside getsockaddrarg: its OverflowError becomes "address argument out of range".
function cInt(v: unknown, caller: string): number {
  const n = asIndex(v);
  if (n < -2147483648 || n > 2147483647) throw new RangeError(`${caller}(): address argument out of range`);
  return Number(n);
}

// CPython's SIOCGIFINDEX on the name as strncpy leaves it: at most IFNAMSIZ-1 bytes.
function ifIndex(name: Uint8Array): number {
  const r = addon.ifNameToIndex(utf8d.decode(name.subarray(0, WSK_IFNAMSIZ - 1)));
  if (r <= 0) throw osError(r < 0 ? -r : ENODEV);
  return r;
}

// PyUnicode_FSConverter: a str (as UTF-8) or bytes, without a NUL.
function fsName(v: unknown): Uint8Array {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(v)}`);
  }
  const b = typeof v === 'string' ? utf8.encode(v) : v;
  if (b.includes(0)) throw new RangeError('embedded null byte');
  return b;
}

// AF_CAN's interface: '' is any (index 0); a name must leave room for its NUL.
function canIfIndex(name: Uint8Array): number {
  if (name.length === 0) return 0;
  if (name.length >= WSK_IFNAMSIZ) throw new error('AF_CAN interface name too long');
  return ifIndex(name);
}

// 'k' and 'K': an int (no __index__), wrapped to `bits` bits; a non-int is
// getargs' "argument N must be int" (its formats name no function).
function longMask(v: unknown, bits: number, argNo: number): bigint {
  if (!isInt(v)) throw new TypeError(`argument ${argNo} must be int, not ${typeName(v)}`);
  return BigInt.asUintN(bits, BigInt(v));
}

// An AF_CAN format without a ';message' or tuple check: getargs' own count
// message; a non-tuple is CPython's SystemError, a TypeError here.
function canTuple(addr: unknown, n: number): unknown[] {
  if (!Array.isArray(addr)) throw new TypeError('new style getargs format but argument is not a tuple');
  if (addr.length !== n) throw new TypeError(`function takes exactly ${n} arguments (${addr.length} given)`);
  return addr;
}

// AF_CAN: the form is the protocol's (CPython's getsockaddrarg). Every value
// is converted before the interface is looked up.
function encodeCan(proto: number, addr: unknown, caller: string): number {
  let t: unknown[];
  let v1 = 0n;
  let v2 = 0;
  let v3 = 0;
  if (proto === CAN_RAW || proto === CAN_BCM) {
    t = tupleOf(addr, 'AF_CAN', caller);
    count(t, 1, 1, 'AF_CAN address must be a tuple (interface, )');
  } else if (proto === CAN_ISOTP) {
    t = canTuple(addr, 3);
    fsName(t[0]);
    v1 = longMask(t[1], 32, 2);
    v2 = Number(longMask(t[2], 32, 3));
  } else if (proto === CAN_J1939) {
    t = canTuple(addr, 4);
    fsName(t[0]);
    v1 = longMask(t[1], 64, 2);
    v2 = uint(t[2]);
    v3 = uint(t[3]) & 0xff;
  } else {
    throw new error(`${caller}(): unsupported CAN protocol`);
  }
  const index = canIfIndex(fsName(t[0]));
  return core.wsk_sockaddr_can(proto, index, v1, v2, v3, scratch.sa, scratch.salen);
}

// 's': a str without NUL; its other failures give the format's message.
function algString(v: unknown, message: string): Uint8Array {
  if (typeof v !== 'string') throw new TypeError(message);
  if (v.includes('\0')) throw new RangeError('embedded null character');
  return utf8.encode(v);
}

// AF_ALG: (type, name[, feat[, mask]]), feat and mask 'H' (16 bits).
function encodeAlg(addr: unknown, caller: string): number {
  const message = 'AF_ALG address must be a tuple (type, name[, feat[, mask]])';
  const t = tupleOf(addr, 'AF_ALG', caller);
  count(t, 2, 4, message);
  const type = algString(t[0], message);
  const name = algString(t[1], message);
  const feat = t.length > 2 ? uint(t[2]) & 0xffff : 0;
  const mask = t.length > 3 ? uint(t[3]) & 0xffff : 0;
  if (type.length >= WSK_ALG_TYPE_SIZE) throw new RangeError('AF_ALG type too long.');
  if (name.length >= WSK_ALG_NAME_SIZE) throw new RangeError('AF_ALG name too long.');
  const both = new Uint8Array(type.length + name.length);
  both.set(type);
  both.set(name, type.length);
  putText(both);
  return core.wsk_sockaddr_alg(scratch.text, type.length, scratch.text + type.length, name.length, feat, mask,
    scratch.sa, scratch.salen);
}

// Encodes `addr` into scratch.sa for one of these families (AF_CAN's form is
// its protocol's); returns salen.
export function encodeFamily(family: number, proto: number, addr: unknown, caller: string): number {
  const salenPtr = scratch.salen;
  let r: number;
  if (family === AF_NETLINK) {
    const t = tupleOf(addr, 'AF_NETLINK', caller);
    count(t, 2, 2, 'AF_NETLINK address must be a pair (pid, groups)');
    const pid = uint(t[0]);
    const groups = uint(t[1]);
    r = core.wsk_sockaddr_nl(pid, groups, scratch.sa, salenPtr);
  } else if (family === AF_VSOCK) {
    // Its tuple check names getsockaddrarg, not the caller (CPython 3.11).
    if (!Array.isArray(addr)) throw new TypeError(`getsockaddrarg: AF_VSOCK address must be tuple, not ${typeName(addr)}`);
    const t = addr;
    if (t.length !== 2) throw new TypeError(`getsockaddrarg() takes exactly 2 arguments (${t.length} given)`);
    const cid = uint(t[0]);
    const port = uint(t[1]);
    r = core.wsk_sockaddr_vm(cid, port, scratch.sa, salenPtr);
  } else if (family === AF_TIPC) {
    const t = tupleOf(addr, 'AF_TIPC', caller);
    count(t, 4, 5, 'AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])');
    const [atype, v1, v2, v3] = t.slice(0, 4).map(uint);
    const scope = t.length > 4 ? uint(t[4]) : WSK_TIPC_CLUSTER_SCOPE;
    r = core.wsk_sockaddr_tipc(atype, v1, v2, v3, scope, scratch.sa, salenPtr);
    if (r === -EINVAL) throw new TypeError('Invalid address type');
  } else if (family === AF_PACKET) {
    const t = tupleOf(addr, 'AF_PACKET', caller);
    const message = 'AF_PACKET address must be a tuple of two to five elements';
    count(t, 2, 5, message);
    if (typeof t[0] !== 'string') throw new TypeError(message);
    if (t[0].includes('\0')) throw new RangeError('embedded null character');
    const proto = cInt(t[1], caller);
    const pkttype = t.length > 2 ? cInt(t[2], caller) : 0; // PACKET_HOST
    const hatype = t.length > 3 ? cInt(t[3], caller) : 0;
    const haddr = t.length > 4 ? asBytes(t[4]) : null;
    const index = ifIndex(utf8.encode(t[0]));
    if (haddr && haddr.length > 8) throw new RangeError('Hardware address must be 8 bytes or less');
    if (proto < 0 || proto > 0xffff) throw new RangeError(`${caller}(): proto must be 0-65535.`);
    putText(haddr ?? new Uint8Array(0));
    r = core.wsk_sockaddr_ll(index, proto, pkttype >>> 0, hatype >>> 0, scratch.text, haddr?.length ?? 0,
      scratch.sa, salenPtr);
  } else if (family === AF_CAN) {
    r = encodeCan(proto, addr, caller);
  } else if (family === AF_ALG) {
    r = encodeAlg(addr, caller);
  } else {
    throw new error(`${caller}(): bad family`);
  }
  if (r < 0) throw osError(-r);
  return memory().dv.getUint32(salenPtr, true);
}

// The core's struct wsk_addr_tuple (core-c/include/wasock/sockaddr.h).
const T = WSK_ADDR_TUPLE;

// Decodes the sockaddr at `sa` for one of these families as CPython's
// makesockaddr does, for a socket of protocol `proto`; undefined for any other
// family.
export function decodeFamily(sa: number, salen: number, proto: number): unknown {
  const m = memory();
  if (salen < 2 || !isTupleFamily(m.dv.getUint16(sa, true))) return undefined;
  const out = scratch.addr;
  const r = core.wsk_sockaddr_decode(sa, salen, proto, out);
  if (r === -EINVAL) throw new RangeError('Invalid address type');
  if (r < 0) throw osError(-r);
  const dv = memory().dv;
  const u8 = memory().u8;
  const tuple: unknown[] = [];
  if (dv.getUint32(out + T.has_name, true)) {
    const n = dv.getUint32(out + T.name_len, true);
    tuple.push(utf8d.decode(u8.subarray(out + T.name, out + T.name + n)));
  }
  const nints = dv.getUint32(out + T.nints, true);
  let i = 0;
  if (dv.getUint32(out + T.wide, true)) {
    // Python's int of any size: a number while exact, else a bigint.
    const wide = (BigInt(dv.getUint32(out + T.ints, true)) << 32n) | BigInt(dv.getUint32(out + T.ints + 4, true));
    tuple.push(wide <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(wide) : wide);
    i = 2;
  }
  for (; i < nints; i++) tuple.push(dv.getUint32(out + T.ints + 4 * i, true));
  if (dv.getUint32(out + T.has_bytes, true)) {
    const n = dv.getUint32(out + T.bytes_len, true);
    tuple.push(u8.slice(out + T.bytes, out + T.bytes + n));
  }
  return tuple;
}
