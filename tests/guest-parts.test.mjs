// The guest host's parts, each reached directly (bundled from ts-bindings/src/guest/ with
// esbuild, the addon loaded as the library loads it): the descriptor table and its ledger,
// unix paths opened before they are judged, the event rate limit, the policy's judgement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { mkdirSync, readlinkSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempDir, removeDir, sleep } from './lib/helpers.mjs';
import { bundleGuestParts } from './lib/guest-bundle.mjs';

const E = osConstants.errno;
const addonPath = join(ROOT, 'ts-bindings', 'native', 'build', 'Release', 'wasock.node');
const addon = createRequire(import.meta.url)(addonPath);

const P = await bundleGuestParts("export { DescriptorTable, closeLedger } from './table.ts';\n" +
  "export { openUnixTarget } from './unix-path.ts';\nexport { EventSink } from './events.ts';\n" +
  "export { Judge, compilePolicy, ipEndpoint, unixEndpoint } from './policy.ts';\n", 'guest-parts');

const isOpen = (fd) => { try { readlinkSync(`/proc/self/fd/${fd}`); return true; } catch { return false; } };
const fdCount = () => readdirSync('/proc/self/fd').length;
const sock = () => addon.socket(2, 1, 0);
const entry = { sk: { domain: 2, type: 1, protocols: [6], family: 'inet', grant: 'address' }, protocol: 6,
  bound: false, unixName: null, lastTo: null };

test('table: lowest free numbers, the socket limit closes what it refuses, close happens once', () => {
  const ledger = new Int32Array(new SharedArrayBuffer(4 * 2));
  const t = new P.DescriptorTable(2, ledger);
  for (let i = 0; i < 3; i++) t.set(i, { kind: 'wasi', wfd: i, hostFd: i, stdio: true });
  const h1 = sock(), h2 = sock(), h3 = sock();
  assert.is(t.adopt(h1, entry), 3);
  assert.is(t.adopt(h2, entry), 4);
  assert.is(t.adopt(h3, entry), -E.EMFILE, 'past maxSockets');
  assert.not.ok(isOpen(h3), 'the refused host descriptor is closed');
  assert.equal([...ledger].sort(), [h1 + 1, h2 + 1].sort(), 'the ledger holds exactly the two');
  const e = t.remove(3);
  assert.is(t.closeSocket(e), 0);
  assert.not.ok(isOpen(h1));
  assert.ok(!ledger.includes(h1 + 1), 'closed: out of the ledger first');
  t.set(0, { kind: 'wasi', wfd: 0, hostFd: 0, stdio: true });
  assert.is(t.alloc({ kind: 'wasi', wfd: 9, hostFd: null, stdio: false }), 3, 'the lowest free number again');
});

test('ledger: what a guest left is closed by the runner, exactly once', () => {
  const ledger = new Int32Array(new SharedArrayBuffer(4 * 4));
  const t = new P.DescriptorTable(4, ledger);
  const hs = [sock(), sock()];
  for (const h of hs) t.adopt(h, entry);
  // The worker is gone without closeAll (terminate): the runner's side.
  assert.is(P.closeLedger(ledger), 2);
  for (const h of hs) assert.not.ok(isOpen(h));
  // A number the embedder opens next is never closed by a second pass.
  const mine = sock();
  assert.is(P.closeLedger(ledger), 0);
  assert.ok(isOpen(mine));
  addon.close(mine);
});

test('unix paths: what was opened is judged, through symlinks and `..`; the O_PATH descriptor is released', () => {
  const d = tempDir('wasock-parts-');
  try {
    mkdirSync(join(d, 'ok'));
    mkdirSync(join(d, 'else'));
    symlinkSync('../else', join(d, 'ok', 'link'));
    const before = fdCount();
    const b = P.openUnixTarget(Buffer.from(`${d}/ok/link/../x.sock`), '/', true);
    assert.type(b, 'object');
    assert.is(b.path, `${d}/x.sock`, 'the kernel\'s `..` after the link: its target\'s parent');
    assert.match(Buffer.from(b.sockaddr.subarray(2)).toString(), /^\/proc\/self\/fd\/\d+\/x\.sock$/);
    b.release();
    const r = P.openUnixTarget(Buffer.from('ok/s.sock'), d, true);
    assert.is(r.path, `${d}/ok/s.sock`, 'relative to the policy\'s directory');
    r.release();
    // connect: the socket file itself, through a link.
    const s = addon.socket(1, 1, 0);
    const sa = Buffer.concat([Buffer.from([1, 0]), Buffer.from(`${d}/else/real.sock\0`)]);
    assert.is(addon.bind(s, sa, 0, sa.length), 0);
    symlinkSync(`${d}/else/real.sock`, join(d, 'ok', 'ln.sock'));
    const c = P.openUnixTarget(Buffer.from(`${d}/ok/ln.sock`), '/', false);
    assert.is(c.path, `${d}/else/real.sock`);
    c.release();
    addon.close(s);
    writeFileSync(join(d, 'ok', 'file'), 'x');
    assert.is(P.openUnixTarget(Buffer.from(`${d}/ok/file`), '/', false), E.ECONNREFUSED, 'not a socket');
    assert.is(P.openUnixTarget(Buffer.from(`${d}/ok/none`), '/', false), E.ENOENT);
    assert.is(P.openUnixTarget(Buffer.from(`${d}/ok/..`), '/', true), E.EINVAL, 'bind needs a name');
    assert.is(fdCount(), before, 'every O_PATH descriptor released');
    assert.not.ok(existsSync(join(d, 'x.sock')), 'opening creates nothing');
  } finally {
    removeDir(d);
  }
});

test('events: a burst, then the rate; the dropped are counted into the next event', async () => {
  const got = [];
  const ev = new P.EventSink('g', (e) => got.push(e));
  for (let i = 0; i < 500; i++) assert.is(ev.deny('connect', `10.0.0.${i & 255}:80`, E.EACCES, '--allow-connect=x'), E.EACCES);
  assert.ok(got.length >= 50 && got.length <= 52, `${got.length} delivered of 500`);
  await sleep(150);
  ev.deny('connect', 'later', E.EACCES, '--allow-connect=later');
  const last = got[got.length - 1];
  assert.is(last.address, 'later');
  assert.is(last.suppressed, 500 - (got.length - 1));
  assert.match(last.message, /not shown/);
  assert.match(got[0].message, /^wasock: guest g: denied connect 10\.0\.0\.0:80 \(EACCES; grant with --allow-connect=x\)$/);
});

test('judge: mapped addresses, the unspecified address, wildcard binds, unix prefixes, accept filters', async () => {
  const j = new P.Judge(await P.compilePolicy({ connect: ['127.0.0.1:80', 'unix:/srv/app/'], bind: ['0.0.0.0:8080'],
    accept: ['10.0.0.0/8'] }));
  const ep = (a, port, bind = false) => P.ipEndpoint(a, port, bind);
  assert.ok(j.allowed('connect', 'inet6', [ep([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1], 80)]), '::ffff:127.0.0.1');
  assert.ok(j.allowed('connect', 'inet', [ep([0, 0, 0, 0], 80)]), '0.0.0.0 reaches the loopback');
  assert.not.ok(j.allowed('connect', 'inet', [ep([127, 0, 0, 2], 80)]));
  assert.ok(j.allowed('bind', 'inet', [ep([0, 0, 0, 0], 8080, true)]));
  assert.not.ok(j.allowed('bind', 'inet6', [ep(new Array(16).fill(0), 8080, true)]), ':: is not 0.0.0.0');
  assert.ok(j.allowed('connect', 'unix', [P.unixEndpoint('/srv/app/x.sock', false)]));
  assert.not.ok(j.allowed('connect', 'unix', [P.unixEndpoint('/srv/application.sock', false)]), 'a prefix ends at /');
  assert.not.ok(j.allowed('connect', 'unix', [P.unixEndpoint('/srv/app/x.sock', true)]), 'abstract is another name space');
  assert.ok(j.acceptAllowed('inet', ep([10, 1, 2, 3], 5)));
  assert.not.ok(j.acceptAllowed('inet', ep([192, 168, 1, 1], 5)));
  assert.ok(j.acceptAllowed('unix', P.unixEndpoint('', false)), 'no unix accept grants: unix peers unrestricted');
});

test.run();
