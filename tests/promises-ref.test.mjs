// Node's ref()/unref() on Promise API sockets: a pending operation keeps the process alive
// only while its socket is ref'd, on both readiness backends (uv_poll, the epoll thread).
// Each case runs tests/lib/unref-child.mjs in its own process: one that should stay alive is
// still running when killed after a while; one that should not exits by itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/helpers.mjs';

const child = join(ROOT, 'tests', 'lib', 'unref-child.mjs');

function run(mode, poll, killAfterMs) {
  const env = { ...process.env, WASOCK_POLL: poll === 'thread' ? 'thread' : '' };
  return spawnSync(process.execPath, [child, mode], { encoding: 'utf8', env, cwd: ROOT, timeout: killAfterMs });
}

for (const poll of ['uv', 'thread']) {
  test(`${poll}: a pending accept keeps the process alive; after unref() it does not`, () => {
    const held = run('ref', poll, 1500);
    assert.is(held.signal, 'SIGTERM', `a ref'd wait keeps the process alive: ${held.status} ${held.stderr}`);
    assert.is(held.stdout.trim(), 'waiting');
    for (const mode of ['unref', 'unref-timeout', 'late-unref']) {
      const r = run(mode, poll, 20000);
      assert.is(r.signal, null, `${mode}: the process exits by itself`);
      assert.is(r.status, 0, r.stderr);
      assert.is(r.stdout.trim(), 'waiting', mode);
    }
  });

  test(`${poll}: ref() after unref() holds again; an unref'd wait still completes`, () => {
    const held = run('unref-ref', poll, 1500);
    assert.is(held.signal, 'SIGTERM', 'ref() again keeps the process alive');
    const r = run('unref-lives', poll, 20000);
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n'), ['waiting', 'accepted']);
  });
}

test.run();
