// Where Deno 2 and Bun 1 are, for the tests and benchmarks that run the package on them.
// They come from the npm registry, on request only (`npm run runtimes`: the 'deno' and 'bun'
// packages, not devDependencies; their binaries are in the platform packages
// @deno/linux-x64-glibc, @oven/bun-linux-x64, and bun's postinstall moves its binary to
// node_modules/bun/bin/bun.exe); WASOCK_DENO / WASOCK_BUN name a binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function find(env, candidates) {
  if (process.env[env]) return process.env[env];
  for (const c of candidates) if (existsSync(c)) return c;
  const r = spawnSync('sh', ['-c', `command -v ${candidates.at(-1).split('/').pop()}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// { deno, bun }: the binary (null when not found) and the arguments that run a script file.
export const runtimes = {
  deno: { bin: find('WASOCK_DENO', [join(ROOT, 'node_modules/@deno/linux-x64-glibc/deno'), join(ROOT, 'node_modules/.bin/deno')]),
    args: ['run', '-A'], env: 'WASOCK_DENO' },
  bun: { bin: find('WASOCK_BUN', [join(ROOT, 'node_modules/bun/bin/bun.exe'),
    join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun'), join(ROOT, 'node_modules/.bin/bun')]),
    args: ['run'], env: 'WASOCK_BUN' },
};

// Whether the runtime's binary runs (`--version`).
export function available(rt) {
  const probe = rt.bin && spawnSync(rt.bin, ['--version'], { encoding: 'utf8' });
  return !!probe && probe.status === 0;
}
