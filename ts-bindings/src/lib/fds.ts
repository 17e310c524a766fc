// What socket.py's send_fds and recv_fds add to sendmsg and recvmsg, shared
// by both APIs: the descriptors as array.array("i") packs them, and the
// descriptors of the SCM_RIGHTS messages received.
import { asCInt, asIndex, typeName } from './convert.js';
import { SCM_RIGHTS, SOL_SOCKET } from '../host/constants.generated.js';
import type { Ancillary } from './cmsg.js';

// array.array("i", fds): any iterable of C ints.
export function fdArray(fds: unknown): Int32Array {
  if (fds === null || fds === undefined || typeof (fds as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`'${typeName(fds)}' object is not iterable`);
  }
  return Int32Array.from(fds as Iterable<unknown>, asCInt);
}

// maxfds * itemsize, the length recv_fds gives CMSG_LEN, as Python's ints
// multiply (CMSG_LEN then checks the range).
export function fdBytes(maxfds: unknown): number | bigint {
  const n = asIndex(maxfds);
  return typeof n === 'bigint' ? n * 4n : n * 4;
}

// The whole ints of every SOL_SOCKET/SCM_RIGHTS item, in order.
export function receivedFds(ancdata: readonly Ancillary[]): number[] {
  const fds: number[] = [];
  for (const [level, type, data] of ancdata) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i + 4 <= data.length; i += 4) fds.push(dv.getInt32(i, true));
  }
  return fds;
}
