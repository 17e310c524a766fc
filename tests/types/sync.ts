// The sync API ('wasock') as a TypeScript program uses it. Compiled only (tests/types.test.mjs),
// never run. Each `@ts-expect-error` line must fail to compile; the test also checks that each
// one fails for its own reason by compiling a copy without those comments.
import * as socket from 'wasock';
import type {
  Address, AddressArg, AddrInfo, Bytes, HostEntry, IPv4Address, IPv6Address, IPv6AddressArg, Int, NetlinkAddress,
  PacketAddress, PacketAddressArg, TipcAddress, TipcAddressArg, Timeout, UnixAddress, VsockAddress,
} from 'wasock';
import { assertType } from './helpers.js';

// ---- socket.socket as a type and a value ---------------------------------------------------

function echoOnce(s: socket.socket): number {
  const data = s.recv(1024);
  assertType<Uint8Array>()(data);
  s.sendall(data);
  return data.length;
}

const a: socket.socket = socket.socket();
const b: socket.SocketType = new socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0);
const c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
assertType<socket.SocketType>()(c);
if (a instanceof socket.socket) echoOnce(a);
echoOnce(b);
assertType<number>()(a.family);
assertType<number>()(a.type);
assertType<number>()(a.proto);

// ---- TCP over IPv4: bind, listen, connect, accept ------------------------------------------

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind(['127.0.0.1', 0]);
srv.listen();
srv.listen(16);
const name = srv.getsockname();
assertType<Address>()(name);
const [host, port] = name as IPv4Address;
assertType<string>()(host);
assertType<number>()(port);
const cli = socket.create_connection(['127.0.0.1', port], 5.0);
assertType<socket.SocketType>()(cli);
socket.create_connection(['localhost', 'http'], null, ['0.0.0.0', 0], true);
socket.create_connection(['localhost', 80]);
const server = socket.create_server(['127.0.0.1', 0], socket.AF_INET, null, true);
assertType<socket.SocketType>()(server);
server.close();
assertType<boolean>()(socket.has_dualstack_ipv6());
assertType<number>()(socket.CMSG_LEN(4) + socket.CMSG_SPACE(4n));
assertType<number>()(socket.AddressFamily.AF_INET6);
assertType<'SOCK_CLOEXEC' | 'SOCK_DGRAM' | 'SOCK_NONBLOCK' | 'SOCK_RAW' | 'SOCK_RDM' | 'SOCK_SEQPACKET' | 'SOCK_STREAM' | undefined>()(
  socket.SocketKind[1]);
// @ts-expect-error the enums are frozen: read-only
socket.MsgFlag.MSG_PEEK = 3;
// @ts-expect-error AddressInfo has only AI_* members
void socket.AddressInfo.AF_INET;
// @ts-expect-error CMSG_SPACE takes an int, not text
socket.CMSG_SPACE('4');
// @ts-expect-error create_server's backlog is an int, not text
socket.create_server(['', 0], socket.AF_INET6, '5');
cli.connect(srv.getsockname()); // a returned address goes back in
const [conn, peer] = srv.accept();
assertType<socket.SocketType>()(conn);
assertType<Address>()(peer);
assertType<number>()(cli.send(new TextEncoder().encode('hi')));
cli.sendall(Buffer.from('hello'));
cli.sendall(new Uint16Array(4));
cli.sendall(new DataView(new ArrayBuffer(8)));
cli.sendall(new ArrayBuffer(8), socket.MSG_NOSIGNAL);
const buf = new Uint8Array(64);
assertType<number>()(conn.recv_into(buf));
assertType<number>()(conn.recv_into(buf, 10, socket.MSG_PEEK));
assertType<Uint8Array>()(conn.recv(100, socket.MSG_DONTWAIT));
assertType<number>()(cli.connect_ex(['127.0.0.1', 9]));
cli.shutdown(socket.SHUT_WR);
conn.close();

// ---- timeouts, blocking, options -----------------------------------------------------------

cli.settimeout(2.5);
cli.settimeout(null);
assertType<number | null>()(cli.gettimeout());
assertType<number | null>()(socket.getdefaulttimeout());
socket.setdefaulttimeout(10);
socket.setdefaulttimeout(null);
const t: Timeout = cli.gettimeout();
cli.settimeout(t);
cli.setblocking(false);
cli.setblocking(1);
assertType<boolean>()(cli.getblocking());
assertType<number>()(cli.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF));
assertType<Uint8Array>()(cli.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8));
cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, true);
cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array(8));
cli.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, null, 0);
cli.set_inheritable(false);
assertType<boolean>()(cli.get_inheritable());
assertType<number>()(cli.fileno());
assertType<socket.SocketType>()(cli.dup());
assertType<number>()(cli.detach());

// ---- UDP over IPv6: sendto, recvfrom -------------------------------------------------------

const u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
u6.bind(['::1', 0]);
u6.bind(['::1', 0, 0, 0]);
const dest: IPv6AddressArg = ['::1', 9999, 0];
assertType<number>()(u6.sendto(Buffer.from('x'), dest));
assertType<number>()(u6.sendto(new Uint8Array(1), socket.MSG_DONTWAIT, ['::1', 9999, 0, 1]));
const [payload, from] = u6.recvfrom(2048);
assertType<Uint8Array>()(payload);
assertType<Address>()(from);
u6.sendto(payload, from); // reply to the sender
const [n6, from6] = u6.recvfrom_into(new Uint8Array(100), 0, 0);
assertType<number>()(n6);
const [h6, p6, flow6, scope6] = from6 as IPv6Address;
assertType<string>()(h6);
assertType<number>()(p6 + flow6 + scope6);

// ---- AF_UNIX -------------------------------------------------------------------------------

const pair = socket.socketpair();
assertType<[socket.SocketType, socket.SocketType]>()(pair);
socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM, 0);
socket.socketpair(null);
const un = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
un.bind('/tmp/wasock-types.sock');
un.bind(Buffer.from('\0abstract'));
un.sendto(new Uint8Array(3), '/tmp/wasock-types.sock');
const unixName = un.getsockname() as UnixAddress;
assertType<string | Uint8Array>()(unixName);
const dup = socket.fromfd(un.fileno(), socket.AF_UNIX, socket.SOCK_DGRAM);
assertType<socket.SocketType>()(dup);
socket.close(dup.detach());

// ---- netlink, packet, TIPC, VSOCK ----------------------------------------------------------

const nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
nl.bind([0, 0]);
const [pid, groups] = nl.getsockname() as NetlinkAddress;
assertType<number>()(pid + groups);

const pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3));
pk.bind(['lo', 0x0800]);
const pkArg: PacketAddressArg = ['lo', 0x0800, 0, 1, new Uint8Array(6)];
pk.sendto(new Uint8Array(60), pkArg);
const [ifname, proto, pkttype, hatype, haddr] = pk.recvfrom(65535)[1] as PacketAddress;
assertType<string>()(ifname);
assertType<number>()(proto + pkttype + hatype);
assertType<Uint8Array>()(haddr);

const tipc = socket.socket(socket.AF_TIPC, socket.SOCK_RDM);
const tipcArg: TipcAddressArg = [socket.TIPC_ADDR_NAME, 18888, 17, 0];
tipc.bind(tipcArg);
tipc.bind([socket.TIPC_ADDR_NAMESEQ, 18888, 1, 10, socket.TIPC_CLUSTER_SCOPE]);
const tipcName: TipcAddress = tipc.getsockname() as TipcAddress;
assertType<number>()(tipcName[4]);

const vs = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
vs.connect([socket.VMADDR_CID_HOST, 1234]);
const [cid, vport] = vs.getpeername() as VsockAddress;
assertType<number>()(cid + vport);

// An address variable typed by the union accepts every family's form.
const anyAddr: AddressArg[] = [['127.0.0.1', 80], ['::1', 80, 0, 0], '/run/x.sock', [0, 0], ['eth0', 3],
  [1, 2, 3, 4], [2, 1234]];
for (const addr of anyAddr) a.connect(addr);

// ---- netdb ---------------------------------------------------------------------------------

const infos = socket.getaddrinfo('localhost', 80, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_CANONNAME);
assertType<AddrInfo[]>()(infos);
for (const [family, type, proto2, canonname, sockaddr] of infos) {
  assertType<number>()(family + type + proto2);
  assertType<string>()(canonname);
  const s = socket.socket(family, type, proto2);
  s.connect(sockaddr);
  assertType<string>()(sockaddr[0]);
  assertType<number>()(sockaddr[1]);
}
socket.getaddrinfo(null, 'http');
socket.getaddrinfo(Buffer.from('localhost'), null, 0, 0, 0, socket.AI_PASSIVE);
assertType<[host: string, port: string]>()(socket.getnameinfo(['127.0.0.1', 22], socket.NI_NUMERICHOST));
assertType<string>()(socket.gethostbyname('localhost'));
const entry: HostEntry = socket.gethostbyname_ex('localhost');
const [hostname, aliases, addrs] = socket.gethostbyaddr('127.0.0.1');
assertType<string>()(hostname);
assertType<string[]>()(aliases);
assertType<string[]>()(addrs);
assertType<HostEntry>()(entry);
assertType<string>()(socket.gethostname());
assertType<string>()(socket.getfqdn());
assertType<number>()(socket.getservbyname('http', 'tcp'));
assertType<string>()(socket.getservbyport(80));
assertType<number>()(socket.getprotobyname('icmp'));
assertType<Uint8Array>()(socket.inet_aton('1.2.3.4'));
assertType<string>()(socket.inet_ntoa(new Uint8Array([1, 2, 3, 4])));
assertType<string>()(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, '::1')));
assertType<number>()(socket.htons(80) + socket.ntohs(80) + socket.htonl(1) + socket.ntohl(1n));
assertType<number>()(socket.if_nametoindex('lo'));
assertType<string>()(socket.if_indextoname(1));
for (const [index, ifn] of socket.if_nameindex()) assertType<number>()(index + ifn.length);

// ---- errors as types and values ------------------------------------------------------------

function describe(e: unknown): string {
  if (e instanceof socket.timeout) return 'timed out';
  if (e instanceof socket.gaierror) return `gai ${e.errno}`;
  if (e instanceof socket.herror) return `h ${e.strerror}`;
  if (e instanceof socket.error) return `${e.code} ${e.errno}`;
  return String(e);
}
const err: socket.error = new socket.timeout('timed out');
const gai: socket.gaierror = new socket.gaierror(socket.EAI_NONAME, 'Name or service not known');
assertType<number | null>()(gai.errno);
assertType<string | undefined>()(err.code);
describe(err);

// ---- makefile ------------------------------------------------------------------------------

const f = cli.makefile('rwb', 0);
f.write(new Uint8Array(4));
f.flush();
assertType<Uint8Array>()(f.readline());
assertType<Uint8Array | null>()(f.read(10));
assertType<Uint8Array[]>()(f.readlines());
f.close();
const tf = cli.makefile('r', null, 'utf-8', null, '\n');
assertType<string>()(tf.read());
for (const l of tf) assertType<string>()(l);
const wf = cli.makefile('w');
wf.write('text\n');
wf.writelines(['a\n', 'b\n']);
const mode: string = 'rb';
const anyFile = cli.makefile(mode);
assertType<Uint8Array | string>()(anyFile.readline());
assertType<Uint8Array | string | null>()(anyFile.read());
anyFile.write('either');
anyFile.write(new Uint8Array(1));
{
  using s = socket.socket();
  s.settimeout(1);
}

// ---- the argument types by name ------------------------------------------------------------

const bytes: Bytes[] = [new Uint8Array(1), Buffer.alloc(1), new Float64Array(1), new ArrayBuffer(1)];
const ints: Int[] = [1, 2n, true];
a.sendall(bytes[0]);
a.listen(ints[1]);

// ---- what must not compile -----------------------------------------------------------------

// @ts-expect-error an address is a tuple or a path, never a bare number
a.bind(12345);
// @ts-expect-error a timeout is seconds or null, not text
a.settimeout('soon');
// @ts-expect-error sendto sends bytes, not a string
a.sendto('str', ['127.0.0.1', 9]);
// @ts-expect-error a port is a number
a.connect(['127.0.0.1', '80']);
// @ts-expect-error recvfrom's result is a tuple, not text
const asText: string = a.recvfrom(10);
// @ts-expect-error recv's result is bytes, not text
a.recv(10).toUpperCase();
// @ts-expect-error the buffer size is an int
a.recv('10');
// @ts-expect-error flags are ints
a.send(new Uint8Array(1), 'MSG_OOB');
// @ts-expect-error getsockopt without buflen returns a number
const optBytes: Uint8Array = a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE);
// @ts-expect-error getsockopt with buflen returns bytes
const optNumber: number = a.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8);
// @ts-expect-error setsockopt's optlen form takes null as the value
a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 1, 8);
// @ts-expect-error sendto needs an address
a.sendto(new Uint8Array(1));
// @ts-expect-error recv_into writes into a buffer, not a string
a.recv_into('buffer');
// @ts-expect-error socket()'s family is an int
socket.socket('AF_INET');
// @ts-expect-error getaddrinfo's family is an int
socket.getaddrinfo('localhost', 80, 'AF_INET');
// @ts-expect-error a getaddrinfo answer's sockaddr is a tuple, not text
const saText: string = infos[0][4];
// @ts-expect-error htons takes an int
socket.htons('80');
// @ts-expect-error a binary file takes bytes, not text
f.write('text');
// @ts-expect-error a text file's lines are strings
const binLine: Uint8Array = tf.readline();
// @ts-expect-error the sync API returns values, not Promises
a.recv(1).then(() => {});
void asText, optBytes, optNumber, saText, binLine;
// @ts-expect-error the helper itself: a string is not exactly a number
assertType<number>()('80');
// @ts-expect-error the helper itself: exact, not merely assignable
assertType<number | string>()(80);

// ---- sendmsg / recvmsg / send_fds / recv_fds -------------------------------------------------

function messages(s: socket.socket, fd: number): void {
  const anc: socket.AncillaryArg[] = [[socket.SOL_SOCKET, socket.SCM_RIGHTS, new Int32Array([fd])]];
  assertType<number>()(s.sendmsg([new Uint8Array(1), Buffer.from('x')], anc, 0, ['127.0.0.1', 9]));
  s.sendmsg([new Uint8Array(1)]);
  const r = s.recvmsg(64, socket.CMSG_SPACE(4));
  assertType<socket.RecvmsgResult>()(r);
  const [data, ancdata, flags, addr] = r;
  assertType<Uint8Array>()(data);
  assertType<socket.Ancillary[]>()(ancdata);
  assertType<number>()(flags);
  assertType<socket.Address | null>()(addr);
  const [level, type, cdata] = ancdata[0];
  void level, type, cdata;
  assertType<socket.RecvmsgIntoResult>()(s.recvmsg_into([new Uint8Array(4), new Uint8Array(4)], 0, 0));
  assertType<number>()(socket.send_fds(s, [new Uint8Array(1)], [fd]));
  assertType<socket.RecvFdsResult>()(socket.recv_fds(s, 10, 2));
  // @ts-expect-error ancillary data items are [level, type, data] triples
  s.sendmsg([new Uint8Array(1)], [[1, 2]]);
  // @ts-expect-error recvmsg's bufsize is an int
  s.recvmsg('64');
}
void messages;

// ---- sendfile, sethostname, dup ------------------------------------------------------------

declare const fh: import('node:fs/promises').FileHandle;
assertType<number>()(cli.sendfile(3));
assertType<number>()(cli.sendfile(fh, 10, 100));
assertType<number>()(cli.sendfile({ fileno: () => 3, read: (n: number) => new Uint8Array(n), mode: 'rb' }, 0, null));
// @ts-expect-error sendfile's count is an int, not text
cli.sendfile(3, 0, '2');
const sf: socket.SendfileFile = fh;
assertType<number>()(socket.dup(cli.fileno()));
socket.sethostname(Buffer.from('x'));
assertType<string>()(socket.BDADDR_ANY);
void sf;
