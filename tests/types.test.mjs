// The published declarations (dist/*.d.ts, written by `make`) as a TypeScript consumer meets
// them: the programs in tests/types/ import 'wasock' and 'wasock/promises' through package.json's
// "exports" and must compile under `tsc --strict` with the declarations themselves checked
// (skipLibCheck false). Their `// @ts-expect-error` lines are the misuses that must not compile;
// a second compile of copies without those comments proves each one fails, on its own line.
// That compile also checks that both entry points export every type of ts-bindings/src/lib/types.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = join(ROOT, 'tests', 'types');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const show = (r) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`;

function tsc(project) {
  return spawnSync(TSC, ['-p', project, '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', timeout: 180000 });
}

// tsc's diagnostics as { file (relative to ROOT), line, code, text }.
function diagnostics(out) {
  const found = [];
  for (const l of out.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(l);
    if (m) found.push({ file: relative(ROOT, join(ROOT, m[1])), line: Number(m[2]), code: m[3], text: m[4] });
  }
  return found;
}

const EXPECT = /^\s*\/\/ @ts-expect-error\b/;
const programs = readdirSync(TYPES).filter((f) => f.endsWith('.ts') && f !== 'helpers.ts').sort();

test('the declarations are built', () => {
  for (const f of ['index.d.ts', 'promises.d.ts', 'lib/types.d.ts']) {
    assert.ok(existsSync(join(ROOT, 'dist', f)), `dist/${f} is missing: run make`);
  }
});

test('tests/types compiles: tsc --strict, noEmit, skipLibCheck false', () => {
  const config = readFileSync(join(TYPES, 'tsconfig.json'), 'utf8');
  assert.match(config, /"strict":\s*true/);
  assert.match(config, /"skipLibCheck":\s*false/);
  assert.match(config, /"noEmit":\s*true/);
  const r = tsc(join(TYPES, 'tsconfig.json'));
  assert.is(r.status, 0, show(r));
});

// The examples are what a reader copies first: they compile against the same declarations.
test('examples/*.ts compile against the declarations (strict)', () => {
  const tmp = join(ROOT, 'tests', '.tmp', 'types-examples');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({
    extends: relative(tmp, join(TYPES, 'tsconfig.json')),
    include: [join(relative(tmp, join(ROOT, 'examples')), '*.ts')],
  }));
  const r = tsc(join(tmp, 'tsconfig.json'));
  assert.is(r.status, 0, show(r));
  assert.ok(readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.ts')).length >= 5);
});

test('the programs import the package by name and cover both APIs', () => {
  const all = programs.map((f) => readFileSync(join(TYPES, f), 'utf8')).join('\n');
  assert.match(all, /from 'wasock'/);
  assert.match(all, /from 'wasock\/promises'/);
  // The required misuses, each under a @ts-expect-error.
  for (const line of [/^\s*a\.bind\(12345\);/m, /^\s*a\.settimeout\('soon'\);/m, /^\s*a\.sendto\('str', /m,
    /^\s*a\.connect\(\['127\.0\.0\.1', '80'\]\);/m, /^\s*const asText: string = a\.recvfrom\(10\);/m]) {
    assert.match(all, new RegExp(`// @ts-expect-error[^\\n]*\\n${line.source.slice(1)}`, 'm'));
  }
});

test('each @ts-expect-error line fails to compile without its comment, and nothing else does', () => {
  const tmp = join(ROOT, 'tests', '.tmp', `types-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const expected = new Map(); // copied file -> the lines that must fail
    for (const f of programs) {
      const lines = readFileSync(join(TYPES, f), 'utf8').split('\n');
      const fail = [];
      // The comment becomes an empty line, so every line keeps its number.
      const stripped = lines.map((l, i) => {
        if (!EXPECT.test(l)) return l;
        fail.push(i + 2);
        return '';
      });
      if (fail.length === 0) continue;
      writeFileSync(join(tmp, f), stripped.join('\n'));
      expected.set(relative(ROOT, join(tmp, f)), fail);
    }
    assert.ok(expected.size >= 2, 'both programs have @ts-expect-error lines');
    copyFileSync(join(TYPES, 'helpers.ts'), join(tmp, 'helpers.ts'));
    // Every type types.ts declares, imported by name from both entry points.
    const names = [...readFileSync(join(ROOT, 'ts-bindings', 'src', 'lib', 'types.ts'), 'utf8')
      .matchAll(/^export type (\w+)/gm)].map((m) => m[1]);
    assert.ok(names.includes('Address') && names.includes('AddrInfo'), names.join(' '));
    writeFileSync(join(tmp, 'exports.ts'), ['wasock', 'wasock/promises'].map((from, i) =>
      `import type { ${names.map((n) => `${n} as ${n}${i}`).join(', ')} } from '${from}';\n` +
      `export type All${i} = [${names.map((n) => `${n}${i}`).join(', ')}];\n`).join(''));
    writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({
      extends: relative(tmp, join(TYPES, 'tsconfig.json')),
      files: [...expected.keys()].map((f) => relative(tmp, join(ROOT, f))).concat('exports.ts'),
      include: [],
    }, null, 2));
    const r = tsc(join(tmp, 'tsconfig.json'));
    assert.is.not(r.status, 0, show(r));
    const found = diagnostics(r.stdout + r.stderr);
    assert.ok(found.length > 0, show(r));
    for (const [file, lines] of expected) {
      const got = [...new Set(found.filter((d) => d.file === file).map((d) => d.line))].sort((x, y) => x - y);
      assert.equal(got, lines, `${file}: the lines with errors\n${show(r)}`);
    }
    const elsewhere = found.filter((d) => !expected.has(d.file));
    assert.equal(elsewhere, [], show(r));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
