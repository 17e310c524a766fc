// Event-loop rows of the benchmark: wasock/promises vs Node net
// (ping-pong, 1,000 connections, 1 GiB bulk against C too: with a receiver
// thread as bench/bulk.c, blocking and (c_poll) non-blocking with poll() as an
// event loop moves data, and with both ends on one thread), connection churn
// for C, CPython, wasock sync, wasock/promises and Node net; address text
// conversions (bench/async-text.mjs) for wasock, CPython and plain JS; and
// cold start, import to first socket in a fresh process (ms, lower is better).
// Per runtime, side by side in one process of it (async-net.mjs's `side`): on
// Deno and Bun, where found, ping-pong, 1,000 connections and 1 GiB bulk with
// both ends on one event loop, wasock/promises against that runtime's node:net
// and its native API (pingpong-deno, echo1000-deno, bulk-deno, the same for
// bun); on Node the bulk of that shape (bulk-node; Node's ping-pong and 1,000
// connections are the first two rows); ping-pong and 1,000 connections against an echo
// server in another process (pingpong-xp-node, echo1000-xp-node, the same for deno and bun:
// the loop sleeps between messages, and each answer has to wake it); and cold start
// (cold-deno, cold-bun).
// Each row names its runtime, which bench/chart.mjs groups by.
// Each round runs every implementation once per test, order rotating; the
// table reports medians and ratios (for a side row, the median of each round's
// ratio); bench/results/async-latest.json keeps all.
//
//   node bench/async-run.mjs [--quick] [--rounds N] [--only test,test]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, runtimes } from '../tests/lib/runtimes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ri = argv.indexOf('--rounds');
const rounds = ri >= 0 ? Number(argv[ri + 1]) : quick ? 3 : 5;
const oi = argv.indexOf('--only');
const only = oi >= 0 ? argv[oi + 1].split(',') : null;
const node = process.execPath;
const net = join(here, 'async-net.mjs');
const GiB = String(2 ** 30), WARM = String(64 * 2 ** 20);
const P = quick ? { pp: ['20000', '2000'], echo: ['20'], churn: '3000', text: '0.3', bulk: [String(2 ** 28), String(2 ** 25)] } :
  { pp: ['100000', '10000'], echo: ['50'], churn: '10000', text: '1', bulk: [GiB, WARM] };
const text = join(here, 'async-text.mjs');
const PY = '/usr/bin/python3';
// Cold start: a fresh process, from before import() to a first socket made and closed. The
// program is a file (bench/cold.mjs), as CPython's is timed after its import system is up: run
// with -e, Node's ES module loader would load its own resolver and file reader inside the timed
// import (9-10 ms for a package of one export here), a cost any first import pays.
const cold = join(here, 'cold.mjs');
const coldJs = (spec) => [node, cold, 'first', spec];
const coldPy = [PY, '-c', `import time; t0 = time.perf_counter()
import socket; socket.socket().close(); t1 = time.perf_counter()
print('{"rate": %f}' % ((t1 - t0) * 1000))`];
// The parts of it any package of this shape pays (bench/cold.mjs), beside CPython's whole.
const coldParts = Object.fromEntries(['esm', 'exports', 'addon', 'wasm'].map((p) => [p, [node, cold, p]]));

const tmp = mkdtempSync(join(tmpdir(), 'wasock-abench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const churnC = join(tmp, 'churn');
const cc = spawnSync('cc', ['-O2', '-o', churnC, join(here, 'churn.c')], { encoding: 'utf8' });
const bulkC = join(tmp, 'bulk');
const ccBulk = spawnSync('cc', ['-O2', '-pthread', '-o', bulkC, join(here, 'bulk.c')], { encoding: 'utf8' });
// The *-xp rows' peer, an echo server in a process of its own; async-net.mjs starts it.
const echoServer = join(tmp, 'echo-server');
const ccEcho = spawnSync('cc', ['-O2', '-o', echoServer, join(here, 'echo-server.c')], { encoding: 'utf8' });
process.env.WASOCK_ECHO_SERVER = echoServer;
const xpTitle = (t) => `${t}, the echo server in another process (bench/echo-server.c)`;

const oneLoop = `${quick ? '256 MiB' : '1 GiB'} in 64 KiB chunks, both ends on one event loop, side by side`;
const TESTS = {
  'pingpong-loop': { unit: 'round trips/s', title: '64 B ping-pong across the event loop',
    impls: { promises: [node, net, 'pingpong', 'wasock', ...P.pp], net: [node, net, 'pingpong', 'net', ...P.pp] },
    target: ['promises', 'net', 1.0] },
  echo1000: { unit: 'messages/s', title: '1,000 concurrent echo connections, 64 B',
    impls: { promises: [node, net, 'echo1000', 'wasock', ...P.echo], net: [node, net, 'echo1000', 'net', ...P.echo] },
    target: ['promises', 'net', 1.0] },
  'pingpong-xp-node': { unit: 'round trips/s', title: xpTitle('64 B ping-pong'), runtime: 'node',
    impls: { side: ccEcho.status === 0 ? [node, net, 'pingpong-xp', 'side', ...P.pp] : null }, target: ['promises', 'net', 1.0] },
  'echo1000-xp-node': { unit: 'messages/s', title: xpTitle('1,000 concurrent echo connections'), runtime: 'node',
    impls: { side: ccEcho.status === 0 ? [node, net, 'echo1000-xp', 'side', ...P.echo] : null }, target: ['promises', 'net', 1.0] },
  churn: { unit: 'cycles/s', title: 'connect/accept/close per second',
    impls: { c: cc.status === 0 ? [churnC, P.churn] : null, cpython: ['/usr/bin/python3', join(here, 'churn.py'), P.churn],
      sync: [node, net, 'churn', 'sync', P.churn], promises: [node, net, 'churn', 'wasock', P.churn],
      net: [node, net, 'churn', 'net', P.churn] },
    target: ['sync', 'c', null] },
  bulk: { unit: 'MiB/s', title: '1 GiB in 64 KiB chunks, receiver thread (C: pthread; JS: a Worker\'s event loop)',
    impls: { c: ccBulk.status === 0 ? [bulkC, GiB, WARM] : null, c_poll: ccBulk.status === 0 ? [bulkC, GiB, WARM, 'poll'] : null,
      promises: [node, net, 'bulk', 'wasock', GiB, WARM], net: [node, net, 'bulk', 'net', GiB, WARM] },
    target: ['promises', 'c', 0.95] },
  bulk1: { unit: 'MiB/s', title: '1 GiB in 64 KiB chunks, both ends on one thread (C: non-blocking + poll)',
    impls: { c: ccBulk.status === 0 ? [bulkC, GiB, WARM, 'loop'] : null, promises: [node, net, 'bulk1', 'wasock', GiB, WARM],
      net: [node, net, 'bulk1', 'net', GiB, WARM] },
    target: ['promises', 'c', 0.95] },
  'bulk-node': { unit: 'MiB/s', title: oneLoop, impls: { side: [node, net, 'bulk1', 'side', ...P.bulk] },
    target: ['promises', 'net', 1.0] },
  inet_pton: { unit: 'calls/s', title: 'inet_pton, IPv4/IPv6 mix',
    impls: { wasock: [node, text, 'pton', 'wasock', P.text], cpython: [node, text, 'pton', 'cpython', P.text],
      js: [node, text, 'pton', 'js', P.text] },
    target: ['wasock', 'cpython', 1.0] },
  inet_ntop: { unit: 'calls/s', title: 'inet_ntop, IPv4/IPv6 mix',
    impls: { wasock: [node, text, 'ntop', 'wasock', P.text], cpython: [node, text, 'ntop', 'cpython', P.text],
      js: [node, text, 'ntop', 'js', P.text] },
    target: ['wasock', 'cpython', 1.0] },
  gai_numeric: { unit: 'calls/s', title: 'numeric getaddrinfo (JS: dns.lookup of a literal)',
    impls: { wasock: [node, text, 'gai', 'wasock', P.text], cpython: [node, text, 'gai', 'cpython', P.text],
      js: [node, text, 'gai', 'js', P.text] },
    target: ['wasock', 'cpython', 1.0] },
  cold: { unit: 'ms', lower: true, title: "cold start: import to first socket, fresh process",
    impls: { wasock: coldJs('wasock'), promises: coldJs('wasock/promises'), cpython: coldPy },
    target: null },
  'cold-parts': { unit: 'ms', lower: true, title: 'cold start: the ES module loader, 1,100 exports, the addon, the Wasm compile',
    impls: { ...coldParts, cpython: coldPy }, target: null },
};
// Deno's and Bun's rows (the top comment); a runtime not installed is noted.
// bench/chart.mjs heads each runtime's rows with its version.
const versions = { node: process.version };
const RT_NOTES = [];
for (const [name, rt] of Object.entries(runtimes)) {
  if (!available(rt)) {
    RT_NOTES.push(`${name} not installed (npm run runtimes): its rows are skipped`);
    continue;
  }
  versions[name] = /\d+\.\d+\.\d+/.exec(spawnSync(rt.bin, ['--version'], { encoding: 'utf8' }).stdout)?.[0] ?? '?';
  const run = (...a) => [rt.bin, ...rt.args, net, ...a];
  TESTS[`pingpong-${name}`] = { unit: 'round trips/s', title: TESTS['pingpong-loop'].title, runtime: name,
    impls: { side: run('pingpong', 'side', ...P.pp) }, target: ['promises', 'net', 1.0] };
  TESTS[`echo1000-${name}`] = { unit: 'messages/s', title: TESTS.echo1000.title, runtime: name,
    impls: { side: run('echo1000', 'side', ...P.echo) }, target: ['promises', 'net', 1.0] };
  TESTS[`bulk-${name}`] = { unit: 'MiB/s', title: oneLoop, runtime: name,
    impls: { side: run('bulk1', 'side', ...P.bulk) }, target: ['promises', 'net', 1.0] };
  if (ccEcho.status === 0) {
    TESTS[`pingpong-xp-${name}`] = { unit: 'round trips/s', title: TESTS['pingpong-xp-node'].title, runtime: name,
      impls: { side: run('pingpong-xp', 'side', ...P.pp) }, target: ['promises', 'net', 1.0] };
    TESTS[`echo1000-xp-${name}`] = { unit: 'messages/s', title: TESTS['echo1000-xp-node'].title, runtime: name,
      impls: { side: run('echo1000-xp', 'side', ...P.echo) }, target: ['promises', 'net', 1.0] };
  }
  TESTS[`cold-${name}`] = { unit: 'ms', lower: true, title: TESTS.cold.title, runtime: name,
    impls: { wasock: [rt.bin, ...rt.args, cold, 'first', 'wasock'],
      promises: [rt.bin, ...rt.args, cold, 'first', 'wasock/promises'], cpython: coldPy }, target: null };
}
if (only) for (const t of Object.keys(TESTS)) if (!only.includes(t)) delete TESTS[t];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b), k = s.length >> 1; return s.length ? (s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2) : null; };
const runs = [];
const notes = cc.status === 0 ? [...RT_NOTES] : [...RT_NOTES, `churn.c: compile failed: ${cc.stderr.split('\n')[0]}`];
if (ccBulk.status !== 0) notes.push(`bulk.c: compile failed: ${ccBulk.stderr.split('\n')[0]}`);
if (ccEcho.status !== 0) notes.push(`echo-server.c: compile failed: ${ccEcho.stderr.split('\n')[0]}`);
console.log(`wasock event-loop bench: ${quick ? 'quick' : 'full'}, ${rounds} rounds`);
for (let r = 0; r < rounds; r++) {
  for (const [t, spec] of Object.entries(TESTS)) {
    const names = Object.keys(spec.impls).filter((k) => spec.impls[k]);
    const order = names.map((_, i) => names[(i + r) % names.length]);
    const line = [];
    for (const impl of order) {
      const cmd = spec.impls[impl];
      const res = spawnSync(cmd[0], cmd.slice(1), { cwd: root, encoding: 'utf8', timeout: 300000 });
      let rec = null;
      try { rec = JSON.parse(res.stdout.trim().split('\n').pop()); } catch { /* failed */ }
      if (res.status !== 0 || !rec) {
        const msg = `${impl} ${t} round ${r + 1} failed: ${(res.stderr || String(res.error)).trim().split('\n').pop()}`;
        notes.push(msg);
        runs.push({ round: r + 1, test: t, impl, error: msg });
        continue;
      }
      for (const [name, rate] of Object.entries(rec.rates ?? { [impl]: rec.rate })) {
        runs.push({ round: r + 1, test: t, impl: name, rate });
        line.push(`${name} ${Math.round(rate)}`);
      }
    }
    console.log(`  round ${r + 1} ${t}: ${line.join(', ')}`);
  }
}
const summary = {};
console.log('');
for (const [t, spec] of Object.entries(TESTS)) {
  const ok = runs.filter((x) => x.test === t && !x.error);
  const med = {};
  for (const impl of new Set(ok.map((x) => x.impl))) med[impl] = median(ok.filter((x) => x.impl === impl).map((x) => x.rate));
  // A side row's implementations shared each round's process and machine load: its ratio is
  // the median of the rounds' own ratios, not one of medians taken from different rounds.
  const byRound = (impl) => new Map(ok.filter((x) => x.impl === impl).map((x) => [x.round, x.rate]));
  const ratio = (a, b) => {
    if (!spec.impls.side) return med[a] / med[b];
    const [ra, rb] = [byRound(a), byRound(b)];
    return median([...ra].filter(([r]) => rb.has(r)).map(([r, v]) => v / rb.get(r)));
  };
  const ratios = {};
  for (const a of Object.keys(med)) for (const b of Object.keys(med)) {
    if (a !== b && med[a] && med[b] && ['net', 'native', 'c', 'c_poll', 'cpython'].includes(b)) ratios[`${a}/${b}`] = ratio(a, b);
  }
  const [x, y, min] = spec.target ?? [null, null, null];
  const v = med[x] && med[y] ? ratio(x, y) : null;
  const target = min === null ? null : { target: `${x} >= ${min}x ${y}`, value: v, status: v === null ? 'n/a' : v >= min ? 'PASS' : 'MISS' };
  summary[t] = { title: spec.title, runtime: spec.runtime ?? 'node', unit: spec.unit, lower_is_better: !!spec.lower,
    median: med, ratios, target };
  console.log(`${t.padEnd(14)} ${spec.unit.padStart(14)}  ` +
    Object.entries(med).map(([k, m]) => `${k} ${m === null ? '-' : m < 100 ? m.toFixed(1) : Math.round(m).toLocaleString('en-US')}`).join(', '));
  console.log(`${''.padEnd(30)}${Object.entries(ratios).map(([k, r]) => `${k} ${r.toFixed(3)}`).join(', ')}` +
    (target ? `   [${target.target}: ${target.status}]` : ''));
}
for (const n of notes) console.log(`note: ${n}`);
mkdirSync(join(here, 'results'), { recursive: true });
// --only keeps the other tests' last results in the file.
const file = join(here, 'results', 'async-latest.json');
let prev = {};
if (only) { try { prev = JSON.parse(readFileSync(file, 'utf8')).summary ?? {}; } catch { /* none */ } }
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', rounds,
  node: process.version, versions, summary: { ...prev, ...summary }, runs, notes }, null, 2) + '\n');
console.log('saved bench/results/async-latest.json');
