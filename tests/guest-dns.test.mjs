// Wasm guests: the policy's "DNS names a guest may resolve" grant, end to end.
// A C guest (tests/guests/resolve.c, built with `wasock cc`) calls getaddrinfo and
// gethostbyname; it asks its host by name (lookup_name), and the host resolves with its own
// core, pinned to tests/lib/dns-server.mjs on 127.0.0.1 (runGuest's `resolver` option; for
// the CLI, /etc files bind-mounted in a private mount namespace), so nothing ever queries the
// machine's nameserver.
//   - a granted name resolves, from the test DNS server and from the hosts file;
//   - a name not granted fails as a name that does not exist (EAI_NONAME / HOST_NOT_FOUND, at
//     once, no timeout), the embedder gets a
//     `resolve` event naming the guest and the name, and no query for it reaches the server;
//   - `*.suffix` and `*` grants;
//   - the same through `wasock run --allow-dns=NAME`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ROOT } from './lib/helpers.mjs';
import { startDnsServer } from './lib/dns-server.mjs';

const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));
const OUT = join(ROOT, 'tests', '.tmp', 'guests');
const CLI = join(ROOT, 'dist', 'cli.js');
const WASM = join(OUT, 'resolve.wasm');
const RAW_WASM = join(OUT, 'resolver-socket.wasm');

// The test zone. Anything else is NXDOMAIN.
const ZONE = {
  'granted.example.test': [{ type: 'A', data: '192.0.2.10' }, { type: 'AAAA', data: '2001:db8::10' }],
  'denied.example.test': [{ type: 'A', data: '192.0.2.66' }],
  'a.wild.example.test': [{ type: 'A', data: '192.0.2.20' }],
  'b.a.wild.example.test': [{ type: 'A', data: '192.0.2.22' }],
  'wild.example.test': [{ type: 'A', data: '192.0.2.21' }],
  'xwild.example.test': [{ type: 'A', data: '192.0.2.67' }],
  'other.test': [{ type: 'A', data: '192.0.2.40' }],
  'foo.corp.test': [{ type: 'A', data: '192.0.2.50' }],
  'foo': [{ type: 'A', data: '192.0.2.51' }],
  'bar.corp.test': [{ type: 'A', data: '192.0.2.52' }],
};
// alias.example.test is a CNAME of granted.example.test.
const CNAMES = { 'alias.example.test': 'granted.example.test' };
const TYPE = { 1: 'A', 28: 'AAAA' };
const HOSTS = '192.0.2.30 hosted.example.test hosted\n192.0.2.31 secret.example.test\n127.0.0.1 localhost\n';
const NSS = 'hosts: files dns\n';
// What a guest gets for a name it may not resolve (docs/guests.md): the host answers its
// lookup_name as for a name that does not exist, at once.
const DENIED_GAI = 'EAI_NONAME';
const DENIED_HBN = 'HOST_NOT_FOUND';

let dns, silent;
const resolvConf = (port = dns.port) => `nameserver [127.0.0.1]:${port}\nsearch corp.test\noptions timeout:1 attempts:1\n`;
const resolver = (port) => ({ hosts: HOSTS, nsswitch: NSS, resolvConf: resolvConf(port) });

test.before(async () => {
  mkdirSync(OUT, { recursive: true });
  const r = spawnSync(process.execPath, [CLI, 'cc', '-o', WASM, join(ROOT, 'tests', 'guests', 'resolve.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasock cc resolve.c: ${r.stderr}`);
  const r2 = spawnSync(process.execPath, [CLI, 'cc', '-o', RAW_WASM, join(ROOT, 'tests', 'guests', 'resolver-socket.c')], { encoding: 'utf8' });
  if (r2.status !== 0) throw new Error(`wasock cc resolver-socket.c: ${r2.stderr}`);
  dns = await startDnsServer((q) => {
    const target = CNAMES[q.name.toLowerCase()];
    const rrs = ZONE[target ?? q.name.toLowerCase()];
    if (!rrs) return { rcode: 3 };
    const answers = rrs.filter((a) => a.type === TYPE[q.type]).map((a) => ({ name: target ?? q.name, ...a }));
    return { answers: target ? [{ name: q.name, type: 'CNAME', data: target }, ...answers] : answers };
  });
  // A nameserver that never answers: lookups time out (TRY_AGAIN).
  silent = await startDnsServer(() => ({ silent: true }));
});

test.after(() => {
  dns?.close();
  silent?.close();
});

function sink() {
  const s = new Writable({ write(c, _e, cb) { s.text += c; cb(); } });
  s.text = '';
  return s;
}

// Runs the guest on `args`; the result lines as { 'gai:NAME': 'value' }, the events, and the
// names the DNS server was asked for during this run.
async function resolve(args, policy, port) {
  const out = sink();
  const err = sink();
  const events = [];
  const before = dns.log.length;
  const code = await runGuest(WASM, {
    args, policy, resolver: resolver(port), stdio: ['ignore', out, err], onEvent: (e) => events.push(e),
  });
  assert.is(code, 0, err.text);
  for (const e of events) assert.is(e.guest, 'resolve.wasm');
  // Every event, with nothing filtered: the RFC 6724 sort's source address (route_source) is
  // not judged as the guest's.
  return { res: lines(out.text), events, asked: dns.log.slice(before).map((q) => q.name.toLowerCase()) };
}

function lines(text) {
  const res = {};
  for (const l of text.split('\n').filter(Boolean)) {
    const i = l.indexOf('=');
    res[l.slice(0, i)] = l.slice(i + 1);
  }
  return res;
}

const sorted = (v) => v.split(',').sort().join(',');

test('a granted name resolves from the pinned DNS server and from the hosts file', async () => {
  const { res, events, asked } = await resolve(
    ['gai:granted.example.test', 'ghbn:granted.example.test', 'gai:hosted.example.test', 'ghbn:hosted', 'gai:GRANTED.Example.Test.'],
    { dns: ['granted.example.test', 'hosted.example.test', 'hosted'] });
  assert.is(sorted(res['gai:granted.example.test']), '192.0.2.10,2001:db8::10');
  assert.is(res['ghbn:granted.example.test'], '192.0.2.10');
  assert.is(res['gai:hosted.example.test'], '192.0.2.30');
  assert.is(res['ghbn:hosted'], '192.0.2.30');
  assert.is(sorted(res['gai:GRANTED.Example.Test.']), '192.0.2.10,2001:db8::10'); // case and the root dot
  assert.equal(events, []);
  // The answers came from the test server; the hosts-file names never went to DNS.
  assert.ok(asked.includes('granted.example.test'), asked.join(' '));
  assert.not.ok(asked.some((n) => n.startsWith('hosted')), asked.join(' '));
});

test('a name not granted fails, is reported to the embedder, and never reaches the server', async () => {
  const { res, events, asked } = await resolve(
    ['gai:denied.example.test', 'ghbn:denied.example.test', 'gai:secret.example.test', 'gai:granted.example.test'],
    { dns: ['granted.example.test'] });
  assert.is(res['gai:denied.example.test'], DENIED_GAI);
  assert.is(res['ghbn:denied.example.test'], DENIED_HBN);
  // In the machine's (here: the embedder's) hosts file, but not granted: filtered out.
  assert.is(res['gai:secret.example.test'], DENIED_GAI);
  // The grant still works in the same guest.
  assert.is(sorted(res['gai:granted.example.test']), '192.0.2.10,2001:db8::10');
  for (const name of ['denied.example.test', 'secret.example.test']) {
    const ev = events.filter((e) => e.address === name);
    assert.ok(ev.length > 0, `no event for ${name}: ${JSON.stringify(events)}`);
    for (const e of ev) {
      assert.is(e.guest, 'resolve.wasm');
      assert.is(e.op, 'resolve');
      assert.is(e.errno, 13);
      assert.is(e.message, `wasock: guest resolve.wasm: denied resolve ${name} (EACCES; grant with --allow-dns=${name})`);
    }
  }
  assert.ok(events.every((e) => e.op === 'resolve' && ['denied.example.test', 'secret.example.test'].includes(e.address)), JSON.stringify(events));
  assert.not.ok(asked.includes('denied.example.test'), asked.join(' '));
  assert.not.ok(asked.includes('secret.example.test'), asked.join(' '));
  assert.ok(asked.includes('granted.example.test'), asked.join(' '));
});

test('no dns grant: nothing resolves and nothing is asked; one event per lookup', async () => {
  const { res, events, asked } = await resolve(['gai:granted.example.test', 'gai:hosted.example.test'], {});
  assert.is(res['gai:granted.example.test'], DENIED_GAI);
  assert.is(res['gai:hosted.example.test'], DENIED_GAI);
  assert.equal(asked, []);
  assert.equal(events.map((e) => `${e.op} ${e.address}`), ['resolve granted.example.test', 'resolve hosted.example.test']);
});

test('wildcard grants: *.suffix covers names under it (and the apex), not lookalikes; * covers all', async () => {
  let r = await resolve(
    ['gai:a.wild.example.test', 'gai:b.a.wild.example.test', 'gai:wild.example.test', 'gai:xwild.example.test', 'gai:other.test'],
    { dns: ['*.wild.example.test'] });
  assert.is(r.res['gai:a.wild.example.test'], '192.0.2.20');
  assert.is(r.res['gai:b.a.wild.example.test'], '192.0.2.22');
  assert.is(r.res['gai:wild.example.test'], '192.0.2.21');
  assert.is(r.res['gai:xwild.example.test'], DENIED_GAI);
  assert.is(r.res['gai:other.test'], DENIED_GAI);
  assert.equal(r.events.map((e) => e.address).sort().filter((x, i, a) => a.indexOf(x) === i), ['other.test', 'xwild.example.test']);
  assert.not.ok(r.asked.includes('xwild.example.test') || r.asked.includes('other.test'), r.asked.join(' '));

  r = await resolve(['gai:other.test', 'gai:denied.example.test', 'gai:secret.example.test', 'gai:nx.example.test'], { dns: ['*'] });
  assert.is(r.res['gai:other.test'], '192.0.2.40');
  assert.is(r.res['gai:denied.example.test'], '192.0.2.66');
  assert.is(r.res['gai:secret.example.test'], '192.0.2.31');
  assert.is(r.res['gai:nx.example.test'], 'EAI_NONAME'); // NXDOMAIN from the server
  assert.ok(r.asked.includes('nx.example.test'));
  assert.equal(r.events, []);
});

test('canonical name, aliases via CNAME, AAAA: the asked name is what is judged', async () => {
  const { res, events, asked } = await resolve(
    ['he:alias.example.test', 'he6:alias.example.test', 'gai:alias.example.test', 'he:granted.example.test'],
    { dns: ['alias.example.test'] });
  assert.is(res['he:alias.example.test'], 'granted.example.test;alias.example.test;192.0.2.10');
  assert.is(res['he6:alias.example.test'], 'granted.example.test;alias.example.test;2001:db8::10');
  assert.is(sorted(res['gai:alias.example.test']), '192.0.2.10,2001:db8::10');
  // The CNAME's target answered for the granted name; asked by itself it is not granted.
  assert.is(res['he:granted.example.test'], DENIED_HBN);
  assert.equal(events.map((e) => e.address), ['granted.example.test']);
  assert.not.ok(asked.includes('granted.example.test'), asked.join(' '));
});

test('search list: a granted candidate answers for a short name; ungranted candidates are never asked', async () => {
  // Only the candidate is granted: foo -> foo.corp.test, and "foo" itself is never asked.
  let r = await resolve(['gai:foo', 'he:foo', 'gai:bar'], { dns: ['foo.corp.test'] });
  assert.is(r.res['gai:foo'], '192.0.2.50');
  assert.is(r.res['he:foo'], 'foo.corp.test;;192.0.2.50');
  assert.is(r.res['gai:bar'], DENIED_GAI);
  assert.equal(r.events.map((e) => `${e.op} ${e.address}`), ['resolve bar']);
  assert.ok(r.asked.includes('foo.corp.test'), r.asked.join(' '));
  assert.not.ok(r.asked.includes('foo') || r.asked.some((n) => n.startsWith('bar')), r.asked.join(' '));
  // The short name granted: looked up as the library would, search list and all.
  r = await resolve(['he:bar'], { dns: ['bar'] });
  assert.is(r.res['he:bar'], 'bar.corp.test;;192.0.2.52');
  assert.equal(r.events, []);
});

test('loopback names come from the hosts file; names of address grants resolve to their pins', async () => {
  let r = await resolve(['gai:localhost', 'gai:granted.example.test'], {});
  assert.is(r.res['gai:localhost'], '127.0.0.1');
  assert.equal(r.events.map((e) => e.address), ['granted.example.test']);
  const { lookup } = await import('node:dns/promises');
  const pins = (await lookup('localhost', { all: true, verbatim: true })).map((a) => a.address);
  r = await resolve(['gai:localhost', 'he:LocalHost'], { connect: ['localhost:443'] });
  assert.is(sorted(r.res['gai:localhost']), [...pins].sort().join(','));
  assert.is(r.res['he:LocalHost'], `LocalHost;;${pins.filter((a) => !a.includes(':')).join(',')}`);
  assert.equal(r.events, []);
  assert.equal(r.asked, []);
});

test('reverse lookups: granted hosts-file names only, PTR only under *', async () => {
  const r = await resolve(['ghba:192.0.2.30', 'ghba:192.0.2.31', 'ghba:192.0.2.99'], { dns: ['hosted.example.test'] });
  assert.is(r.res['ghba:192.0.2.30'], 'hosted.example.test;;192.0.2.30'); // alias "hosted" is not granted
  assert.is(r.res['ghba:192.0.2.31'], DENIED_HBN);
  assert.is(r.res['ghba:192.0.2.99'], DENIED_HBN);
  assert.equal(r.events.map((e) => `${e.op} ${e.address}`), ['resolve 192.0.2.31', 'resolve 192.0.2.99']);
  assert.equal(r.asked, []);
});

test('a nameserver that does not answer: EAI_AGAIN / TRY_AGAIN, as the library', async () => {
  const r = await resolve(['gai:granted.example.test', 'ghbn:granted.example.test'], { dns: ['*'] }, silent.port);
  assert.is(r.res['gai:granted.example.test'], 'EAI_AGAIN');
  assert.is(r.res['ghbn:granted.example.test'], 'TRY_AGAIN');
  assert.equal(r.events, []);
});

test('the guest sends no DNS bytes: no socket to the nameserver, no resolver_socket import', async () => {
  const before = dns.log.length;
  const r = await resolve(['update:' + dns.port, 'gai:granted.example.test'], { dns: ['*'] });
  assert.is(r.res[`update:${dns.port}`], 'EACCES');
  assert.equal(r.events.map((e) => `${e.op} ${e.address}`), [`sendto 127.0.0.1:${dns.port}`]);
  // Only the host's own queries reached the server: A and AAAA for the name asked (and its
  // search-list candidates), nothing else.
  const log = dns.log.slice(before);
  assert.ok(log.length > 0 && log.every((q) => (q.type === 1 || q.type === 28) && q.name.toLowerCase().startsWith('granted.example.test')), JSON.stringify(log));
  // A module importing the library core's resolver socket does not instantiate.
  let failed = null;
  await runGuest(RAW_WASM, { policy: { dns: ['*'] }, stdio: ['ignore', 'ignore', 'ignore'] }).catch((e) => (failed = e));
  assert.ok(failed && /resolver_socket/.test(failed.message), String(failed?.message));
});

// The library's lookups in a worker: they block their thread, and the test DNS server answers
// from this one's event loop.
function libraryAnswers(names, config) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.lib).then((lib) => {
      lib.configureResolver(workerData.config);
      const out = {};
      for (const n of workerData.names) {
        try {
          out['gai:' + n] = lib.getaddrinfo(n, null, 0, lib.SOCK_STREAM).map((a) => a[4][0]).join(',');
        } catch (e) {
          out['gai:' + n] = { [-2]: 'EAI_NONAME', [-3]: 'EAI_AGAIN', [-5]: 'EAI_NODATA' }[e.errno] ?? String(e.errno);
        }
        try {
          const [c, al, ad] = lib.gethostbyname_ex(n);
          out['he:' + n] = c + ';' + al.join(',') + ';' + ad.join(',');
        } catch (e) {
          // CPython's gethostbyname_ex asks getaddrinfo first (setipaddr): its gaierror is
          // what C's gethostbyname reports as h_errno.
          const h = { [-2]: 1, [-3]: 2 }[e.errno] ?? e.errno;
          out['he:' + n] = ['', 'HOST_NOT_FOUND', 'TRY_AGAIN', 'NO_RECOVERY', 'NO_DATA'][h] ?? String(e.errno);
        }
      }
      parentPort.postMessage(out);
    });`;
  const w = new Worker(code, { eval: true, workerData: { lib: pathToFileURL(join(ROOT, 'dist', 'index.js')).href, names, config } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => { resolve(m); w.terminate(); });
    w.once('error', reject);
  });
}

test('differential: under * the guest gets what the library gets on the same configuration', async () => {
  const names = ['granted.example.test', 'alias.example.test', 'hosted', 'foo', 'bar', 'nx.example.test', 'localhost'];
  const lib = await libraryAnswers(names, resolver());
  const { res } = await resolve(names.flatMap((n) => [`gai:${n}`, `he:${n}`]), { dns: ['*'] });
  for (const k of Object.keys(lib)) assert.is(res[k], lib[k], k);
});

// ---- the CLI: /etc/{resolv.conf,hosts,nsswitch.conf} pinned in a private mount namespace ----

const unshare = spawnSync('unshare', ['-m', 'true']).status === 0;

function cli(args) {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-guest-dns-'));
  const files = { 'resolv.conf': resolvConf(), hosts: HOSTS, 'nsswitch.conf': NSS };
  let mounts = '';
  for (const [f, text] of Object.entries(files)) {
    writeFileSync(join(dir, f), text);
    mounts += `mount --bind ${dir}/${f} /etc/${f} && `;
  }
  // The guest starts only once every mount is in place (&&): never the machine's nameserver.
  const script = `${mounts} exec "$0" "$@"`;
  return new Promise((resolve, reject) => {
    // Asynchronous: the DNS server answers from this process's event loop.
    const p = spawn('unshare', ['-m', 'sh', '-c', script, process.execPath, CLI, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, res: lines(stdout), stderr });
    });
  });
}

test('wasock run --allow-dns=NAME', async () => {
  if (!unshare) {
    console.log('  (skipped: unshare -m is not permitted here)');
    return;
  }
  const before = dns.log.length;
  const r = await cli(['--allow-dns=granted.example.test,*.wild.example.test', '--allow-dns=hosted.example.test', WASM, '--',
    'gai:granted.example.test', 'gai:a.wild.example.test', 'gai:hosted.example.test', 'gai:denied.example.test', 'ghbn:secret.example.test']);
  const asked = dns.log.slice(before).map((q) => q.name.toLowerCase());
  assert.is(r.code, 0, r.stderr);
  assert.is(sorted(r.res['gai:granted.example.test']), '192.0.2.10,2001:db8::10');
  assert.is(r.res['gai:a.wild.example.test'], '192.0.2.20');
  assert.is(r.res['gai:hosted.example.test'], '192.0.2.30');
  assert.is(r.res['gai:denied.example.test'], DENIED_GAI);
  assert.is(r.res['ghbn:secret.example.test'], DENIED_HBN);
  assert.match(r.stderr, 'wasock: guest resolve.wasm: denied resolve denied.example.test (EACCES; grant with --allow-dns=denied.example.test)');
  assert.match(r.stderr, 'wasock: guest resolve.wasm: denied resolve secret.example.test (EACCES; grant with --allow-dns=secret.example.test)');
  assert.ok(asked.includes('granted.example.test') && asked.includes('a.wild.example.test'), asked.join(' '));
  assert.not.ok(asked.includes('denied.example.test') || asked.includes('secret.example.test'), asked.join(' '));

  // --quiet: the same denial, no line.
  const q = await cli(['--quiet', '--allow-dns=granted.example.test', WASM, 'gai:denied.example.test']);
  assert.is(q.code, 0, q.stderr);
  assert.is(q.res['gai:denied.example.test'], DENIED_GAI);
  assert.not.match(q.stderr, 'denied');
});

test.run();
