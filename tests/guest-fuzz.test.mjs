// Fuzz: drives the guest import layer (the "wasock" module, WASI preview1 over a real node:wasi
// with stdio on descriptors the test owns and one preopened directory, and the emscripten
// __syscall_* family) with random and boundary arguments — pointers at and past the memory's
// end, huge lengths, negative and forged descriptors, sockaddrs for granted and ungranted
// addresses (loopback ports, unix paths inside and outside the granted directory), option
// levels/names from and around the allowlist — for at least 1M calls (WASOCK_FUZZ_CALLS; seed
// printed, WASOCK_FUZZ_SEED reproduces). Every call returns a number in its convention; nothing
// throws. Every 10,000 calls an oracle checks: host descriptors <= start + maxSockets (+ what
// uvwasi holds), the test's stdio descriptors still open and the same files, rss/arrayBuffers
// bounded, nothing created outside the granted unix directory. After closeAll() the host's
// descriptors are back to the start. Grants reach loopback only; every socket is non-blocking
// and every wait is 0 ms, so nothing blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT, fdCount } from './lib/helpers.mjs';

// node:wasi's experimental warning is not this test's business.
const emit = process.emitWarning;
process.emitWarning = (w, ...rest) => (String(w?.message ?? w).includes('WASI') ? undefined : emit.call(process, w, ...rest));
const { WASI } = await import('node:wasi');

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
  const MAX_SOCKETS = 32;
  const granted = mkdtempSync(join(tmpdir(), 'wasock-fuzz-in-'));
  const outside = mkdtempSync(join(tmpdir(), 'wasock-fuzz-out-'));
  const P = 20000 + (seed % 20000); // loopback ports: P, P+1 granted, P+2 not
  const policy = await compilePolicy({
    maxSockets: MAX_SOCKETS, connect: [`127.0.0.1:${P}`, `[::1]:${P}`, `unix:${granted}/`],
    bind: [`127.0.0.1:${P + 1}`, `unix:${granted}/`], sendto: [`127.0.0.1:${P}`, `unix:${granted}/`],
  });
  // stdio: descriptors this test owns (opened before the start count: they stay open).
  const stdioFds = [openSync('/dev/null', 'r'), openSync('/dev/null', 'w'), openSync('/dev/null', 'w')];
  const ident = (fd) => { const st = fstatSync(fd); return `${st.dev}:${st.ino}:${st.mode}`; };
  const stdioIds = stdioFds.map(ident);
  const fds0 = fdCount();
  const mem0 = process.memoryUsage();
  const wasiObj = new WASI({ version: 'preview1', args: [], env: {}, preopens: { '/g': granted },
    stdin: stdioFds[0], stdout: stdioFds[1], stderr: stdioFds[2], returnOnExit: true });
  const host = createGuestHost({ name: 'fuzz', policy, onEvent: () => {}, wasi: wasiObj.getImportObject().wasi_snapshot_preview1,
    stdioFds, preopens: 1 });
  // A real instance's memory (node:wasi reads it through the instance).
  const modBytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, ...Buffer.from('memory'), 2, 0]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(modBytes), {});
  const memory = inst.exports.memory;
  wasiObj.initialize(inst);
  host.attach(memory);
  const u8 = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  const { wasock, wasi_snapshot_preview1: wasi, env } = host.imports;
  const SIZE = u8.length;
  const ptr = () => {
    const k = r() & 15;
    if (k < 9) return r() % SIZE;                 // in bounds
    if (k < 11) return SIZE - (r() & 63);         // straddling the end
    if (k < 12) return [SIZE, SIZE + 1, -1, 0x7fffffff, -0x80000000, SIZE - 1][r() % 6]; // at and past it
    if (k < 14) return r() | 0;                   // anywhere, negative as i32 too
    return 0;                                     // NULL
  };
  const len = () => {
    const k = r() & 7;
    if (k < 4) return r() & 255;
    if (k < 6) return r() & 0xffff;
    if (k < 7) return [SIZE, SIZE + 1, 0x7fffffff, -1, 0x80000000 | 0, 0xfffffff0 | 0][r() % 6];
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
  // A sockaddr at p: random bytes after a family, or a valid one for a granted or an ungranted
  // address (loopback ports; unix paths inside and outside the granted directory).
  const put = (p, bytes) => { for (let i = 0; i < bytes.length; i++) u8[p + i] = bytes[i]; };
  const sockaddr = () => {
    const p = r() % (SIZE - 128);
    const k = r() % 6;
    if (k === 0) {
      for (let i = 0; i < 128; i++) u8[p + i] = r() & 255;
      u8[p] = fam();
      u8[p + 1] = 0;
      return [p, [16, 28, 110, 2, 0, 128, 129, 200, len()][r() % 9]];
    }
    u8.fill(0, p, p + 128);
    const port = P + (r() % 3);
    if (k === 1 || k === 2) {
      dv.setUint16(p, 2, true); dv.setUint16(p + 2, port, false);
      put(p + 4, [[127, 0, 0, 1], [127, 0, 0, 2], [0, 0, 0, 0], [10, 1, 2, 3]][r() & 3]);
      return [p, r() & 7 ? 16 : r() & 31];
    }
    if (k === 3) {
      dv.setUint16(p, 10, true); dv.setUint16(p + 2, port, false);
      if (r() & 1) u8[p + 23] = 1; else put(p + 18, [0xff, 0xff, 127, 0, 0, 1]);
      return [p, r() & 7 ? 28 : r() & 31];
    }
    dv.setUint16(p, 1, true);
    const dir = [granted, outside, `${granted}/../${outside.split('/').pop()}`, '/tmp'][r() & 3];
    const path = Buffer.from(r() & 3 ? `${dir}/s${r() & 7}` : `\0fuzz${r() & 3}`);
    put(p + 2, path.subarray(0, 107));
    return [p, Math.min(110, 3 + path.length)];
  };
  const level = () => [0, 1, 6, 17, 41, 255, 263, 65535, r() & 511, r() | 0][r() % 10];
  const optname = () => [1, 2, 3, 4, 6, 7, 8, 9, 13, 15, 20, 21, 26, 49, 0, -1, r() & 63, r() | 0][r() % 18];
  // poll_oneoff subscriptions at p: a 0 ms clock first (nothing blocks), then fd reads/writes.
  const subs = () => {
    const n = 1 + (r() & 3);
    const p = r() % (SIZE - 48 * 4);
    u8.fill(0, p, p + 48 * n);
    for (let i = 0; i < n; i++) {
      const at = p + i * 48;
      dv.setUint32(at, r(), true);
      u8[at + 8] = i === 0 ? 0 : 1 + (r() & 1);
      if (i === 0) dv.setUint32(at + 12, r() & 3, true);
      else dv.setUint32(at + 16, fd() >>> 0, true);
    }
    return [p, n];
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
    () => wasock.getsockopt(fd(), level(), optname(), ptr(), ptr()),
    () => wasock.setsockopt(fd(), level(), optname(), ptr(), len()),
    () => {
      // FIONBIO only ever sets non-blocking (a blocking socket could wait forever).
      const req = [0x5421, 0x541b, 0x8905, 0x5411, r() | 0][r() % 5];
      const p = ptr();
      if (req === 0x5421 && p >= 0 && p + 4 <= SIZE) dv.setInt32(p, 1, true);
      return wasock.ioctl(fd(), req, p);
    },
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
    () => wasi.fd_close(fd()),
    () => wasi.fd_filestat_get(fd(), ptr()),
    () => wasi.fd_prestat_get(fd(), ptr()),
    // Subscriptions are always crafted or out of bounds: random bytes read as
    // subscriptions may ask for a wait with no clock, which blocks as it should.
    () => { const [p, n] = subs(); return wasi.poll_oneoff(r() & 3 ? p : [SIZE, SIZE - 1, -1, 0x7fffffff][r() % 4], ptr(), r() & 15 ? n : len(), ptr()); },
    () => { const [p, n] = subs(); return wasi.poll_oneoff(p, r() % (SIZE - 200), n, r() % (SIZE - 4)); },
    () => env.__syscall_socketpair ? env.__syscall_socketpair(1, typ(), 0, ptr()) : 0,
    () => { const [p, l] = sockaddr(); return env.__syscall_bind(fd(), p, l); },
    () => env.__syscall_listen(fd(), r() & 7),
    () => { const [p, l] = sockaddr(); return env.__syscall_sendto(fd(), ptr(), len(), 0x40, r() & 1 ? p : 0, l); },
    () => env.__syscall_getsockopt(fd(), level(), optname(), ptr(), ptr()),
    () => env.__syscall_setsockopt(fd(), level(), optname(), ptr(), len()),
    () => env.__syscall_getsockname(fd(), ptr(), ptr()),
    () => env.__syscall_getpeername(fd(), ptr(), ptr()),
    () => env.__syscall_shutdown(fd(), r() & 3),
    () => env.__syscall_ioctl(fd(), [0x541b, 0x8905, r() | 0][r() % 3], ptr()),
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
  // The ABI of each call, by where it is listed: its results' range.
  const abiOf = calls.map((f) => (/wasock\./.test(f.toString()) ? 'wasock' : /wasi\./.test(f.toString()) ? 'wasi' : 'other'));
  const fdLimit = fds0 + MAX_SOCKETS + 2; // + uvwasi's preopened directory (+1 spare)
  const MB = 2 ** 20;
  let maxFds = 0;
  const oracle = (i) => {
    const n = fdCount();
    maxFds = Math.max(maxFds, n);
    if (n > fdLimit) assert.unreachable(`after call #${i} (seed ${seed}): ${n} host descriptors, more than ${fdLimit}`);
    if (host.openSockets() > MAX_SOCKETS) assert.unreachable(`after call #${i}: ${host.openSockets()} sockets`);
    stdioFds.forEach((f, k) => {
      let id;
      try { id = ident(f); } catch (e) { id = e.code; }
      if (id !== stdioIds[k]) assert.unreachable(`after call #${i} (seed ${seed}): the test's stdio descriptor ${f} is ${id}, was ${stdioIds[k]}`);
    });
    const m = process.memoryUsage();
    if (m.rss > mem0.rss + 256 * MB || m.arrayBuffers > mem0.arrayBuffers + 32 * MB) {
      assert.unreachable(`after call #${i}: rss ${(m.rss / MB).toFixed(0)} MiB, arrayBuffers ${(m.arrayBuffers / MB).toFixed(0)} MiB`);
    }
    const made = readdirSync(outside);
    if (made.length) assert.unreachable(`after call #${i} (seed ${seed}): created outside the granted directory: ${made}`);
  };
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const k = r() % calls.length;
    let v;
    try {
      v = calls[k]();
    } catch (e) {
      assert.unreachable(`call #${i} (kind ${k}, seed ${seed}) threw: ${e?.stack ?? e}`);
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) assert.unreachable(`call #${i} (kind ${k}, seed ${seed}) returned ${v}`);
    if (abiOf[k] === 'wasock' && (v < 0 || v > 4095)) assert.unreachable(`wasock import #${i} (kind ${k}, seed ${seed}) returned ${v}`);
    if (abiOf[k] === 'wasi' && (v < 0 || v > 76)) assert.unreachable(`WASI import #${i} (kind ${k}, seed ${seed}) returned ${v}`);
    if (i % 10_000 === 9_999) oracle(i);
  }
  const ms = performance.now() - t0;
  console.log(`  ${CALLS} calls in ${(ms / 1000).toFixed(1)} s (${Math.round(CALLS / ms * 1000)} calls/s), ${host.openSockets()} sockets open, ` +
    `at most ${maxFds - fds0} host descriptors over the start`);
  oracle(CALLS);
  host.closeAll();
  assert.is(host.openSockets(), 0);
  assert.is(fdCount(), fds0, 'after closeAll(): the host descriptors are back to the start');
  stdioFds.forEach((f, k) => assert.is(ident(f), stdioIds[k], 'the test\'s stdio descriptors are open, the same files'));
  assert.equal(readdirSync(outside), []);
  for (const f of stdioFds) closeSync(f);
  rmSync(granted, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test.run();
