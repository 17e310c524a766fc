// AF_TIPC for real: this machine's kernel has no TIPC, so the checks run inside a QEMU TCG VM
// booting Debian's kernel (tests/vm/run.mjs) with `modprobe tipc`, node and CPython unchanged
// (tests/vm/tipc-guest.mjs): RDM bound to a NAMESEQ, sendto a NAME, recvfrom gives the
// sender's TIPC_ADDR_ID tuple; SEQPACKET and STREAM connect/accept by name; scopes; and the
// address-shape matrix, all compared with CPython in the same VM. Skipped with a message when
// QEMU, the kernel image or busybox is missing -- except in CI (CI=true), where that fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { ROOT } from './lib/helpers.mjs';
import { runInVm, vmMissing } from './vm/run.mjs';

const missing = vmMissing();
const ci = process.env.CI === 'true' || process.env.CI === '1';
let report;

if (missing && !ci) {
  console.log(`tipc: SKIPPED -- ${missing}. Install qemu-system-x86, linux-image-amd64 and busybox-static to run it.`);
  test.skip('TIPC inside the VM', () => {});
} else {
  test.before(async () => {
    if (missing) throw new Error(`CI=true and ${missing}`);
    const r = await runInVm([process.execPath, 'tests/vm/tipc-guest.mjs'], { modules: ['tipc'], cwd: ROOT, timeout: 100 });
    const line = r.output.split('\n').find((l) => l.startsWith('WSK_REPORT '));
    if (!line) throw new Error(`no report from the VM (exit ${r.code}, ${r.ms} ms):\n${r.console.slice(-3000)}`);
    report = JSON.parse(line.slice('WSK_REPORT '.length));
    console.log(`  (VM boot + run: ${(r.ms / 1000).toFixed(1)} s)`);
  });

  test('the scenarios ran in both wasock and CPython', () => {
    assert.not.ok(report.js.error, report.js.error);
    assert.not.ok(report.py.error, report.py.error);
  });

  test('RDM: bind to a NAMESEQ, sendto a NAME; recvfrom gives the sender TIPC_ADDR_ID tuple', () => {
    const [d1, from1, d2, from2, cliName, srvName] = report.js.rdm;
    assert.is(d1, 'rdm hello');
    assert.is(d2, 'rdm reply');
    assert.is(from1[0], socket.TIPC_ADDR_ID);
    assert.equal(from1, cliName);   // the sender's own ID
    assert.equal(from2, srvName);
    assert.is(from1.length, 5);
    assert.equal(report.js.rdm_names, report.py.rdm_names);
    assert.equal(report.js.rdm, report.py.rdm);
  });

  test('scopes: a node-scope binding; destinations with TIPC_NODE_SCOPE and TIPC_ZONE_SCOPE', () => {
    assert.equal(report.js.scope.slice(0, 1).concat(report.js.scope[2]), ['scoped', 'zone']);
    assert.equal(report.js.scope, report.py.scope);
  });

  test('SEQPACKET and STREAM: connect/accept by name, tuples as CPython', () => {
    for (const k of ['seqpacket', 'stream']) {
      const [got, back, , addr, cname, cpeer, aname, apeer] = report.js[k];
      assert.is(got, `${k} ping`);
      assert.is(back, `${k} pong`);
      assert.equal(addr, cname);
      assert.equal(cpeer, aname);
      assert.equal(apeer, cname);
      assert.equal(report.js[k], report.py[k], k);
    }
  });

  test('address shapes and ranges: TypeError/RangeError/error exactly as CPython', () => {
    const { js, py, scripts } = report.matrix;
    for (let i = 0; i < scripts.length; i++) assert.equal(js[i], py[i], JSON.stringify(scripts[i]));
  });
}

test.run();
