// Bundles the library's entry points into dist/ (ESM, code splitting, so that 'wasock' and
// 'wasock/promises' share one copy of the library: one core instance, one set of exception
// classes), with Python's constants kept as a module of their own, dist/constants.js, which the
// bundles import at run time.
//
// Why the constants stay apart: bundled, the thousand names became a chunk's variables that
// index.js imported and re-exported name by name, and V8 took about as long to link those lists
// as for the rest of `import('wasock')`. A module of 1,100 `export const`, re-exported with
// `export *`, imports in about half the time of the same names imported and re-exported by name.
//
//   node tools/bundle.mjs OUTDIR ENTRY.ts...
import { build } from 'esbuild';
import { appendFileSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const [outdir, ...entries] = process.argv.slice(2);
const CONSTANTS = resolve('ts-bindings/src/host/constants.generated.ts');
// Every chunk sits in OUTDIR itself, so one relative path names the module from all of them.
const CONSTANTS_OUT = './constants.js';
const STAR_IN = "export * from './host/constants.generated.js';";
const STAR_OUT = `export * from "${CONSTANTS_OUT}";`;

const constantsApart = {
  name: 'constants-apart',
  setup(b) {
    b.onResolve({ filter: /constants\.generated\.js$/ }, (a) =>
      resolve(a.resolveDir, a.path.replace(/\.js$/, '.ts')) === CONSTANTS ? { path: CONSTANTS_OUT, external: true } : undefined);
  },
};

const common = { platform: 'node', format: 'esm', target: 'node20', outdir, logLevel: 'warning' };
await build({ ...common, entryPoints: entries, bundle: true, splitting: true, external: ['*.node'], plugins: [constantsApart] });
await build({ ...common, entryPoints: [{ in: CONSTANTS, out: 'constants' }] });

// esbuild drops an entry's `export *` of an external module when the entry's own code went to a
// shared chunk (index.ts does: promises.ts imports it). Each entry whose source re-exports the
// constants gets the line back.
for (const entry of entries) {
  if (!readFileSync(entry, 'utf8').includes(STAR_IN)) continue;
  const out = join(outdir, basename(entry).replace(/\.ts$/, '.js'));
  if (!readFileSync(out, 'utf8').includes(STAR_OUT)) appendFileSync(out, `${STAR_OUT}\n`);
}
