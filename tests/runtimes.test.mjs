// The same package on Deno 2 and Bun 1: the smoke suite (tests/lib/runtime-smoke.mjs) and
// five whole test files of the Node suite (RUNTIME_FILES), run unchanged on each runtime
// (tests/lib/runtimes.mjs finds them). A runtime that is not installed is skipped, saying so,
// except in CI (.ci/run installs both).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, freePort } from './lib/helpers.mjs';
import { available, runtimes } from './lib/runtimes.mjs';

const smoke = join(ROOT, 'tests', 'lib', 'runtime-smoke.mjs');
const RUNTIME_FILES = ['promises.test.mjs', 'streams.test.mjs', 'socket.test.mjs', 'unix.test.mjs', 'makefile.test.mjs'];

for (const [name, rt] of Object.entries(runtimes)) {
  if (!available(rt)) {
    if (process.env.CI) {
      test(`${name}: installed (CI runs the smoke suite on every runtime)`, () => {
        assert.unreachable(`${name} not found: .ci/run installs it with npm run runtimes`);
      });
      continue;
    }
    console.log(`runtimes: ${name} not installed (npm run runtimes, or ${rt.env}=path): skipped`);
    test.skip(`${name}: smoke suite (sync and Promise echo, names, a stream, raw ping, netlink dump)`, () => {});
    continue;
  }
  test(`${name}: smoke suite (sync and Promise echo, names, a stream, raw ping, netlink dump)`, () => {
    const r = spawnSync(rt.bin, [...rt.args, smoke], { encoding: 'utf8', timeout: 60000, cwd: ROOT });
    assert.ok(r.status === 0 && r.stdout.includes('SMOKE OK'), `${name} exit ${r.status}: ${r.stderr}\n${r.stdout}`);
  });
  // Deno lets the addon in with --allow-ffi; the library itself keeps --allow-net's meaning.
  if (name === 'deno') {
    test('deno: --allow-net=127.0.0.1:PORT allows that address only (connect, bind, sendto, lookups)', async () => {
      const port = await freePort();
      const r = spawnSync(rt.bin, ['run', '--allow-ffi', '--allow-read', '--allow-env', `--allow-net=127.0.0.1:${port}`,
        join(ROOT, 'tests', 'lib', 'deno-net-permission.mjs'), String(port)], { encoding: 'utf8', timeout: 60000, cwd: ROOT });
      assert.is(r.status, 0, r.stderr);
      const flag = `--allow-net=127.0.0.1:${port + 1})`;
      assert.equal(r.stdout.trim().split('\n'), [
        'granted connect: 3 bytes',
        `connect elsewhere: EACCES connect ${flag}`,
        `connect_ex elsewhere: EACCES connect_ex ${flag}`,
        `bind elsewhere: EACCES bind ${flag}`,
        `sendto elsewhere: EACCES sendto ${flag}`,
        'getaddrinfo of a name: EACCES getaddrinfo --allow-net=localhost:80)',
        'gethostbyname: EACCES gethostbyname --allow-net=localhost)',
        'create_connection granted: allowed',
        `promises connect: EACCES --allow-net=[::1]:${port + 1})`,
      ]);
    });
  }
  // Beyond the smoke: whole test files of the Node suite, unchanged, on this
  // runtime (those that need nothing of Node's own CLI, such as \`node -e\`).
  for (const file of RUNTIME_FILES) {
    test(`${name}: tests/${file} passes whole`, () => {
      const r = spawnSync(rt.bin, [...rt.args, join(ROOT, 'tests', file)], { encoding: 'utf8', timeout: 120000, cwd: ROOT });
      const total = /Total:\s+(\d+)/.exec(r.stdout)?.[1];
      const passed = /Passed:\s+(\d+)/.exec(r.stdout)?.[1];
      assert.ok(r.status === 0 && total !== undefined && total === passed && Number(total) > 0,
        `${name} ${file}: exit ${r.status}, ${passed}/${total}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    });
  }
}

test.run();
