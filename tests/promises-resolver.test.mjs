// wasock/promises name lookups that take DNS run in worker threads, each with
// its own library instance: configureResolver() in the main thread must reach
// them (hosts, services, nsswitch and nameservers pinned to
// tests/lib/dns-server.mjs on 127.0.0.1), and a later change must too. What
// the hosts file decides, getaddrinfo answers on the loop's own thread, as the
// sync API would. No query ever leaves loopback: the DNS cases run only after a
// services override (which never asks DNS) has shown that the workers see the
// main thread's configuration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock/promises';
import { startDnsServer } from './lib/dns-server.mjs';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './lib/helpers.mjs';

const { AF_INET, SOCK_STREAM } = socket;
const execFileP = promisify(execFile);
let server = null;
let seen = [];

function zone(q) {
  seen.push(q.name);
  if (q.type !== 1) return { answers: [] };
  if (q.name === 'www.ptest.test') return { answers: [{ name: q.name, type: 'A', data: '192.0.2.10' }] };
  if (q.name === 'new.ptest.test') return { answers: [{ name: q.name, type: 'A', data: '192.0.2.20' }] };
  if (q.name === 'mixed.ptest.test') return { answers: [{ name: q.name, type: 'A', data: '192.0.2.30' }] };
  return { rcode: 3 };
}

const addr = (infos) => infos.map((i) => i[4][0]);

// The workers' configuration follows the main thread's; stop here (failing)
// when it does not, before any lookup could reach the machine's nameservers.
async function requirePropagation(port) {
  assert.is(await socket.getservbyname('wasock-ptest', 'tcp'), port, 'workers see configureResolver services');
}

test.before(async () => {
  server = await startDnsServer(zone);
});

test.after(() => {
  socket.configureResolver(null);
  server?.close();
});

test('configureResolver in the main thread reaches the lookup workers', async () => {
  socket.configureResolver({
    services: 'wasock-ptest 4242/tcp\n',
    hosts: '192.0.2.99 pinned.ptest.test\n',
    nsswitch: 'hosts: files dns\n',
    nameservers: [['127.0.0.1', server.port]], search: [], timeout: 2, attempts: 2,
  });
  await requirePropagation(4242);
  const many = await Promise.all(Array.from({ length: 6 }, () => socket.getaddrinfo('pinned.ptest.test', 80, AF_INET, SOCK_STREAM)));
  for (const r of many) assert.equal(addr(r), ['192.0.2.99']);
  assert.is(await socket.gethostbyname('pinned.ptest.test'), '192.0.2.99');
  seen = [];
  // Several at once: more than one worker of the pool gets the configuration.
  const dnsMany = await Promise.all(Array.from({ length: 6 }, () => socket.getaddrinfo('www.ptest.test', 80, AF_INET, SOCK_STREAM)));
  for (const r of dnsMany) assert.equal(addr(r), ['192.0.2.10']);
  assert.ok(seen.includes('www.ptest.test'), 'the pinned server was asked');
  const e = await socket.getaddrinfo('nx.ptest.test', 80, AF_INET, SOCK_STREAM).then(() => null, (x) => x);
  assert.instance(e, socket.gaierror);
  assert.is(e.errno, socket.EAI_NONAME);
});

test('a later configureResolver reaches the workers too', async () => {
  socket.configureResolver({ services: 'wasock-ptest 4343/tcp\n', hosts: '192.0.2.98 pinned.ptest.test\n' });
  await requirePropagation(4343);
  const many = await Promise.all(Array.from({ length: 6 }, () => socket.getaddrinfo('pinned.ptest.test', 80, AF_INET, SOCK_STREAM)));
  for (const r of many) assert.equal(addr(r), ['192.0.2.98']);
  // Unchanged settings stay: the nameserver is still the local one.
  assert.equal(addr(await socket.getaddrinfo('new.ptest.test', 80, AF_INET, SOCK_STREAM)), ['192.0.2.20']);
  // Clearing one file: the name is only on the local server, not in the machine's /etc/hosts.
  socket.configureResolver({ services: 'wasock-ptest 4444/tcp\n', hosts: null });
  await requirePropagation(4444);
  const e = await socket.gethostbyname('pinned.ptest.test').then(() => null, (x) => x);
  assert.instance(e, socket.gaierror);
});

// Workers inherit execArgv: under --input-type=module their eval'd code is an
// ES module, where a worker once failed on `require`. The hosts file answers
// (gethostbyname's lookups all run in a worker).
test('lookups work in a process started with --input-type=module', () => {
  const src = `import * as s from 'wasock/promises';
    s.configureResolver({ hosts: '192.0.2.99 esm-only.test\\n', nsswitch: 'hosts: files\\n' });
    console.log(await s.gethostbyname('esm-only.test'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  assert.is(r.stdout.trim(), '192.0.2.99', r.stderr);
});

// Whether p settles within microtasks alone, with no turn of the event loop (a worker's answer
// arrives as a message, in a later turn; a fast worker can beat a setImmediate).
async function settlesAtOnce(p) {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 10; i++) await null;
  const at = settled;
  await p.catch(() => {});
  return at;
}

// getaddrinfo(args) in the Promise API: its answer (or error), and whether it came at once.
async function viaPromises(args) {
  const p = socket.getaddrinfo(...args);
  const now = await settlesAtOnce(p);
  return { now, result: await p.then((r) => r, (e) => `${e.constructor.name} ${e.errno}`) };
}

// The sync API's answers to every args of `cases` under `config`, from a child process: a
// blocking lookup here would block the loop that runs the DNS server.
async function viaSync(config, cases) {
  const src = `import * as s from 'wasock';
    const { config, cases } = JSON.parse(process.env.WASOCK_TEST_CASES);
    s.configureResolver(config);
    console.log(JSON.stringify(cases.map((args) => {
      try { return s.getaddrinfo(...args); } catch (e) { return e.constructor.name + ' ' + e.errno; }
    })));`;
  const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', src],
    { cwd: ROOT, env: { ...process.env, WASOCK_TEST_CASES: JSON.stringify({ config, cases }) } });
  return JSON.parse(stdout);
}

test('getaddrinfo answers what the hosts file decides on the loop, and what takes DNS in a worker, as the sync API', async () => {
  const { AF_INET6, AF_UNSPEC, AI_CANONNAME, AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG } = socket;
  const hosts = '192.0.2.77 www.ptest.test both.ptest.test\n2001:db8::7 both.ptest.test six.ptest.test\n' +
    '2001:db8::5 mixed.ptest.test\n';
  const names = ['www.ptest.test', 'both.ptest.test', 'six.ptest.test', 'mixed.ptest.test', 'nx.ptest.test'];
  const shapes = [[AF_UNSPEC, 0, 0, 0], [AF_INET, SOCK_STREAM, 0, AI_CANONNAME], [AF_INET6, 0, 0, 0],
    [AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED | AI_ALL], [AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED],
    [AF_UNSPEC, SOCK_STREAM, 0, AI_ADDRCONFIG]];
  // The families each name has in the hosts file above.
  const inFiles = { 'www.ptest.test': [AF_INET], 'both.ptest.test': [AF_INET, AF_INET6], 'six.ptest.test': [AF_INET6],
    'mixed.ptest.test': [AF_INET6], 'nx.ptest.test': [] };
  // Files first: at once when every lookup the request makes finds its family in the file (AF_INET6
  // with AI_V4MAPPED | AI_ALL looks up both; AF_UNSPEC any). AI_ADDRCONFIG may narrow the family by
  // this machine's interfaces: not asserted. Dns first: never. [NOTFOUND=return] and files alone:
  // always, for what the file does not have is an answer (EAI_NONAME) too.
  const filesFirst = (name, [fam, , , flags]) => {
    const has = (f) => inFiles[name].includes(f);
    if (flags & AI_ADDRCONFIG) return null;
    if (fam === AF_UNSPEC) return inFiles[name].length > 0;
    if (fam === AF_INET6 && flags & AI_ALL) return has(AF_INET6) && has(AF_INET);
    return has(fam);
  };
  const orders = {
    'hosts: files dns\n': filesFirst,
    'hosts: dns files\n': () => false,
    'hosts: files [NOTFOUND=return] dns\n': () => true,
    'hosts: files\n': () => true,
  };
  for (const [nsswitch, atOnce] of Object.entries(orders)) {
    const config = { services: 'wasock-ptest 4545/tcp\n', hosts, nsswitch,
      nameservers: [['127.0.0.1', server.port]], search: [], timeout: 2, attempts: 2 };
    socket.configureResolver(config);
    await requirePropagation(4545);
    const cases = names.flatMap((name) => shapes.map((shape) => [name, 80, ...shape]));
    const want = await viaSync(config, cases);
    for (const [i, args] of cases.entries()) {
      const got = await viaPromises(args);
      const where = `${nsswitch.trim()} getaddrinfo(${JSON.stringify(args)})`;
      assert.equal(got.result, want[i], where);
      const expect = atOnce(args[0], args.slice(2));
      if (expect !== null) assert.is(got.now, expect, `${where}: ${expect ? 'the hosts file decides, yet it waited for a worker' : 'answered at once, without DNS'}`);
    }
  }
});

test('a DNS answer, and a hosts file too large to scan on the loop, come from a worker', async () => {
  // The positive control of "at once": a name only DNS knows.
  socket.configureResolver({ services: 'wasock-ptest 4646/tcp\n', hosts: '192.0.2.77 www.ptest.test\n',
    nsswitch: 'hosts: files dns\n', nameservers: [['127.0.0.1', server.port]], search: [], timeout: 2, attempts: 2 });
  await requirePropagation(4646);
  const dns = await viaPromises(['new.ptest.test', 80, AF_INET, SOCK_STREAM]);
  assert.not.ok(dns.now, 'a DNS answer came at once');
  assert.equal(addr(dns.result), ['192.0.2.20']);
  // Past the core's limit for a hosts file scanned on the loop's thread (64 KiB).
  const filler = Array.from({ length: 3000 }, (_, i) => `198.51.100.${i % 250} filler-${i}.ptest.test`).join('\n');
  socket.configureResolver({ services: 'wasock-ptest 4747/tcp\n', hosts: `${filler}\n192.0.2.66 big.ptest.test\n` });
  await requirePropagation(4747);
  const big = await viaPromises(['big.ptest.test', 80, AF_INET, SOCK_STREAM]);
  assert.not.ok(big.now, 'a hosts file over 64 KiB was scanned on the loop');
  assert.equal(addr(big.result), ['192.0.2.66']);
});

test.run();
