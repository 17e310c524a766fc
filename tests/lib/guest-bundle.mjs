// Bundles parts of the library (ts-bindings/src/, the guest host's parts in
// guest/ by default) for tests that reach them directly: `source` is an ES
// module text of re-exports relative to that folder; the addon is loaded from
// its source build.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

export async function bundleGuestParts(source, name, dir = 'guest') {
  const esbuild = await import('esbuild');
  const out = join(ROOT, 'tests', '.tmp', `${name}.mjs`);
  mkdirSync(join(ROOT, 'tests', '.tmp'), { recursive: true });
  const addonPath = join(ROOT, 'ts-bindings', 'native', 'build', 'Release', 'wasock.node');
  await esbuild.build({
    stdin: { contents: source, resolveDir: join(ROOT, 'ts-bindings', 'src', dir), loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'error',
    plugins: [{
      name: 'addon-here',
      setup(b) {
        b.onResolve({ filter: /native\.js$/ }, () => ({ path: 'native', namespace: 'addon-here' }));
        b.onLoad({ filter: /.*/, namespace: 'addon-here' }, () => ({
          contents: `import { createRequire } from 'node:module';\nexport const addon = createRequire(import.meta.url)(${JSON.stringify(addonPath)});`,
          loader: 'js',
        }));
      },
    }],
  });
  return import(out);
}
