// Draws docs/bench.svg from bench/results/*.json: one bar per benchmark target
// (the measured ratio, e.g. wasock/C), a mark at the target, green when met
// and red when missed. Rows are grouped by the runtime they ran on (Node, then
// Deno and Bun: bench/async-run.mjs's per-runtime rows), each group headed by
// the runtime's version; rows without a runtime (bench/run.mjs's) are Node's.
// Where a row also measured the runtime's native API, its ratio to that follows
// the bar. Hand-written SVG, no dependencies.
//
//   node bench/chart.mjs [--out docs/bench.svg]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const oi = process.argv.indexOf('--out');
const out = oi >= 0 ? process.argv[oi + 1] : join(root, 'docs', 'bench.svg');
const dir = join(here, 'results');

// Rows: { runtime, label, value, min, status, native } from every results file that has them.
const rows = [];
const dates = [];
const versions = {};
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  let d;
  try { d = JSON.parse(readFileSync(join(dir, f), 'utf8')); } catch { continue; }
  if (!d.summary) continue;
  if (d.date) dates.push(`${f} ${d.date.slice(0, 10)} (${d.mode ?? ''}, ${d.rounds ?? '?'} rounds)`);
  Object.assign(versions, d.node ? { node: d.node } : {}, d.versions);
  for (const [test, s] of Object.entries(d.summary)) {
    const targets = Array.isArray(s.targets) ? s.targets : s.target ? [s.target] : [];
    for (const t of targets) {
      if (typeof t.value !== 'number') continue;
      const m = /([<>]=?)\s*([0-9.]+)x/.exec(t.target) ?? /(>)\s*(CPython)/.exec(t.target);
      const min = m ? (Number(m[2]) || 1) : 1;
      const first = t.target.split(' ')[0];
      rows.push({ runtime: s.runtime ?? 'node', label: `${s.title ?? test}: ${t.target}`, value: t.value, min,
        status: t.status, native: s.ratios?.[`${first}/native`] });
    }
  }
}
if (!rows.length) {
  console.error('bench/chart.mjs: no targets in bench/results/*.json (run npm run bench first)');
  process.exit(1);
}

// Groups in this order, then any other runtime a file names.
const NAMES = { node: 'Node', deno: 'Deno', bun: 'Bun' };
const order = [...new Set([...Object.keys(NAMES), ...rows.map((r) => r.runtime).sort()])];
const groups = order.map((rt) => [rt, rows.filter((r) => r.runtime === rt)]).filter(([, rs]) => rs.length);
const lines = groups.flatMap(([rt, rs]) => [{ heading: `${NAMES[rt] ?? rt} ${versions[rt] ?? ''}`.trim() }, ...rs]);

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// About 6.2 px a character at 12 px sans-serif: the label column fits the longest label.
const LABEL_W = Math.max(400, Math.ceil(Math.max(...rows.map((r) => r.label.length)) * 6.2) + 24);
const BAR_W = 360, ROW_H = 26, TOP = 62, PAD = 12, VALUE_W = 170;
const maxV = Math.max(1.5, ...rows.map((r) => Math.min(r.value, 3)), ...rows.map((r) => r.min));
const scale = (v) => (Math.min(v, maxV) / maxV) * BAR_W;
const bottom = TOP + lines.length * ROW_H;
const W = LABEL_W + BAR_W + VALUE_W, H = bottom + 24 + dates.length * 14 + PAD;
const x0 = LABEL_W;
const parts = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
  `font-family="sans-serif" font-size="12">`);
parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
parts.push(`<text x="${PAD}" y="20" font-size="15" font-weight="bold">wasock benchmarks: measured ratio vs target</text>`);
parts.push(`<text x="${PAD}" y="36" fill="#555">bar = ratio measured (median of rounds); black mark = target; ` +
  `green met, red missed</text>`);
parts.push(`<text x="${PAD}" y="50" fill="#555">promises = wasock/promises, net = that runtime's node:net, ` +
  `native = its own API (Deno.connect, Bun.connect; ratio after the bar)</text>`);
for (let t = 0; t <= maxV + 1e-9; t += 0.5) {
  const x = x0 + scale(t);
  parts.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
  parts.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle" fill="#555">${t.toFixed(1)}x</text>`);
}
lines.forEach((r, i) => {
  const y = TOP + i * ROW_H;
  if (r.heading) {
    parts.push(`<rect x="0" y="${y + 2}" width="${W}" height="${ROW_H - 4}" fill="#eef2f7"/>`);
    parts.push(`<text x="${PAD}" y="${y + 17}" font-size="13" font-weight="bold">${esc(r.heading)}</text>`);
    return;
  }
  const ok = r.status === 'PASS';
  parts.push(`<text x="${x0 - 8}" y="${y + 16}" text-anchor="end">${esc(r.label)}</text>`);
  parts.push(`<rect x="${x0}" y="${y + 4}" width="${scale(r.value).toFixed(1)}" height="${ROW_H - 8}" ` +
    `fill="${ok ? '#3a9d5d' : '#d0504a'}"/>`);
  const tx = x0 + scale(r.min);
  parts.push(`<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + ROW_H - 1}" stroke="#000" stroke-width="2"/>`);
  const native = typeof r.native === 'number' ? ` (${r.native.toFixed(2)}x native)` : '';
  parts.push(`<text x="${x0 + scale(r.value) + 6}" y="${y + 16}">${r.value.toFixed(2)}x${r.value > maxV ? ' →' : ''}` +
    `<tspan fill="#555">${esc(native)}</tspan></text>`);
});
dates.forEach((d, i) => {
  parts.push(`<text x="${PAD}" y="${bottom + 34 + i * 14}" fill="#777" font-size="10">${esc(d)}</text>`);
});
parts.push('</svg>');
writeFileSync(out, parts.join('\n') + '\n');
console.log(`wrote ${out}: ${rows.length} rows in ${groups.length} runtime groups`);
