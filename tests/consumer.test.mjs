// The npm tarball as a user gets it: `npm pack`, then `npm install --offline` of the tarball
// into a fresh project outside the clone, and the package used there on Node, Deno and Bun:
// the three entry points, a sync and a Promise echo, and a guest compiled with `npx wasock cc`
// and run with `npx wasock run`. The prebuilt addon must be what loads (no build/ directory
// appears). Prints the install time and the tarball's sizes (docs/performance.md).
//
// Offline works because the package has no dependencies; @yowasp/clang comes from the npm cache
// the clone's own install filled. Deno resolves `npm:wasock` from the project's node_modules
// (--node-modules-dir=manual), so it needs no registry either. A runtime that is not installed
// is skipped, except under CI=true.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from './lib/helpers.mjs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const work = mkdtempSync(join(tmpdir(), 'wasock-consumer-'));
const project = join(work, 'project');
const PKG = join(project, 'node_modules', 'wasock');
// A user's shell: none of the npm_* variables of the `npm test` running this file (they name
// the clone as the prefix and its package as the one being worked on).
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const npm = (args, cwd) => spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, env, encoding: 'utf8', timeout: 300000 });
const show = (r) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
let tarball;

test.after(() => rmSync(work, { recursive: true, force: true }));

test('npm pack: the tarball holds the built package and the linux-x64 prebuild', () => {
  const r = npm(['pack', '--pack-destination', work], ROOT);
  assert.is(r.status, 0, show(r));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  const list = spawnSync('tar', ['-tvzf', tarball], { encoding: 'utf8' });
  const files = list.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const names = files.map((f) => f.at(-1).replace(/^package\//, ''));
  for (const f of ['dist/index.js', 'dist/promises.js', 'dist/guest.js', 'dist/cli.js', 'wasm/wasock-core.wasm',
    'wasm/sdk/lib/wasock.o', 'wasm/sdk/include/sys/socket.h', 'wasm/sdk/toolchain', 'core-c/guest/wasock-cc.mjs',
    'tools/wasm-cc.mjs', 'tools/install.mjs', 'ts-bindings/native/binding.gyp', 'ts-bindings/native/wasock.c',
    'core-c/include/wasock/host.h', 'prebuilds/linux-x64/node.napi.glibc.node', 'LICENSE', 'CHANGELOG.md', 'README.md'])
    assert.ok(names.includes(f), `${f} is not in the tarball`);
  assert.not.ok(names.some((f) => f.startsWith('tests/') || f.startsWith('node_modules/') || f === 'Makefile'), 'the tarball holds development files');
  assert.not.ok(existsSync(join(ROOT, 'prebuilds')), 'postpack leaves no prebuilds/ in the clone');
  const unpacked = files.reduce((n, f) => n + Number(f[2]), 0);
  const sdk = files.filter((f) => f.at(-1).includes('wasm/sdk/lib/')).reduce((n, f) => n + Number(f[2]), 0);
  const packed = spawnSync('stat', ['-c', '%s', tarball], { encoding: 'utf8' }).stdout.trim();
  console.log(`consumer: tarball ${(packed / 1e3).toFixed(0)} kB packed, ${(unpacked / 1e6).toFixed(2)} MB unpacked ` +
    `(of which the SDK library ${(sdk / 1e6).toFixed(2)} MB), ${files.length} files`);
});

test('npm install --offline of the tarball in a fresh project: the prebuild is used, nothing is compiled', () => {
  spawnSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const t0 = process.hrtime.bigint();
  const r = npm(['install', '--offline', tarball], project);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  assert.is(r.status, 0, show(r));
  console.log(`consumer: npm install --offline of the tarball: ${secs.toFixed(2)} s`);
  assert.ok(existsSync(join(PKG, 'prebuilds', 'linux-x64', 'node.napi.glibc.node')));
  assert.not.ok(existsSync(join(PKG, 'ts-bindings', 'native', 'build')), 'the addon was built from source');
  assert.not.ok(existsSync(join(PKG, 'node_modules')), 'wasock brought dependencies');
});

const ECHO = `
const base = globalThis.Deno ? 'npm:wasock' : 'wasock';
const socket = await import(base);
const promises = await import(base + '/promises');
const guest = await import(base + '/guest');
if (typeof guest.runGuest !== 'function') throw new Error('wasock/guest has no runGuest');
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.bind(['127.0.0.1', 0]);
srv.listen(1);
const c = socket.create_connection(srv.getsockname());
const [conn] = srv.accept();
c.sendall(enc('sync hello'));
conn.sendall(conn.recv(64));
const got = dec(c.recv(64));
if (got !== 'sync hello') throw new Error('sync echo: ' + got);
for (const s of [c, conn, srv]) s.close();

const l = promises.socket(promises.AF_INET, promises.SOCK_STREAM);
l.bind(['127.0.0.1', 0]);
l.listen(1);
const pc = promises.socket(promises.AF_INET, promises.SOCK_STREAM);
const [[ps]] = await Promise.all([l.accept(), pc.connect(l.getsockname())]);
await pc.sendall(enc('promise hello'));
await ps.sendall(await ps.recv(64));
const pgot = dec(await pc.recv(64));
if (pgot !== 'promise hello') throw new Error('promise echo: ' + pgot);
for (const s of [pc, ps, l]) s.close();
console.log('CONSUMER OK');
`;

test('Node: the three entry points, a sync and a Promise echo', () => {
  writeFileSync(join(project, 'echo.mjs'), ECHO);
  const r = spawnSync(process.execPath, ['echo.mjs'], { cwd: project, env, encoding: 'utf8', timeout: 60000 });
  assert.ok(r.status === 0 && r.stdout.includes('CONSUMER OK'), show(r));
});

// A TypeScript user's program against the installed declarations: tsc --strict, the
// declarations themselves checked (skipLibCheck false); @types/node and tsc are the clone's.
const TYPED = `
import * as socket from 'wasock';
import * as promises from 'wasock/promises';
function serve(s: socket.socket, port: number): socket.IPv4Address {
  s.bind(['127.0.0.1', port]);
  return s.getsockname() as socket.IPv4Address;
}
const [host, port]: socket.IPv4Address = serve(socket.socket(socket.AF_INET, socket.SOCK_STREAM), 0);
const data: Uint8Array = socket.socket(socket.AF_INET, socket.SOCK_DGRAM).recvfrom(10)[0];
async function later(p: promises.socket): Promise<number> {
  const [conn, from] = await p.accept(AbortSignal.timeout(10));
  conn.unref();
  return (from as promises.IPv4Address)[1];
}
void host; void port; void data; void later;
// @ts-expect-error: a port is a number
socket.socket().bind(['127.0.0.1', '80']);
`;

test('TypeScript: a typed program compiles against the installed package (tsc --strict)', () => {
  writeFileSync(join(project, 'typed.ts'), TYPED);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
      strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
    },
    files: ['typed.ts'],
  }));
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'],
    { cwd: project, env, encoding: 'utf8', timeout: 180000 });
  assert.is(r.status, 0, show(r));
});

// npm only warns about "engines": an older Node is told in one line, by the install script
// and by the import (Node 18 is simulated: this machine has only Node 20).
test('an older Node: the install script and the import each stop with one line', () => {
  const as18 = "Object.defineProperty(process.versions, 'node', { value: '18.19.0' });" +
    "Object.defineProperty(process, 'version', { value: 'v18.19.0' });";
  for (const target of [join(PKG, 'tools', 'install.mjs'), join(PKG, 'dist', 'index.js')]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${as18} await import(${JSON.stringify(target)});`],
      { cwd: project, env, encoding: 'utf8', timeout: 60000 });
    assert.is.not(r.status, 0, show(r));
    assert.match(r.stderr, /wasock needs Node 20 or newer \(this is v18\.19\.0\)/);
  }
});

function runtime(bin) {
  return existsSync(bin) && spawnSync(bin, ['--version']).status === 0 ? bin : null;
}
const runtimes = {
  deno: { bin: runtime(join(ROOT, 'node_modules', '.bin', 'deno')), args: ['run', '-A', '--node-modules-dir=manual'] },
  bun: { bin: runtime(join(ROOT, 'node_modules', 'bun', 'bin', 'bun.exe')), args: ['run'] },
};
for (const [name, rt] of Object.entries(runtimes)) {
  const title = `${name}: the installed package, a sync and a Promise echo`;
  if (!rt.bin) {
    if (ci) test(title, () => assert.unreachable(`${name} is not installed (npm run runtimes installs it)`));
    else test.skip(title, () => {});
    continue;
  }
  test(title, () => {
    const r = spawnSync(rt.bin, [...rt.args, 'echo.mjs'], { cwd: project, env, encoding: 'utf8', timeout: 60000 });
    assert.ok(r.status === 0 && r.stdout.includes('CONSUMER OK'), show(r));
  });
}

const GUEST = `#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
  char buf[64];
  send(s, "guest hello", 11, 0);
  ssize_t n = recv(s, buf, sizeof buf - 1, 0);
  buf[n > 0 ? n : 0] = 0;
  printf("%s\\n", buf);
  return strcmp(buf, "guest hello") != 0;
}
`;

test('wasock cc with no wasm toolchain: one line naming the command that installs one, exit 2', () => {
  writeFileSync(join(project, 'client.c'), GUEST);
  // A PATH with node only: no clang, and no @yowasp/clang in this project (yet).
  const bin = join(work, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  spawnSync('ln', ['-sf', process.execPath, join(bin, 'node')]);
  const r = spawnSync(process.execPath, [join(PKG, 'dist', 'cli.js'), 'cc', 'client.c', '-o', 'x.wasm'],
    { cwd: project, env: { ...env, PATH: bin }, encoding: 'utf8' });
  assert.is(r.status, 2, show(r));
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /npm install -D @yowasp\/clang/);
});

// The registry's tarball URL, as the clone's install fetched it: npm's cache holds the
// tarball under that URL (not the package's metadata), so only this spec installs offline.
// Whether it is cached is read from the cache index (cacache keys it by the URL's SHA-256).
const yowasp = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages['node_modules/@yowasp/clang']?.version;
const yowaspUrl = `https://registry.npmjs.org/@yowasp/clang/-/clang-${yowasp}.tgz`;
const key = createHash('sha256').update(`make-fetch-happen:request-cache:${yowaspUrl}`).digest('hex');
const cache = spawnSync('npm', ['config', 'get', 'cache'], { env, encoding: 'utf8' }).stdout.trim();
const yowaspCached = !!yowasp && existsSync(join(cache, '_cacache', 'index-v5', key.slice(0, 2), key.slice(2, 4), key.slice(4)));
const yowaspTitle = '@yowasp/clang installed offline into the project: wasock cc finds it there, with no clang on PATH';
if (!yowaspCached && !ci) test.skip(yowaspTitle, () => {});
else test(yowaspTitle, () => {
  assert.ok(yowaspCached, `${yowaspUrl} is not in the npm cache (${cache}): the clone's npm install puts it there`);
  const t0 = process.hrtime.bigint();
  const i = npm(['install', '--offline', '-D', yowaspUrl], project);
  assert.is(i.status, 0, show(i));
  console.log(`consumer: npm install --offline -D @yowasp/clang: ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2)} s`);
  const r = spawnSync(process.execPath, [join(PKG, 'dist', 'cli.js'), 'cc', 'client.c', '-o', 'yowasp.wasm'],
    { cwd: project, env: { ...env, PATH: join(work, 'bin') }, encoding: 'utf8', timeout: 300000 });
  assert.ok(r.status === 0 && existsSync(join(project, 'yowasp.wasm')), show(r));
});

// After @yowasp/clang is in the project: the toolchain a consumer installs when the SDK was
// built with it (a system-clang SDK also builds with it, or with the system clang).
test('npx wasock cc compiles a guest against the packaged SDK; npx wasock run runs it with a grant', async () => {
  const cc = spawnSync('npx', ['--offline', 'wasock', 'cc', 'client.c', '-o', 'client.wasm'], { cwd: project, env, encoding: 'utf8', timeout: 300000 });
  assert.is(cc.status, 0, show(cc));
  const { createServer } = await import('node:net');
  const server = createServer((c) => c.pipe(c));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const { spawn } = await import('node:child_process');
  const run = (args) => new Promise((resolve) => {
    const p = spawn('npx', ['--offline', 'wasock', 'run', ...args, 'client.wasm', String(port)], { cwd: project, env });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, stdout: out, stderr: err }));
  });
  const denied = await run([]);
  const granted = await run([`--allow-connect=127.0.0.1:${port}`]);
  server.close();
  assert.is.not(denied.status, 0, 'the guest connected without a grant');
  assert.ok(granted.status === 0 && granted.stdout.includes('guest hello'), show(granted));
  assert.not.ok(existsSync(join(PKG, 'ts-bindings', 'native', 'build')), 'something built the addon');
});

test.run();
