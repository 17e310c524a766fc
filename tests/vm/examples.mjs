// Builds examples/<name>.ts with esbuild into tests/.tmp/family-examples/ (inside the package,
// so `import 'wasock'` resolves by self-reference) and returns the .mjs paths.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/helpers.mjs';

const OUT = join(ROOT, 'tests', '.tmp', 'family-examples');

export async function buildExamples(...names) {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: names.map((n) => join(ROOT, 'examples', `${n}.ts`)),
    outdir: OUT, outExtension: { '.js': '.mjs' }, format: 'esm', platform: 'node', target: 'node20',
    bundle: true, external: ['wasock'], logLevel: 'silent',
  });
  return Object.fromEntries(names.map((n) => [n, join(OUT, `${n}.mjs`)]));
}
