// Guest echo server vs the native one: the same C echo server
// (bench/guest-echo-server.c) compiled natively and with `wasock cc`, each
// answering the same native 64-byte ping-pong client (separate processes,
// loopback, TCP_NODELAY). Also reports guest start-up: runGuest() call to the
// guest's first instruction, and the instantiate step alone.
//   node bench/guest-echo.mjs [round_trips] [warmup] [repeats]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(tmpdir(), 'wasock-bench-guest');
mkdirSync(OUT, { recursive: true });
const n = Number(process.argv[2] ?? 100000);
const warm = Number(process.argv[3] ?? 5000);
const repeats = Number(process.argv[4] ?? 3);
const { runGuest } = await import(join(ROOT, 'dist', 'guest.js'));

function must(r, what) {
  if (r.status !== 0) throw new Error(`${what}: ${r.stderr}`);
}
const src = join(ROOT, 'bench', 'guest-echo-server.c');
must(spawnSync('cc', ['-O2', '-o', join(OUT, 'echo-native'), src], { encoding: 'utf8' }), 'cc server');
must(spawnSync('cc', ['-O2', '-o', join(OUT, 'pp-client'), join(ROOT, 'bench', 'guest-pingpong-client.c')], { encoding: 'utf8' }), 'cc client');
must(spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'cc', '-O2', '-o', join(OUT, 'echo-guest.wasm'), src], { encoding: 'utf8' }), 'wasock cc');

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function client(port) {
  const r = spawnSync(join(OUT, 'pp-client'), [String(port), String(n), String(warm)], { encoding: 'utf8' });
  must(r, 'client');
  return JSON.parse(r.stdout).rt_per_s;
}

async function native() {
  const port = await freePort();
  const p = spawn(join(OUT, 'echo-native'), [String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => p.stdout.once('data', r));
  const rt = client(port);
  await new Promise((r) => p.on('close', r));
  return rt;
}

async function guest() {
  const port = await freePort();
  let ready;
  const isReady = new Promise((r) => { ready = r; });
  let start;
  const { Writable } = await import('node:stream');
  const out = new Writable({ write(c, _e, cb) { if (String(c).includes('ready')) ready(); cb(); } });
  const done = runGuest(join(OUT, 'echo-guest.wasm'), {
    args: [String(port)], policy: { bind: [`127.0.0.1:${port}`] }, stdio: ['inherit', out, 'inherit'],
    onStart: (s) => { start = s; },
  });
  await isReady;
  // The native client runs in another process; this thread only waits.
  const rt = await new Promise((resolve, reject) => {
    const p = spawn(join(OUT, 'pp-client'), [String(port), String(n), String(warm)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    p.stdout.on('data', (d) => { s += d; });
    p.on('close', (c) => (c === 0 ? resolve(JSON.parse(s).rt_per_s) : reject(new Error('client failed'))));
  });
  await done;
  return { rt, start };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const nat = [], gst = [], startup = [], inst = [];
for (let i = 0; i < repeats; i++) {
  nat.push(await native());
  const g = await guest();
  gst.push(g.rt);
  startup.push(g.start.startupMs);
  inst.push(g.start.instantiateMs);
}
const result = {
  bench: 'guest-echo', round_trips: n, repeats,
  native_rt_per_s: Math.round(median(nat)), guest_rt_per_s: Math.round(median(gst)),
  ratio: +(median(gst) / median(nat)).toFixed(3),
  guest_startup_ms: +median(startup).toFixed(1), guest_instantiate_ms: +median(inst).toFixed(2),
};
console.log(JSON.stringify(result));
