// The smoke suite run on Deno and Bun (tests/runtimes.test.mjs): sync and
// Promise TCP/UDP/UNIX echo, names resolved off the loop, a makefile() stream,
// a raw ICMP ping of 127.0.0.1 and a netlink RTM_GETLINK dump, over the one
// N-API addon. Prints "SMOKE OK".
// A raw socket needs CAP_NET_RAW: without it the ping must fail with EPERM.
const dist = new URL('../../dist/', import.meta.url);
const sync = await import(new URL('index.js', dist).href);
const socket = await import(new URL('promises.js', dist).href);
const check = (ok, what) => { if (!ok) throw new Error(`smoke: ${what}`); };
const txt = (b) => new TextDecoder().decode(b);
const enc = (s) => new TextEncoder().encode(s);

// sync TCP
{
  const l = sync.socket(); l.bind(['127.0.0.1', 0]); l.listen();
  const c = sync.socket(); c.connect(l.getsockname());
  const [s] = l.accept();
  c.sendall(enc('sync')); s.sendall(s.recv(10)); check(txt(c.recv(10)) === 'sync', 'sync tcp');
  for (const x of [l, c, s]) x.close();
}
// promises TCP, UDP, UNIX
{
  const l = socket.socket(); l.bind(['127.0.0.1', 0]); l.listen();
  const c = socket.socket();
  const [[s]] = await Promise.all([l.accept(), c.connect(l.getsockname())]);
  const echo = (async () => { await s.sendall(await s.recv(10)); })();
  await c.sendall(enc('tcp')); check(txt(await c.recv(10)) === 'tcp', 'promises tcp'); await echo;
  s.settimeout(0.05);
  let timedOut = false;
  try { await s.recv(1); } catch (e) { timedOut = e instanceof socket.timeout; }
  check(timedOut, 'promises timeout');
  for (const x of [l, c, s]) x.close();
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(['127.0.0.1', 0]);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(['127.0.0.1', 0]);
  const r = b.recvfrom(10); await a.sendto(enc('udp'), b.getsockname());
  check(txt((await r)[0]) === 'udp', 'promises udp'); a.close(); b.close();
  const [x, y] = socket.socketpair();
  const ry = y.recv(10); await x.send(enc('unix')); check(txt(await ry) === 'unix', 'promises unix');
  x.close(); y.close();
}
// names off the loop (a worker), create_connection, and makefile()'s Duplex
{
  const [[, , , , sa]] = await socket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_STREAM);
  check(sa[0] === '127.0.0.1' && sa[1] === 80, `getaddrinfo localhost: ${sa}`);
  const l = socket.socket(); l.bind(['127.0.0.1', 0]); l.listen();
  const c = await socket.create_connection(['localhost', l.getsockname()[1]]);
  const [s] = await l.accept();
  const f = c.makefile('rwb');
  f.write(enc('line\n'));
  check(txt(await s.recv(10)) === 'line\n', 'makefile write');
  f.destroy(); c.close(); s.close(); l.close();
}
// raw ICMP echo to 127.0.0.1 (Promise API), or EPERM without CAP_NET_RAW
{
  let s = null;
  try {
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  } catch (e) {
    if (!(e instanceof sync.error) || e.errno !== 1 /* EPERM */) throw e;
  }
  if (s) {
    const id = 0x5753, req = new Uint8Array(16);
    req[0] = 8; // echo request
    req[4] = id >> 8; req[5] = id & 0xff; req[7] = 1;
    let sum = 0;
    for (let i = 0; i < req.length; i += 2) sum += (req[i] << 8) + req[i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    req[2] = (~sum >> 8) & 0xff; req[3] = ~sum & 0xff;
    s.settimeout(5);
    await s.sendto(req, ['127.0.0.1', 0]);
    let ok = false;
    while (!ok) {
      const [d, from] = await s.recvfrom(2048);
      const o = (d[0] & 0x0f) * 4; // the IP header comes too
      ok = d[o] === 0 && ((d[o + 4] << 8) | d[o + 5]) === id && from[0] === '127.0.0.1';
    }
    s.close();
  }
}
// netlink: an RTM_GETLINK dump (Promise API) names lo
{
  const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  s.bind([0, 0]);
  const req = new Uint8Array(32), dv = new DataView(req.buffer);
  dv.setUint32(0, 32, true); dv.setUint16(4, 18, true); // RTM_GETLINK
  dv.setUint16(6, 0x301, true); dv.setUint32(8, 1, true); // NLM_F_REQUEST|NLM_F_DUMP, seq 1
  await s.send(req);
  const names = [];
  for (let done = false; !done;) {
    const b = await s.recv(65536);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let off = 0; off + 16 <= b.length;) {
      const len = v.getUint32(off, true), type = v.getUint16(off + 4, true);
      if (type === 3 || type === 2) { done = true; break; } // NLMSG_DONE, NLMSG_ERROR
      for (let a = off + 32; a + 4 <= off + len;) { // after nlmsghdr + ifinfomsg
        const alen = v.getUint16(a, true);
        if (alen < 4) break;
        if (v.getUint16(a + 2, true) === 3) names.push(txt(b.subarray(a + 4, a + alen)).replace(/\0.*$/s, '')); // IFLA_IFNAME
        a += (alen + 3) & ~3;
      }
      off += (len + 3) & ~3;
    }
  }
  check(names.includes('lo'), `netlink dump: ${names}`);
  s.close();
}
console.log('SMOKE OK');
