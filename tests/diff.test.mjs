// Differential test against CPython 3.11 (/usr/bin/python3): the same scripted calls run in
// CPython (tests/lib/diff-runner.py) and in wasock (tests/lib/diff-runner.mjs); the
// normalised outcomes must match: the return value, or the exception class (ValueError and
// OverflowError -> RangeError, OSError -> error, ...), errno and message.
//   1. the argument-validation matrix: every method x bad-type / out-of-range argument;
//   2. inet_aton/ntoa/pton/ntop and hton*/ntoh* over a few hundred inputs, valid and not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, PYTHON } from './lib/helpers.mjs';
import { runCase } from './lib/diff-runner.mjs';

// Argument encodings shared by both runners.
const F = (x) => ({ $f: typeof x === 'number' && Number.isFinite(x) ? x : String(x) }); // a Python float
const I = (x) => ({ $i: String(x) });                         // a big int (BigInt in JS)
const B = (s) => ({ $b: Buffer.from(s, 'latin1').toString('hex') });   // bytes
const BA = (n) => ({ $ba: '00'.repeat(n) });                  // bytearray(n) (a Uint8Array in JS)
const C = (name) => ({ $c: name });                           // a socket constant
const R = (s, n) => ({ $s: s, n });                           // s * n
const HEX = (h) => ({ $b: h });

const cases = [];
const add = (group, ctx, call, ...argLists) => {
  for (const args of argLists) cases.push({ group, ctx, call, args });
};

// ------------------------------------------------------------------ module functions
add('socket()', 'mod', 'socket', [], ['x'], [F(2.5)], [2, 'x'], [2, 1, 'x'], [I(2n ** 40n)], [2 ** 31],
  [-(2 ** 31) - 1], [-5], [2, 99], [2, 1, 99], [2, 2], [10, 1], [2, 1, 0, -1], [2, 1, 0, 'x'],
  [2, 1, 0, F(1.5)], [2, 1, 0, 99999], [C('AF_UNIX'), C('SOCK_DGRAM')],
  [2, C('SOCK_STREAM')], [true]);
add('socketpair()', 'mod', 'socketpair', [], [C('AF_INET')], [C('AF_INET6')], [1, 99], ['x'], [1, 'x'],
  [1, 1, 'x'], [1, 2], [1, 1, 99], [I(2n ** 40n)]);
add('fromfd()', 'mod', 'fromfd', ['x', 2, 1], [-1, 2, 1], [F(1.5), 2, 1], [99999, 2, 1]);
add('setdefaulttimeout()', 'mod', 'setdefaulttimeout', ['x'], [-1], [F('nan')], [F('inf')], [F(1e300)],
  [I(2n ** 70n)], [null], [F(0.5)], [true], [B('1')], [[1]], [0], [F(-0.5)]);
add('getdefaulttimeout()', 'mod', 'getdefaulttimeout', []);
add('create_connection()', 'mod', 'create_connection', [5], [null], ['abcde'], [['127.0.0.1']],
  [['127.0.0.1', 70000]], [['127.0.0.1', 'x']], [['127.0.0.1', 0]], [['127.0.0.1', 0, 0]],
  [['127.0.0.1', 0], 'x'], [['127.0.0.1', 0], -1], [['127.0.0.1', 0], null, 'x']);

// ------------------------------------------------------------------ socket methods
const tcp = (call, ...a) => add(`${call}() [tcp]`, 'tcp', call, ...a);
tcp('bind', ['x'], [null], [5], [['127.0.0.1']], [['127.0.0.1', 0, 0]], [['127.0.0.1', 70000]],
  [['127.0.0.1', -1]], [['127.0.0.1', 'x']], [['127.0.0.1', F(1.5)]], [[1, 0]], [[null, 0]],
  [['127.0.0.1', I(2n ** 70n)]], [['127.0.0.1\0', 0]], [[B('127.0.0.1'), 0]], [['', 0]],
  [['<broadcast>', 0]], [['1.2.3.4', 0]], [['127.0.0.1', false]], [['::1', 0]], [[]]);
tcp('connect', ['x'], [null], [['127.0.0.1', 70000]], [['127.0.0.1']], [['127.0.0.1', 0]], [[1, 80]],
  [['127.0.0.1', -1]], [['127.0.0.1', 'x']]);
tcp('connect_ex', ['x'], [['127.0.0.1', 70000]], [['127.0.0.1', 0]], [[1, 80]], [null]);
tcp('listen', ['x'], [F(1.5)], [I(2n ** 40n)], [2 ** 31], [-(2 ** 31) - 1], [B('1')]);
tcp('accept', []);
tcp('recv', ['x'], [F(1.5)], [null], [-1], [0], [1, 'x'], [1, F(1.5)], [I(2n ** 63n)], [I(2n ** 70n)],
  [B('1')], [1, I(2n ** 40n)]);
tcp('recvfrom', ['x'], [-1], [1, 'x'], [null], [F(1.5)]);
tcp('recv_into', ['x'], [5], [null], [BA(4), 5], [BA(4), -1], [BA(4), 'x'], [BA(4), F(1.5)],
  [BA(4), 0, 'x']);
tcp('recvfrom_into', [BA(4), 5], ['x'], [BA(4), -1]);
tcp('send', ['x'], [null], [5], [[1, 2]], [B('x'), 'x'], [B('x'), F(1.5)], [B('x')]);
tcp('sendall', ['x'], [null], [B('x'), 'x'], [5]);
tcp('setsockopt', [C('SOL_SOCKET'), C('SO_REUSEADDR'), 'x'], [C('SOL_SOCKET'), C('SO_REUSEADDR'), null],
  [C('SOL_SOCKET'), C('SO_REUSEADDR'), F(1.5)], [C('SOL_SOCKET'), C('SO_REUSEADDR'), I(2n ** 40n)],
  [C('SOL_SOCKET'), C('SO_REUSEADDR'), 2 ** 31], [C('SOL_SOCKET'), C('SO_REUSEADDR'), -1],
  ['x', 2, 1], [1, 'x', 1], [1, 2, B('\x01')], [1, 2, B('\x01\x00\x00\x00')], [1, 2, null, 4],
  [1, 2, null, 'x'], [1, 2, 1, 4], [1, 9999, 1], [I(2n ** 40n), 2, 1]);
tcp('getsockopt', [1, 2, -1], [1, 2, 1025], [1, 2, 'x'], ['x', 2], [1, 9999], [1, 2, 4], [1, 2],
  [1, 2, 1024], [1, 2, 1], [C('SOL_SOCKET'), C('SO_TYPE')], [I(2n ** 40n), 2]);
tcp('settimeout', ['x'], [-1], [F('nan')], [F('inf')], [F(1e300)], [I(2n ** 70n)], [true], [B('1')],
  [[1]], [F(0.25)], [null], [0]);
tcp('gettimeout', []);
tcp('setblocking', ['x'], [F(1.5)], [I(2n ** 40n)], [-1], [0], [true], [B('1')]);
tcp('getblocking', []);
tcp('shutdown', ['x'], [5], [-1], [0], [F(1.5)], [I(2n ** 40n)], [null]);
tcp('makefile', [1], ['x'], ['rt'], ['rbb'], ['rwb'], ['wb', 0], ['w', 0],
  ['', null], ['bb']);
tcp('getsockname', []);
tcp('getpeername', []);

const udp = (call, ...a) => add(`${call}() [udp]`, 'udp', call, ...a);
udp('sendto', ['x', ['127.0.0.1', 9]], [B('x'), 'x'], [B('x'), ['127.0.0.1', 70000]],
  [B('x'), 'f', ['127.0.0.1', 9]], [B('x'), null], [B('x'), ['127.0.0.1']], [null, ['127.0.0.1', 9]],
  [B('x'), F(1.5), ['127.0.0.1', 9]], [B('x'), 0, 'x'], [B('x'), [1, 9]]);
udp('recvfrom', ['x'], [-1]);
udp('getsockname', []);
udp('bind', [['<broadcast>', 70000]], [['', -1]]);

const tcp6 = (call, ...a) => add(`${call}() [tcp6]`, 'tcp6', call, ...a);
tcp6('bind', [['::1', 0, 0x100000]], [['::1', 0, -1]], [['::1', 0, 0, -1]], [['::1', 0, 0, I(2n ** 32n)]],
  [['::1', 0, I(2n ** 32n)]], [['::1']], [['::1', 0, 0, 0, 0]], ['::1'], [['::1', 70000]], [['::1', 0, 'x']],
  [['::1', 0, 0, 'x']], [['127.0.0.1', 0]], [['<broadcast>', 0]], [null], [[1, 0]]);
tcp6('connect', [['::1', 0]], [['::1', 70000]], [['::1']], ['x']);
tcp6('getsockname', []);

const unix = (call, ...a) => add(`${call}() [unix]`, 'unix', call, ...a);
unix('bind', [['a', 1]], [5], [null], [R('a', 200)], [{ $b: '00' + '78'.repeat(108) }],
  [R('/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 2)], [F(1.5)]);
unix('connect', ['/nonexistent-wasock/x'], [R('b', 200)], [['a', 1]], [HEX('2f6e6f6e6578697374656e742f78')]);
unix('getsockname', []);

const closed = (call, ...a) => add(`${call}() [closed]`, 'closed', call, ...a);
closed('recv', [1]);
closed('send', [B('x')]);
closed('sendall', [B('x')]);
closed('sendto', [B('x'), ['127.0.0.1', 9]]);
closed('getsockname', []);
closed('getpeername', []);
closed('fileno', []);
closed('close', []);
closed('detach', []);
closed('connect', [['127.0.0.1', 0]]);
closed('connect_ex', [['127.0.0.1', 0]]);
closed('bind', [['127.0.0.1', 0]]);
closed('listen', []);
closed('accept', []);
closed('gettimeout', []);
closed('settimeout', [1]);
closed('setblocking', [true]);
closed('getblocking', []);
closed('shutdown', [0]);
closed('getsockopt', [1, 2]);
closed('setsockopt', [1, 2, 1]);
closed('dup', []);
closed('recv_into', [BA(4)]);
closed('recvfrom', [1]);
// Argument errors come before the closed check in CPython.
closed('recv', ['x'], [-1]);
closed('bind', ['x']);

// null where CPython's None is a TypeError. The contract maps None <-> null (undefined is
// what stands for an omitted argument), so these follow CPython; kept in their own group.
add('null is None, not "omitted"', 'mod', 'socket', [null, null, null, 99999], [null]);
add('null is None, not "omitted"', 'tcp', 'listen', [null]);
add('null is None, not "omitted"', 'tcp', 'getsockopt', [1, 2, null]);
add('null is None, not "omitted"', 'tcp', 'setblocking', [null]);
add('null is None, not "omitted"', 'tcp', 'recv', [1, null]);
add('null is None, not "omitted"', 'tcp', 'shutdown', [null]);

// ------------------------------------------------------------------ inet_* and hton*
const v4strings = [
  '1.2.3.4', '0.0.0.0', '255.255.255.255', '127.0.0.1', '1', '1.2', '1.2.3', '0x7f.1', '0x7F.0.0.1',
  '0177.0.0.1', '08.1.1.1', '09', '010.010.010.010', '256.1.1.1', '1.256.1.1', '1.2.3.256', '1.2.3.4.5',
  '', ' ', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4 junk', '1.2.3.4\t', '1.2.3.4\n', '4294967295', '4294967296',
  '0xffffffff', '0x100000000', '1.16777215', '1.16777216', '1.2.65535', '1.2.65536', 'a.b.c.d', '::1',
  '1..2.3', '1.2.3.', '.1.2.3', '0', '00', '0x', '0X1', 'é', '1.2.3.4\0', '-1', '+1', '1.2.3.-4',
  '0x.1.2.3', '1e3', '01.02.03.04', '0xa.0xb.0xc.0xd', '1.2.3.04', '1.2.3.0x4', '255.255.255.256',
  '99999999999999999999', '1.2.3.4.', 'localhost', '١.٢.٣.٤',
];
const v6strings = [
  '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', '::ffff:1.2.3.4', '::1.2.3.4',
  'fe80::1%lo', '12345::', 'g::', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', ':1', '1:', ':::',
  '0:0:0:0:0:0:0:0', 'FFFF::', 'ffff::', '::ffff:256.1.1.1', '', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
  '1:2:3:4::5:6:7:8', 'fe80::', '2001:db8::1', '2001:DB8:0:0:8:800:200C:417A', '::ffff:0:1.2.3.4',
  '1.2.3.4', ' ::1', '::1 ', '0000:0000:0000:0000:0000:0000:0000:0001', '00000::1', '::ffff:1.2.3',
  '::1.2.3.04', '1::2:3:4:5:6:7:8', ':1:2:3:4:5:6:7', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
  '::0:0:0:0:0:0:0', '::0:0:0:0:0:0:0:0', '1:0:0:0:0:0:0:1',
];
const mod = (group, call, ...a) => add(group, 'mod', call, ...a);
mod('inet_aton', 'inet_aton', ...v4strings.map((s) => [s]), [B('1.2.3.4')], [1], [null]);
const ntoaBytes = ['', '010203', '01020304', '0102030405', '00000000', 'ffffffff', '7f000001', 'c0a80101',
  '0a000001', '00'.repeat(16)];
mod('inet_ntoa', 'inet_ntoa', ...ntoaBytes.map((h) => [HEX(h)]), ['1.2.3.4'], [1], [null], [BA(4)]);
mod('inet_pton(AF_INET)', 'inet_pton', ...v4strings.map((s) => [C('AF_INET'), s]));
mod('inet_pton(AF_INET6)', 'inet_pton', ...v6strings.map((s) => [C('AF_INET6'), s]));
mod('inet_pton(other)', 'inet_pton', [C('AF_UNIX'), '1.2.3.4'], [0, '::1'], ['x', '1.2.3.4'],
  [C('AF_INET'), B('1.2.3.4')], [C('AF_INET'), 1], [C('AF_INET'), null], [I(2n ** 40n), '1.2.3.4'],
  [F(2.5), '1.2.3.4'], [-1, '1.2.3.4']);
const v6packed = [
  '00'.repeat(16), '00'.repeat(15) + '01', '0001' + '00'.repeat(14), '00'.repeat(10) + 'ffff01020304',
  '00'.repeat(12) + '01020304', '20010db8000000000000000000000001', '000100020003000400050006000700',
  '00010002000300040005000600070008', '00010000000000000000000000000001', 'fe800000000000000000000000000001',
  '00010000000200000003000000040000', '00010000000000020000000000000003', 'ffffffffffffffffffffffffffffffff',
  '00000000000000000000ffff00000000', '0000000000000000000000000000ffff', '00000000000000000000000100000001',
  '00010002000300040005000600000000', '00000000000300040005000600070008', '00'.repeat(8) + 'ffff' + '00'.repeat(6),
  '00'.repeat(15), '00'.repeat(17), '',
];
mod('inet_ntop(AF_INET6)', 'inet_ntop', ...v6packed.map((h) => [C('AF_INET6'), HEX(h)]));
mod('inet_ntop(AF_INET)', 'inet_ntop', ...ntoaBytes.map((h) => [C('AF_INET'), HEX(h)]));
mod('inet_ntop(other)', 'inet_ntop', [C('AF_UNIX'), HEX('01020304')], [0, HEX('01020304')],
  ['x', HEX('01020304')], [C('AF_INET'), '1.2.3.4'], [C('AF_INET'), null], [C('AF_INET'), 1],
  [I(2n ** 40n), HEX('01020304')], [C('AF_INET'), BA(4)], [-1, HEX('01020304')]);
const ints = [0, 1, 2, 0x1234, 0xff, 0x100, 65535, 65536, 0x12345678, -1, -65536, 2 ** 31 - 1, 2 ** 31,
  2 ** 32 - 1, 2 ** 32, 2 ** 33, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, I(2n ** 63n), I(2n ** 64n), I(-(2n ** 63n)),
  F(1.5), F('nan'), '1', null, true, false, B('\x01'), [1]];
for (const fn of ['htons', 'ntohs', 'htonl', 'ntohl']) mod(fn, fn, ...ints.map((v) => [v]));

// ------------------------------------------------------------------ run both sides
const wire = cases.map(({ ctx, call, args }) => ({ ctx, call, args }));
let py;

test.before(() => {
  const out = execFileSync(PYTHON, [join(ROOT, 'tests', 'lib', 'diff-runner.py')], {
    input: JSON.stringify(wire), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120000,
  });
  py = JSON.parse(out);
});

const show = (c) => `${c.ctx}.${c.call}(${c.args.map((a) => JSON.stringify(a)).join(', ')})`;

test('the matrix is big enough and CPython answered every case', () => {
  assert.ok(cases.length >= 400, `${cases.length} cases`);
  assert.is(py.length, cases.length);
});

const groups = [...new Set(cases.map((c) => c.group))];
for (const g of groups) {
  test(`same as CPython: ${g}`, () => {
    const bad = [];
    cases.forEach((c, i) => {
      if (c.group !== g) return;
      const js = runCase(wire[i]);
      const want = JSON.stringify(py[i]);
      const got = JSON.stringify(js);
      if (want !== got) bad.push(`${show(c)}\n      CPython: ${want}\n      wasock:  ${got}`);
    });
    assert.ok(bad.length === 0, `${bad.length} mismatch(es):\n  ${bad.join('\n  ')}`);
  });
}

test.run();
