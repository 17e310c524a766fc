#!/usr/bin/env node
// wasock-cc: compiles POSIX socket C for wasm32-wasi against the wasock guest
// SDK, like emcc does for emscripten: the SDK's headers first (Linux
// numbering), the toolchain's wasi-libc for the rest, and the SDK library
// (the wasock core + the libc shim) linked in.
//
//   node core-c/guest/wasock-cc.mjs [clang arguments...]     (npx wasock cc)
//   node core-c/guest/wasock-cc.mjs --build-sdk OUTDIR        (make sdk)
//
// The toolchain is tools/wasm-cc.mjs's choice (wasi-sdk, system clang +
// wasm-ld, @yowasp/clang; WASOCK_TOOLCHAIN forces one). A system clang also
// needs wasi-libc (Debian: wasi-libc, /usr/include/wasm32-wasi and
// /usr/lib/wasm32-wasi; or WASI_SYSROOT / /usr/share/wasi-sysroot) and the
// wasm32 compiler-rt builtins (libclang-rt-N-dev-wasm32); without them the
// driver falls back to @yowasp/clang, whose sysroot has both.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const wasmCc = path.join(root, 'tools', 'wasm-cc.mjs');

function fail(msg, code = 2) {
  process.stderr.write(`wasock cc: error: ${msg}\n`);
  process.exit(code);
}

// The toolchain wasm-cc would use (forced: that one only); with `quiet`, null when missing.
function which(forced, quiet = false) {
  const env = forced ? { ...process.env, WASOCK_TOOLCHAIN: forced } : process.env;
  const r = spawnSync(process.execPath, [wasmCc, '--wasock-which'], { encoding: 'utf8', env });
  if (r.status !== 0 && quiet) return null;
  if (r.status !== 0) fail((r.stderr || 'no wasm32 toolchain').trim().split('\n').pop().replace(/^wasm-cc: error: /, ''));
  return r.stdout.split('\t')[0].trim();
}

// A sysroot holding wasi-libc for a system clang (never the host's /usr/include).
function wasiSysroot() {
  const cands = [process.env.WASI_SYSROOT, '/usr/share/wasi-sysroot'].filter(Boolean);
  for (const c of cands) if (fs.existsSync(path.join(c, 'lib', 'wasm32-wasi', 'libc.a'))) return c;
  if (fs.existsSync('/usr/lib/wasm32-wasi/libc.a') && fs.existsSync('/usr/include/wasm32-wasi/stdio.h')) {
    // Debian's layout: headers and libraries beside the host's; link them into a clean root.
    const dir = path.join(os.tmpdir(), `wasock-wasi-sysroot-${process.getuid?.() ?? 0}`);
    for (const [sub, target] of [['include/wasm32-wasi', '/usr/include/wasm32-wasi'], ['lib/wasm32-wasi', '/usr/lib/wasm32-wasi']]) {
      const link = path.join(dir, sub);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      try {
        if (fs.readlinkSync(link) === target) continue;
        fs.rmSync(link, { force: true });
      } catch { /* missing */ }
      fs.symlinkSync(target, link);
    }
    return dir;
  }
  return null;
}

// compiler-rt's wasm32 builtins beside the system clang (clang -print-libgcc-file-name).
function hasBuiltins(sysroot) {
  const r = spawnSync('clang', ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-rtlib=compiler-rt', '-print-libgcc-file-name'], { encoding: 'utf8' });
  return r.status === 0 && fs.existsSync(r.stdout.trim());
}

// `prefer` is the toolchain the SDK was built with: guests must be compiled
// and linked by the same one (another clang's objects may use features, such
// as bulk memory, that this linker or the wasm-opt it runs rejects).
// An SDK built by the system clang (older than @yowasp/clang's) also links with
// @yowasp/clang, so a consumer without the system one falls back to it; not the reverse.
const INSTALL = {
  yowasp: 'npm install -D @yowasp/clang',
  system: 'npm install -D @yowasp/clang (or apt-get install clang lld wasi-libc libclang-rt-N-dev-wasm32)',
  'wasi-sdk': 'set WASI_SDK_PATH to a wasi-sdk, or npm install -D @yowasp/clang',
};
function pickToolchain(prefer) {
  const env = process.env.WASOCK_TOOLCHAIN;
  let forced = env ?? prefer;
  if (!env && prefer && !which(prefer, true)) {
    if (prefer === 'system' && which('yowasp', true)) forced = 'yowasp';
    else fail(`no wasm32 toolchain found (the guest SDK was built with ${prefer}); install one: ${INSTALL[prefer] ?? INSTALL.yowasp}`);
  }
  const t = which(forced);
  if (t !== 'system') return { name: t, args: [], env: { WASOCK_TOOLCHAIN: t } };
  const sysroot = wasiSysroot();
  const why = !sysroot ? 'no wasi-libc (apt-get install wasi-libc)'
    : !hasBuiltins(sysroot) ? 'no wasm32 compiler-rt builtins (apt-get install libclang-rt-N-dev-wasm32)' : null;
  if (!why) return { name: 'system', args: [`--sysroot=${sysroot}`], linkArgs: ['-s'], env: { WASOCK_TOOLCHAIN: 'system' } };
  if (env === 'system') fail(`WASOCK_TOOLCHAIN=system but the system clang has ${why}`);
  process.stderr.write(`wasock cc: system clang has ${why}; using @yowasp/clang\n`);
  return { name: 'yowasp', args: [], env: { WASOCK_TOOLCHAIN: 'yowasp' } };
}

function run(t, args) {
  const r = spawnSync(process.execPath, [wasmCc, ...t.args, ...args], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, ...(t.env ?? {}) },
    encoding: 'utf8',
  });
  // wasm-cc's progress lines only when asked (WASOCK_CC_VERBOSE=1); diagnostics always.
  const err = (r.stderr ?? '').split('\n').filter((l) => process.env.WASOCK_CC_VERBOSE || !/^wasm-cc: (toolchain|\w+ done)/.test(l)).join('\n');
  if (err.trim()) process.stderr.write(err.endsWith('\n') ? err : `${err}\n`);
  return r.status ?? 1;
}

// Core files guests do not get: the libc has memcpy & co (faster); a guest's
// host resolves for it (lookup_name/lookup_addr, core-c/guest/lookup_host.c),
// so the in-guest resolver (lookup.c, the stub resolver and its DNS codec,
// the resolv.conf and nsswitch.conf parsers, the lookup without DNS built on
// it) and the host's side of those imports (lookup_record.c) stay out of
// every guest.
const CORE_SKIP = new Set(['mem_builtins.c', 'lookup.c', 'lookup_record.c', 'dns_query.c', 'dns_msg.c',
  'resolv_conf.c', 'nsswitch.c', 'getaddrinfo_local.c']);

export function sdkDir() {
  return process.env.WASOCK_SDK ?? path.join(root, 'wasm', 'sdk');
}

function buildSdk(out) {
  const t = pickToolchain();
  const core = fs.readdirSync(path.join(root, 'core-c', 'src')).filter((f) => f.endsWith('.c') && !CORE_SKIP.has(f)).sort()
    .map((f) => path.join('core-c', 'src', f));
  const shim = fs.readdirSync(here).filter((f) => f.endsWith('.c')).sort().map((f) => path.relative(root, path.join(here, f)));
  fs.mkdirSync(path.join(out, 'lib'), { recursive: true });
  // Headers: the guest POSIX set, plus <wasock/*.h> for guests that call the core directly.
  fs.rmSync(path.join(out, 'include'), { recursive: true, force: true });
  fs.cpSync(path.join(root, 'core-c', 'include', 'guest'), path.join(out, 'include'), { recursive: true });
  fs.cpSync(path.join(root, 'core-c', 'include', 'wasock'), path.join(out, 'include', 'wasock'), { recursive: true });
  const obj = path.join(out, 'lib', 'wasock.o');
  // Compile each file (-c), then one relocatable link without -O (a clang that
  // finds binaryen's wasm-opt would run it on the -r output, which it cannot read).
  const objDir = path.join(out, 'obj');
  fs.rmSync(objDir, { recursive: true, force: true });
  fs.mkdirSync(objDir, { recursive: true });
  process.chdir(objDir);
  // Guests never read the hosts file (their host resolves for them): no room for it.
  let code = run(t, ['-O2', '-std=c11', '-Wall', '-Wno-unused-function', '-DWSK_RFILE_HOSTS_KB=1', '-isystem', path.join(out, 'include'),
    `-I${path.join(root, 'core-c', 'include')}`, `-I${here}`, '-c', ...[...core, ...shim].map((f) => path.join(root, f))]);
  if (code !== 0) return code;
  const objs = fs.readdirSync(objDir).filter((f) => f.endsWith('.o')).sort();
  code = run(t, ['-nostdlib', '-Wl,-r', '-o', `${obj}.tmp`, ...objs]);
  if (code !== 0) return code;
  process.chdir(root);
  fs.rmSync(objDir, { recursive: true, force: true });
  fs.renameSync(`${obj}.tmp`, obj);
  fs.writeFileSync(path.join(out, 'toolchain'), `${t.name}\n`);
  fs.writeFileSync(path.join(out, 'README'), 'wasock guest SDK: include/ (POSIX socket headers, Linux numbering) and lib/wasock.o (the core + libc shim).\nUse: npx wasock cc -o prog.wasm prog.c\n');
  return 0;
}

// Does this command line link (rather than stop at -c, -S, -E, -M)?
function links(args) {
  return !args.some((a) => a === '-c' || a === '-S' || a === '-E' || a === '-M' || a === '-MM' || a === '-fsyntax-only' || a === '--version' || a === '-v' && args.length === 1);
}

export function cc(args) {
  const sdk = sdkDir();
  const obj = path.join(sdk, 'lib', 'wasock.o');
  if (!fs.existsSync(obj)) fail(`the guest SDK is not built (${obj}); run make sdk`);
  const built = fs.existsSync(path.join(sdk, 'toolchain')) ? fs.readFileSync(path.join(sdk, 'toolchain'), 'utf8').trim() : undefined;
  const t = pickToolchain(built);
  const pre = ['-isystem', path.join(sdk, 'include')];
  const post = links(args) ? [...(t.linkArgs ?? []), obj] : [];
  if (!args.some((a) => /^-O/.test(a))) pre.push('-O2');
  return run(t, [...pre, ...args, ...post]);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--build-sdk') process.exit(buildSdk(path.resolve(argv[1] ?? path.join(root, 'wasm', 'sdk'))));
  if (!argv.length) fail('no input files (usage: wasock cc [clang options] file.c... -o out.wasm)');
  process.exit(cc(argv));
}
