// Python's socket.AddressFamily, SocketKind, MsgFlag and AddressInfo, as
// TypeScript enums are shaped: name -> number and number -> name, frozen.
//
// CPython builds them by IntEnum._convert_ over its module's names
// (C.isupper() and C.startswith('AF_'), 'SOCK_', 'MSG_', 'AI_'). wasock
// exports more constants than the oracle's _socket (/usr/bin/python3) does
// (AF_LOCAL, AF_FILE, SOCK_SNDBUF_LOCK, MSG_ZEROCOPY, AI_IDN, ...); the rule run over
// them would make other members and other reverse names (SOCK_SNDBUF_LOCK for
// 1 instead of SOCK_STREAM). So the members are CPython 3.11's on Linux, named
// below, their values taken from the generated constants; tests compare the
// whole maps with python3's. The reverse name of a number is _convert_'s
// canonical one: members sorted by (value, name), the first of a value wins,
// the others are aliases (AF_ROUTE of AF_NETLINK).
import {
  AF_ALG, AF_APPLETALK, AF_ASH, AF_ATMPVC, AF_ATMSVC, AF_AX25, AF_BLUETOOTH, AF_BRIDGE, AF_CAN, AF_ECONET,
  AF_INET, AF_INET6, AF_IPX, AF_IRDA, AF_KEY, AF_LLC, AF_NETBEUI, AF_NETLINK, AF_NETROM, AF_PACKET, AF_PPPOX,
  AF_QIPCRTR, AF_RDS, AF_ROSE, AF_ROUTE, AF_SECURITY, AF_SNA, AF_TIPC, AF_UNIX, AF_UNSPEC, AF_VSOCK,
  AF_WANPIPE, AF_X25, AI_ADDRCONFIG, AI_ALL, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_PASSIVE,
  AI_V4MAPPED, MSG_CMSG_CLOEXEC, MSG_CONFIRM, MSG_CTRUNC, MSG_DONTROUTE, MSG_DONTWAIT, MSG_EOR, MSG_ERRQUEUE,
  MSG_FASTOPEN, MSG_MORE, MSG_NOSIGNAL, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, SOCK_CLOEXEC, SOCK_DGRAM,
  SOCK_NONBLOCK, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_STREAM,
} from '../host/constants.generated.js';
import type { IntEnum } from './types.js';

// Named members, not a lookup by name in the constants' module namespace: V8 builds a
// namespace of a thousand names on its first use, a few milliseconds of every import.
function makeEnum<N extends string>(byName: Record<N, number>): IntEnum<N> {
  const members = Object.entries(byName) as Array<[N, number]>;
  members.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const e: Record<string, string | number> = {};
  for (const [n, v] of members) {
    e[n] = v;
    if (!(String(v) in e)) e[String(v)] = n;
  }
  return Object.freeze(e) as unknown as IntEnum<N>;
}

/**
 * Python's `socket.AddressFamily`: the `AF_*` address families, name to number and number to name
 * (`AddressFamily.AF_INET6 === 10`, `AddressFamily[16] === 'AF_NETLINK'`, AF_ROUTE being its alias).
 * `s.family` stays a plain number, as in CPython's repr.
 */
export const AddressFamily = makeEnum({
  AF_ALG, AF_APPLETALK, AF_ASH, AF_ATMPVC, AF_ATMSVC, AF_AX25, AF_BLUETOOTH, AF_BRIDGE, AF_CAN,
  AF_ECONET, AF_INET, AF_INET6, AF_IPX, AF_IRDA, AF_KEY, AF_LLC, AF_NETBEUI, AF_NETLINK, AF_NETROM,
  AF_PACKET, AF_PPPOX, AF_QIPCRTR, AF_RDS, AF_ROSE, AF_ROUTE, AF_SECURITY, AF_SNA, AF_TIPC,
  AF_UNIX, AF_UNSPEC, AF_VSOCK, AF_WANPIPE, AF_X25,
});

/**
 * Python's `socket.SocketKind`: the `SOCK_*` socket types, name to number and number to name
 * (`SocketKind.SOCK_DGRAM === 2`, `SocketKind[1] === 'SOCK_STREAM'`).
 */
export const SocketKind = makeEnum({
  SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_STREAM,
});

/**
 * Python's `socket.MsgFlag` (an IntFlag): the `MSG_*` flags, name to number and number to name for
 * each single flag (`MsgFlag.MSG_PEEK === 2`, `MsgFlag[2] === 'MSG_PEEK'`); combine them with `|`.
 */
export const MsgFlag = makeEnum({
  MSG_CMSG_CLOEXEC, MSG_CONFIRM, MSG_CTRUNC, MSG_DONTROUTE, MSG_DONTWAIT, MSG_EOR, MSG_ERRQUEUE,
  MSG_FASTOPEN, MSG_MORE, MSG_NOSIGNAL, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL,
});

/**
 * Python's `socket.AddressInfo` (an IntFlag): the `AI_*` getaddrinfo flags, name to number and number
 * to name for each single flag (`AddressInfo.AI_PASSIVE === 1`, `AddressInfo[1] === 'AI_PASSIVE'`).
 */
export const AddressInfo = makeEnum({
  AI_ADDRCONFIG, AI_ALL, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_PASSIVE, AI_V4MAPPED,
});
