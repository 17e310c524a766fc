// CPython 3.11's CreateServerTest and CreateServerFunctionalTest
// (Lib/test/test_socket.py), ported case by case, each run on both APIs:
// 'wasock' (sync) and 'wasock/promises' (its create_server returns the socket
// directly: nothing in it waits). Translation as in cpython_socket.test.mjs:
// keyword arguments -> trailing positionals, ValueError -> RangeError.
// Plus what CPython's socket.py does that its tests leave out, checked on
// /usr/bin/python3: the bind error's message, the argument checks. Then
// CMSG_LEN/CMSG_SPACE and the four enums, compared with python3's answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as sync from 'wasock';
import * as promises from 'wasock/promises';
import { spawnSync } from 'node:child_process';
import { LOOPBACK_TIMEOUT, find_unused_port } from './lib/cpython-support.mjs';
import { fdCount } from './lib/helpers.mjs';

const APIS = [['sync', sync], ['promises', promises]];
const py = (code) => {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
};

// `with create_server(...) as sock:` — closed whatever happens.
async function withServer(sock, fn) {
  try { return await fn(sock); } finally { sock.close(); }
}

for (const [api, socket] of APIS) {
  // ---------------------------------------------------------- CreateServerTest

  test(`CreateServerTest.test_address [${api}]`, async () => {
    await withServer(socket.create_server(['127.0.0.1', 0]), (sock) => {
      assert.is(sock.getsockname()[0], '127.0.0.1');
    });
    await withServer(socket.create_server(['::1', 0], socket.AF_INET6), (sock) => {
      assert.is(sock.getsockname()[0], '::1');
    });
  });

  test(`CreateServerTest.test_family_and_type [${api}]`, async () => {
    await withServer(socket.create_server(['127.0.0.1', 0]), (sock) => {
      assert.is(sock.family, socket.AF_INET);
      assert.is(sock.type, socket.SOCK_STREAM);
    });
    await withServer(socket.create_server(['::1', 0], socket.AF_INET6), (s) => {
      assert.is(s.family, socket.AF_INET6);
      assert.is(s.type, socket.SOCK_STREAM);
    });
  });

  test(`CreateServerTest.test_reuse_port [${api}]`, async () => {
    await withServer(socket.create_server(['localhost', 0]), (sock) => {
      assert.is(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
    });
    await withServer(socket.create_server(['localhost', 0], socket.AF_INET, null, true), (sock) => {
      assert.is.not(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
    });
  });

  test(`CreateServerTest.test_ipv6_only_default [${api}]`, async () => {
    await withServer(socket.create_server(['::1', 0], socket.AF_INET6), (sock) => {
      assert.ok(sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY));
    });
  });

  test(`CreateServerTest.test_dualstack_ipv6_family [${api}]`, async () => {
    assert.ok(socket.has_dualstack_ipv6(), 'has_dualstack_ipv6() on Linux');
    await withServer(socket.create_server(['::1', 0], socket.AF_INET6, null, false, true), (sock) => {
      assert.is(sock.family, socket.AF_INET6);
    });
  });

  // ------------------------------------------------ CreateServerFunctionalTest
  // CPython's echo_server runs accept/recv/send in a thread; here the client
  // connects and sends first (the backlog holds the connection), then the
  // server accepts and echoes, then the client reads: one thread suffices.

  async function echo(server, addr, family) {
    const cli = socket.socket(family);
    const timeout = LOOPBACK_TIMEOUT;
    try {
      cli.settimeout(timeout);
      await cli.connect(addr);
      await cli.sendall(Buffer.from('foo'));
      server.settimeout(timeout);
      const [conn] = await server.accept();
      try {
        const msg = await conn.recv(1024);
        if (msg.length) await conn.sendall(msg);
      } finally { conn.close(); }
      assert.equal(Buffer.from(await cli.recv(1024)).toString(), 'foo');
    } finally { cli.close(); }
  }

  test(`CreateServerFunctionalTest.test_tcp4 [${api}]`, async () => {
    const port = find_unused_port();
    await withServer(socket.create_server(['', port]), (sock) => echo(sock, ['127.0.0.1', port], socket.AF_INET));
  });

  test(`CreateServerFunctionalTest.test_tcp6 [${api}]`, async () => {
    const port = find_unused_port();
    await withServer(socket.create_server(['', port], socket.AF_INET6),
      (sock) => echo(sock, ['::1', port], socket.AF_INET6));
  });

  test(`CreateServerFunctionalTest.test_dual_stack_client_v4 [${api}]`, async () => {
    const port = find_unused_port();
    await withServer(socket.create_server(['', port], socket.AF_INET6, null, false, true),
      (sock) => echo(sock, ['127.0.0.1', port], socket.AF_INET));
  });

  test(`CreateServerFunctionalTest.test_dual_stack_client_v6 [${api}]`, async () => {
    const port = find_unused_port();
    await withServer(socket.create_server(['', port], socket.AF_INET6, null, false, true),
      (sock) => echo(sock, ['::1', port], socket.AF_INET6));
  });

  // ------------------------------------------- socket.py's behaviour, by python3

  test(`create_server: the bind error, as CPython words it [${api}]`, async () => {
    await withServer(socket.create_server(['127.0.0.1', 0]), (busy) => {
      const port = busy.getsockname()[1];
      const want = py(`import socket, json
b = socket.socket(); b.bind(('127.0.0.1', 0)); b.listen(); p = b.getsockname()[1]
try: socket.create_server(('127.0.0.1', p))
except OSError as e: print(json.dumps([type(e).__name__, e.errno, e.strerror, str(e), p]))`);
      try {
        socket.create_server(['127.0.0.1', port]);
        assert.unreachable('bind succeeded');
      } catch (e) {
        assert.instance(e, socket.error);
        assert.is(e.constructor, socket.error);
        assert.is(e.errno, want[1]);
        assert.is(e.code, 'EADDRINUSE');
        assert.is(e.strerror, want[2].replace(String(want[4]), String(port)));
        assert.is(e.message, want[3].replace(String(want[4]), String(port)));
      }
    });
    // An address that does not resolve: gaierror's errno and text, as error.
    const want = py(`import socket, json
try: socket.create_server(('nonexistent.invalid', 0))
except OSError as e: print(json.dumps([type(e).__name__, e.errno, str(e)]))`);
    try {
      socket.create_server(['nonexistent.invalid', 0]);
      assert.unreachable('bind succeeded');
    } catch (e) {
      assert.is(e.constructor, socket.error);
      assert.is(want[0], 'OSError');
      assert.equal([e.errno, e.message], want.slice(1));
    }
  });

  test(`create_server: dualstack_ipv6 needs AF_INET6; backlog [${api}]`, () => {
    const want = py(`import socket, json
try: socket.create_server(('127.0.0.1', 0), dualstack_ipv6=True)
except ValueError as e: print(json.dumps(str(e)))`);
    assert.throws(() => socket.create_server(['127.0.0.1', 0], socket.AF_INET, null, false, true),
      (e) => e instanceof RangeError && e.message === want);
    // backlog reaches listen(): 0 is accepted, as are null and a number.
    for (const backlog of [0, 5, null, undefined]) socket.create_server(['127.0.0.1', 0], socket.AF_INET, backlog).close();
    // SO_REUSEADDR is set, as CPython does on POSIX.
    const s = socket.create_server(['127.0.0.1', 0]);
    try { assert.is.not(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0); } finally { s.close(); }
  });

  test(`create_server: a wrong address type is TypeError, the socket closed [${api}]`, () => {
    const before = fdCount();
    assert.throws(() => socket.create_server(new Uint8Array([1])), TypeError);
    assert.throws(() => socket.create_server(['127.0.0.1', 0], socket.AF_INET, 'x'), TypeError);
    assert.throws(() => socket.create_server(['127.0.0.1', 99999]), RangeError);
    assert.is(fdCount(), before, 'every socket made was closed');
    assert.is(socket.has_dualstack_ipv6(), py('import socket; print(socket.has_dualstack_ipv6() and "true" or "false")'));
  });
}

// ------------------------------------------------- CMSG_LEN / CMSG_SPACE, against python3
// Every length near the alignment steps and the upper bounds, the outcomes
// (value or exception class and message) compared one by one.
const CMSG_ARGS = [];
for (let n = 0; n <= 40; n++) CMSG_ARGS.push(n);
for (const edge of [2147483623, 2147483631]) for (let d = -9; d <= 9; d++) CMSG_ARGS.push(edge + d);
CMSG_ARGS.push(-1, -2, 1024, 65535, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53));
const BIG = ['2**63 - 1', '2**63', '-2**63', '-2**63 - 1'];
const CMSG_WANT = py(`import socket, json
out = []
for f in (socket.CMSG_LEN, socket.CMSG_SPACE):
    for a in ${JSON.stringify(CMSG_ARGS)} + [${BIG.join(', ')}] + [True, False]:
        try: out.append(f(a))
        except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`);
const CMSG_CASES = [...CMSG_ARGS, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n), -(2n ** 63n) - 1n, true, false];

for (const [api, socket] of APIS) {
  test(`CMSG_LEN and CMSG_SPACE match python3's [${api}]`, () => {
    const got = [];
    for (const f of [socket.CMSG_LEN, socket.CMSG_SPACE]) {
      for (const a of CMSG_CASES) {
        try { got.push(f(a)); } catch (e) {
          got.push([e instanceof RangeError ? 'OverflowError' : e.constructor.name, e.message]);
        }
      }
    }
    assert.equal(got, CMSG_WANT);
  });

  test(`CMSG_LEN and CMSG_SPACE: TypeError for a non-integer, as python3 [${api}]`, () => {
    const want = py(`import socket, json
out = []
for a in (2.5, '1', None):
    try: socket.CMSG_LEN(a)
    except TypeError as e: out.append(str(e))
print(json.dumps(out))`);
    assert.equal([2.5, '1', null].map((a) => {
      try { socket.CMSG_LEN(a); return 'no error'; } catch (e) { return e instanceof TypeError ? e.message : String(e); }
    }), want);
  });
}

// ------------------------------------------------------------ the enums, against python3
// Every member (aliases included) with its number, and every number's name as
// CPython's enum shows it (socket.AddressFamily(16).name is 'AF_NETLINK').
const ENUMS = ['AddressFamily', 'SocketKind', 'MsgFlag', 'AddressInfo'];
const ENUM_WANT = py(`import socket, json
out = {}
for n in ${JSON.stringify(ENUMS)}:
    E = getattr(socket, n)
    out[n] = {'members': {k: v.value for k, v in E.__members__.items()},
              'names': {str(m.value): m.name for m in E},
              'canonical': {m.name: m.value for m in E}}
print(json.dumps(out))`);

for (const [api, socket] of APIS) {
  test(`AddressFamily, SocketKind, MsgFlag, AddressInfo: python3's maps [${api}]`, () => {
    for (const n of ENUMS) {
      const E = socket[n];
      const want = ENUM_WANT[n];
      assert.ok(Object.isFrozen(E), `${n} frozen`);
      const members = Object.fromEntries(Object.entries(E).filter(([k]) => !/^\d+$/.test(k)));
      const names = Object.fromEntries(Object.entries(E).filter(([k]) => /^\d+$/.test(k)));
      assert.equal(sortKeys(members), sortKeys(want.members), `${n}: name -> number`);
      assert.equal(sortKeys(names), sortKeys(want.names), `${n}: number -> name`);
      for (const [k, v] of Object.entries(want.canonical)) assert.is(E[E[k]], k, `${n}[${v}]`);
      for (const [k, v] of Object.entries(want.members)) assert.is(socket[k], v, `the constant ${k}`);
    }
    assert.is(socket.AddressFamily.AF_INET, 2);
    assert.is(socket.AddressFamily[2], 'AF_INET');
    assert.is(socket.AddressFamily[16], 'AF_NETLINK');
    assert.is(socket.AddressFamily.AF_ROUTE, 16);
    assert.is(socket.AddressFamily[12345], undefined);
  });

  test(`s.family and s.type stay numbers [${api}]`, () => {
    const s = socket.socket(socket.AddressFamily.AF_INET, socket.SocketKind.SOCK_DGRAM);
    try {
      assert.is(s.family, 2);
      assert.is(s.type, 2);
      assert.is(socket.SocketKind[s.type], 'SOCK_DGRAM');
    } finally { s.close(); }
  });
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

test('the Promise API returns its own socket class, not in a Promise', () => {
  const s = promises.create_server(['127.0.0.1', 0]);
  try {
    assert.instance(s, promises.SocketType);
    assert.not.instance(s, Promise);
  } finally { s.close(); }
});

test.run();
