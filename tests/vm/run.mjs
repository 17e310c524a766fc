#!/usr/bin/env node
// The reusable VM runner: runs one command inside a QEMU TCG virtual machine that boots Debian's
// kernel (linux-image-amd64, /boot/vmlinuz-*) with this machine's root shared read-only over
// 9p, so `node`, CPython and the working tree are used unchanged, on a different kernel (one
// with TIPC, for instance). KVM is not used (TCG only).
//
//   node tests/vm/run.mjs [--modules tipc,...] [--cwd DIR] [--timeout SEC] -- COMMAND [ARG...]
//   import { runInVm, vmAvailable } from './vm/run.mjs'
//
// The initramfs (built per run under the system temp dir, deleted after) holds busybox-static
// and the virtio/9p modules; its /init mounts the host root at /host (read-only; fresh tmpfs on
// /tmp, /run and /dev/shm; proc, sys, dev), brings lo up, loads the requested modules with the
// host's modprobe, runs the command in a chroot from the given cwd and powers off. The command's
// output comes back over the serial console; its exit status is the runner's.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const QEMU = 'qemu-system-x86_64';
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const BOOT_MODULES = ['9p', '9pnet_virtio', 'virtio_pci'];
const MARK = 'WSK_VM_EXIT=';
const START = 'WSK_VM_START';

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

// The newest /boot/vmlinuz-* whose modules are installed.
export function findKernel() {
  if (!existsSync('/boot')) return null;
  const vers = readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')).map((f) => f.slice(8))
    .filter((v) => existsSync(`/lib/modules/${v}/modules.dep`))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const v = vers.at(-1);
  return v ? { version: v, image: `/boot/vmlinuz-${v}` } : null;
}

// null when everything is here, else why not (for the skip message).
export function vmMissing() {
  const missing = [];
  if (!which(QEMU)) missing.push(`${QEMU} (apt: qemu-system-x86)`);
  if (!findKernel()) missing.push('/boot/vmlinuz-* with its modules (apt: linux-image-amd64)');
  if (!BUSYBOX) missing.push('busybox (apt: busybox-static)');
  if (!which('modprobe')) missing.push('modprobe (apt: kmod)');
  return missing.length ? `VM runner unavailable: missing ${missing.join(', ')}` : null;
}

function moduleFiles(version, names) {
  const out = execFileSync('modprobe', ['--show-depends', '-S', version, '-a', ...names], { encoding: 'utf8' });
  const files = [];
  for (const line of out.split('\n')) {
    const m = /^insmod (\S+)/.exec(line);
    if (m && !files.includes(m[1])) files.push(m[1]);
  }
  return files;
}

const sh = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;

function initScript(mods, cwd) {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in ${mods.join(' ')}; do
  f=/m/$m; [ -f "$f.xz" ] && xz -d "$f.xz"; [ -f "$f.zst" ] && zstd -dq --rm "$f.zst"
  insmod "$f" 2>/dev/null
done
mkdir -p /host
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host; then
  echo "wasock-vm: cannot mount the host root"; echo ${MARK}125; poweroff -f
fi
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/shm
for d in /tmp /run /dev/shm; do mount -t tmpfs tmpfs /host$d; done
# The working tree is shared on its own: it may live under /tmp, which the
# fresh tmpfs above would hide (CI clones anywhere).
mkdir -p /host${sh(cwd)}
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 worktree /host${sh(cwd)}; then
  echo "wasock-vm: cannot mount the working tree"; echo ${MARK}125; poweroff -f
fi
cp /cmd.sh /host/tmp/wsk-cmd.sh
echo ${START}
chroot /host /bin/sh /tmp/wsk-cmd.sh
echo "${MARK}$?"
poweroff -f
`;
}

function cmdScript(argv, cwd, modules, env) {
  const lines = ['export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp'];
  for (const [k, v] of Object.entries(env)) lines.push(`export ${k}=${sh(v)}`);
  lines.push('ip link set lo up 2>/dev/null');
  for (const m of modules) lines.push(`modprobe ${sh(m)} || echo "wasock-vm: modprobe ${m} failed"`);
  lines.push(`cd ${sh(cwd)} || exit 126`, `${argv.map(sh).join(' ')}`);
  return lines.join('\n') + '\n';
}

// Runs argv in the VM. Resolves { code, output, ms }; code is the command's exit status (or
// null when the VM did not report one before the timeout).
export async function runInVm(argv, { modules = [], cwd = process.cwd(), timeout = 240, env = {},
  memory = 1024, onOutput } = {}) {
  const why = vmMissing();
  if (why) throw new Error(why);
  const kernel = findKernel();
  const dir = mkdtempSync(join(tmpdir(), 'wasock-vm-'));
  const t0 = Date.now();
  try {
    const stage = join(dir, 'root');
    for (const d of ['bin', 'm', 'proc', 'sys', 'dev', 'host']) mkdirSync(join(stage, d), { recursive: true });
    copyFileSync(BUSYBOX, join(stage, 'bin', 'busybox'));
    chmodSync(join(stage, 'bin', 'busybox'), 0o755);
    const mods = [];
    for (const f of moduleFiles(kernel.version, BOOT_MODULES)) {
      const name = basename(f);
      copyFileSync(f, join(stage, 'm', name));
      mods.push(name.replace(/\.(xz|zst)$/, ''));
    }
    writeFileSync(join(stage, 'init'), initScript(mods, cwd), { mode: 0o755 });
    writeFileSync(join(stage, 'cmd.sh'), cmdScript(argv, cwd, modules, env));
    const initrd = join(dir, 'initrd.cpio');
    execFileSync('sh', ['-c', `cd ${sh(stage)} && find . | ${sh(BUSYBOX)} cpio -o -H newc > ${sh(initrd)} 2>/dev/null`]);
    const args = [
      '-machine', 'pc,accel=tcg', '-cpu', 'max', '-smp', '2', '-m', String(memory),
      '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio', '-monitor', 'none',
      '-kernel', kernel.image, '-initrd', initrd,
      '-append', 'console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init',
      '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
      '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
      '-fsdev', `local,id=worktree,path=${cwd},security_model=none,readonly=on,multidevs=remap`,
      '-device', 'virtio-9p-pci,fsdev=worktree,mount_tag=worktree',
    ];
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let started = false;
    const onData = (b) => {
      const s = b.toString().replaceAll('\r', '');
      output += s;
      if (!started && output.includes(START)) {
        started = true;
        onOutput?.(output.slice(output.indexOf(START) + START.length + 1));
      } else if (started) onOutput?.(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout * 1000);
    await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const m = new RegExp(`${MARK}(\\d+)`).exec(output);
    const from = output.indexOf(START);
    const to = output.indexOf(MARK);
    const body = output.slice(from >= 0 ? from + START.length + 1 : 0, to >= 0 ? to : undefined);
    return { code: m ? Number(m[1]) : null, output: body, console: output, ms: Date.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { vmMissing as vmAvailable };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opts = { modules: [], cwd: process.cwd(), timeout: 240 };
  while (argv.length && argv[0] !== '--') {
    const a = argv.shift();
    if (a === '--modules') opts.modules = argv.shift().split(',').filter(Boolean);
    else if (a === '--cwd') opts.cwd = argv.shift();
    else if (a === '--timeout') opts.timeout = Number(argv.shift());
    else { console.error(`unknown option ${a}`); process.exit(2); }
  }
  argv.shift();
  const why = vmMissing();
  if (why) { console.error(why); process.exit(3); }
  const r = await runInVm(argv, { ...opts, onOutput: (s) => process.stdout.write(s) });
  console.error(`\nwasock-vm: exit ${r.code} after ${(r.ms / 1000).toFixed(1)} s`);
  process.exit(r.code ?? 124);
}
