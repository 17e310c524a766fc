// AF_PACKET: Python's documented sniffer (examples/sniffer.ts, Linux form: SOCK_RAW, ETH_P_ALL) on lo and
// on a veth end of a namespace the test makes, capturing a frame the test sends; plus an
// in-process capture on lo with CPython's recvfrom tuple shape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock';
import { spawn } from 'node:child_process';
import { ROOT } from './lib/helpers.mjs';
import { buildExamples } from './vm/examples.mjs';
import * as netns from './vm/netns.mjs';

const root = process.getuid?.() === 0;
const rtest = root ? test : test.skip;
let ex;
test.before(async () => { ex = await buildExamples('sniffer'); });

// Starts the sniffer (in ns when given), waits for "listening", calls send(), returns the output.
async function sniff(env, send, ns) {
  const cmd = ns ? ['ip', ['netns', 'exec', ns, process.execPath, ex.sniffer]] : [process.execPath, [ex.sniffer]];
  const child = spawn(cmd[0], cmd[1], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { out += d; if (out.includes('listening')) resolve(); });
    child.on('close', () => reject(new Error(`sniffer exited: ${err}`)));
  });
  send();
  const code = await done;
  clearTimeout(killer);
  return { code, out, err };
}

rtest('examples/sniffer.ts on lo captures the UDP datagram the test sends', async () => {
  const marker = `wasock-sniff-${process.pid}`;
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    const r = await sniff({ IFACE: 'lo', COUNT: '1000', MATCH: marker },
      () => u.sendto(Buffer.from(marker), ['127.0.0.1', 9]));
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /^listening on \["lo",3,0,772,\{.*\}\]$|^listening on \["lo",3,0,772,/m);
    assert.match(r.out, /^lo pkttype=\d proto=0x0800 \d+ bytes 127\.0\.0\.1 -> 127\.0\.0\.1 ip-proto=17$/m);
    assert.match(r.out, new RegExp(`matched "${marker}"`));
  } finally {
    u.close();
  }
});

rtest('examples/sniffer.ts on a veth end in a test namespace sees a frame sent across the pair', async () => {
  if (!netns.available()) return;
  const ns = netns.create('sniff');
  try {
    netns.ip('-n', ns, 'link', 'add', 'wsk-s0', 'type', 'veth', 'peer', 'name', 'wsk-s1');
    netns.ip('-n', ns, 'addr', 'add', '10.78.0.1/24', 'dev', 'wsk-s0');
    netns.ip('-n', ns, 'addr', 'add', '10.78.0.2/24', 'dev', 'wsk-s1');
    netns.ip('-n', ns, 'link', 'set', 'wsk-s0', 'up');
    netns.ip('-n', ns, 'link', 'set', 'wsk-s1', 'up');
    // A static neighbour, so the datagram leaves at once (no ARP round) with a known MAC.
    netns.ip('-n', ns, 'neigh', 'add', '10.78.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'wsk-s0');
    const marker = 'wasock-veth-frame';
    const r = await sniff({ IFACE: 'wsk-s1', COUNT: '50', MATCH: marker }, () => {
      netns.nodeIn(ns, `import * as socket from 'wasock';
const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, Buffer.from('wsk-s0'));
u.sendto(Buffer.from('${marker}'), ['10.78.0.9', 9]);`);
    }, ns);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /^listening on \["wsk-s1",3,0,1,/m);
    assert.match(r.out, /^wsk-s1 pkttype=3 proto=0x0800 \d+ bytes 10\.78\.0\.1 -> 10\.78\.0\.9 ip-proto=17$/m);
    assert.match(r.out, /matched "wasock-veth-frame"/);
  } finally {
    netns.remove(ns);
  }
});

test.run();
