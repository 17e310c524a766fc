// What a guest may ask of the kernel, as data. Everything not listed here is
// impossible for a guest: a socket kind not in SOCKET_KINDS is EAFNOSUPPORT
// (unknown family) or EPROTONOSUPPORT, an option not in OPTIONS is
// ENOPROTOOPT, an ioctl not in IOCTLS is ENOTTY, a message flag outside the
// send/receive lists is EOPNOTSUPP. docs/guests.md shows these tables.
//
// Each entry names the grant it follows:
//   'address'  any guest may use it; what it reaches is judged per address
//              (connect/bind/sendto/accept grants);
//   'family'   only with the socket's own family granted (`--allow-family`);
//   a Family   only with `--allow-family=F` (policy.families).
import * as C from '../host/constants.generated.js';
import { addon } from '../host/native.js';
import type { Family } from './policy.js';

/** What grants a socket kind or option: `'address'` (any address grant of its family), `'family'` (none needed beyond the socket), or a whole-family grant. */
export type Grant = 'address' | 'family' | Family;

// ---- socket kinds, as the kernel reports them (SO_DOMAIN, SO_TYPE, SO_PROTOCOL) -------------

/** One socket kind a guest may create: (domain, type, protocols) as the kernel reports them, and the grant it needs. */
export interface SocketKind {
  /** The `AF_*` domain. */
  domain: number;
  /** The `SOCK_*` type. */
  type: number;
  /** The protocol numbers allowed, or `'any'`. */
  protocols: readonly number[] | 'any';
  /** The family the socket's addresses are judged in. */
  family: Family;      // the family the socket's addresses are judged in
  /** The grant the kind needs. */
  grant: Grant;
}

const INET_KINDS = (domain: number, family: Family, icmp: number): SocketKind[] => [
  { domain, type: C.SOCK_STREAM, protocols: [C.IPPROTO_TCP], family, grant: 'address' },
  { domain, type: C.SOCK_DGRAM, protocols: [C.IPPROTO_UDP], family, grant: 'address' },
  // "ping" sockets and raw IP: their own grant (Linux asks CAP_NET_RAW or ping_group_range).
  { domain, type: C.SOCK_DGRAM, protocols: [icmp], family: 'raw', grant: 'raw' },
  { domain, type: C.SOCK_RAW, protocols: 'any', family: 'raw', grant: 'raw' },
];

/** Every socket kind a guest may create, as data (docs/guests.md tabulates it); anything else is refused. */
export const SOCKET_KINDS: readonly SocketKind[] = [
  ...INET_KINDS(C.AF_INET, 'inet', C.IPPROTO_ICMP),
  ...INET_KINDS(C.AF_INET6, 'inet6', C.IPPROTO_ICMPV6),
  { domain: C.AF_UNIX, type: C.SOCK_STREAM, protocols: [0], family: 'unix', grant: 'address' },
  { domain: C.AF_UNIX, type: C.SOCK_DGRAM, protocols: [0], family: 'unix', grant: 'address' },
  { domain: C.AF_UNIX, type: C.SOCK_SEQPACKET, protocols: [0], family: 'unix', grant: 'address' },
  // Netlink: queries and notifications of the routing, diagnostics and generic
  // families. NETLINK_NETFILTER, NETLINK_XFRM, NETLINK_AUDIT and the rest
  // configure firewall, IPsec and audit state: never.
  ...[C.SOCK_RAW, C.SOCK_DGRAM].map((type) => ({
    domain: C.AF_NETLINK, type, family: 'netlink' as Family, grant: 'netlink' as Grant,
    protocols: [C.NETLINK_ROUTE, C.NETLINK_SOCK_DIAG, C.NETLINK_GENERIC, C.NETLINK_KOBJECT_UEVENT],
  })),
  // Packet sockets of any protocol (ETH_P_*); SOCK_PACKET (Linux 2.0's
  // interface, also what socket(AF_INET, SOCK_PACKET) makes) is not listed.
  { domain: C.AF_PACKET, type: C.SOCK_RAW, protocols: 'any', family: 'packet', grant: 'packet' },
  { domain: C.AF_PACKET, type: C.SOCK_DGRAM, protocols: 'any', family: 'packet', grant: 'packet' },
  ...[C.SOCK_STREAM, C.SOCK_DGRAM, C.SOCK_SEQPACKET, C.SOCK_RDM].map((type) => (
    { domain: C.AF_TIPC, type, protocols: [0], family: 'tipc' as Family, grant: 'tipc' as Grant })),
  ...[C.SOCK_STREAM, C.SOCK_DGRAM, C.SOCK_SEQPACKET].map((type) => (
    { domain: C.AF_VSOCK, type, protocols: [0], family: 'vsock' as Family, grant: 'vsock' as Grant })),
];

// The type flags socket() and accept4() may carry.
export const SOCK_FLAGS = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
const SOCK_TYPE_MASK = 0xf;

export function socketKind(domain: number, type: number, protocol: number): SocketKind | undefined {
  const t = type & SOCK_TYPE_MASK;
  return SOCKET_KINDS.find((k) => k.domain === domain && k.type === t &&
    (k.protocols === 'any' || k.protocols.includes(protocol)));
}

// The kinds a request may turn into before the kernel says which protocol
// (protocol 0: the family's default).
export function requestable(domain: number, type: number, protocol: number): SocketKind[] {
  const t = type & SOCK_TYPE_MASK;
  return SOCKET_KINDS.filter((k) => k.domain === domain && k.type === t &&
    (protocol === 0 || k.protocols === 'any' || k.protocols.includes(protocol)));
}

export function familyKnown(domain: number): boolean {
  return SOCKET_KINDS.some((k) => k.domain === domain);
}

// ---- socket options ------------------------------------------------------------------------------

// Numbers the generated constants lack (their headers are not in
// tools/gen-constants.mjs's list, which follows CPython's socket module).
const ICMP_FILTER = 1;        // linux/icmp.h, level SOL_RAW
const ICMPV6_FILTER = 1;      // linux/icmpv6.h, level IPPROTO_ICMPV6
const UDP_SEGMENT = 103;      // linux/udp.h
const UDP_GRO = 104;          // linux/udp.h
const UDP_CORK = 1;           // linux/udp.h

/** How a guest may use one socket option. */
export interface OptionRule {
  /** The option's name (`'SO_REUSEADDR'`). */
  name: string;
  /** Whether getsockopt is allowed. */
  get: boolean;
  /** Whether setsockopt is allowed. */
  set: boolean;
  // Accepted value sizes in bytes for setsockopt (getsockopt is clamped to max).
  /** The smallest setsockopt value accepted, in bytes. */
  min: number;
  /** The largest setsockopt value accepted, in bytes (getsockopt is clamped to it). */
  max: number;
  /** The grant the option needs. */
  grant: Grant;
  // Only on sockets of these families (undefined: any).
  /** Only on sockets of these families (undefined: any). */
  families?: readonly Family[];
  // The values a set may carry (undefined: any), read as the kernel reads them.
  /** The values a set may carry (undefined: any). */
  accepts?: (value: DataView) => boolean;
}

const INT = { min: 4, max: 4 };
// IP_TOS, IP_TTL and friends also take a single byte, as Linux's do_ip_setsockopt reads them.
const BYTE_OR_INT = { min: 1, max: 4 };
const opt = (level: number, name: number, label: string, size: { min: number; max: number },
  access: 'rw' | 'r', grant: Grant = 'address', families?: readonly Family[],
  accepts?: (value: DataView) => boolean): [string, OptionRule] =>
  [`${level}:${name}`, { name: label, get: true, set: access === 'rw', ...size, grant, families, accepts }];

// SO_PRIORITY above 6 needs CAP_NET_ADMIN (it steers the host's traffic
// control): a guest gets what an unprivileged process gets, even as root.
const UNPRIVILEGED_PRIORITY = (v: DataView) => v.getInt32(0, true) >= 0 && v.getInt32(0, true) <= 6;

const IP: readonly Family[] = ['inet', 'inet6', 'raw'];
const V6: readonly Family[] = ['inet6', 'raw'];
// struct timeval of Linux x86_64 (two int64s): what the guest SDK converts its own to.
const TIMEVAL = { min: 16, max: 16 };

// Never listed, whatever the grant: options whose values carry pointers
// (SO_ATTACH_FILTER, TCP_ZEROCOPY_RECEIVE), create descriptors (SO_PEERPIDFD),
// change routing (IP_OPTIONS source routes, IPV6_RTHDR, IPV6_NEXTHOP,
// SO_BINDTODEVICE, SO_MARK), firewall or IPsec state (IPT_SO_*, IP_XFRM_POLICY),
// change the socket's family after the check (IPV6_ADDRFORM), load kernel
// modules (TCP_ULP, TCP_CONGESTION set), or need privilege (SO_RCVBUFFORCE,
// IP_TRANSPARENT, TCP_REPAIR, PACKET_FANOUT, PACKET_*_RING).
/** Every socket option a guest may get or set, keyed `"level:name"`, as data; anything else is refused (ENOPROTOOPT). */
export const OPTIONS: ReadonlyMap<string, OptionRule> = new Map([
  opt(C.SOL_SOCKET, C.SO_REUSEADDR, 'SO_REUSEADDR', INT, 'rw'),
  // Sharing a port with another socket that set it (possibly another
  // process's service): the whole family, not one address, is what that reaches.
  opt(C.SOL_SOCKET, C.SO_REUSEPORT, 'SO_REUSEPORT', INT, 'rw', 'family', IP),
  opt(C.SOL_SOCKET, C.SO_KEEPALIVE, 'SO_KEEPALIVE', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_BROADCAST, 'SO_BROADCAST', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_LINGER, 'SO_LINGER', { min: 8, max: 8 }, 'rw'),
  opt(C.SOL_SOCKET, C.SO_OOBINLINE, 'SO_OOBINLINE', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_RCVBUF, 'SO_RCVBUF', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_SNDBUF, 'SO_SNDBUF', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_RCVLOWAT, 'SO_RCVLOWAT', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_SNDLOWAT, 'SO_SNDLOWAT', INT, 'r'),
  opt(C.SOL_SOCKET, C.SO_RCVTIMEO, 'SO_RCVTIMEO', TIMEVAL, 'rw'),
  opt(C.SOL_SOCKET, C.SO_SNDTIMEO, 'SO_SNDTIMEO', TIMEVAL, 'rw'),
  opt(C.SOL_SOCKET, C.SO_PRIORITY, 'SO_PRIORITY', INT, 'rw', 'address', undefined, UNPRIVILEGED_PRIORITY),
  opt(C.SOL_SOCKET, C.SO_DONTROUTE, 'SO_DONTROUTE', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_PASSCRED, 'SO_PASSCRED', INT, 'rw', 'address', ['unix']),
  opt(C.SOL_SOCKET, C.SO_PEERCRED, 'SO_PEERCRED', { min: 12, max: 12 }, 'r', 'address', ['unix']),
  opt(C.SOL_SOCKET, C.SO_TIMESTAMP, 'SO_TIMESTAMP', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_TIMESTAMPNS, 'SO_TIMESTAMPNS', INT, 'rw'),
  opt(C.SOL_SOCKET, C.SO_ERROR, 'SO_ERROR', INT, 'r'),
  opt(C.SOL_SOCKET, C.SO_TYPE, 'SO_TYPE', INT, 'r'),
  opt(C.SOL_SOCKET, C.SO_DOMAIN, 'SO_DOMAIN', INT, 'r'),
  opt(C.SOL_SOCKET, C.SO_PROTOCOL, 'SO_PROTOCOL', INT, 'r'),
  opt(C.SOL_SOCKET, C.SO_ACCEPTCONN, 'SO_ACCEPTCONN', INT, 'r'),

  opt(C.IPPROTO_TCP, C.TCP_NODELAY, 'TCP_NODELAY', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_MAXSEG, 'TCP_MAXSEG', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_CORK, 'TCP_CORK', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_KEEPIDLE, 'TCP_KEEPIDLE', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_KEEPINTVL, 'TCP_KEEPINTVL', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_KEEPCNT, 'TCP_KEEPCNT', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_SYNCNT, 'TCP_SYNCNT', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_LINGER2, 'TCP_LINGER2', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT, 'TCP_DEFER_ACCEPT', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_WINDOW_CLAMP, 'TCP_WINDOW_CLAMP', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_QUICKACK, 'TCP_QUICKACK', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_USER_TIMEOUT, 'TCP_USER_TIMEOUT', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, 'TCP_NOTSENT_LOWAT', INT, 'rw'),
  opt(C.IPPROTO_TCP, C.TCP_FASTOPEN, 'TCP_FASTOPEN', INT, 'rw'),
  // struct tcp_info grows with the kernel; a read is clamped to what the guest gave.
  opt(C.IPPROTO_TCP, C.TCP_INFO, 'TCP_INFO', { min: 0, max: 512 }, 'r'),
  opt(C.IPPROTO_TCP, C.TCP_CONGESTION, 'TCP_CONGESTION', { min: 0, max: 16 }, 'r'),

  opt(C.IPPROTO_UDP, UDP_CORK, 'UDP_CORK', INT, 'rw'),
  opt(C.IPPROTO_UDP, UDP_SEGMENT, 'UDP_SEGMENT', INT, 'rw'),
  opt(C.IPPROTO_UDP, UDP_GRO, 'UDP_GRO', INT, 'rw'),

  opt(C.IPPROTO_IP, C.IP_TOS, 'IP_TOS', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_TTL, 'IP_TTL', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MINTTL, 'IP_MINTTL', INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MTU_DISCOVER, 'IP_MTU_DISCOVER', INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MTU, 'IP_MTU', INT, 'r', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_PKTINFO, 'IP_PKTINFO', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_RECVTTL, 'IP_RECVTTL', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_RECVTOS, 'IP_RECVTOS', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_RECVERR, 'IP_RECVERR', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_BIND_ADDRESS_NO_PORT, 'IP_BIND_ADDRESS_NO_PORT', INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MULTICAST_TTL, 'IP_MULTICAST_TTL', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MULTICAST_LOOP, 'IP_MULTICAST_LOOP', BYTE_OR_INT, 'rw', 'address', IP),
  opt(C.IPPROTO_IP, C.IP_MULTICAST_IF, 'IP_MULTICAST_IF', { min: 4, max: 12 }, 'rw', 'address', IP),
  // Joining a group makes the kernel announce it on the network (IGMP/MLD):
  // only with the whole family granted.
  opt(C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, 'IP_ADD_MEMBERSHIP', { min: 8, max: 12 }, 'rw', 'inet', ['inet']),
  opt(C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP, 'IP_DROP_MEMBERSHIP', { min: 8, max: 12 }, 'rw', 'inet', ['inet']),
  opt(C.IPPROTO_IP, C.IP_HDRINCL, 'IP_HDRINCL', INT, 'rw', 'raw', ['raw']),

  opt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 'IPV6_V6ONLY', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, 'IPV6_MULTICAST_HOPS', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, 'IPV6_MULTICAST_LOOP', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, 'IPV6_MULTICAST_IF', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, 'IPV6_RECVPKTINFO', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 'IPV6_RECVHOPLIMIT', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_TCLASS, 'IPV6_TCLASS', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_RECVTCLASS, 'IPV6_RECVTCLASS', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_RECVERR, 'IPV6_RECVERR', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_MTU_DISCOVER, 'IPV6_MTU_DISCOVER', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_MTU, 'IPV6_MTU', INT, 'r', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_DONTFRAG, 'IPV6_DONTFRAG', INT, 'rw', 'address', V6),
  opt(C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP, 'IPV6_JOIN_GROUP', { min: 20, max: 20 }, 'rw', 'inet6', ['inet6']),
  opt(C.IPPROTO_IPV6, C.IPV6_LEAVE_GROUP, 'IPV6_LEAVE_GROUP', { min: 20, max: 20 }, 'rw', 'inet6', ['inet6']),
  opt(C.IPPROTO_IPV6, C.IPV6_CHECKSUM, 'IPV6_CHECKSUM', INT, 'rw', 'raw', ['raw']),
  opt(C.IPPROTO_IPV6, C.IPV6_HDRINCL, 'IPV6_HDRINCL', INT, 'rw', 'raw', ['raw']),
  opt(C.SOL_RAW, ICMP_FILTER, 'ICMP_FILTER', INT, 'rw', 'raw', ['raw']),
  opt(C.IPPROTO_ICMPV6, ICMPV6_FILTER, 'ICMPV6_FILTER', { min: 32, max: 32 }, 'rw', 'raw', ['raw']),

  opt(C.SOL_NETLINK, C.NETLINK_ADD_MEMBERSHIP, 'NETLINK_ADD_MEMBERSHIP', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_DROP_MEMBERSHIP, 'NETLINK_DROP_MEMBERSHIP', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_PKTINFO, 'NETLINK_PKTINFO', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_NO_ENOBUFS, 'NETLINK_NO_ENOBUFS', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_EXT_ACK, 'NETLINK_EXT_ACK', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_CAP_ACK, 'NETLINK_CAP_ACK', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_GET_STRICT_CHK, 'NETLINK_GET_STRICT_CHK', INT, 'rw', 'netlink', ['netlink']),
  opt(C.SOL_NETLINK, C.NETLINK_BROADCAST_ERROR, 'NETLINK_BROADCAST_ERROR', INT, 'rw', 'netlink', ['netlink']),

  opt(C.SOL_PACKET, C.PACKET_AUXDATA, 'PACKET_AUXDATA', INT, 'rw', 'packet', ['packet']),
  opt(C.SOL_PACKET, C.PACKET_ORIGDEV, 'PACKET_ORIGDEV', INT, 'rw', 'packet', ['packet']),
  opt(C.SOL_PACKET, C.PACKET_IGNORE_OUTGOING, 'PACKET_IGNORE_OUTGOING', INT, 'rw', 'packet', ['packet']),
  opt(C.SOL_PACKET, C.PACKET_STATISTICS, 'PACKET_STATISTICS', { min: 0, max: 12 }, 'r', 'packet', ['packet']),

  opt(C.SOL_TIPC, C.TIPC_IMPORTANCE, 'TIPC_IMPORTANCE', INT, 'rw', 'tipc', ['tipc']),
  opt(C.SOL_TIPC, C.TIPC_SRC_DROPPABLE, 'TIPC_SRC_DROPPABLE', INT, 'rw', 'tipc', ['tipc']),
  opt(C.SOL_TIPC, C.TIPC_DEST_DROPPABLE, 'TIPC_DEST_DROPPABLE', INT, 'rw', 'tipc', ['tipc']),
  opt(C.SOL_TIPC, C.TIPC_CONN_TIMEOUT, 'TIPC_CONN_TIMEOUT', INT, 'rw', 'tipc', ['tipc']),

  opt(C.AF_VSOCK, C.SO_VM_SOCKETS_BUFFER_SIZE, 'SO_VM_SOCKETS_BUFFER_SIZE', { min: 8, max: 8 }, 'rw', 'vsock', ['vsock']),
  opt(C.AF_VSOCK, C.SO_VM_SOCKETS_BUFFER_MIN_SIZE, 'SO_VM_SOCKETS_BUFFER_MIN_SIZE', { min: 8, max: 8 }, 'rw', 'vsock', ['vsock']),
  opt(C.AF_VSOCK, C.SO_VM_SOCKETS_BUFFER_MAX_SIZE, 'SO_VM_SOCKETS_BUFFER_MAX_SIZE', { min: 8, max: 8 }, 'rw', 'vsock', ['vsock']),
]);

export function optionRule(level: number, name: number): OptionRule | undefined {
  return OPTIONS.get(`${level}:${name}`);
}

// ---- control messages (sendmsg/recvmsg ancillary data) ---------------------------------------

/** How a guest may send and receive one control message type (`cmsg_level`, `cmsg_type`). */
export interface CmsgRule {
  /** The message's name (`'IP_TOS'`). */
  name: string;
  /**
   * What sending it needs: `'rights'` (descriptors of the guest's own table, mapped to the host's),
   * the `[level, name]` option whose setsockopt the guest must be allowed on the socket (the message
   * sets the same thing for one message), `'never'` (refused with EPERM, what Linux answers an
   * unprivileged process), or null (receive only: EINVAL, as Linux answers an unknown type).
   */
  send: 'rights' | 'never' | readonly [number, number] | null;
  /**
   * What receiving it needs: `'rights'` (descriptors become new guest descriptors), or the
   * `[level, name]` option that asks the kernel for it, which the guest must be allowed to set
   * on the socket.
   */
  recv: 'rights' | readonly [number, number] | null;
  /** Only on sockets of these families (undefined: any). */
  families?: readonly Family[];
}

const cmsg = (level: number, type: number, name: string, send: CmsgRule['send'], recv: CmsgRule['recv'],
  families?: readonly Family[]): [string, CmsgRule] => [`${level}:${type}`, { name, send, recv, families }];

/**
 * Every control message a guest may send or receive, keyed `"level:type"`, as data. A sent message
 * not listed (or listed without a send rule) is EINVAL, as Linux answers an unknown one; a received
 * one not listed, or whose option the guest may not set on that socket, is dropped (MSG_CTRUNC).
 */
export const CMSGS: ReadonlyMap<string, CmsgRule> = new Map([
  cmsg(C.SOL_SOCKET, C.SCM_RIGHTS, 'SCM_RIGHTS', 'rights', 'rights', ['unix']),
  // A root host's kernel would take any pid, uid and gid from the guest as the truth.
  cmsg(C.SOL_SOCKET, C.SCM_CREDENTIALS, 'SCM_CREDENTIALS', 'never', [C.SOL_SOCKET, C.SO_PASSCRED], ['unix']),
  cmsg(C.SOL_SOCKET, C.SCM_TIMESTAMP, 'SCM_TIMESTAMP', null, [C.SOL_SOCKET, C.SO_TIMESTAMP]),
  cmsg(C.SOL_SOCKET, C.SCM_TIMESTAMPNS, 'SCM_TIMESTAMPNS', null, [C.SOL_SOCKET, C.SO_TIMESTAMPNS]),
  cmsg(C.IPPROTO_IP, C.IP_TOS, 'IP_TOS', [C.IPPROTO_IP, C.IP_TOS], [C.IPPROTO_IP, C.IP_RECVTOS], IP),
  cmsg(C.IPPROTO_IP, C.IP_TTL, 'IP_TTL', [C.IPPROTO_IP, C.IP_TTL], [C.IPPROTO_IP, C.IP_RECVTTL], IP),
  cmsg(C.IPPROTO_IP, C.IP_PKTINFO, 'IP_PKTINFO', null, [C.IPPROTO_IP, C.IP_PKTINFO], IP),
  cmsg(C.IPPROTO_IP, C.IP_RECVERR, 'IP_RECVERR', null, [C.IPPROTO_IP, C.IP_RECVERR], IP),
  cmsg(C.IPPROTO_IPV6, C.IPV6_TCLASS, 'IPV6_TCLASS', [C.IPPROTO_IPV6, C.IPV6_TCLASS],
    [C.IPPROTO_IPV6, C.IPV6_RECVTCLASS], V6),
  cmsg(C.IPPROTO_IPV6, C.IPV6_HOPLIMIT, 'IPV6_HOPLIMIT', [C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS],
    [C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT], V6),
  cmsg(C.IPPROTO_IPV6, C.IPV6_PKTINFO, 'IPV6_PKTINFO', null, [C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO], V6),
  cmsg(C.IPPROTO_IPV6, C.IPV6_RECVERR, 'IPV6_RECVERR', null, [C.IPPROTO_IPV6, C.IPV6_RECVERR], V6),
  cmsg(C.IPPROTO_UDP, UDP_SEGMENT, 'UDP_SEGMENT', [C.IPPROTO_UDP, UDP_SEGMENT], null, IP),
  cmsg(C.IPPROTO_UDP, UDP_GRO, 'UDP_GRO', null, [C.IPPROTO_UDP, UDP_GRO], IP),
]);

export function cmsgRule(level: number, type: number): CmsgRule | undefined {
  return CMSGS.get(`${level}:${type}`);
}

// ---- netlink requests -----------------------------------------------------------------------------

// What a guest holding a netlink grant may ask the kernel: queries, never
// changes (a new route, address, link or rule, a socket destroyed, an
// IPsec or firewall entry). Every message of a send is checked; a message
// type or generic-netlink command not listed here is EACCES.
// rtnetlink (linux/rtnetlink.h): RTM_BASE 16, and each object's NEW, DEL,
// GET, SET at +0..+3: the GET of every object up to RTM_GETTUNNEL (122).
const RTM_GETS = Array.from({ length: (122 - 18) / 4 + 1 }, (_, i) => 18 + 4 * i);
// linux/sock_diag.h, linux/inet_diag.h: SOCK_DIAG_BY_FAMILY and the older
// TCPDIAG_GETSOCK / DCCPDIAG_GETSOCK; not SOCK_DESTROY (21).
const SOCK_DIAG_GETS = [20, 18, 19];
// linux/genetlink.h: the controller (GENL_ID_CTRL 16), CTRL_CMD_GETFAMILY (3).
const GENL_ID_CTRL = 16;
const CTRL_CMD_GETFAMILY = 3;

/** The netlink requests a guest may send on one netlink protocol. */
export interface NetlinkRule {
  /** The message types allowed. */
  types: readonly number[];
  // For generic netlink: the commands (genlmsghdr.cmd) allowed per type.
  /** For generic netlink: the commands allowed. */
  commands?: readonly number[];
}

/** The netlink requests a guest may send, per netlink protocol (read-only dumps), as data. */
export const NETLINK_REQUESTS: ReadonlyMap<number, NetlinkRule> = new Map([
  [C.NETLINK_ROUTE, { types: RTM_GETS }],
  [C.NETLINK_SOCK_DIAG, { types: SOCK_DIAG_GETS }],
  [C.NETLINK_GENERIC, { types: [GENL_ID_CTRL], commands: [CTRL_CMD_GETFAMILY] }],
  // NETLINK_KOBJECT_UEVENT: receive only.
]);

// struct nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid; messages
// aligned to 4 bytes; generic netlink's u8 cmd follows the header.
const NLMSG_HDRLEN = 16;

// Every message in buf[off, off+len) is a listed request for protocol.
export function netlinkRequestAllowed(protocol: number, buf: Uint8Array, off: number, len: number): boolean {
  const rule = NETLINK_REQUESTS.get(protocol);
  if (rule === undefined) return false;
  const dv = new DataView(buf.buffer, buf.byteOffset + off, len);
  let at = 0;
  while (at < len) {
    if (len - at < NLMSG_HDRLEN) return false;
    const mlen = dv.getUint32(at, true);
    const type = dv.getUint16(at + 4, true);
    if (mlen < NLMSG_HDRLEN || mlen > len - at || !rule.types.includes(type)) return false;
    if (rule.commands && (mlen < NLMSG_HDRLEN + 1 || !rule.commands.includes(dv.getUint8(at + NLMSG_HDRLEN)))) return false;
    at += (mlen + 3) & ~3;
  }
  return len > 0;
}

// ---- ioctl and fcntl -------------------------------------------------------------------------------

// Each takes or yields one int; the numbers are the ABI's (the addon's table).
const IO = addon.ioctls;
/** The ioctl requests a guest may make on sockets, as data. */
export const IOCTLS: ReadonlyMap<number, { name: string; dir: 'out' | 'in' }> = new Map([
  [IO.FIONREAD, { name: 'FIONREAD', dir: 'out' }],     // = SIOCINQ: bytes ready to read
  [IO.SIOCOUTQ, { name: 'SIOCOUTQ', dir: 'out' }],     // bytes not yet sent/acknowledged
  [IO.SIOCATMARK, { name: 'SIOCATMARK', dir: 'out' }], // at the urgent mark
  [IO.FIONBIO, { name: 'FIONBIO', dir: 'in' }],        // non-blocking on/off
]);
export const FIONREAD = IO.FIONREAD;

// fcntl commands on socket descriptors (emscripten's __syscall_fcntl64; WASI
// guests reach the same through fd_fdstat_get/set_flags).
export const FCNTL = { F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4 } as const;

// ---- message flags -----------------------------------------------------------------------------------

/** The `MSG_*` flags a guest may pass to send calls; others are refused. */
export const SEND_FLAGS = C.MSG_OOB | C.MSG_DONTROUTE | C.MSG_DONTWAIT | C.MSG_EOR | C.MSG_NOSIGNAL |
  C.MSG_MORE | C.MSG_CONFIRM;
// MSG_FASTOPEN opens a TCP connection: judged as a connect, not a send.
export const MSG_FASTOPEN = C.MSG_FASTOPEN;
/** The `MSG_*` flags a guest may pass to receive calls; others are refused. */
export const RECV_FLAGS = C.MSG_OOB | C.MSG_PEEK | C.MSG_DONTWAIT | C.MSG_WAITALL | C.MSG_TRUNC |
  C.MSG_ERRQUEUE | C.MSG_CMSG_CLOEXEC;
export const MSG_PEEK = C.MSG_PEEK;
export const MSG_DONTWAIT = C.MSG_DONTWAIT;
