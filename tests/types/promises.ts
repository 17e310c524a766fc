// The Promise API ('wasock/promises') as a TypeScript program uses it. Compiled only
// (tests/types.test.mjs), never run; each `@ts-expect-error` line must fail to compile.
import * as socket from 'wasock/promises';
import type { Address, AddrInfo, IPv4Address, IPv6Address, NetlinkAddress } from 'wasock/promises';
import * as sync from 'wasock';
import { assertType } from './helpers.js';

// ---- socket.socket as a type and a value ---------------------------------------------------

async function echo(s: socket.socket, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const data = await s.recv(65536, signal);
    if (data.length === 0) break;
    await s.sendall(data, signal);
  }
}

async function tcp(): Promise<void> {
  const ac = new AbortController();
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assertType<socket.SocketType>()(srv);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  const [, port] = srv.getsockname() as IPv4Address;
  const cli = await socket.create_connection(['127.0.0.1', port], 5, null, false, ac.signal);
  await socket.create_connection(['127.0.0.1', port], ac.signal);
  await socket.create_connection(['127.0.0.1', port], 2.5, ac.signal);
  await socket.create_connection(['localhost', 'http']);
  const server = socket.create_server(['::', 0], socket.AF_INET6, 8, false, true);
  assertType<socket.SocketType>()(server);
  server.close();
  // @ts-expect-error create_server returns the socket itself, not a Promise
  socket.create_server(['127.0.0.1', 0]).then(() => {});
  assertType<socket.SocketType>()(cli);
  const [conn, peer] = await srv.accept(ac.signal);
  assertType<socket.SocketType>()(conn);
  assertType<Address>()(peer);
  void echo(conn, ac.signal);
  assertType<number>()(await cli.send(Buffer.from('ping')));
  assertType<number>()(await cli.send(Buffer.from('ping'), ac.signal));
  assertType<number>()(await cli.send(Buffer.from('ping'), socket.MSG_NOSIGNAL, ac.signal));
  await cli.sendall(new Uint8Array(10), 0);
  assertType<Uint8Array>()(await cli.recv(4));
  assertType<Uint8Array>()(await cli.recv(4, socket.MSG_PEEK));
  assertType<Uint8Array>()(await cli.recv(4, socket.MSG_PEEK, ac.signal));
  const buf = new Uint8Array(16);
  assertType<number>()(await cli.recv_into(buf));
  assertType<number>()(await cli.recv_into(buf, ac.signal));
  assertType<number>()(await cli.recv_into(buf, 8, ac.signal));
  assertType<number>()(await cli.recv_into(buf, 8, 0, ac.signal));
  await cli.connect(srv.getsockname(), ac.signal);
  assertType<number>()(await cli.connect_ex(['127.0.0.1', 9]));
  cli.settimeout(0.5);
  cli.settimeout(null);
  assertType<number | null>()(cli.gettimeout());
  assertType<number>()(cli.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR));
  assertType<Uint8Array>()(cli.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8));
  const duplex = cli.makefile('rwb');
  duplex.write(Buffer.from('x'));
  const { readable, writable } = cli.toWebStreams();
  void readable, writable;
  await using s2 = socket.socket();
  s2.close();
}

// ---- UDP, IPv6, sendto with flags and signals -----------------------------------------------

async function udp(): Promise<void> {
  const signal = AbortSignal.timeout(1000);
  const u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  u.bind(['::1', 0]);
  const to = u.getsockname();
  assertType<number>()(await u.sendto(Buffer.from('a'), to));
  assertType<number>()(await u.sendto(Buffer.from('a'), to, signal));
  assertType<number>()(await u.sendto(Buffer.from('a'), socket.MSG_DONTWAIT, to));
  assertType<number>()(await u.sendto(Buffer.from('a'), 0, ['::1', 5353, 0, 0], signal));
  const [data, from] = await u.recvfrom(1500, signal);
  assertType<Uint8Array>()(data);
  assertType<Address>()(from);
  const [host, port, flowinfo, scope_id] = from as IPv6Address;
  assertType<string>()(host);
  assertType<number>()(port + flowinfo + scope_id);
  await u.sendto(data, from);
  const [n, sender] = await u.recvfrom_into(new Uint8Array(1500), 0, 0, signal);
  assertType<number>()(n);
  assertType<Address>()(sender);
  await u.recvfrom(1500, socket.MSG_TRUNC, signal);
  const nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  nl.bind([0, 0]);
  const [pid] = nl.getsockname() as NetlinkAddress;
  assertType<number>()(pid);
  const [a, b] = socket.socketpair();
  await a.sendall(Buffer.from('x'));
  assertType<Uint8Array>()(await b.recv(1));
}

// ---- name functions: Promises, each with an optional trailing signal ------------------------

async function names(): Promise<void> {
  const signal = new AbortController().signal;
  assertType<AddrInfo[]>()(await socket.getaddrinfo('localhost', 80));
  assertType<AddrInfo[]>()(await socket.getaddrinfo('localhost', 80, signal));
  assertType<AddrInfo[]>()(await socket.getaddrinfo('localhost', 80, socket.AF_INET, signal));
  assertType<AddrInfo[]>()(await socket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_STREAM, signal));
  assertType<AddrInfo[]>()(await socket.getaddrinfo('localhost', 'http', 0, 0, socket.IPPROTO_TCP, signal));
  assertType<AddrInfo[]>()(await socket.getaddrinfo(null, 80, 0, 0, 0, socket.AI_PASSIVE, signal));
  const [[family, type, proto, canonname, sockaddr]] = await socket.getaddrinfo('localhost', 80);
  const s = socket.socket(family, type, proto);
  await s.connect(sockaddr, signal);
  assertType<string>()(canonname);
  assertType<[host: string, port: string]>()(await socket.getnameinfo(['127.0.0.1', 80], 0, signal));
  assertType<string>()(await socket.gethostbyname('localhost', signal));
  assertType<[hostname: string, aliaslist: string[], ipaddrlist: string[]]>()(
    await socket.gethostbyname_ex('localhost'));
  assertType<[hostname: string, aliaslist: string[], ipaddrlist: string[]]>()(
    await socket.gethostbyaddr('127.0.0.1', signal));
  assertType<string>()(await socket.getfqdn());
  assertType<string>()(await socket.getfqdn(signal));
  assertType<string>()(await socket.getfqdn('localhost', signal));
  assertType<number>()(await socket.getservbyname('http'));
  assertType<number>()(await socket.getservbyname('http', signal));
  assertType<number>()(await socket.getservbyname('http', 'tcp', signal));
  assertType<string>()(await socket.getservbyport(80, 'tcp'));
  assertType<number>()(await socket.getprotobyname('tcp', signal));
  // The functions that never wait are the sync API's, returning values.
  assertType<string>()(socket.gethostname());
  assertType<Uint8Array>()(socket.inet_pton(socket.AF_INET, '127.0.0.1'));
  assertType<number>()(socket.htons(80));
  socket.setdefaulttimeout(3);
  socket.close(s.detach());
}

// ---- errors and the two APIs side by side --------------------------------------------------

async function errors(): Promise<string> {
  try {
    await names();
  } catch (e) {
    if (e instanceof socket.timeout) return 'timeout';
    if (e instanceof socket.gaierror) return `gaierror ${e.errno}`;
    if (e instanceof socket.AbortError) return 'aborted';
    if (e instanceof socket.error) return e.code ?? 'error';
  }
  // The classes are the same in both APIs.
  const e: sync.error = new socket.error(1, 'Operation not permitted');
  return String(e.errno);
}

void tcp, udp, errors;

// ---- what must not compile -----------------------------------------------------------------

async function wrong(s: socket.socket, signal: AbortSignal): Promise<void> {
  // @ts-expect-error a Promise API recv gives a Promise, not bytes
  const direct: Uint8Array = s.recv(10);
  // @ts-expect-error an address is a tuple or a path, never a bare number
  s.bind(12345);
  // @ts-expect-error a timeout is seconds or null, not text
  s.settimeout('soon');
  // @ts-expect-error sendto sends bytes, not a string
  await s.sendto('str', ['127.0.0.1', 9]);
  // @ts-expect-error a port is a number
  await s.connect(['127.0.0.1', '80'], signal);
  // @ts-expect-error recvfrom's result is a tuple, not text
  const text: string = await s.recvfrom(10);
  // @ts-expect-error the signal comes last: not before the flags
  await s.recv(10, signal, 0);
  // @ts-expect-error sendto with a signal still needs the address
  await s.sendto(new Uint8Array(1), signal);
  // @ts-expect-error getaddrinfo's port is a number, a service name or bytes, not an object
  await socket.getaddrinfo('localhost', { port: 80 });
  // @ts-expect-error a sync socket is not a Promise API socket
  const mixed: socket.socket = sync.socket();
  void direct, text, mixed;
}
void wrong;

// ---- sendmsg / recvmsg / send_fds / recv_fds -------------------------------------------------

async function messages(s: socket.socket, fd: number, signal: AbortSignal): Promise<void> {
  assertType<number>()(await s.sendmsg([new Uint8Array(1)], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, new Int32Array([fd])]],
    0, null, signal));
  assertType<socket.RecvmsgResult>()(await s.recvmsg(64, socket.CMSG_SPACE(4), 0, signal));
  assertType<socket.RecvmsgIntoResult>()(await s.recvmsg_into([new Uint8Array(4)], 0, 0, signal));
  assertType<number>()(await socket.send_fds(s, [new Uint8Array(1)], [fd], 0, null, signal));
  assertType<socket.RecvFdsResult>()(await socket.recv_fds(s, 10, 2, 0, signal));
  // @ts-expect-error the Promise API's send_fds takes a Promise API socket
  await socket.send_fds(sync.socket(), [new Uint8Array(1)], [fd]);
}
void messages;

async function sendfile(s: socket.socket, signal: AbortSignal): Promise<void> {
  const fh = await import('node:fs/promises').then((fs) => fs.open('/dev/null'));
  assertType<Promise<number>>()(s.sendfile(fh));
  assertType<Promise<number>>()(s.sendfile(fh, signal));
  assertType<Promise<number>>()(s.sendfile(fh, 5, signal));
  assertType<Promise<number>>()(s.sendfile(fh, 5, 10, signal));
  assertType<Promise<number>>()(s.sendfile({ read: async (n: number) => new Uint8Array(n) }, 0, null, signal));
  // @ts-expect-error the Promise API's sendfile resolves to a number, not a string
  const n: string = await s.sendfile(3);
  void n;
}
void sendfile;
