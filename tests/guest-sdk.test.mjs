// The guest SDK's select/pselect, ioctl, <net/if.h> and <ifaddrs.h>: one C guest
// (tests/guests/sdk-extras.c, a TCP pair on 127.0.0.1 made by itself) run three ways:
// sandboxed with runGuest(); on the library's own host imports (tests/lib/sdk-trusted.mjs:
// real descriptors, what the SDK does with nothing between it and the addon); and compiled
// natively against glibc, the differential oracle. Interfaces are also checked against
// node's os.networkInterfaces() and CPython's socket.if_nameindex().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROOT, PYTHON } from './lib/helpers.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const OUT = join(ROOT, 'tests', '.tmp', 'guests');
const CLI = join(ROOT, 'dist', 'cli.js');
const SRC = join(ROOT, 'tests', 'guests', 'sdk-extras.c');
const WASM = join(OUT, 'sdk-extras.wasm');
const NATIVE = join(OUT, 'sdk-extras-native');

let sandboxed, trusted, native = null;

function sink() {
  const s = new Writable({ write(c, _e, cb) { s.text += c; cb(); } });
  s.text = '';
  return s;
}

// "name rest..." lines -> Map(name -> rest); repeated names (ifni, ifa) -> arrays;
// nametoindex and indextoname are keyed by their first two words.
function parse(text) {
  const m = new Map();
  m.raw = text;
  for (const line of text.split('\n').filter(Boolean)) {
    const two = /^(nametoindex|indextoname) /.test(line);
    const i = two ? line.indexOf(' ', line.indexOf(' ') + 1) : line.indexOf(' ');
    const [k, v] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
    if (k === 'ifni' || k === 'ifa') m.set(k, [...(m.get(k) ?? []), v]);
    else m.set(k, v);
  }
  return m;
}

test.before(async () => {
  mkdirSync(OUT, { recursive: true });
  let r = spawnSync(process.execPath, [CLI, 'cc', '-o', WASM, SRC], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasock cc: ${r.stderr}`);
  const out = sink();
  const code = await runGuest(WASM, {
    policy: { bind: ['127.0.0.1'], connect: ['127.0.0.1'] }, stdio: ['inherit', out, 'inherit'], onEvent: () => {},
  });
  assert.is(code, 0, out.text);
  sandboxed = parse(out.text);
  r = spawnSync(process.execPath, [join(ROOT, 'tests', 'lib', 'sdk-trusted.mjs'), WASM], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  trusted = parse(r.stdout);
  r = spawnSync('cc', ['-O2', '-o', NATIVE, SRC], { encoding: 'utf8' });
  if (r.status === 0) {
    r = spawnSync(NATIVE, [], { encoding: 'utf8' });
    if (r.status === 0) native = r.stdout;
  }
});

const ms = (v) => Number(/ms=(\d+)/.exec(v)[1]);

for (const [how, get] of [['sandboxed', () => sandboxed], ['library host', () => trusted]]) {
  test(`select() sees a connected socket writable, then readable once the peer sends (${how})`, () => {
    const g = get();
    assert.is(g.get('select-idle'), '1 r=0 w=1');
    assert.is(g.get('select-readable'), '1 r=1 left<5s=1');
    assert.is(g.get('pselect-readable'), '1 r=1');
    assert.is(g.get('select-nfds-low'), '0 r=0', 'a descriptor >= nfds is not looked at');
    assert.is(g.get('select-except'), '1 e=1', 'urgent data is an exceptional condition');
  });

  test(`select() and pselect() time out; select() leaves the time not slept, pselect() its timeout (${how})`, () => {
    const g = get();
    assert.match(g.get('select-timeout'), /^0 ms=\d+ left=0\.000000$/);
    assert.ok(ms(g.get('select-timeout')) >= 149, g.get('select-timeout'));
    assert.match(g.get('pselect-timeout'), /^0 ms=\d+ ts=0\.100000000$/);
    assert.ok(ms(g.get('pselect-timeout')) >= 99, g.get('pselect-timeout'));
  });

  test(`select() and pselect() refuse bad arguments as Linux does (${how})`, () => {
    const g = get();
    assert.is(g.get('select-nfds-neg'), '-1 EINVAL');
    assert.is(g.get('select-usec-neg'), '-1 EINVAL');
    assert.is(g.get('pselect-nsec-big'), '-1 EINVAL');
    assert.is(g.get('select-closed'), '-1 EBADF');
  });

  test(`ioctl(FIONBIO) makes recv() EAGAIN; an unlisted request is ENOTTY (${how})`, () => {
    const g = get();
    assert.is(g.get('fionbio-on'), '0 OK');
    assert.is(g.get('recv-nonblock'), '-1 EAGAIN');
    assert.is(g.get('ioctl-unlisted'), '-1 ENOTTY');
  });
}

// A sandboxed guest's stdout is a WASI descriptor whatever the host has behind it (for
// a Writable, a socketpair, which the library host's guest would see as a socket).
test('ioctl(SIOCATMARK) of a guest descriptor that is not a socket is ENOTTY (sandboxed)', () => {
  assert.is(sandboxed.get('siocatmark-stdout'), '-1 ENOTTY');
});

test('ioctl on the library host: FIONREAD is the exact byte count, SIOCOUTQ, SIOCATMARK, sockatmark', () => {
  assert.is(trusted.get('fionread'), '0 5 OK');
  assert.is(trusted.get('siocoutq'), '0 positive');
  assert.is(trusted.get('siocatmark-before'), '0 0 OK');
  assert.is(trusted.get('siocatmark-after'), '0 1 OK');
  assert.is(trusted.get('sockatmark'), '1 OK');
});

// The guest host answers ioctl through its own allowlist, on the guest's descriptors.
test('ioctl in a sandboxed guest: the same exact counts as on the library host', () => {
  for (const k of ['fionread', 'siocoutq', 'siocatmark-before', 'siocatmark-after', 'sockatmark'])
    assert.is(sandboxed.get(k), trusted.get(k), k);
});

test('if_nametoindex / if_indextoname / if_nameindex match the host (CPython, node)', () => {
  const py = spawnSync(PYTHON, ['-c', 'import socket, json; print(json.dumps(socket.if_nameindex()))'], { encoding: 'utf8' });
  assert.is(py.status, 0, py.stderr);
  const list = JSON.parse(py.stdout).map(([i, n]) => `${i} ${n}`);
  for (const g of [sandboxed, trusted]) {
    assert.equal(g.get('ifni'), list);
    assert.is(g.get('nametoindex lo'), String(JSON.parse(py.stdout).find(([, n]) => n === 'lo')[0]));
    assert.is(g.get('nametoindex none'), '0 ENODEV');
    assert.is(g.get('indextoname 1'), 'lo');
    assert.is(g.get('indextoname big'), 'NULL ENXIO');
  }
  assert.ok(list.includes('1 lo'));
});

test('getifaddrs lists 127.0.0.1/255.0.0.0 and ::1 on lo, and every address node sees', () => {
  for (const g of [sandboxed, trusted]) {
    const ifa = g.get('ifa');
    assert.ok(ifa.some((l) => l.startsWith('lo inet 127.0.0.1 255.0.0.0 ')), ifa.join('\n'));
    assert.ok(ifa.some((l) => l.startsWith('lo inet6 ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ')), ifa.join('\n'));
    for (const [name, addrs] of Object.entries(networkInterfaces())) {
      for (const a of addrs) {
        const fam = a.family === 'IPv4' || a.family === 4 ? 'inet' : 'inet6';
        const want = `${name} ${fam} ${a.address} ${a.netmask} `;
        assert.ok(ifa.some((l) => l.startsWith(want)), `${want}\n${ifa.join('\n')}`);
        if (fam === 'inet6') {
          const scope = Number(ifa.find((l) => l.startsWith(want)).split(' ').pop());
          assert.is(scope, a.scopeid ?? 0, `${want} scope`);
        }
      }
    }
  }
});

test('native differential: the same program against glibc prints the same lines', () => {
  if (native === null) {
    console.log('  (no native cc here: skipped)');
    return;
  }
  // Timings differ run to run; an unlisted ioctl reaches the kernel natively (the SDK
  // refuses it: ENOTTY) and so answers whatever that request answers.
  const norm = (t) => t.split('\n').filter((l) => l && !l.startsWith('ioctl-unlisted'))
    .map((l) => l.replace(/ms=\d+/, 'ms=N'));
  assert.equal(norm(trusted.raw), norm(native));
});

test.run();
