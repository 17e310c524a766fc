// The core's sync op loop (core-c/src/sock_call.c, wsk_sock_call) on the paths
// timeout.test.mjs leaves out: an operation that waits and then succeeds
// (recv, recvfrom), and connect's form of the loop (WSK_CALL_CONNECT) timing
// out while the kernel never answers, or reading the outcome once writable. CPython 3.11 is
// the reference for every outcome. Time bounds are generous: only "not too
// early, not forever".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { spawn } from 'node:child_process';
import { E, Pool, bytes, text, listener, tcpPair } from './lib/helpers.mjs';

const pool = new Pool();
test.after.each(() => pool.close());

function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// A child process (plain node:net) connects to port, or sends one datagram to
// it, after `delay` ms; the sync API blocks this thread meanwhile. A TCP child
// ends only after this side closes, so a test never awaits it first.
const LATE = `
const [port, delay, kind] = process.argv.slice(1);
setTimeout(() => {
  if (kind === 'udp') {
    const d = require('node:dgram').createSocket('udp4');
    d.send('late', Number(port), '127.0.0.1', () => d.close());
  } else {
    const c = require('node:net').connect(Number(port), '127.0.0.1', () => c.end('late'));
    c.on('error', () => process.exit(2));
  }
}, Number(delay));
`;

function late(port, delay, kind = 'tcp') {
  const child = spawn(process.execPath, ['-e', LATE, String(port), String(delay), kind], { stdio: 'ignore' });
  return { child, done: new Promise((resolve) => child.on('close', resolve)) };
}

test('timeout mode: recv waits in the loop, then returns what arrives', () => {
  const l = pool.add(listener());
  l.settimeout(20);
  const { child } = late(l.getsockname()[1], 300);
  try {
    const [a] = l.accept();
    pool.add(a);
    a.settimeout(10);
    const t0 = process.hrtime.bigint();
    assert.is(text(a.recv(16)), 'late');
    assert.ok(seconds(t0) < 9, 'woke on readiness, not at the deadline');
  } finally {
    child.kill();
  }
});

test('timeout mode: recvfrom on UDP waits, then returns the datagram and its sender', async () => {
  const u = pool.add(socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
  u.bind(['127.0.0.1', 0]);
  u.settimeout(10);
  const t0 = process.hrtime.bigint();
  const { child, done } = late(u.getsockname()[1], 300, 'udp');
  try {
    const [data, addr] = u.recvfrom(16);
    assert.is(text(data), 'late');
    assert.is(addr[0], '127.0.0.1');
    assert.ok(seconds(t0) >= 0.2 && seconds(t0) < 9, `took ${seconds(t0)} s`);
    await done;
  } finally {
    child.kill();
  }
});

test('connect with a timeout to a listener whose queue is full raises socket.timeout; connect_ex returns EAGAIN', () => {
  const l = pool.add(socket.socket());
  l.bind(['127.0.0.1', 0]);
  l.listen(0);
  // Linux queues backlog + 1 connections and then drops the SYNs, so a
  // connect in timeout mode waits for writability until its deadline.
  let err;
  let dt = 0;
  for (let i = 0; i < 8 && !err; i++) {
    const c = pool.add(socket.socket());
    c.settimeout(0.3);
    const t0 = process.hrtime.bigint();
    try {
      c.connect(l.getsockname());
    } catch (e) {
      err = e;
      dt = seconds(t0);
    }
  }
  assert.ok(err instanceof socket.timeout, `expected socket.timeout, got ${err}`);
  assert.is(err.message, 'timed out');
  assert.ok(dt >= 0.25 && dt < 5, `took ${dt} s`);
  const c = pool.add(socket.socket());
  c.settimeout(0.3);
  assert.is(c.connect_ex(l.getsockname()), E.EAGAIN);
});

test('non-blocking connect is one attempt: EINPROGRESS, then the outcome once writable', () => {
  const l = pool.add(listener());
  const c = pool.add(socket.socket());
  c.setblocking(false);
  const r = c.connect_ex(l.getsockname());
  assert.ok(r === 0 || r === E.EINPROGRESS, `connect_ex gave ${r}`);
  c.settimeout(5);
  c.sendall(bytes('x'));
  const [a] = l.accept();
  pool.add(a);
  assert.is(text(a.recv(1)), 'x');
});

test.run();
