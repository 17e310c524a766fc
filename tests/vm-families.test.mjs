// AF_CAN, AF_ALG and AF_VSOCK for real: this machine's kernel has none of them, so the checks
// run inside a QEMU TCG VM booting Debian's kernel (tests/vm/run.mjs) with the CAN, crypto API
// and vsock_loopback modules and a vcan0 link, node and CPython unchanged
// (tests/vm/families-guest.mjs): CAN_RAW frames and filters, a CAN_BCM TX_SEND, an ISO-TP
// multi-frame payload, J1939 by address (recvfrom and recvmsg, sync and Promise APIs); through
// AF_ALG sha256, hmac(sha256), and cbc(aes) and gcm(aes) by sendmsg_afalg (checked against
// node:crypto too) with sendmsg_afalg's argument errors; vsock stream and seqpacket echo over
// CID 1 and SOCK_DGRAM's outcome; and the address-shape matrix, all compared with CPython in the
// same VM; and CPython 3.11's own test cases for these families (BasicCANTest, CANTest, ISOTPTest,
// J1939Test, LinuxKernelCryptoAPI, BasicVSOCKTest, ThreadedVSOCKSocketStreamTest) ported to
// wasock (tests/vm/cpython-ports.mjs), each against CPython's own verdict for it in the same VM,
// the threaded ones also through the Promise API (one boot for everything). Skipped with a
// message when QEMU, the kernel image or busybox is missing -- except in CI (CI=true), where
// that fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { ROOT } from './lib/helpers.mjs';
import { runInVm, vmMissing } from './vm/run.mjs';
import { CLASSES } from './vm/cpython-ports.mjs';

// The crypto API's templates are loaded here: the kernel's own module requests would run the
// initramfs's modprobe, which has no modules.
const MODULES = ['vcan', 'can_raw', 'can_bcm', 'can_isotp', 'can_j1939', 'algif_hash', 'algif_skcipher', 'algif_aead',
  'gcm', 'ctr', 'ghash_generic', 'algif_rng', 'drbg', 'vsock_loopback'];
const SETUP = 'ip link add dev vcan0 type vcan && ip link set up vcan0 && exec "$0" tests/vm/families-guest.mjs';
const missing = vmMissing();
const ci = process.env.CI === 'true' || process.env.CI === '1';
let report;

if (missing && !ci) {
  console.log(`vm-families: SKIPPED -- ${missing}. Install qemu-system-x86, linux-image-amd64 and busybox-static to run it.`);
  test.skip('AF_CAN, AF_ALG and AF_VSOCK inside the VM', () => {});
} else {
  test.before(async () => {
    if (missing) throw new Error(`CI=true and ${missing}`);
    const r = await runInVm(['sh', '-c', SETUP, process.execPath], { modules: MODULES, cwd: ROOT, timeout: 110 });
    const line = r.output.split('\n').find((l) => l.startsWith('WSK_REPORT '));
    if (!line) throw new Error(`no report from the VM (exit ${r.code}, ${r.ms} ms):\n${r.console.slice(-3000)}`);
    report = JSON.parse(line.slice('WSK_REPORT '.length));
    console.log(`  (VM boot + run: ${(r.ms / 1000).toFixed(1)} s, kernel ${report.kernel})`);
  });

  test('the scenarios ran in both wasock and CPython', () => {
    for (const side of ['js', 'py']) {
      assert.not.ok(report[side].error, report[side].error);
      for (const k of ['can', 'alg', 'vsock']) assert.not.ok(report[side][k].error, `${side} ${k}: ${report[side][k].error}`);
    }
    for (const k of ['alg_async', 'can_async']) assert.not.ok(report.js[k].error, report.js[k].error);
  });

  test('CAN_RAW: frames on vcan0, CAN_RAW_FILTER, the interface in each address', () => {
    const [name, anyName, filtered, from, first, from2, second, from3, filter] = report.js.can.raw;
    assert.equal(name, ['vcan0']);
    assert.equal(anyName, ['']);
    assert.is(filtered, '23010000040000007061737300000000');   // only 0x123 passed the filter
    assert.equal(from, ['vcan0']);
    assert.is(first.slice(0, 8), '00010000');
    assert.equal(from2, ['vcan0']);
    assert.is(second, filtered);
    assert.equal(from3, ['vcan0']);   // by recvmsg
    assert.is(filter, '23010000ff070000');
    assert.equal(report.js.can.raw, report.py.can.raw);
  });

  test('CAN_BCM: a TX_SEND reaches the bus; BCM has no peer name (EOPNOTSUPP)', () => {
    const [n, seen, from, peer] = report.js.can.bcm;
    assert.is(n, 72);
    assert.is(seen, '210300000400000062636d2100000000');
    assert.equal(from, ['vcan0']);
    assert.equal(peer, ['error', 95]);
    assert.equal(report.js.can.bcm, report.py.can.bcm);
  });

  test('CAN_ISOTP: a 200-byte payload across frames, (interface, rx_id, tx_id) addresses', () => {
    assert.equal(report.js.can.isotp, [200, true, 200, 'back', ['vcan0', 0x123, 0x456], ['vcan0', 0x456, 0x123]]);
    assert.equal(report.js.can.isotp, report.py.can.isotp);
  });

  test('CAN_J1939: messages by address, (interface, name, pgn, addr) addresses', () => {
    const [m1, d1, a1, m2, d2, a2, n1, n2, d3, a3] = report.js.can.j1939;
    assert.is(m1, 31);
    assert.is(d1, 'hello j1939, in several packets');
    assert.equal(a1.slice(1), [0, 0x12300, 0x20]);
    assert.is(m2, 5);
    assert.is(d2, 'short');
    assert.equal(a2.slice(1), [0, 0x12400, 0x30]);
    assert.equal(n1, ['vcan0', 0, 0x40000, 0x20]);
    assert.equal(n2, ['vcan0', 0, 0x40000, 0x30]);
    assert.is(d3, 'by msg');   // by recvmsg, whose address has the same form
    assert.equal(a3.slice(1), [0, 0x12500, 0x20]);
    assert.equal(report.js.can.j1939, report.py.can.j1939);
    // The Promise API: recvfrom waiting for the message, then recvmsg.
    assert.equal(report.js.can_async, ['async', [0, 0x12600, 0x40], 'async msg', [0, 0x12700, 0x40]]);
  });

  test('AF_ALG: sha256 and hmac(sha256) as node:crypto computes them, whole and in parts', () => {
    const data = 'The quick brown fox';
    const sha = createHash('sha256').update(data).digest('hex');
    const mac = createHmac('sha256', 'a key').update(data).digest('hex');
    assert.equal(report.js.alg.sha256, [sha, sha, null]);
    assert.equal(report.js.alg.hmac, [mac, mac, null]);
    // An unknown algorithm is ENOENT; an AF_ALG socket has no name (EOPNOTSUPP).
    assert.equal(report.js.alg.errors, [['error', 2], ['error', 95]]);
    assert.equal(report.js.alg, report.py.alg);
  });

  test('AF_ALG cbc(aes) through sendmsg_afalg (op and IV): node:crypto\'s ciphertext, decrypted back', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    const iv = Buffer.from(Array.from({ length: 16 }, (_, i) => 16 + i));
    const plain = 'sixteen byte blk'.repeat(2);
    const c = createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    const ct = Buffer.concat([c.update(plain), c.final()]).toString('hex');
    // Whole; decrypted; then the first block with MSG_MORE and the second by sendall.
    assert.equal(report.js.alg.cbc, [32, ct, 32, plain, ct]);
    assert.equal(report.js.alg.cbc, report.py.alg.cbc);
    assert.equal(report.js.alg_async, [32, ct], 'the Promise API');
  });

  test('AF_ALG gcm(aes) through sendmsg_afalg with assoclen: node:crypto\'s AAD, ciphertext and tag', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    const iv = Buffer.from(Array.from({ length: 12 }, (_, i) => 16 + i));
    const c = createCipheriv('aes-128-gcm', key, iv).setAAD(Buffer.from('header!!'));
    const ct = Buffer.concat([c.update('sixteen byte blk'.repeat(2)), c.final()]);
    assert.is(report.js.alg.gcm, Buffer.concat([Buffer.from('header!!'), ct, c.getAuthTag()]).toString('hex'));
    assert.is(report.js.alg.gcm, report.py.alg.gcm);
  });

  test('sendmsg_afalg argument errors: CPython\'s classes and messages, in its order', () => {
    const [inet, , , , , , , , , , , , , , kernel] = report.js.alg.args;
    assert.equal(inet, ['error', 'algset is only supported for AF_ALG', null]);
    assert.equal(kernel, ['error', '[Errno 22] Invalid argument', 22]);   // an IV of the wrong size
    assert.equal(report.js.alg.args, report.py.alg.args);
  });

  test('AF_VSOCK over vsock_loopback: stream and seqpacket echo on CID 1', () => {
    for (const [k, port] of [['stream', 5001], ['seqpacket', 5002]]) {
      const [name, peerCid, samePort, peer, accepted, got, back] = report.js.vsock[k];
      assert.equal(name, [1, port]);
      assert.is(peerCid, 1);
      assert.ok(samePort);
      assert.equal(peer, [1, port]);
      assert.equal(accepted, [1, port]);
      assert.is(got, `${k} ping`);
      assert.is(back, `${k} ping`.toUpperCase());
      assert.equal(report.js.vsock[k], report.py.vsock[k], k);
    }
  });

  test('AF_VSOCK SOCK_DGRAM: the outcome is CPython\'s on this kernel', () => {
    // Linux 6.1's vsock_loopback has no datagram transport (only VMCI carries vsock datagrams
    // there): bind fails with ENODEV, for CPython too. A kernel that has one must echo.
    const dgram = report.js.vsock.dgram;
    if (dgram[0] === 'error') {
      console.log(`  (vsock SOCK_DGRAM on ${report.kernel}: errno ${dgram[1]}, as CPython)`);
      assert.equal(dgram, ['error', 19]);
    } else {
      assert.equal(dgram, ['ok', 'dgram ping']);
    }
    assert.equal(dgram, report.py.vsock.dgram);
  });

  test('CPython\'s test cases: every case of its classes ported, and CPython passes them all here', () => {
    const { js, py } = report.ports;
    assert.ok(Object.keys(js).length >= 32);
    if (py.missing && !ci) {
      console.log(`  (CPython's own verdicts SKIPPED -- ${py.missing})`);
      return;
    }
    assert.not.ok(py.missing ?? py.error, py.missing ?? py.error);
    assert.equal(Object.keys(js).sort(), Object.keys(py).sort());
    for (const [k, [verdict, why]] of Object.entries(py)) assert.is(verdict, 'pass', `CPython ${k}: ${why}`);
  });

  for (const cls of Object.keys(CLASSES)) {
    test(`CPython's ${cls}, ported: wasock's verdict is CPython's`, () => {
      const cases = Object.entries(report.ports.js).filter(([k]) => k.startsWith(`${cls}.`));
      assert.ok(cases.length > 0, `no ${cls} cases ran`);
      for (const [k, [verdict, detail]] of cases) {
        assert.equal([verdict, detail], ['pass', undefined], k);
        if (!report.ports.py.missing) assert.equal(report.ports.py[k][0], 'pass', `CPython ${k}`);
      }
    });
  }

  test('CPython\'s threaded CANTest and ThreadedVSOCKSocketStreamTest through the Promise API, both halves at once', () => {
    const runs = Object.entries(report.ports.async);
    assert.is(runs.length, 5);
    for (const [k, r] of runs) assert.equal(r, ['pass'], k);
  });

  test('address shapes and ranges: TypeError/RangeError/error exactly as CPython', () => {
    const { js, py, scripts } = report.matrix;
    for (let i = 0; i < scripts.length; i++) assert.equal(js[i], py[i], JSON.stringify(scripts[i]));
  });
}

test.run();
