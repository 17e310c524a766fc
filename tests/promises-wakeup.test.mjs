// Readiness under load, on every readiness backend and runtime: Node on libuv's uv_poll, Node on
// the addon's epoll backend (WASOCK_POLL=thread, which Deno and Bun use), Deno and Bun. Each case
// runs tests/lib/wakeup-child.mjs in its own process:
//  - no lost wake-up: 1,000 connections exchanging messages after random delays (data already
//    queued when a wait starts, waits before the data, both ends on one loop) all complete;
//  - an idle process sleeps: 1,000 connections with a recv pending on both ends cost under 1%
//    of a core (the child's CPU time over 5 s, from /proc, every thread counted);
//  - a descriptor closed behind the Promise API's back while a recv waits on it (through the
//    sync API's socket.close(fd), or by close(2) itself) rejects that recv with EBADF;
//  - on the epoll backend, a registration stays armed when the loop was parked and the helper
//    thread woke it: recvs that each wait through a park make no epoll_ctl that disarms
//    (counted with strace), where disarming after each wake-up cost one to disarm and one to
//    re-arm per wait;
//  - on the epoll backend, a peer in another process that answers at once is met by the loop
//    itself (few parks), and a peer that answers after 2 ms is met through parks with the loop
//    asleep meanwhile (no turns that poll and find nothing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, ROOT } from './lib/helpers.mjs';
import { available, runtimes } from './lib/runtimes.mjs';

const child = join(ROOT, 'tests', 'lib', 'wakeup-child.mjs');
const CONNS = 1000;
const IDLE_SECONDS = 5;
// After the connections are made: the runtime's own after-work (a collection, compilation) settles.
const SETTLE_MS = 1000;

const runners = {
  'node (uv_poll)': { cmd: [process.execPath], env: { WASOCK_POLL: '' } },
  'node (epoll backend)': { cmd: [process.execPath], env: { WASOCK_POLL: 'thread' } },
};
for (const [name, rt] of Object.entries(runtimes)) {
  if (available(rt)) runners[name] = { cmd: [rt.bin, ...rt.args], env: {} };
  else if (process.env.CI) runners[name] = null;
  else console.log(`promises-wakeup: ${name} not installed (npm run runtimes, or ${rt.env}=path): its cases skipped`);
}

// The child's user + system CPU time so far, in seconds (every thread).
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime (fields 14, 15)
}

for (const [name, r] of Object.entries(runners)) {
  if (r === null) {
    test(`${name}: installed (CI runs every runtime)`, () => assert.unreachable(`${name} not found`));
    continue;
  }
  const env = { ...process.env, ...r.env };
  const run = (...args) => spawnSync(r.cmd[0], [...r.cmd.slice(1), child, ...args],
    { encoding: 'utf8', env, cwd: ROOT, timeout: 120000 });

  test(`${name}: no lost wake-up, ${CONNS} connections with random delays`, () => {
    const res = run('storm', String(CONNS), '3');
    assert.is(res.signal, null, `killed (a lost wake-up hangs): ${res.stderr}`);
    assert.is(res.status, 0, res.stderr);
    assert.is(res.stdout.trim(), `done ${CONNS * 3}`);
  });

  test(`${name}: ${CONNS} idle connections with pending recvs use < 1% of a core`, async () => {
    const p = spawn(r.cmd[0], [...r.cmd.slice(1), child, 'idle', String(CONNS)], { env, cwd: ROOT });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    try {
      await new Promise((resolve, reject) => {
        let out = '';
        p.stdout.on('data', (d) => ((out += d), out.includes('idle') && resolve()));
        p.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
      });
      await new Promise((res) => setTimeout(res, SETTLE_MS));
      const c0 = cpuSeconds(p.pid), t0 = performance.now();
      await new Promise((res) => setTimeout(res, IDLE_SECONDS * 1000));
      const c1 = cpuSeconds(p.pid), wall = (performance.now() - t0) / 1000;
      const share = (c1 - c0) / wall;
      assert.ok(share < 0.01, `idle CPU ${(100 * share).toFixed(2)}% of a core over ${wall.toFixed(1)} s`);
    } finally {
      p.kill();
    }
  });

  if (!name.includes('uv_poll')) {
    test(`${name}: a wait woken through a park leaves its registration armed (no disarming epoll_ctl)`, () => {
      const ROUNDS = 40;
      const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
      if (strace.status !== 0) {
        if (process.env.CI) assert.unreachable('strace not found: .ci/run installs it');
        console.log('promises-wakeup: strace not installed: the epoll_ctl count is skipped');
        return;
      }
      const res = spawnSync('strace', ['-f', '-qq', '-e', 'trace=epoll_ctl', '--', r.cmd[0], ...r.cmd.slice(1), child,
        'parked', String(ROUNDS)], { encoding: 'utf8', env, cwd: ROOT, timeout: 120000 });
      assert.is(res.status, 0, res.stderr.slice(-2000));
      assert.is(res.stdout.trim(), `done ${ROUNDS}`);
      const calls = res.stderr.split('\n').filter((l) => l.includes('epoll_ctl('));
      // The positive control: strace saw the backend's registrations and re-arms of its park.
      assert.ok(calls.some((l) => /EPOLL_CTL_ADD, \d+, \{events=EPOLLIN[,}]/.test(l)), 'no registration seen');
      const disarms = calls.filter((l) => /EPOLL_CTL_MOD, \d+, \{events=0[,}]/.test(l)).length;
      assert.ok(disarms < ROUNDS / 4, `${disarms} disarming epoll_ctl in ${ROUNDS} parked waits`);
    });
  }

  if (!name.includes('uv_poll')) {
    // N round trips with tests/lib/echo-peer.py, which answers after delayMs.
    const withPeer = async (delayMs, n) => {
      const py = spawn(PYTHON, [join(ROOT, 'tests', 'lib', 'echo-peer.py'), String(delayMs)]);
      try {
        const port = await new Promise((resolve, reject) => {
          let out = '';
          py.stdout.on('data', (d) => ((out += d), out.includes('\n') && resolve(out.trim())));
          py.on('exit', (code) => reject(new Error(`echo-peer.py exited ${code}`)));
        });
        const res = run('peer', port, String(n));
        assert.is(res.status, 0, res.stderr);
        return JSON.parse(res.stdout);
      } finally {
        py.kill();
      }
    };

    test(`${name}: a peer in another process that answers at once is met on the loop, not through a park`, async () => {
      const N = 2000;
      const r = await withPeer(0, N);
      assert.is(r.done, N);
      // Parked at every wait, each answer would cost a wake-up of the helper thread and one of
      // this thread: N parks. Waiting on the loop a little while answers come quickly, few.
      assert.ok(r.parks < N / 4, `${r.parks} parks in ${N} round trips`);
    });

    test(`${name}: a peer that answers after 2 ms: the loop parks at each wait and does not spin`, async () => {
      const N = 200;
      const r = await withPeer(2, N);
      assert.is(r.done, N);
      // The positive control: every answer came through a park.
      assert.ok(r.parks >= N * 0.9, `${r.parks} parks in ${N} round trips`);
      // Polling on the loop for answers that never come in time would cost the window's CPU
      // at each wait (about a hundred turns that find nothing): for a slow peer the loop stops
      // after the first.
      assert.ok(r.spins < 5 * N, `${r.spins} turns that polled and found nothing in ${N} round trips`);
    });
  }

  for (const how of ['sync', 'os']) {
    test(`${name}: a descriptor closed behind the Promise API's back (${how === 'sync' ? 'socket.close(fd)' : 'close(2)'}) rejects its waiting recv with EBADF`, () => {
      const res = run('closed', how);
      assert.is(res.signal, null, `killed (the recv never settled): ${res.stderr}`);
      assert.is(res.status, 0, res.stderr);
      assert.is(res.stdout.trim(), 'rejected errno 9');
    });
  }
}

test.run();
