// socket.sendfile(file, offset=0, count=None): CPython 3.11's SendfileUsingSendTest and
// SendfileUsingSendfileTest cases over real loopback TCP, for the sync and the Promise API, and
// a differential run against CPython (same file, offsets and counts: same bytes received, same
// return values, same file positions).
//
// "UsingSend" cases use a Python-like file object without fileno() (CPython's fallback on
// send); "UsingSendfile" cases a Node FileHandle (sendfile(2)), whose position is its
// descriptor's file offset, read from /proc/self/fdinfo. The receiving end is a CPython child
// process, so the sync sender may block this thread.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import * as psocket from 'wasock/promises';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PYTHON, ROOT, Pool, fdCount, python, removeDir, tempDir, throws } from './lib/helpers.mjs';

const FILESIZE = 10 * 1024 * 1024;
const dir = tempDir('wasock-sendfile-');
const TESTFN = join(dir, 'data');
// CPython's test data: one 8 KiB block of random letters, repeated.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const chunk = Buffer.from(Array.from({ length: 8192 }, () => LETTERS[Math.floor(Math.random() * 52)]).join(''));
const FILEDATA = Buffer.alloc(FILESIZE);
for (let i = 0; i < FILESIZE; i += chunk.length) chunk.copy(FILEDATA, i);
fs.writeFileSync(TESTFN, FILEDATA);
const EMPTY = join(dir, 'empty');
fs.writeFileSync(EMPTY, '');

const pool = new Pool();
test.after.each(() => pool.close());
test.after(() => removeDir(dir));

const sha = (b) => createHash('sha256').update(b).digest('hex');

// A CPython receiver: accepts one connection, reads up to `limit` bytes (all when -1), then
// keeps the connection open for `stall` seconds without reading; `done` resolves to what it read.
const RECEIVER = `
import socket, sys, hashlib, time
limit, stall = int(sys.argv[1]), float(sys.argv[2])
l = socket.create_server(('127.0.0.1', 0))
print(l.getsockname()[1], flush=True)
l.settimeout(30)
c, _ = l.accept()
c.settimeout(30)
h, n = hashlib.sha256(), 0
while limit < 0 or n < limit:
    b = c.recv(65536 if limit < 0 else min(65536, limit - n))
    if not b:
        break
    h.update(b)
    n += len(b)
time.sleep(stall)
print(n, h.hexdigest(), flush=True)
`;

function receiver(limit = -1, stall = 0) {
  const child = spawn(PYTHON, ['-c', RECEIVER, String(limit), String(stall)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const port = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
  });
  const done = new Promise((resolve) => child.on('close', () => {
    const [n, h] = out.split('\n')[1].split(' ');
    resolve({ n: Number(n), sha: h });
  }));
  return { port, done, child };
}

// Asserts the receiver got exactly `want`.
async function received(rx, want) {
  const got = await rx.done;
  assert.is(got.n, want.length);
  assert.is(got.sha, sha(want));
}

// A descriptor's file offset, as the kernel keeps it.
function filePos(fd) {
  return Number(/^pos:\s+(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))[1]);
}

// A Python-like binary file over bytes, without fileno() (io.BytesIO): sendfile falls back on send.
class BytesIO {
  mode = 'rb';
  pos = 0;
  constructor(data) { this.data = data; }
  read(n) { const b = this.data.subarray(this.pos, this.pos + n); this.pos += b.length; return b; }
  seek(p) { if (p < 0) throw new RangeError(`negative seek position ${p}`); this.pos = p; }
  tell() { return this.pos; }
}

// The file of each kind: [file, tell(), close()].
const KINDS = {
  // CPython's _sendfile_use_send: the file's own reads.
  send: async (path) => {
    const f = new BytesIO(fs.readFileSync(path));
    return [f, () => f.tell(), async () => {}];
  },
  // CPython's _sendfile_use_sendfile: sendfile(2) from a FileHandle.
  sendfile: async (path) => {
    const fh = await fs.promises.open(path, 'r');
    return [fh, () => filePos(fh.fd), () => fh.close()];
  },
};

async function connected(rx, timeout) {
  const port = await rx.port;
  return pool.add(socket.create_connection(['127.0.0.1', port], timeout));
}

for (const [kind, open] of Object.entries(KINDS)) {
  const T = (name, fn) => test(`${kind === 'send' ? 'SendfileUsingSendTest' : 'SendfileUsingSendfileTest'}.${name}`, fn);

  // One connection: sendfile(file, ...args) under `timeout` returns want's length, leaves the
  // position at `pos`, and the receiver gets exactly `want`.
  async function sends(path, timeout, args, want, pos) {
    const rx = receiver();
    const sock = await connected(rx, timeout);
    const [file, tell, close] = await open(path);
    assert.is(sock.sendfile(file, ...args), want.length);
    assert.is(tell(), pos);
    sock.close();
    await close();
    await received(rx, want);
  }

  T('testRegularFile', () => sends(TESTFN, undefined, [], FILEDATA, FILESIZE));
  T('testEmptyFileSend', () => sends(EMPTY, undefined, [], Buffer.alloc(0), 0));
  T('testOffset', () => sends(TESTFN, undefined, [5000], FILEDATA.subarray(5000), FILESIZE));
  T('testCount', () => sends(TESTFN, 2, [0, 5000007], FILEDATA.subarray(0, 5000007), 5000007));
  T('testCountSmall', () => sends(TESTFN, 2, [0, 1], FILEDATA.subarray(0, 1), 1));
  T('testCountWithOffset', () => sends(TESTFN, 2, [2007, 100007], FILEDATA.subarray(2007, 2007 + 100007), 2007 + 100007));
  T('testWithTimeout', () => sends(TESTFN, 2, [], FILEDATA, FILESIZE));

  T('testNonBlocking', async () => {
    const rx = receiver();
    const sock = await connected(rx);
    const [file, tell, close] = await open(TESTFN);
    sock.setblocking(false);
    throws(() => sock.sendfile(file), RangeError, { message: 'non-blocking sockets are not supported' });
    assert.is(tell(), 0);
    sock.close();
    await close();
    await received(rx, Buffer.alloc(0));
  });

  // The receiver reads 88192 bytes and stops: the next wait outlasts 0.01 s. The position is
  // still past what was sent.
  T('testWithTimeoutTriggeredSend', async () => {
    const rx = receiver(88192, 1);
    const sock = await connected(rx);
    const [file, tell, close] = await open(TESTFN);
    sock.settimeout(0.01);
    const e = throws(() => sock.sendfile(file), socket.timeout, { message: 'timed out' });
    assert.ok(e instanceof socket.error);
    assert.ok(tell() >= 88192 && tell() < FILESIZE, `position ${tell()}`);
    sock.close();
    await close();
    await rx.done;
  });

  T('test_errors', async () => {
    const [file, , close] = await open(TESTFN);
    const d = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    throws(() => d.sendfile(file), RangeError, { message: /SOCK_STREAM/ });
    const s = pool.add(socket.socket());
    const text = Object.assign(new BytesIO(FILEDATA), { mode: 'rt' });
    throws(() => s.sendfile(text), RangeError, { message: /binary mode/ });
    throws(() => s.sendfile(file, 0, '2'), TypeError, { message: "count must be a positive integer (got '2')" });
    throws(() => s.sendfile(file, 0, 0.1), TypeError, { message: /positive integer/ });
    throws(() => s.sendfile(file, 0, 0), RangeError, { message: 'count must be a positive integer (got 0)' });
    throws(() => s.sendfile(file, 0, -1), RangeError, { message: /positive integer/ });
    await close();
  });
}

test('SendfileUsingSendTest.testNonRegularFile: a file object without fileno() is read and sent', async () => {
  const rx = receiver();
  const sock = await connected(rx);
  const file = new BytesIO(FILEDATA);
  assert.is(sock.sendfile(file), FILESIZE);
  assert.is(file.tell(), FILESIZE);
  sock.close();
  await received(rx, FILEDATA);
});

test('a descriptor number: sendfile(2) from offset, its file offset left unchanged', async () => {
  const rx = receiver();
  const sock = await connected(rx);
  const fd = fs.openSync(TESTFN, 'r');
  try {
    assert.is(sock.sendfile(fd, 100, 1000), 1000);
    assert.is(sock.sendfile(BigInt(fd), 5000n, 10n), 10);
    assert.is(filePos(fd), 0);
  } finally {
    fs.closeSync(fd);
  }
  sock.close();
  await received(rx, Buffer.concat([FILEDATA.subarray(100, 1100), FILEDATA.subarray(5000, 5010)]));
});

test('a FIFO (st_size 0) sends nothing and returns 0, as CPython; a closed descriptor is EBADF; no descriptor leaks', async () => {
  const rx = receiver();
  const sock = await connected(rx);
  const before = fdCount();
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // O_RDWR: a FIFO opened for both ends does not wait for a writer.
  const fd = fs.openSync(fifo, 'r+');
  fs.writeSync(fd, 'abc');
  assert.is(sock.sendfile(fd), 0);
  fs.closeSync(fd);
  // Not a file at all: fstat fails, the fallback's read reports the errno.
  throws(() => sock.sendfile(fd), socket.error, { errno: 9, code: 'EBADF' });
  assert.is(fdCount(), before);
  sock.close();
  await received(rx, Buffer.alloc(0));
});

test('a closed socket is EBADF, after the argument checks', async () => {
  const s = socket.socket();
  s.close();
  const [file, , close] = await KINDS.sendfile(TESTFN);
  throws(() => s.sendfile(file, 0, 0), RangeError);
  throws(() => s.sendfile(file), socket.error, { errno: 9 });
  await close();
});

test('a peer that closed: EPIPE (or ECONNRESET), no SIGPIPE', async () => {
  const rx = receiver(0, 0);
  const sock = await connected(rx);
  await rx.done;
  const [file, , close] = await KINDS.sendfile(TESTFN);
  const e = throws(() => { for (let i = 0; i < 100; i++) sock.sendfile(file); }, socket.error);
  assert.ok(e.code === 'EPIPE' || e.code === 'ECONNRESET', e.code);
  await close();
});

// Node ignores SIGPIPE; a runtime (or a program) that handles it must not get one either: a
// child with a SIGPIPE listener (a handler, not SIG_IGN) sends to a closed peer.
test('with SIGPIPE handled rather than ignored, EPIPE raises no SIGPIPE', () => {
  const code = `
    import fs from 'node:fs';
    const s = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});
    let signalled = false;
    process.on('SIGPIPE', () => { signalled = true; });
    const [a, b] = s.socketpair();
    b.close();
    const fd = fs.openSync(${JSON.stringify(TESTFN)}, 'r');
    let code = null;
    try { a.sendfile(fd, 0, 100); } catch (e) { code = e.code; }
    setTimeout(() => console.log(JSON.stringify([code, signalled])), 200);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), ['EPIPE', false]);
});

// The addon's calls, as the TypeScript layer never makes them: bad values are -errno, not a crash.
test('addon sendfile/lseek: bad arguments are -EINVAL/-EFAULT/-EOVERFLOW; BigInt offsets work', () => {
  const A = createRequire(import.meta.url)('../ts-bindings/native/build/Release/wasock.node');
  const [a, b] = socket.socketpair();
  pool.add(a, b);
  const fd = fs.openSync(TESTFN, 'r');
  try {
    assert.is(A.sendfile(a.fileno(), fd, 10n, 5), 5);
    assert.equal(Buffer.from(b.recv(5)), FILEDATA.subarray(10, 15));
    assert.is(A.sendfile(a.fileno(), fd, 'x', 5), -22);
    assert.is(A.sendfile(a.fileno(), fd, -1, 5), -22);
    assert.is(A.sendfile(a.fileno(), fd, 0.5, 5), -14);
    assert.is(A.sendfile(a.fileno(), fd, 2n ** 64n, 5), -75);
    assert.is(A.sendfile(a.fileno(), fd, 0, -1), -22);
    assert.is(A.sendfile(-1, fd, 0, 5), -9);
    assert.is(A.lseek(fd, 7n), 7);
    assert.is(filePos(fd), 7);
    assert.is(A.lseek(fd, -1), -22);
    assert.is(A.lseek(fd, {}), -22);
  } finally {
    fs.closeSync(fd);
  }
});

// ---- the Promise API ----------------------------------------------------------------------

async function connectedAsync(rx) {
  const port = await rx.port;
  const s = pool.add(psocket.socket());
  await s.connect(['127.0.0.1', port]);
  return s;
}

for (const [kind, open] of Object.entries(KINDS)) {
  test(`Promise API (${kind}): whole file, offset, count; the position after`, async () => {
    for (const [offset, count] of [[0, null], [5000, null], [2007, 100007], [0, 1]]) {
      const rx = receiver();
      const sock = await connectedAsync(rx);
      const [file, tell, close] = await open(TESTFN);
      const want = FILEDATA.subarray(offset, count === null ? FILESIZE : offset + count);
      assert.is(await sock.sendfile(file, offset, count), want.length);
      assert.is(tell(), offset + want.length);
      sock.close();
      await close();
      await received(rx, want);
    }
  });

  test(`Promise API (${kind}): timeout triggered rejects with socket.timeout`, async () => {
    const rx = receiver(88192, 1);
    const sock = await connectedAsync(rx);
    const [file, tell, close] = await open(TESTFN);
    sock.settimeout(0.05);
    let err;
    try {
      await sock.sendfile(file);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof socket.timeout, String(err));
    assert.ok(tell() > 0 && tell() < FILESIZE);
    sock.close();
    await close();
    await rx.done;
  });
}

test('Promise API: an AbortSignal stops a sendfile waiting for a stalled peer; the position tells what went out', async () => {
  const rx = receiver(88192, 1);
  const sock = await connectedAsync(rx);
  const [file, tell, close] = await KINDS.sendfile(TESTFN);
  const ac = new AbortController();
  const p = sock.sendfile(file, ac.signal);
  setTimeout(() => ac.abort(), 100);
  let err;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.is(err?.name, 'AbortError');
  assert.ok(tell() >= 88192 && tell() < FILESIZE, `position ${tell()}`);
  sock.close();
  await close();
  await rx.done;
});

test('Promise API: argument errors and a non-blocking socket reject, never throw', async () => {
  const s = pool.add(psocket.socket());
  const [file, , close] = await KINDS.sendfile(TESTFN);
  for (const [args, Cls] of [[[file, 0, 0], RangeError], [[file, 0, 'x'], TypeError]]) {
    let err;
    try {
      await s.sendfile(...args);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Cls, String(err));
  }
  s.setblocking(false);
  let err;
  try {
    await s.sendfile(file);
  } catch (e) {
    err = e;
  }
  assert.is(err?.message, 'non-blocking sockets are not supported');
  await close();
});

// ---- differential: CPython does the same --------------------------------------------------

const CASES = [[0, null], [5000, null], [0, 5000007], [0, 1], [2007, 100007], [FILESIZE - 10, 100],
  [FILESIZE + 5, null], [0, FILESIZE + 1]];

test('differential: CPython\'s sendfile of the same file, offsets and counts gives the same results', async () => {
  const py = JSON.parse(python(`
import socket, threading, hashlib, json, sys
cases = json.loads(${JSON.stringify(JSON.stringify(CASES))})
out = {}
for meth in ('sendfile', '_sendfile_use_send'):
  out[meth] = []
  for offset, count in cases:
      l = socket.create_server(('127.0.0.1', 0))
      got = []
      def rx():
          c, _ = l.accept()
          h, n = hashlib.sha256(), 0
          while True:
              b = c.recv(65536)
              if not b: break
              h.update(b); n += len(b)
          got.append((n, h.hexdigest()))
          c.close()
      t = threading.Thread(target=rx); t.start()
      with socket.create_connection(l.getsockname()) as s, open(${JSON.stringify(TESTFN)}, 'rb') as f:
          sent = getattr(s, meth)(f, offset, count)
          pos = f.tell()
      t.join(); l.close()
      out[meth].append([sent, pos, got[0][0], got[0][1]])
print(json.dumps(out))
`));
  for (const [kind, open] of Object.entries(KINDS)) {
    for (const [i, [offset, count]] of CASES.entries()) {
      const rx = receiver();
      const sock = await connected(rx);
      const [file, tell, close] = await open(TESTFN);
      const sent = sock.sendfile(file, offset, count);
      const pos = tell();
      sock.close();
      await close();
      const got = await rx.done;
      assert.equal([sent, pos, got.n, got.sha], py[kind === 'send' ? '_sendfile_use_send' : 'sendfile'][i],
        `${kind} offset=${offset} count=${count}`);
    }
  }
});

test.run();
