// sendmsg/recvmsg with control messages for sandboxed guests.
//
// tests/guests/msg.c (a socket passed to itself with SCM_RIGHTS and used, SO_PASSCRED,
// IP_PKTINFO/IP_RECVTTL/IP_RECVTOS with IP_TTL/IP_TOS sent per message, scatter/gather,
// malformed messages) runs sandboxed (SDK and, when emcc is here, emscripten) and natively
// against glibc: the same lines. tests/guests/msg-hostile.c tries what a hostile guest
// would, each beside the legitimate variant, while this process counts its own open
// descriptors at the guest's checkpoints: whatever the host drops, it closes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { ROOT, PYTHON } from './lib/helpers.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const OUT = join(ROOT, 'tests', '.tmp', 'guests');
const CLI = join(ROOT, 'dist', 'cli.js');
const src = (n) => join(ROOT, 'tests', 'guests', `${n}.c`);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const haveEmcc = spawnSync('emcc', ['--version']).status === 0;
if (!haveEmcc && ci) throw new Error('CI=true and no emcc (.ci/run installs emscripten)');

const LOOPBACK = ['127.0.0.1', '[::1]'];
const UDP_POLICY = { bind: LOOPBACK, connect: LOOPBACK, sendto: LOOPBACK };

function sink(onLine = () => {}) {
  let partial = '';
  const s = new Writable({
    write(c, _e, cb) {
      s.text += c;
      partial += c;
      let i;
      while ((i = partial.indexOf('\n')) >= 0) {
        onLine(partial.slice(0, i));
        partial = partial.slice(i + 1);
      }
      cb();
    },
  });
  s.text = '';
  return s;
}

function cc(name) {
  const wasm = join(OUT, `${name}.wasm`);
  const r = spawnSync(process.execPath, [CLI, 'cc', '-o', wasm, src(name)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasock cc ${name}: ${r.stderr}`);
  return wasm;
}

async function sandboxed(wasm, opts) {
  const out = sink(opts.onLine);
  const events = [];
  const code = await runGuest(wasm, { stdio: ['inherit', out, 'inherit'], onEvent: (e) => events.push(e), ...opts });
  return { code, out: out.text, lines: out.text.split('\n').filter(Boolean), events };
}

const openFds = () => readdirSync('/proc/self/fd').length;

let sdk, native = null;

test.before(async () => {
  mkdirSync(OUT, { recursive: true });
  sdk = await sandboxed(cc('msg'), { policy: UDP_POLICY });
  const bin = join(OUT, 'msg-native');
  if (spawnSync('cc', ['-O2', '-o', bin, src('msg')]).status === 0) native = spawnSync(bin, [], { encoding: 'utf8' }).stdout;
});

const line = (r, key) => r.lines.find((l) => l.startsWith(`${key} `));

test('SCM_RIGHTS: a socket passed over a socketpair arrives as a new guest descriptor and works', () => {
  assert.is(sdk.code, 0, sdk.out);
  assert.is(line(sdk, 'rights-send'), 'rights-send 2 OK');
  assert.is(line(sdk, 'rights-recv'), 'rights-recv 2 fd n=1 ctrunc=0 controllen-space=1 lowest=1');
  assert.is(line(sdk, 'rights-use-recv'), 'rights-use-recv 4 ping');
  assert.is(line(sdk, 'rights-nocontrol'), 'rights-nocontrol 2 ctrunc=1 controllen=0');
  assert.is(line(sdk, 'rights-closed-fd'), 'rights-closed-fd -1 EBADF');
  assert.is(line(sdk, 'rights-254'), 'rights-254 -1 EINVAL');
});

test('SO_PASSCRED: SCM_CREDENTIALS received with the sender\'s real uid and gid', () => {
  const uid = process.getuid(), gid = process.getgid();
  assert.is(line(sdk, 'passcred'), `passcred 2 len-ok=1 uid=${uid} gid=${gid} pid>0=1 ctrunc=0`);
});

test('UDP: IP_PKTINFO, IP_TTL and IP_TOS received; IP_TTL and IP_TOS sent per message; too small a buffer is MSG_CTRUNC', () => {
  assert.is(line(sdk, 'udp-send-ttl-tos'), 'udp-send-ttl-tos 2 OK');
  assert.is(line(sdk, 'udp-recv'), 'udp-recv 2 hi namelen=16 from-port-ok=1');
  assert.is(line(sdk, 'udp-pktinfo'), 'udp-pktinfo len-ok=1 ifindex>0=1 dst=127.0.0.1 addr=127.0.0.1');
  assert.is(line(sdk, 'udp-ttl'), 'udp-ttl len-ok=1 7');
  assert.is(line(sdk, 'udp-tos'), 'udp-tos len-ok=1 0x10');
  assert.is(line(sdk, 'udp-flags'), 'udp-flags ctrunc=0');
  assert.is(line(sdk, 'udp-small-control'), 'udp-small-control 2 ctrunc=1 controllen=0');
  assert.is(line(sdk, 'udp-unknown-cmsg'), 'udp-unknown-cmsg -1 EINVAL');
  assert.is(line(sdk, 'cmsg-len-over'), 'cmsg-len-over -1 EINVAL');
  assert.is(line(sdk, 'cmsg-len-under'), 'cmsg-len-under -1 EINVAL');
  assert.is(line(sdk, 'cmsg-len-right'), 'cmsg-len-right 1 OK');
});

test('SO_TIMESTAMP(NS), IP_RECVERR on the error queue, UDP_SEGMENT sent per message', () => {
  assert.is(line(sdk, 'timestamp'), 'timestamp 1 type-ok=1 len-ok=1 sane=1');
  assert.is(line(sdk, 'timestampns'), 'timestampns 1 type-ok=1 len-ok=1 sane=1');
  // ECONNREFUSED (Linux's 111) from ICMP (origin 2), destination port unreachable (3/3).
  assert.is(line(sdk, 'errqueue'), 'errqueue 1 level-ok=1 type-ok=1 errno=111 origin=2 type=3 code=3');
  assert.is(line(sdk, 'udp-segment-send'), 'udp-segment-send 8 OK');
  assert.is(line(sdk, 'udp-segment-recv'), 'udp-segment-recv 4 abcd 4 efgh');
});

test('IPv6: IPV6_HOPLIMIT and IPV6_TCLASS sent per message, received with IPV6_PKTINFO', () => {
  if (sdk.lines.includes('udp6 no-ipv6') && !ci) {
    console.log('  (no IPv6 loopback here: skipped)');
    return;
  }
  assert.is(line(sdk, 'udp6-send-hops-tclass'), 'udp6-send-hops-tclass 1 OK');
  assert.is(line(sdk, 'udp6-recv'), 'udp6-recv 1 ctrunc=0');
  assert.is(line(sdk, 'udp6-pktinfo'), 'udp6-pktinfo len-ok=1 addr=::1 ifindex>0=1');
  assert.is(line(sdk, 'udp6-hoplimit'), 'udp6-hoplimit len-ok=1 9');
  assert.is(line(sdk, 'udp6-tclass'), 'udp6-tclass len-ok=1 32');
  assert.is(line(sdk, 'udp6-cmsgs'), 'udp6-cmsgs 3');
});

test('blocking as recv(2): SO_RCVTIMEO waits, then EAGAIN; O_NONBLOCK is EAGAIN at once', () => {
  assert.is(line(sdk, 'nonblock-recvmsg'), 'nonblock-recvmsg -1 EAGAIN');
  assert.is(line(sdk, 'rcvtimeo-recvmsg'), 'rcvtimeo-recvmsg -1 EAGAIN waited>=90ms=1');
});

test('scatter/gather in place; MSG_TRUNC; more than 1024 iovecs is EMSGSIZE', () => {
  assert.is(line(sdk, 'gather-send'), 'gather-send 10 OK');
  assert.is(line(sdk, 'scatter-recv'), 'scatter-recv 8 abc|de|fgh trunc=1');
  assert.is(line(sdk, 'iovlen-1025'), 'iovlen-1025 -1 EMSGSIZE');
  assert.is(line(sdk, 'iovlen-1025-recv'), 'iovlen-1025-recv -1 EMSGSIZE');
});

test('native differential: the same program against glibc prints the same lines', () => {
  if (native === null) {
    if (ci) assert.unreachable('no native cc under CI');
    console.log('  (no native cc here: skipped)');
    return;
  }
  assert.equal(sdk.lines, native.split('\n').filter(Boolean));
});

// Debian's emcc 3.1.6 answers socketpair and setsockopt in its libc (no host call): then its
// run matches on what needs neither (control messages sent over UDP, scatter/gather, the
// errors); an emscripten that imports them matches on every line.
const EMSCRIPTEN_LINES = ['udp-send-ttl-tos', 'udp-recv', 'udp-unknown-cmsg', 'cmsg-len-over', 'cmsg-len-under',
  'cmsg-len-right', 'gather-send', 'scatter-recv', 'iovlen-1025', 'iovlen-1025-recv', 'nothing-queued',
  'udp6-send-hops-tclass', 'udp-segment-send', 'udp-segment-recv'];

test('emscripten: the same program, through env.__syscall_sendmsg/recvmsg, prints the same lines', async () => {
  if (!haveEmcc) {
    console.log('  (no emcc here: skipped)');
    return;
  }
  const wasm = join(OUT, 'msg-emscripten.wasm');
  const r = spawnSync('emcc', ['-O2', '-sSTANDALONE_WASM', '-o', wasm, src('msg')], { encoding: 'utf8', cwd: OUT });
  assert.is(r.status, 0, r.stderr);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm))).map((i) => i.name);
  assert.ok(imports.includes('__syscall_sendmsg') && imports.includes('__syscall_recvmsg'), imports.join());
  const em = await sandboxed(wasm, { policy: UDP_POLICY });
  assert.is(em.code, 0, em.out);
  if (imports.includes('__syscall_socketpair') && imports.includes('__syscall_setsockopt')) {
    assert.equal(em.lines, sdk.lines);
    return;
  }
  const pick = (r) => EMSCRIPTEN_LINES.map((k) => line(r, k));
  assert.equal(pick(em), pick(sdk));
  assert.is(line(em, 'socketpair'), 'socketpair -1 ENOSYS', 'emscripten\'s libc answered socketpair');
  assert.is(line(em, 'rcvtimeo-set'), 'rcvtimeo-set -1 ENOPROTOOPT', 'emscripten\'s libc answered setsockopt');
});

test('docs/guests.md\'s control message table is CMSGS, the rules the host enforces', async () => {
  const g = await import(join(ROOT, 'dist', 'guest.js'));
  const C = await import(join(ROOT, 'dist', 'index.js'));
  const doc = readFileSync(join(ROOT, 'docs', 'guests.md'), 'utf8');
  const table = doc.slice(doc.indexOf('#### Control messages'), doc.indexOf('<!-- rules:begin'));
  const rows = table.split('\n').filter((l) => /^\| (SOL_|IPPROTO_)/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const LEVELS = ['SOL_SOCKET', 'IPPROTO_IP', 'IPPROTO_IPV6', 'IPPROTO_UDP'];
  const optName = ([level, opt]) => g.OPTIONS.get(`${level}:${opt}`).name;
  const want = [...g.CMSGS].map(([key, r]) => {
    const [level] = key.split(':').map(Number);
    const send = r.send === 'rights' ? 'the guest\'s own sockets' : r.send === 'never' ? 'never (`EPERM`)'
      : r.send === null ? 'no' : `as \`setsockopt(${optName(r.send)})\``;
    const recv = r.recv === 'rights' ? 'new guest descriptors' : r.recv === null ? 'no' : `with \`${optName(r.recv)}\``;
    return [LEVELS.find((k) => C[k] === level), r.name, send, recv];
  });
  const strip = (c) => c.replace(/ \((unix sockets|`MSG_ERRQUEUE`)\)$/, '');
  assert.equal(rows.map((r) => r.map(strip)), want);
});

// ---- a hostile guest ----------------------------------------------------------------------

const PEER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
print('ready', flush=True)
c, _ = s.accept()
f = os.open(sys.argv[2], os.O_RDONLY)
a, b = socket.socketpair()
pipe = os.pipe()
try:
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    raw = [r.fileno()]
except PermissionError:
    raw = []
print('raw' if raw else 'no-raw', flush=True)
socket.send_fds(c, [b'F'], [f, a.fileno(), pipe[0], *raw, f])
b.sendall(b'hello')
print('peer got', b.recv(16).decode(), flush=True)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
u.setsockopt(socket.IPPROTO_IP, 20, 1)  # IP_RECVORIGDSTADDR
socket.send_fds(c, [b'U'], [u.fileno()])
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'dgram', u.getsockname())
c.recv(1)
`;

let hostile = null;

async function runHostile() {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-msg-'));
  const files = mkdtempSync(join(tmpdir(), 'wasock-msg-dir-'));
  const ctlPath = join(dir, 'ctl'), peerPath = join(dir, 'peer');
  const conns = [];
  const ctl = createServer((c) => conns.push(c)).listen(ctlPath);
  await new Promise((r) => ctl.once('listening', r));
  const py = spawn(PYTHON, ['-c', PEER, peerPath, join(ROOT, 'package.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let peer = '';
  py.stdout.setEncoding('utf8');
  await new Promise((r) => py.stdout.once('data', (d) => { peer += d; r(); }));
  py.stdout.on('data', (d) => { peer += d; });
  const counts = {};
  try {
    const r = await sandboxed(cc('msg-hostile'), {
      // Descriptor 4: a listener the host lends, right after the /d preopen.
      args: [ctlPath, peerPath, '/d/f', '4'],
      preopens: { '/d': files },
      listen: ['127.0.0.1:0'],
      policy: { connect: [`unix:${ctlPath}`, `unix:${peerPath}`, '127.0.0.1:9'], sendto: ['127.0.0.1:9'], maxSockets: 16 },
      onLine: (l) => {
        const m = /^checkpoint (\S+)$/.exec(l);
        if (!m) return;
        counts[m[1]] = openFds();
        conns[0].write('k');
      },
    });
    await new Promise((r) => (py.exitCode !== null ? r() : py.once('exit', r)));
    return { ...r, counts, peer };
  } finally {
    py.kill();
    ctl.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  }
}

const hline = (key) => hostile.lines.find((l) => l.startsWith(`${key} `));
// Each case's line says the call failed (-1) with errno `name`.
const failsWith = (name, keys) => { for (const k of keys) assert.is(hline(k), `${k} -1 ${name}`); };

test('hostile guest: runs to its end', async () => {
  hostile = await runHostile();
  assert.is(hostile.code, 0, hostile.out);
  assert.is(hostile.lines.at(-1), 'end');
});

test('SCM_RIGHTS carries only the guest\'s own sockets: host numbers, stdio, a WASI file, a closed one are EBADF', () => {
  assert.is(hline('rights-own'), 'rights-own 1 OK');
  assert.is(hline('rights-own-recv'), 'rights-own-recv 1 OK fds=1 ctrunc=0');
  for (const fd of [1, 4095, 1048576, -1]) assert.is(hline(`rights-fd-${fd}`), `rights-fd-${fd} -1 EBADF`);
  assert.is(hline('file-open'), 'file-open 1');
  assert.is(hline('rights-wasi-file'), 'rights-wasi-file -1 EBADF');
  assert.is(hline('rights-closed'), 'rights-closed -1 EBADF');
  assert.is(hline('rights-mixed'), 'rights-mixed -1 EBADF', 'one bad descriptor refuses the message');
  assert.is(hline('rights-on-udp'), 'rights-on-udp -1 EINVAL');
  assert.is(hline('pktinfo-send'), 'pktinfo-send -1 EINVAL', 'a receive-only control message');
  assert.ok(hostile.events.some((e) => e.op === 'sendmsg' && e.errno === 9), 'denials are reported');
});

test('a listener the host lent (--listen) is usable but never leaves in SCM_RIGHTS, nor a copy of it', () => {
  assert.is(hline('lent-dup'), 'lent-dup 0');
  assert.is(hline('lent-usable'), 'lent-usable 1');
  assert.is(hline('rights-lent'), 'rights-lent -1 EBADF');
  assert.is(hline('rights-lent-dup'), 'rights-lent-dup -1 EBADF');
  assert.is(hline('rights-own-beside-lent'), 'rights-own-beside-lent 1 OK');
  assert.is(hline('rights-own-beside-lent-recv'), 'rights-own-beside-lent-recv 1 OK fds=1 ctrunc=0');
  // Moved by WASI's fd_renumber onto a number of the guest's own socket: still lent.
  assert.is(hline('renumber-lent'), 'renumber-lent 0');
  assert.is(hline('rights-lent-renumbered'), 'rights-lent-renumbered -1 EBADF');
  assert.is(hline('renumber-own'), 'renumber-own 0');
  assert.is(hline('rights-own-renumbered'), 'rights-own-renumbered 1 OK');
  assert.is(hline('rights-own-renumbered-recv'), 'rights-own-renumbered-recv 1 OK fds=1 ctrunc=0');
});

test('sendmsg\'s destination is judged as sendto\'s', () => {
  assert.is(hline('sendmsg-granted'), 'sendmsg-granted 1 OK');
  assert.is(hline('sendmsg-denied'), 'sendmsg-denied -1 EACCES');
  assert.ok(hostile.events.some((e) => e.op === 'sendto' && e.address === '127.0.0.1:10' && e.grant === '--allow-sendto=127.0.0.1:10'));
});

test('SCM_RIGHTS: 253 descriptors per message (254, or 200 + 100, is EINVAL)', () => {
  assert.is(hline('rights-254'), 'rights-254 -1 EINVAL');
  assert.is(hline('rights-200+100'), 'rights-200+100 -1 EINVAL');
  assert.is(hline('rights-253'), 'rights-253 1 OK');
});

test('received descriptors over the socket limit are closed (MSG_CTRUNC); the rest are the guest\'s', () => {
  // maxSockets 16; the guest holds its control connection and a socketpair.
  assert.is(hline('rights-253-recv'), 'rights-253-recv 1 OK fds=13 ctrunc=1');
  assert.ok(hostile.events.some((e) => e.op === 'recvmsg' && e.address === 'SCM_RIGHTS: 240 descriptor(s) over the limit of 16 sockets (closed)'),
    hostile.events.map((e) => e.address).join('\n'));
  assert.is(hostile.counts['after-over-limit'], hostile.counts['before-over-limit'], 'no host descriptor left behind');
});

test('a control buffer too small for SCM_RIGHTS: the message is dropped whole and its descriptors closed', () => {
  assert.is(hline('rights-3-recv-small'), 'rights-3-recv-small 1 OK fds=0 ctrunc=1');
  assert.is(hline('rights-3-recv-fits'), 'rights-3-recv-fits 1 OK fds=3 ctrunc=0');
  assert.is(hostile.counts['after-small'], hostile.counts['after-over-limit']);
});

test('SCM_CREDENTIALS from a guest is EPERM; the kernel\'s own are received; IP_TTL on a unix socket is EINVAL', () => {
  assert.is(hline('creds-forged'), 'creds-forged -1 EPERM');
  assert.is(hline('creds-plain'), 'creds-plain 1 OK');
  assert.is(hline('creds-recv'), 'creds-recv 1 type=2 pid-not-forged=1');
  assert.is(hline('ip-ttl-on-unix'), 'ip-ttl-on-unix -1 EINVAL');
});

test('iovec counts: 1024 works, 1025, INT_MAX and -1 are EMSGSIZE', () => {
  assert.is(hline('iovlen-1024'), 'iovlen-1024 1 OK');
  failsWith('EMSGSIZE', ['iovlen-1025', 'iovlen-int-max', 'iovlen-minus-1', 'iovlen-minus-1-recv']);
});

test('pointers past the guest\'s memory are EFAULT (the record, an iovec, the control buffer, the name); the message stays queued', () => {
  failsWith('EFAULT', ['iov-past-memory', 'iov-past-memory-recv', 'msghdr-past-memory', 'msghdr-past-memory-recv',
    'control-past-memory', 'control-null', 'recv-control-past-memory', 'recv-name-past-memory']);
  assert.is(hline('iov-end-of-memory'), 'iov-end-of-memory 10 OK');
  assert.is(hline('control-1MiB'), 'control-1MiB -1 ENOBUFS');
  assert.is(hline('control-right'), 'control-right 1 OK');
  assert.is(hline('recv-control-right'), 'recv-control-right 1 OK fds=1 ctrunc=0');
});

test('cmsg_len lying about SCM_RIGHTS (past the buffer, inside the header) is EINVAL', () => {
  assert.is(hline('rights-len-over'), 'rights-len-over -1 EINVAL');
  assert.is(hline('rights-len-under'), 'rights-len-under -1 EINVAL');
  assert.is(hline('rights-len-right'), 'rights-len-right 1 OK');
  assert.is(hline('rights-len-right-recv'), 'rights-len-right-recv 1 OK fds=1 ctrunc=0');
});

test('a file, a pipe and a raw socket sent to the guest from outside are closed and dropped (MSG_CTRUNC); the socket beside them is the guest\'s', () => {
  if (!/^raw$/m.test(hostile.peer)) console.log('  (not root: no raw socket sent)');
  assert.is(hline('outside-recv'), 'outside-recv 1 fds=1 ctrunc=1');
  // The file twice, the pipe, and the raw socket when there was one.
  const foreign = /^raw$/m.test(hostile.peer) ? 4 : 3;
  assert.ok(hostile.events.some((e) => e.op === 'recvmsg' &&
    e.address === `SCM_RIGHTS: ${foreign} descriptor(s) not a socket the guest may hold (closed)`), 'reported once for the message');
  assert.is(hline('outside-socket-recv'), 'outside-socket-recv 5 hello');
  // Its connected peer is reached with no address to judge: the sender's capability.
  assert.is(hline('outside-socket-send'), 'outside-socket-send 3 OK');
  assert.match(hostile.peer, /^peer got bye$/m);
  // One more host descriptor: the adopted socket, not the file, the pipe or the raw socket.
  assert.is(hostile.counts['after-outside'] - hostile.counts['before-outside'], 1);
});

test('a received control message the guest may not ask for (IP_ORIGDSTADDR, set by the socket\'s sender) is dropped', () => {
  assert.is(hline('outside-udp-recv'), 'outside-udp-recv 5 dgram cmsgs=0 ctrunc=1');
});


test('control messages no list names are EINVAL, even those a root host\'s kernel would honour (SO_MARK, SO_PRIORITY, SCM_TXTIME); listed ones work', () => {
  failsWith('EINVAL', ['cmsg-so-mark', 'cmsg-so-priority', 'cmsg-sol-socket-unnamed', 'cmsg-tcp-level', 'cmsg-so-mark-udp', 'cmsg-txtime-udp']);
  assert.is(hline('cmsg-listed-unix'), 'cmsg-listed-unix 1 OK');
  assert.is(hline('cmsg-listed-unix-recv'), 'cmsg-listed-unix-recv 1 OK fds=1 ctrunc=0');
  assert.is(hline('cmsg-ttl-udp'), 'cmsg-ttl-udp 1 OK');
  assert.is(hline('rights-preopen'), 'rights-preopen -1 EBADF');
});

test('MSG_* flags no list names are EOPNOTSUPP (MSG_ZEROCOPY, MSG_ERRQUEUE or MSG_CMSG_CLOEXEC on send, MSG_PROBE, MSG_WAITFORONE); listed ones work', () => {
  failsWith('EOPNOTSUPP', ['flag-zerocopy', 'flag-errqueue-send', 'flag-cloexec-send', 'flag-probe', 'flag-waitforone-recv']);
  assert.is(hline('flag-dontwait'), 'flag-dontwait 1 OK');
  assert.is(hline('flag-cloexec-recv'), 'flag-cloexec-recv 1 OK');
});

test('MSG_FASTOPEN is judged as a connect: an address no connect grant names is EACCES; a granted one reaches the kernel', () => {
  assert.is(hline('fastopen-refused'), 'fastopen-refused -1 EACCES');
  assert.ok(hostile.events.some((e) => e.op === 'connect' && e.address === '127.0.0.1:10'));
  assert.is(hline('fastopen-granted'), 'fastopen-granted -1 ECONNREFUSED');
});

test('a record the received data overwrites: the write-back is the host\'s own; iovecs summing past 2 GiB are EINVAL, a NULL base inside memory is the guest\'s byte 0', () => {
  assert.is(hline('record-overwritten'), 'record-overwritten 28 namelen-sane=1 controllen=0 flags=0');
  assert.is(hline('iov-total-over-2G'), 'iov-total-over-2G -1 EINVAL');
  assert.is(hline('iov-null-base-in-memory'), 'iov-null-base-in-memory 16 OK');
  assert.is(hline('iov-null-base-in-memory-recv'), 'iov-null-base-in-memory-recv 8 OK fds=0 ctrunc=0', 'the 16 bytes, cut to the 8 asked for');
});

test.run();
