// The smoke suite run on Deno and Bun (tests/runtimes.test.mjs): sync and
// Promise TCP/UDP/UNIX echo over the one N-API addon. Prints "SMOKE OK".
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
console.log('SMOKE OK');
