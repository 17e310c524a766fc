// Descriptor hygiene: open/close, accept/connect, failed calls, makefile and dup cycles
// leave the count of /proc/self/fd entries flat; sockets dropped without close() are
// closed by the garbage collector (checked in a child run with --expose-gc).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, fdCount, closedPort, bytes } from './lib/helpers.mjs';

// Allow one or two descriptors of slack for anything Node itself opens meanwhile.
const SLACK = 2;

function flat(label, cycles, fn) {
  fn(); // warm-up: lazily opened descriptors are not leaks
  const before = fdCount();
  for (let i = 0; i < cycles; i++) fn(i);
  const after = fdCount();
  assert.ok(after <= before + SLACK, `${label}: ${before} fds before, ${after} after ${cycles} cycles`);
}

test('10k socket open/close cycles leave the fd count flat', () => {
  flat('socket/close', 10000, (i = 0) => {
    socket.socket(socket.AF_INET, i % 2 ? socket.SOCK_DGRAM : socket.SOCK_STREAM).close();
  });
});

test('1k accept/connect cycles leave the fd count flat', () => {
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen(16);
  const addr = l.getsockname();
  try {
    flat('accept/connect', 1000, () => {
      const c = socket.socket();
      c.connect(addr);
      const [a] = l.accept();
      c.sendall(bytes('x'));
      a.recv(1);
      a.close();
      c.close();
    });
  } finally {
    l.close();
  }
});

test('1k socketpair cycles leave the fd count flat', () => {
  flat('socketpair', 1000, () => {
    const [a, b] = socket.socketpair();
    a.close();
    b.close();
  });
});

test('failed connects (refused) and create_connection failures do not leak', () => {
  const port = closedPort();
  flat('connect_ex refused', 300, () => {
    const s = socket.socket();
    s.connect_ex(['127.0.0.1', port]);
    s.close();
  });
  flat('create_connection refused', 300, () => {
    try {
      socket.create_connection(['127.0.0.1', port]);
    } catch (e) {
      if (!(e instanceof socket.error)) throw e;
    }
  });
});

test('failed socket() calls do not leak', () => {
  flat('socket EAFNOSUPPORT', 500, () => {
    try {
      socket.socket(-5);
    } catch (e) {
      if (!(e instanceof socket.error)) throw e;
    }
  });
});

test('dup / fromfd / makefile cycles do not leak', () => {
  const s = socket.socket();
  try {
    flat('dup', 500, () => s.dup().close());
    flat('fromfd', 500, () => socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM).close());
    flat('makefile', 500, () => s.makefile('rwb').close());
  } finally {
    s.close();
  }
});

test('Symbol.dispose cycles do not leak', () => {
  flat('dispose', 1000, () => socket.socket()[Symbol.dispose]());
});

test('sockets dropped without close() are closed by the garbage collector', () => {
  const script = join(ROOT, 'tests', 'lib', 'gc-child.mjs');
  const out = execFileSync(process.execPath, ['--expose-gc', script, '300'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60000,
  });
  const { before, opened, after } = JSON.parse(out);
  assert.ok(opened >= before + 300, `the child opened ${opened - before} fds, expected >= 300`);
  assert.ok(after <= before + SLACK, `after gc: ${after} fds (before ${before}, while open ${opened})`);
});

test.run();
