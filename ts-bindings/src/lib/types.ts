// The public types of both APIs ('wasock' and 'wasock/promises' export them
// all by name): what each argument accepts and what each call returns, as
// the implementations convert and check them at run time (convert.ts,
// address.ts, families.ts, gai.ts). Types only: nothing here runs.

/**
 * A Python int argument: an integral number, a bigint, or a boolean (Python's bool is an int).
 * Values past the C type's range throw RangeError at run time; a string is never an int.
 */
export type Int = number | bigint | boolean;

/**
 * A bytes-like argument: any ArrayBufferView (Uint8Array, Buffer, DataView, any typed array) or an
 * ArrayBuffer / SharedArrayBuffer, read in place.
 */
export type Bytes = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** A writable buffer (recv_into, recvfrom_into): the same views, written in place. */
export type WritableBytes = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** A timeout in seconds (a float is fine); null means blocking, without limit (Python's None). */
export type Timeout = number | null;

/** A host name or numeric address: text (IDNA-encoded when not ASCII) or bytes. */
export type Host = string | Uint8Array;

/** getaddrinfo's port: a number, a service name or numeric text, bytes, or null (none). */
export type Port = number | bigint | string | Uint8Array | null;

// ---- addresses, as calls return them (getsockname, accept, recvfrom, getaddrinfo) ----------

/** AF_INET: (host, port). */
export type IPv4Address = [host: string, port: number];
/** AF_INET6, as returned: (host, port, flowinfo, scope_id). */
export type IPv6Address = [host: string, port: number, flowinfo: number, scope_id: number];
/** AF_INET or AF_INET6: what getaddrinfo answers. */
export type InetAddress = IPv4Address | IPv6Address;
/** AF_UNIX, as returned: a path as text; an abstract name (leading NUL byte) as bytes. */
export type UnixAddress = string | Uint8Array;
/** AF_NETLINK: (pid, groups). */
export type NetlinkAddress = [pid: number, groups: number];
/** AF_PACKET, as returned: (ifname, proto, pkttype, hatype, addr). */
export type PacketAddress = [ifname: string, proto: number, pkttype: number, hatype: number, addr: Uint8Array];
/**
 * AF_TIPC, as returned: (addr_type, v1, v2, v3, scope). By addr_type: TIPC_ADDR_NAMESEQ
 * (type, lower, upper), TIPC_ADDR_NAME (type, instance, instance), TIPC_ADDR_ID (node, ref, 0).
 */
export type TipcAddress = [addr_type: number, v1: number, v2: number, v3: number, scope: number];
/** AF_VSOCK: (cid, port). */
export type VsockAddress = [cid: number, port: number];
/** A family without a codec, as CPython returns it: (family, the first 14 bytes of sa_data). */
export type RawAddress = [family: number, sa_data: Uint8Array];

/** An address as calls return it; which form follows the socket's family. */
export type Address =
  | IPv4Address | IPv6Address | UnixAddress | NetlinkAddress | PacketAddress | TipcAddress | VsockAddress | RawAddress;

// ---- addresses, as calls accept them (bind, connect, sendto, create_connection) ------------
// Each accepts the family's returned form too, so getsockname()'s answer can be passed back.

/** AF_INET argument: (host, port); a host name is resolved. */
export type IPv4AddressArg = readonly [host: Host, port: number];
/** AF_INET6 argument: (host, port[, flowinfo[, scope_id]]). */
export type IPv6AddressArg = readonly [host: Host, port: number, flowinfo?: number, scope_id?: number];
/** AF_UNIX argument: a path (text, or bytes such as an abstract name starting with a NUL byte). */
export type UnixAddressArg = string | Bytes;
/** AF_NETLINK argument: (pid, groups). */
export type NetlinkAddressArg = readonly [pid: number, groups: number];
/** AF_PACKET argument: (ifname, proto[, pkttype[, hatype[, addr]]]). */
export type PacketAddressArg = readonly [ifname: string, proto: number, pkttype?: number, hatype?: number,
  addr?: Bytes];
/** AF_TIPC argument: (addr_type, v1, v2, v3[, scope]). */
export type TipcAddressArg = readonly [addr_type: number, v1: number, v2: number, v3: number, scope?: number];
/** AF_VSOCK argument: (cid, port). */
export type VsockAddressArg = readonly [cid: number, port: number];

/**
 * An address argument of any family; the socket's family decides which form is required (a
 * wrong form throws TypeError at run time). RawAddress is here only so that any returned
 * address type-checks when passed back: families without a codec refuse it at run time.
 */
export type AddressArg =
  | IPv4AddressArg | IPv6AddressArg | UnixAddressArg | NetlinkAddressArg | PacketAddressArg | TipcAddressArg
  | VsockAddressArg | RawAddress;

// ---- netdb answers -------------------------------------------------------------------------

/** One getaddrinfo answer: (family, type, proto, canonname, sockaddr). */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: InetAddress];

/** gethostbyname_ex and gethostbyaddr: (hostname, aliaslist, ipaddrlist). */
export type HostEntry = [hostname: string, aliaslist: string[], ipaddrlist: string[]];

/** getnameinfo's sockaddr argument: (host, port[, flowinfo[, scope_id]]), the host numeric. */
export type NameInfoAddressArg = readonly [host: string, port: number, flowinfo?: number, scope_id?: number];

/** if_nameindex: (index, name) pairs. */
export type InterfaceEntry = [index: number, name: string];

// ---- enums ----------------------------------------------------------------------------------

/**
 * One of Python's socket enums (`AddressFamily`, `SocketKind`, `MsgFlag`, `AddressInfo`) as a
 * frozen object shaped like a TypeScript enum: each member's name gives its number
 * (`AddressFamily.AF_INET === 2`) and each number its name (`AddressFamily[2] === 'AF_INET'`), the
 * name CPython's enum shows for that number where two share it. The members are CPython 3.11's on
 * Linux.
 */
export type IntEnum<N extends string = string> = { readonly [K in N]: number } & { readonly [value: number]: N | undefined };

// ---- sendmsg / recvmsg ------------------------------------------------------------------------

export type { Ancillary } from './cmsg.js';

/** One ancillary data item as `sendmsg()` takes it: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncillaryArg = readonly [level: Int, type: Int, data: Bytes];

/**
 * `recvmsg()`'s answer: the data, the control messages received, the message's flags
 * (`MSG_TRUNC`, `MSG_CTRUNC`, ...) and the sender's address (`null` when the kernel gives none).
 */
export type RecvmsgResult = [data: Uint8Array, ancdata: import('./cmsg.js').Ancillary[], msg_flags: number,
  address: Address | null];

/** `recvmsg_into()`'s answer: as {@link RecvmsgResult}, with the number of bytes received first. */
export type RecvmsgIntoResult = [nbytes: number, ancdata: import('./cmsg.js').Ancillary[], msg_flags: number,
  address: Address | null];

/** `recv_fds()`'s answer: the data, the descriptors received, the message's flags and the sender's address. */
export type RecvFdsResult = [data: Uint8Array, fds: number[], msg_flags: number, address: Address | null];

// ---- socket.sendfile ------------------------------------------------------------------------

/**
 * A Python-like file object for `socket.sendfile()`: `fileno()` names a descriptor sendfile(2) can
 * read (without it only the fallback of reads and sends applies); `read(size)` returns bytes (in
 * the Promise API it may return a Promise of them); `seek(pos)` is called with the position
 * after the bytes sent; a `mode` without 'b' is refused, as Python refuses a text file.
 */
export interface PyFileLike {
  /** The descriptor sendfile(2) reads from; an object without it is only read(). */
  fileno?(): number;
  /** At most `size` bytes from the file's position (fewer at its end, none past it). */
  read?(size: number): Bytes | Promise<Bytes>;
  /** Moves the file's position to `pos`: before a fallback from an offset, and past the bytes sent. */
  seek?(pos: number): unknown;
  /** Python's file mode, e.g. `'rb'`: without 'b' the file is refused (text mode). */
  readonly mode?: string;
}

/**
 * `socket.sendfile()`'s `file`: a descriptor number (whose file offset sendfile leaves
 * unchanged), an object with a numeric `fd` such as Node's `fs.promises` FileHandle (its file
 * offset is moved past the bytes sent, as Python's file.seek), or a {@link PyFileLike}.
 */
export type SendfileFile = number | { readonly fd: number } | PyFileLike;
