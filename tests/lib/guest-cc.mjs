// Builds test guests from tests/guests/*.c once per change (the wasm is reused
// by later test files while it is newer than its source and the SDK):
//   sdk    `wasock cc` (the guest SDK)
//   plain  plain wasi-libc, no SDK: the toolchain the SDK was built with
//          (wasm/sdk/toolchain) through tools/wasm-cc.mjs; a system clang
//          gets wasi-libc's sysroot as wasock cc finds it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

export const GUEST_OUT = join(ROOT, 'tests', '.tmp', 'guests-built');
const SDK_OBJ = join(ROOT, 'wasm', 'sdk', 'lib', 'wasock.o');

function mtime(p) {
  try { return statSync(p).mtimeMs; } catch { return 0; }
}

function plainSysroot() {
  const uid = process.getuid?.() ?? 0;
  for (const c of [process.env.WASI_SYSROOT, '/usr/share/wasi-sysroot', join(tmpdir(), `wasock-wasi-sysroot-${uid}`)]) {
    if (c && existsSync(join(c, 'lib', 'wasm32-wasi', 'libc.a'))) return c;
  }
  return null;
}

function exec(args, env) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, err }));
  });
}

// name -> path of the .wasm; throws with the compiler's message when it fails.
export async function buildGuest(name, kind = 'sdk') {
  mkdirSync(GUEST_OUT, { recursive: true });
  const src = join(ROOT, 'tests', 'guests', `${name}.c`);
  const out = join(GUEST_OUT, `${name}.wasm`);
  if (mtime(out) > Math.max(mtime(src), mtime(SDK_OBJ), mtime(join(ROOT, 'tools', 'wasm-cc.mjs')))) return out;
  let r;
  if (kind === 'sdk') {
    r = await exec([join(ROOT, 'dist', 'cli.js'), 'cc', '-o', out, src]);
  } else {
    const tc = readFileSync(join(ROOT, 'wasm', 'sdk', 'toolchain'), 'utf8').trim();
    const extra = [];
    if (tc === 'system') {
      const s = plainSysroot();
      if (!s) throw new Error('the SDK was built with the system clang but no wasi-libc sysroot is found');
      extra.push(`--sysroot=${s}`, '-s');
    }
    r = await exec([join(ROOT, 'tools', 'wasm-cc.mjs'), ...extra, '-O2', '-o', out, src], { WASOCK_TOOLCHAIN: tc });
  }
  if (r.status !== 0) throw new Error(`building ${name} (${kind}): ${r.err}`);
  return out;
}
