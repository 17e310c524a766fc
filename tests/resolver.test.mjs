// The core's DNS stub resolver against tests/lib/dns-server.mjs on
// 127.0.0.1 (a random port): the lookups run in a child process (the sync
// API blocks its thread), the server here. Nameservers are always pinned:
// no real resolver is ever asked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { startDnsServer, buildReply } from './lib/dns-server.mjs';

// The package as users import it, resolved here and loaded by each child.
const wasockUrl = import.meta.resolve('wasock');
// Per child: generous for a loaded machine, yet far below the runner's 120 s per file.
const CHILD_MS = 30000;

// Runs calls [fn, ...args] in a child with config; resolves to results.
function lookups(config, calls) {
  const code = `
    const socket = await import(${JSON.stringify(wasockUrl)});
    socket.configureResolver(${JSON.stringify(config)});
    const out = [];
    for (const [fn, ...args] of ${JSON.stringify(calls)}) {
      const t0 = Date.now();
      try { out.push({ ok: socket[fn](...args), ms: Date.now() - t0 }); }
      catch (e) { out.push({ exc: e.constructor.name, errno: e.errno, msg: e.message, ms: Date.now() - t0 }); }
    }
    console.log(JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => c.kill('SIGKILL'), CHILD_MS);
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (st, sig) => {
      clearTimeout(timer);
      if (st === 0) resolve(JSON.parse(out));
      else reject(new Error(`child ${sig === 'SIGKILL' ? `killed after ${CHILD_MS} ms` : `exit ${st ?? sig}`}: ${err}`));
    });
  });
}

const zone = {
  'www.test': [{ type: 'A', data: '192.0.2.10' }, { type: 'AAAA', data: '2001:db8::10' }],
  'v4.test': [{ type: 'A', data: '192.0.2.11' }],
  'host.corp.test': [{ type: 'A', data: '192.0.2.12' }],
};

function standard(q) {
  const T = { 1: 'A', 28: 'AAAA', 12: 'PTR' }[q.type];
  if (q.name === 'alias.test') {
    return { answers: [{ name: 'alias.test', type: 'CNAME', data: 'mid.test' }, { name: 'mid.test', type: 'CNAME', data: 'www.test' },
      ...zone['www.test'].filter((r) => r.type === T).map((r) => ({ name: 'www.test', ...r }))] };
  }
  if (q.name === 'loop.test') return { answers: [{ name: 'loop.test', type: 'CNAME', data: 'loop2.test' }, { name: 'loop2.test', type: 'CNAME', data: 'loop.test' }] };
  if (q.name === '10.2.0.192.in-addr.arpa') return { answers: [{ name: q.name, type: 'PTR', data: 'www.test' }] };
  const recs = zone[q.name];
  if (!recs) return { rcode: 3 };
  return { answers: recs.filter((r) => r.type === T).map((r) => ({ name: q.name, ...r })) };
}

const base = (port, extra = {}) => ({ nsswitch: 'hosts: files dns\n', hosts: '127.0.0.1 localhost\n',
  nameservers: [['127.0.0.1', port]], timeout: 5, attempts: 1, ...extra });

test('A and AAAA, CNAME chains, PTR, NXDOMAIN, NODATA', async () => {
  const srv = await startDnsServer(standard);
  try {
    const r = await lookups(base(srv.port), [
      ['getaddrinfo', 'www.test', 80, 0, 1], ['gethostbyname_ex', 'alias.test'], ['gethostbyname', 'v4.test'],
      ['getaddrinfo', 'nx.test', 80], ['getaddrinfo', 'v4.test', 80, 10], ['gethostbyaddr', '192.0.2.10'],
      ['getaddrinfo', 'loop.test', 80], ['getaddrinfo', 'alias.test', 80, 2, 1, 0, 2]]);
    assert.equal(r[0].ok.map((e) => e[4][0]).sort(), ['192.0.2.10', '2001:db8::10']);
    assert.equal(r[1].ok, ['www.test', ['alias.test'], ['192.0.2.10']]);
    assert.is(r[2].ok, '192.0.2.11');
    assert.equal([r[3].exc, r[3].errno], ['gaierror', -2]);
    assert.equal([r[4].exc, r[4].errno], ['gaierror', -5]);
    assert.equal(r[5].ok, ['www.test', [], ['192.0.2.10']]);
    assert.is(r[6].exc, 'gaierror');
    assert.equal(r[7].ok, [[2, 1, 6, 'www.test', ['192.0.2.10', 80]]]);
    // A and AAAA went out together for AF_UNSPEC.
    assert.ok(srv.log.some((l) => l.name === 'www.test' && l.type === 28));
  } finally { srv.close(); }
});

test('truncation falls back to TCP', async () => {
  const srv = await startDnsServer((q) => (q.tcp ? standard(q) : { tc: true }));
  try {
    const r = await lookups(base(srv.port), [['gethostbyname', 'v4.test']]);
    assert.is(r[0].ok, '192.0.2.11');
    assert.ok(srv.log.some((l) => l.tcp));
  } finally { srv.close(); }
});

test('SERVFAIL and garbage give EAI_FAIL; a silent server EAI_AGAIN after its timeout', async () => {
  const fail = await startDnsServer(() => ({ rcode: 2 }));
  const silent = await startDnsServer(() => ({ silent: true }));
  const garbage = await startDnsServer(() => ({ raw: (q) => {
    const r = buildReply(q, { answers: [{ name: q.name, type: 'A', data: '1.2.3.4' }] });
    return r.subarray(0, r.length - 3); // rdata past the end
  } }));
  try {
    const [a] = await lookups(base(fail.port), [['gethostbyname', 'v4.test']]);
    assert.equal([a.exc, a.errno], ['gaierror', -4]);
    const [b] = await lookups(base(silent.port, { timeout: 1 }), [['gethostbyname', 'v4.test']]);
    assert.equal([b.exc, b.errno], ['gaierror', -3]);
    // One 1 s try; the upper bound leaves room for a loaded machine.
    assert.ok(b.ms >= 900 && b.ms < 15000, `took ${b.ms} ms`);
    const [c] = await lookups(base(garbage.port), [['gethostbyname', 'v4.test']]);
    assert.equal([c.exc, c.errno], ['gaierror', -4]);
  } finally { fail.close(); silent.close(); garbage.close(); }
});

test('a silent server, then the next one answers', async () => {
  const silent = await startDnsServer(() => ({ silent: true }));
  const good = await startDnsServer(standard);
  try {
    const [a] = await lookups({ ...base(0), timeout: 1, nameservers: [['127.0.0.1', silent.port], ['127.0.0.1', good.port]] },
      [['gethostbyname', 'v4.test']]);
    assert.is(a.ok, '192.0.2.11');
    assert.ok(a.ms >= 900, `took ${a.ms} ms`);
  } finally { silent.close(); good.close(); }
});

test('search list and ndots', async () => {
  const srv = await startDnsServer(standard);
  try {
    const r = await lookups(base(srv.port, { search: ['corp.test', 'other.test'] }), [
      ['gethostbyname', 'host'], ['gethostbyname', 'v4.test']]);
    assert.is(r[0].ok, '192.0.2.12');
    assert.is(r[1].ok, '192.0.2.11');
    const names = srv.log.map((l) => l.name);
    assert.ok(names.indexOf('host.corp.test') < names.indexOf('host') || !names.includes('host'));
    // v4.test has ndots (1) dots: asked as is first.
    assert.is(names.find((n) => n.startsWith('v4.')), 'v4.test');
  } finally { srv.close(); }
});

test('spoofed replies (wrong id, wrong source port) are ignored', async () => {
  const srv = await startDnsServer((q) => ({ ...standard(q), spoof: 'id', spoofSource: true }));
  try {
    const [a] = await lookups(base(srv.port), [['gethostbyname', 'v4.test']]);
    assert.is(a.ok, '192.0.2.11');
  } finally { srv.close(); }
});

test('malformed replies: pointer loops, wrong counts -> clean EAI errors', async () => {
  const loop = await startDnsServer(() => ({ raw: (q) => {
    const r = buildReply(q, {});
    const hdr = Buffer.from(r);
    hdr.writeUInt16BE(1, 6);
    return Buffer.concat([hdr, Buffer.from([0xc0, hdr.length, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4])]);
  } }));
  const counts = await startDnsServer(() => ({ raw: (q) => {
    const r = buildReply(q, { answers: [{ name: q.name, type: 'A', data: '1.2.3.4' }] });
    r.writeUInt16BE(5, 6);
    return r;
  } }));
  try {
    const [a] = await lookups(base(loop.port), [['gethostbyname', 'v4.test']]);
    assert.is(a.exc, 'gaierror');
    const [b] = await lookups(base(counts.port), [['gethostbyname', 'v4.test']]);
    assert.equal([b.exc, b.errno], ['gaierror', -4]);
  } finally { loop.close(); counts.close(); }
});

test('names that are no host names (res_hnok) are never asked; "" is NO_RECOVERY', async () => {
  const srv = await startDnsServer(standard);
  try {
    const r = await lookups(base(srv.port), [
      ['getaddrinfo', '<broadcast>', 80, 2, 1], ['getaddrinfo', '-x.test', 80], ['getaddrinfo', '10.0.0.1%lo', 80],
      ['gethostbyname', 'a b.test'], ['gethostbyname_ex', '<broadcast>'], ['gethostbyname_ex', ''],
      ['gethostbyname', 'x\\.y.test'], ['gethostbyname', 'x-.test'], ['gethostbyname', 'a_b.test']]);
    for (const i of [0, 1, 2, 3, 6]) assert.equal([r[i].exc, r[i].errno], ['gaierror', -2], String(i));
    assert.equal([r[4].exc, r[4].errno, r[4].msg], ['herror', 1, '[Errno 1] Unknown host']);
    assert.equal([r[5].exc, r[5].errno, r[5].msg], ['herror', 3, '[Errno 3] Unknown server error']);
    // Not at the start of the name, '-' and '_' are host name characters: asked (NXDOMAIN).
    assert.equal([r[7].exc, r[7].errno], ['gaierror', -2]);
    assert.equal(srv.log.map((l) => l.name).sort(), ['a_b.test', 'x-.test']);
  } finally { srv.close(); }
});

test.run();
