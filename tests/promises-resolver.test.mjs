// wasock/promises name lookups run in worker threads, each with its own
// library instance: configureResolver() in the main thread must reach them
// (hosts, services, nsswitch and nameservers pinned to tests/lib/dns-server.mjs
// on 127.0.0.1), and a later change must too. No query ever leaves loopback:
// the DNS cases run only after a services override (which never asks DNS)
// has shown that the workers see the main thread's configuration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock/promises';
import { startDnsServer } from './lib/dns-server.mjs';
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/helpers.mjs';

const { AF_INET, SOCK_STREAM } = socket;
let server = null;
let seen = [];

function zone(q) {
  seen.push(q.name);
  if (q.type !== 1) return { answers: [] };
  if (q.name === 'www.ptest.test') return { answers: [{ name: q.name, type: 'A', data: '192.0.2.10' }] };
  if (q.name === 'new.ptest.test') return { answers: [{ name: q.name, type: 'A', data: '192.0.2.20' }] };
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
  // Several at once: more than one worker of the pool gets the configuration.
  const many = await Promise.all(Array.from({ length: 6 }, () => socket.getaddrinfo('pinned.ptest.test', 80, AF_INET, SOCK_STREAM)));
  for (const r of many) assert.equal(addr(r), ['192.0.2.99']);
  assert.is(await socket.gethostbyname('pinned.ptest.test'), '192.0.2.99');
  seen = [];
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
// ES module, where a worker once failed on `require`. The hosts file answers.
test('lookups work in a process started with --input-type=module', () => {
  const src = `import * as s from 'wasock/promises';
    s.configureResolver({ hosts: '192.0.2.99 esm-only.test\\n', nsswitch: 'hosts: files\\n' });
    console.log((await s.getaddrinfo('esm-only.test', 80, s.AF_INET))[0][4][0]);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  assert.is(r.stdout.trim(), '192.0.2.99', r.stderr);
});

test.run();
