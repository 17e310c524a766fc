// Fuzz: drives the guest import layer (the "wasock" module, the renumbered WASI calls on
// socket descriptors, and the emscripten __syscall_* family) with random arguments — wild
// pointers and lengths, forged descriptors, random families and options — for at least 1M
// calls (WASOCK_FUZZ_CALLS). Every call must return a number in its convention; nothing may
// throw, trap or hang. The policy grants nothing, so no packet leaves the machine; every
// socket is non-blocking and every wait is 0 ms, so nothing blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from './lib/helpers.mjs';

const { createGuestHost, compilePolicy } = await import(join(ROOT, 'dist', 'guest.js'));
const CALLS = Number(process.env.WASOCK_FUZZ_CALLS) || 1_000_000;

// xorshift32, seeded: a failure is reproducible from the printed seed.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

test(`${CALLS} random import calls: no throw, no crash, no leak`, async () => {
  const seed = Number(process.env.WASOCK_FUZZ_SEED) || (Date.now() & 0x7fffffff);
  console.log(`  seed ${seed}`);
  const r = rng(seed);
  const policy = await compilePolicy({ maxSockets: 32 });
  const host = createGuestHost({ name: 'fuzz', policy, onEvent: () => {} });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.attach(memory);
  const u8 = new Uint8Array(memory.buffer);
  const { wasock, wasi_snapshot_preview1: wasi, env } = host.imports;
  const SIZE = u8.length;
  const ptr = () => {
    const k = r() & 15;
    if (k < 9) return r() % SIZE;                 // in bounds
    if (k < 12) return SIZE - (r() & 63);         // straddling the end
    if (k < 14) return r() | 0;                   // anywhere, negative as i32 too
    return 0;                                     // NULL
  };
  const len = () => {
    const k = r() & 7;
    if (k < 4) return r() & 255;
    if (k < 6) return r() & 0xffff;
    return r() | 0;
  };
  const fd = () => {
    const k = r() & 7;
    if (k < 5) return r() & 15;                   // live-ish descriptors
    if (k < 6) return -(r() & 7);
    return r() | 0;
  };
  const fam = () => [0, 1, 2, 10, 16, 17, 30, 40, r() & 63][r() % 9];
  const typ = () => ([1, 2, 3, 5, r() & 15][r() % 5]) | 0x800; // SOCK_NONBLOCK always
  // A random sockaddr at p: a family the fuzzer likes, random bytes after.
  const sockaddr = () => {
    const p = r() % (SIZE - 128);
    for (let i = 0; i < 128; i++) u8[p + i] = r() & 255;
    u8[p] = fam();
    u8[p + 1] = 0;
    return [p, [16, 28, 110, 2, 0, 128, 200, len()][r() % 8]];
  };
  const scribble = () => { for (let i = 0; i < 32; i++) u8[r() % SIZE] = r() & 255; };
  const calls = [
    () => wasock.socket(fam(), typ(), r() & 3 ? 0 : r() & 255, ptr()),
    () => wasock.socketpair(r() & 1 ? 1 : fam(), typ(), 0, ptr()),
    () => { const [p, l] = sockaddr(); return wasock.bind(fd(), p, l); },
    () => { const [p, l] = sockaddr(); return wasock.connect(fd(), p, l); },
    () => wasock.listen(fd(), r() & 7),
    () => wasock.accept(fd(), ptr(), ptr(), 0x800, ptr()),
    () => { const [p, l] = sockaddr(); return wasock.sendto(fd(), ptr(), len(), r() & 0xffff, r() & 1 ? p : 0, l, ptr()); },
    () => wasock.recvfrom(fd(), ptr(), len(), (r() & 0xffff) | 0x40, r() & 1 ? ptr() : 0, ptr(), ptr()),
    () => wasock.shutdown(fd(), r() & 3),
    () => wasock.close(fd()),
    () => wasock.getsockopt(fd(), [0, 1, 6, 41, r() & 511][r() % 5], r() & 63, ptr(), ptr()),
    () => wasock.setsockopt(fd(), [0, 1, 6, 41][r() % 4], [2, 7, 8, 9, 13, 20, 21, 26, r() & 63][r() % 9], ptr(), len()),
    () => wasock.getsockname(fd(), ptr(), ptr()),
    () => wasock.getpeername(fd(), ptr(), ptr()),
    () => wasock.poll(ptr(), r() & 1 ? r() & 15 : len(), 0, ptr()),
    () => wasock.set_nonblock(fd(), 1),
    () => wasock.dup(fd(), ptr()),
    () => wasock.resolver_file(r() % 8, ptr(), len(), ptr(), ptr()),
    () => wasock.random(ptr(), len() & 0xffff),
    () => wasock.clock_ns(ptr()),
    () => wasock.gethostname(ptr(), len()),
    () => wasock.lookup_name(ptr(), r() & 1 ? r() & 31 : len(), r() & 1 ? fam() : r(), ptr(), len(), ptr()),
    () => wasock.lookup_addr(r() & 1 ? fam() : r(), ptr(), ptr(), len(), ptr()),
    () => { const [p, l] = sockaddr(); return wasock.route_source(p, l, ptr(), ptr()); },
    () => wasi.fd_write(fd(), ptr(), r() & 1 ? r() & 7 : len(), ptr()),
    () => wasi.fd_read(fd(), ptr(), r() & 1 ? r() & 7 : len(), ptr()),
    () => wasi.fd_fdstat_get(fd(), ptr()),
    () => wasi.fd_fdstat_set_flags(fd(), 4),
    () => wasi.sock_recv(fd(), ptr(), r() & 7, r() & 3, ptr(), ptr()),
    () => wasi.sock_send(fd(), ptr(), r() & 7, 0, ptr()),
    () => wasi.sock_shutdown(fd(), r() & 3),
    () => wasi.sock_accept(fd(), 4, ptr()),
    () => wasi.fd_renumber(fd(), fd()),
    () => env.__syscall_socket(fam(), typ(), 0),
    () => { const [p, l] = sockaddr(); return env.__syscall_connect(fd(), p, l); },
    () => env.__syscall_accept4(fd(), ptr(), ptr(), 0x800),
    () => env.__syscall_sendmsg(fd(), ptr(), 0x40),
    () => env.__syscall_recvmsg(fd(), ptr(), 0x40),
    () => env.__syscall_recvfrom(fd(), ptr(), len(), 0x40, ptr(), ptr()),
    () => env.__syscall_poll(ptr(), r() & 15, 0),
    () => {
      // F_SETFL may change anything but O_NONBLOCK (a blocking socket could wait forever).
      const p = ptr();
      const cmd = r() & 7;
      if (cmd === 4 && p >= 0 && p + 4 <= SIZE) u8[p + 1] |= 0x08;
      return env.__syscall_fcntl64(fd(), cmd, p);
    },
    () => { scribble(); return 0; },
  ];
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const k = r() % calls.length;
    let v;
    try {
      v = calls[k]();
    } catch (e) {
      assert.unreachable(`call #${i} (kind ${k}, seed ${seed}) threw: ${e?.stack ?? e}`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) assert.unreachable(`call #${i} (kind ${k}) returned ${v}`);
    if (k < 21 && (v < 0 || v > 4095)) assert.unreachable(`wasock import #${i} (kind ${k}) returned ${v}`);
  }
  const ms = performance.now() - t0;
  console.log(`  ${CALLS} calls in ${(ms / 1000).toFixed(1)} s (${(CALLS / ms * 1000 / 1e6).toFixed(2)} M/s), ${host.openSockets()} sockets open`);
  assert.ok(host.openSockets() <= 32, 'the socket limit held');
  host.closeAll();
  assert.is(host.openSockets(), 0);
});

test.run();
