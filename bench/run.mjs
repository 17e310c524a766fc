// wasock benchmark driver: native C, CPython and wasock (sync API) side by side.
//
//   node bench/run.mjs [--quick] [--only pingpong|bulk|sendfile|sendfile_sink|msg] [--rounds N] [--no-addon]
//
// Each round runs every implementation once per test, the order rotating from
// round to round (this is a noisy 2-core machine), and the table reports the
// median rate per implementation. The C programs are compiled here with
// `cc -O2` into a temporary directory. The raw N-API addon loop ("addon") is a
// reference row: the ceiling for anything built on that addon.
// This is a report: it never fails on a missed target. Results are written to
// bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import {
  closeSync, mkdtempSync, mkdirSync, openSync, readSync, rmSync, truncateSync, writeFileSync,
} from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const PY = '/usr/bin/python3';

// ---- options ---------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = { quick: false, only: null, rounds: null, addon: true };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--quick') opt.quick = true;
  else if (a === '--only') opt.only = argv[++i];
  else if (a.startsWith('--only=')) opt.only = a.slice(7);
  else if (a === '--rounds') opt.rounds = Number(argv[++i]);
  else if (a.startsWith('--rounds=')) opt.rounds = Number(a.slice(9));
  else if (a === '--no-addon') opt.addon = false;
  else if (a === '-h' || a === '--help') {
    console.log('usage: node bench/run.mjs [--quick] [--only pingpong|bulk|sendfile|sendfile_sink|msg] [--rounds N] [--no-addon]');
    process.exit(0);
  } else { console.error(`unknown option ${a}`); process.exit(2); }
}
if (opt.only && !['pingpong', 'bulk', 'sendfile', 'sendfile_sink', 'msg'].includes(opt.only)) {
  console.error('--only takes pingpong, bulk, sendfile, sendfile_sink or msg'); process.exit(2);
}
const rounds = opt.rounds ?? (opt.quick ? 3 : 5);
if (!(rounds >= 1)) { console.error('--rounds must be >= 1'); process.exit(2); }

const MiB = 2 ** 20;
const params = opt.quick
  ? { pingpong: { n: 20000, warm: 2000 }, bulk: { bytes: 256 * MiB, warm: 16 * MiB },
    sendfile: { bytes: 256 * MiB, warm: 16 * MiB }, sendfile_sink: { bytes: 256 * MiB, warm: 16 * MiB },
    msg: { n: 20000, warm: 2000 } }
  : { pingpong: { n: 100000, warm: 10000 }, bulk: { bytes: 1024 * MiB, warm: 64 * MiB },
    sendfile: { bytes: 1024 * MiB, warm: 64 * MiB }, sendfile_sink: { bytes: 1024 * MiB, warm: 64 * MiB },
    msg: { n: 100000, warm: 10000 } };

const TESTS = {
  pingpong: {
    title: '64 B TCP ping-pong, one thread, TCP_NODELAY', unit: 'round trips/s',
    args: (p) => [String(p.n), String(p.warm)],
    reference: { c: 112000, cpython: 95000 },
    targets: [
      { name: 'wasock >= 0.95x C', check: (m) => m.wasock / m.c, min: 0.95 },
      { name: 'wasock > CPython', check: (m) => m.wasock / m.cpython, min: 1.0, strict: true },
    ],
  },
  bulk: {
    title: 'bulk 64 KiB chunks, receiver thread, recv_into', unit: 'MiB/s',
    args: (p) => [String(p.bytes), String(p.warm)],
    reference: { c: 1780, cpython: 1690 },
    targets: [{ name: 'wasock >= 0.95x C', check: (m) => m.wasock / m.c, min: 0.95 }],
  },
  // socket.sendfile of a sparse file (its pages come from the page cache, no disk I/O), made
  // below in the temporary directory, which is deleted at exit.
  sendfile: {
    title: 'socket.sendfile, blocking, receiver thread, recv_into', unit: 'MiB/s',
    program: 'bulk',
    args: (p) => [String(p.bytes), String(p.warm), 'sendfile', sparseFile(p.bytes)],
    targets: [{ name: 'wasock >= 0.95x C', check: (m) => m.wasock / m.c, min: 0.95 }],
  },
  // The same senders, each to the one receiver: bulk.c's sink process (its own compiled copy).
  sendfile_sink: {
    title: 'socket.sendfile, blocking, to one native receiver process', unit: 'MiB/s',
    program: 'bulk',
    args: (p) => [String(p.bytes), String(p.warm), 'sendfile', sparseFile(p.bytes), join(tmp, 'sendfile_sink')],
    targets: [{ name: 'wasock >= 0.95x C', check: (m) => m.wasock / m.c, min: 0.95 }],
  },
  msg: {
    title: '64 B UDP datagrams, sendmsg with IP_TOS + recvmsg with IP_RECVTOS, one thread', unit: 'messages/s',
    args: (p) => [String(p.n), String(p.warm)],
    targets: [{ name: 'wasock >= CPython', check: (m) => m.wasock / m.cpython, min: 1.0 }],
  },
};
const testNames = opt.only ? [opt.only] : Object.keys(TESTS);

// ---- helpers ---------------------------------------------------------------
function sh(cmd, args, timeoutMs = 300000) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''), status: r.status };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), k = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const firstLine = (s) => {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /Error|error:|errno/.test(l)) ?? lines.pop() ?? '';
};

// ---- build C, probe the others ----------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'wasock-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const notes = [];
const impls = {};

// The file sendfile sends: sparse, as large as the transfer, made once and
// read through once, so that no implementation pays for filling the page cache.
let sparse = null;
function sparseFile(bytes) {
  if (sparse === null) {
    sparse = join(tmp, 'sendfile.data');
    writeFileSync(sparse, '');
    truncateSync(sparse, bytes);
    const fd = openSync(sparse, 'r');
    const buf = Buffer.allocUnsafe(MiB);
    while (readSync(fd, buf, 0, MiB, null) > 0);
    closeSync(fd);
  }
  return sparse;
}

const ccVersion = sh('cc', ['--version']).stdout.split('\n')[0];
for (const t of testNames) {
  // A test runs the programs named after it, or after its `program` in another mode.
  const prog = TESTS[t].program ?? t;
  const exe = join(tmp, t);
  const r = sh('cc', ['-O2', '-pthread', '-o', exe, join(here, `${prog}.c`)]);
  if (!r.ok) notes.push(`C ${t}: compile failed: ${firstLine(r.stderr)}`);
  impls[`c/${t}`] = r.ok ? [exe] : null;
  impls[`cpython/${t}`] = [PY, join(here, `${prog}.py`)];
  impls[`wasock/${t}`] = [process.execPath, join(here, `${prog}.mjs`)];
  // The raw addon loop, for the tests that have one.
  impls[`addon/${t}`] = opt.addon && !TESTS[t].program ? [process.execPath, join(here, `${t}-addon.mjs`)] : null;
}
const pyVersion = sh(PY, ['--version']).stdout.trim() || 'unavailable';
const probe = sh(process.execPath, ['--input-type=module', '-e',
  "const s = await import('wasock'); if (typeof s.socket !== 'function') throw new Error('no socket()'); console.log(s.AF_INET)"], 60000);
if (!probe.ok) {
  notes.push(`wasock not importable, skipped: ${firstLine(probe.stderr)}`);
  for (const t of testNames) impls[`wasock/${t}`] = null;
}

const IMPLS = ['c', 'cpython', 'wasock', ...(opt.addon ? ['addon'] : [])];
const LABEL = { c: 'C', cpython: 'CPython', wasock: 'wasock', addon: 'addon*' };

// ---- run -------------------------------------------------------------------
const load0 = loadavg();
const runs = [];
console.log(`wasock bench: ${opt.quick ? 'quick' : 'full'}, ${rounds} rounds, tests: ${testNames.join(', ')}; ` +
  `load avg ${load0.map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r < rounds; r++) {
  for (const t of testNames) {
    const order = IMPLS.map((_, i) => IMPLS[(i + r) % IMPLS.length]);
    const line = [];
    for (const impl of order) {
      const cmd = impls[`${impl}/${t}`];
      if (!cmd) continue;
      const res = sh(cmd[0], [...cmd.slice(1), ...TESTS[t].args(params[t])]);
      let rec = null;
      if (res.ok) { try { rec = JSON.parse(res.stdout.trim().split('\n').pop()); } catch { /* fallthrough */ } }
      if (!rec) {
        const msg = `${impl} ${t} round ${r + 1} failed (status ${res.status}): ${firstLine(res.stderr || res.stdout)}`;
        notes.push(msg); console.log(`  ${msg}`);
        runs.push({ round: r + 1, test: t, impl, error: msg });
        continue;
      }
      // The test's own name: a program run in another's mode reports that mode.
      runs.push({ round: r + 1, ...rec, test: t, impl, impl_name: impl });
      line.push(`${LABEL[impl]} ${Math.round(rec.rate)}`);
    }
    console.log(`  round ${r + 1} ${t}: ${line.join(', ')}`);
  }
}

// ---- summarize ---------------------------------------------------------------
const summary = {};
for (const t of testNames) {
  const med = {}, spread = {};
  for (const impl of IMPLS) {
    const rates = runs.filter((x) => x.test === t && x.impl === impl && !x.error).map((x) => x.rate);
    med[impl] = rates.length ? median(rates) : null;
    spread[impl] = rates.length ? [Math.min(...rates), Math.max(...rates)] : null;
  }
  const mk = (v) => {
    const ratio = (a, b) => (v[a] && v[b] ? v[a] / v[b] : null);
    return { 'wasock/C': ratio('wasock', 'c'), 'wasock/CPython': ratio('wasock', 'cpython'),
      'CPython/C': ratio('cpython', 'c'), 'addon/C': ratio('addon', 'c') };
  };
  const best = Object.fromEntries(IMPLS.map((i) => [i, spread[i] ? spread[i][1] : null]));
  const ratios = mk(med), ratiosBest = mk(best);
  const targets = TESTS[t].targets.map((g) => {
    const v = med.wasock && med.c && med.cpython ? g.check(med) : null;
    return { target: g.name, value: v,
      status: v === null ? 'n/a' : (g.strict ? v > g.min : v >= g.min) ? 'PASS' : 'MISS' };
  });
  summary[t] = { unit: TESTS[t].unit, params: params[t], median: med, min_max: spread, ratios,
    best: best, ratios_best: ratiosBest, targets,
    design_reference: TESTS[t].reference ?? null };
}

const fmt = (v) => (v === null || v === undefined ? '-' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const fr = (v) => (v === null ? '-' : v.toFixed(3));
const pad = (s, n) => String(s).padStart(n);
console.log('');
console.log(`medians (and best) of ${rounds} rounds (${opt.quick ? 'quick' : 'full'} sizes)`);
const cols = IMPLS.map((i) => LABEL[i]);
console.log(`${'test'.padEnd(20)}${'unit'.padStart(14)}${cols.map((c) => pad(c, 10)).join('')}` +
  `${pad('wasock/C', 10)}${pad('wasock/Py', 11)}${pad('Py/C', 8)}`);
for (const [label, key, rkey] of [['', 'median', 'ratios'], [' best', 'best', 'ratios_best']]) {
  for (const t of testNames) {
    const s = summary[t];
    console.log(`${(t + label).padEnd(20)}${pad(s.unit, 14)}${IMPLS.map((i) => pad(fmt(s[key][i]), 10)).join('')}` +
      `${pad(fr(s[rkey]['wasock/C']), 10)}${pad(fr(s[rkey]['wasock/CPython']), 11)}${pad(fr(s[rkey]['CPython/C']), 8)}`);
  }
}
console.log('(rows "best" = fastest round of each implementation, less sensitive to other load on the machine)');
console.log('');
for (const t of testNames) {
  for (const g of summary[t].targets) console.log(`${t.padEnd(14)} ${g.target.padEnd(20)} ${fr(g.value).padStart(6)}  ${g.status}`);
}
console.log('');
console.log('bulk receiver: pthread (C), threading.Thread (CPython), worker_threads.Worker in the same process ' +
  '(wasock, addon), sync via SharedArrayBuffer/Atomics; timed after a warm-up until the receiver has every byte.');
if (opt.addon) console.log('addon* = the same loops calling the raw N-API addon (reference ceiling, not a target).');
if (testNames.some((t) => t.startsWith('sendfile'))) {
  console.log('sendfile: every sender makes one sendfile(2) call per GiB (the kernel does the work); the receiver, ' +
    "each implementation's own recv_into loop, is the only user-space work left, so it sets the rate; " +
    'sendfile_sink: the same senders to one receiver, a C process, so that only the senders differ.');
}
const load1 = loadavg();
console.log(`load avg at end ${load1.map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cpus); DESIGN.md reference: ` +
  testNames.filter((t) => TESTS[t].reference)
    .map((t) => `${t} C ${TESTS[t].reference.c} / CPython ${TESTS[t].reference.cpython}`).join('; '));
for (const n of notes) console.log(`note: ${n}`);

const out = {
  date: new Date().toISOString(), mode: opt.quick ? 'quick' : 'full', rounds, tests: testNames,
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, loadavg_start: load0, loadavg_end: load1,
    node: process.version, python: pyVersion, cc: ccVersion },
  bulk_receiver: { c: 'pthread', cpython: 'threading.Thread', wasock: 'worker_threads.Worker', addon: 'worker_threads.Worker' },
  summary, runs, notes,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`saved bench/results/latest.json`);
