// Event-loop rows of the benchmark (issue 6): wasock/promises vs Node net, and
// connection churn for C, CPython, wasock sync, wasock/promises and Node net.
// Each round runs every implementation once per test, order rotating; the
// table reports medians and ratios; bench/results/async-latest.json keeps all.
//
//   node bench/async-run.mjs [--quick] [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ri = argv.indexOf('--rounds');
const rounds = ri >= 0 ? Number(argv[ri + 1]) : quick ? 3 : 5;
const node = process.execPath;
const net = join(here, 'async-net.mjs');
const P = quick ? { pp: ['20000', '2000'], echo: ['20'], churn: '3000' } : { pp: ['100000', '10000'], echo: ['50'], churn: '10000' };

const tmp = mkdtempSync(join(tmpdir(), 'wasock-abench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const churnC = join(tmp, 'churn');
const cc = spawnSync('cc', ['-O2', '-o', churnC, join(here, 'churn.c')], { encoding: 'utf8' });

const TESTS = {
  'pingpong-loop': { unit: 'round trips/s', title: '64 B ping-pong across the event loop',
    impls: { promises: [node, net, 'pingpong', 'wasock', ...P.pp], net: [node, net, 'pingpong', 'net', ...P.pp] },
    target: ['promises', 'net', 1.0] },
  echo1000: { unit: 'messages/s', title: '1,000 concurrent echo connections, 64 B',
    impls: { promises: [node, net, 'echo1000', 'wasock', ...P.echo], net: [node, net, 'echo1000', 'net', ...P.echo] },
    target: ['promises', 'net', 1.0] },
  churn: { unit: 'cycles/s', title: 'connect/accept/close per second',
    impls: { c: cc.status === 0 ? [churnC, P.churn] : null, cpython: ['/usr/bin/python3', join(here, 'churn.py'), P.churn],
      sync: [node, net, 'churn', 'sync', P.churn], promises: [node, net, 'churn', 'wasock', P.churn],
      net: [node, net, 'churn', 'net', P.churn] },
    target: ['sync', 'c', null] },
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b), k = s.length >> 1; return s.length ? (s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2) : null; };
const runs = [];
const notes = cc.status === 0 ? [] : [`churn.c: compile failed: ${cc.stderr.split('\n')[0]}`];
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
      runs.push({ round: r + 1, test: t, impl, rate: rec.rate });
      line.push(`${impl} ${Math.round(rec.rate)}`);
    }
    console.log(`  round ${r + 1} ${t}: ${line.join(', ')}`);
  }
}
const summary = {};
console.log('');
for (const [t, spec] of Object.entries(TESTS)) {
  const med = {};
  for (const impl of Object.keys(spec.impls)) {
    med[impl] = median(runs.filter((x) => x.test === t && x.impl === impl && !x.error).map((x) => x.rate));
  }
  const ratios = {};
  for (const a of Object.keys(med)) for (const b of Object.keys(med)) {
    if (a !== b && med[a] && med[b] && (b === 'net' || b === 'c')) ratios[`${a}/${b}`] = med[a] / med[b];
  }
  const [x, y, min] = spec.target;
  const v = med[x] && med[y] ? med[x] / med[y] : null;
  const target = min === null ? null : { target: `${x} >= ${min}x ${y}`, value: v, status: v === null ? 'n/a' : v >= min ? 'PASS' : 'MISS' };
  summary[t] = { title: spec.title, unit: spec.unit, median: med, ratios, target };
  console.log(`${t.padEnd(14)} ${spec.unit.padStart(14)}  ` +
    Object.entries(med).map(([k, m]) => `${k} ${m === null ? '-' : Math.round(m).toLocaleString('en-US')}`).join(', '));
  console.log(`${''.padEnd(30)}${Object.entries(ratios).map(([k, r]) => `${k} ${r.toFixed(3)}`).join(', ')}` +
    (target ? `   [${target.target}: ${target.status}]` : ''));
}
for (const n of notes) console.log(`note: ${n}`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'async-latest.json'),
  JSON.stringify({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', rounds, node: process.version, summary, runs, notes }, null, 2) + '\n');
console.log('saved bench/results/async-latest.json');
