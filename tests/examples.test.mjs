// The four echo examples of Python's socket documentation (examples/*.ts), compiled with esbuild into tests/.tmp/
// (inside the package, so `import 'wasock'` resolves by self-reference), run as child
// processes on loopback: the server with PORT=<free port>, the client with HOST=...
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, closedPort, sleep } from './lib/helpers.mjs';

const OUT = join(ROOT, 'tests', '.tmp', 'examples');
const NAMES = ['echo-server', 'echo-client', 'echo-server-dual', 'echo-client-dual'];
const js = (name) => join(OUT, `${name}.mjs`);

test.before(async () => {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: NAMES.map((n) => join(ROOT, 'examples', `${n}.ts`)),
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: true,
    external: ['wasock'],
    logLevel: 'silent',
  });
});

function run(name, env) {
  const child = spawn(process.execPath, [js(name)], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = { child, out: '', err: '', code: undefined, exited: false };
  child.stdout.on('data', (d) => { r.out += d; });
  child.stderr.on('data', (d) => { r.err += d; });
  r.done = new Promise((resolve) => child.on('close', (code) => {
    r.code = code;
    r.exited = true;
    resolve(r);
  }));
  return r;
}

// The families with a socket listening on `port` (from /proc/net/tcp and tcp6).
function listeningFamilies(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const fams = new Set();
  for (const [file, fam] of [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]]) {
    let lines;
    try {
      lines = readFileSync(file, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length > 3 && f[1].endsWith(`:${hex}`) && f[3] === '0A') fams.add(fam);
    }
  }
  return fams;
}

async function startServer(name) {
  const port = closedPort();
  const server = run(name, { PORT: String(port) });
  const t0 = Date.now();
  for (;;) {
    const fams = listeningFamilies(port);
    if (fams.size) return { server, port, fams };
    if (server.exited) {
      assert.unreachable(`${name} exited (${server.code}) before listening:\n${server.out}\n${server.err}`);
    }
    if (Date.now() - t0 > 15000) {
      server.child.kill();
      assert.unreachable(`${name} did not listen on ${port} within 15 s:\n${server.out}\n${server.err}`);
    }
    await sleep(25);
  }
}

async function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what}: no exit within ${ms} ms`)), ms); });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function echo(serverName, clientName, host, expectFamilyPeer) {
  const { server, port, fams } = await startServer(serverName);
  try {
    const client = await withTimeout(run(clientName, { HOST: host, PORT: String(port) }).done, 20000, clientName);
    if (expectFamilyPeer === 6 && !fams.has(6)) {
      // The server took the first getaddrinfo answer (0.0.0.0 here): a ::1 client can't
      // reach it, exactly as with CPython running Python's documented examples.
      assert.is(client.out.trim(), 'could not open socket', client.err);
      assert.is(client.code, 1);
      return;
    }
    assert.is(client.code, 0, `client failed:\n${client.out}\n${client.err}`);
    assert.is(client.out.trim(), 'Received "Hello, world"');
    const srv = await withTimeout(server.done, 10000, serverName);
    assert.is(srv.code, 0, `server failed:\n${srv.out}\n${srv.err}`);
    const peer = expectFamilyPeer === 6
      ? /^Connected by \[ '::1', \d+, 0, 0 \]$/
      : /^Connected by \[ '(127\.0\.0\.1|::ffff:127\.0\.0\.1)', \d+(, 0, 0)? \]$/;
    assert.match(srv.out.trim(), peer);
  } finally {
    if (!server.exited) server.child.kill();
  }
}

test('the examples compile', () => {
  for (const n of NAMES) assert.ok(readFileSync(js(n), 'utf8').includes("from \"wasock\""), n);
});

test('echo-server + echo-client, HOST=localhost', async () => {
  await echo('echo-server', 'echo-client', 'localhost', 4);
});

test('echo-server + echo-client, HOST=127.0.0.1', async () => {
  await echo('echo-server', 'echo-client', '127.0.0.1', 4);
});

test('echo-server-dual + echo-client-dual, HOST=localhost', async () => {
  await echo('echo-server-dual', 'echo-client-dual', 'localhost', 4);
});

test('echo-server-dual + echo-client-dual, HOST=127.0.0.1', async () => {
  await echo('echo-server-dual', 'echo-client-dual', '127.0.0.1', 4);
});

test('echo-server-dual + echo-client-dual, HOST=::1', async () => {
  await echo('echo-server-dual', 'echo-client-dual', '::1', 6);
});

test('echo-server-dual + echo-client (IPv4 client)', async () => {
  await echo('echo-server-dual', 'echo-client', '127.0.0.1', 4);
});

test.run();
