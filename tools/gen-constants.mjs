#!/usr/bin/env node
// Generates ts-bindings/src/host/constants.generated.ts: the Linux socket constants, taken from the REAL
// system headers of the build machine (glibc + kernel uapi), never typed by hand; and beside it
// cmsg.generated.ts: struct cmsghdr's size and alignment, for CMSG_LEN/CMSG_SPACE (step 5).
//
//   node tools/gen-constants.mjs [out.ts]        (CC=... to pick the compiler; default: cc)
//
// 1. `cc -E -dD` on the header list below: every object-like macro and every enumerator (glibc's
//    IPPROTO_*, IPPORT_*, MSG_*, SOCK_*, SHUT_* are enums), with the header that defines it.
// 2. Select the names with the prefixes CPython's socket module exposes (plus a few exact names).
//    linux/can/bcm.h's unprefixed names (TX_SETUP, SETTIMER, CAN_FD_FRAME, ...) come out as
//    CAN_BCM_<name>, as CPython renames them.
// 3. Compile a C program that checks each name is an integer constant expression and prints its
//    value (negative values signed, others unsigned: INADDR_NONE = 4294967295, EAI_* < 0); names
//    that fail to compile are dropped, iteratively, from gcc's error lines.
// 4. Emit sorted `export const NAME = value;` lines; then the few names CPython has that no header
//    of a Linux system defines (see FALLBACK), each with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(process.argv[2] ?? join(here, '..', 'ts-bindings', 'src', 'host', 'constants.generated.ts'));
const CC = process.env.CC || 'cc';

// Headers CPython's socketmodule.c draws on (Linux). Each is included only if present.
const HEADERS = [
  'sys/types.h', 'sys/socket.h', 'sys/un.h', 'netinet/in.h', 'netinet/tcp.h', 'netinet/udp.h',
  'netdb.h', 'arpa/inet.h', 'errno.h', 'sys/ioctl.h',
  'linux/netlink.h', 'linux/rtnetlink.h', 'linux/tipc.h', 'linux/if_packet.h', 'linux/if_ether.h', 'net/ethernet.h',
  'linux/vm_sockets.h', 'linux/can.h', 'linux/can/raw.h', 'linux/can/bcm.h', 'linux/can/isotp.h',
  'linux/can/j1939.h', 'linux/if_alg.h', 'linux/rds.h', 'linux/qrtr.h', 'linux/errqueue.h',
  // BlueZ (libbluetooth-dev), the source of CPython's BTPROTO_*/HCI_*; usually absent, see FALLBACK.
  'bluetooth/bluetooth.h', 'bluetooth/hci.h', 'bluetooth/l2cap.h', 'bluetooth/rfcomm.h', 'bluetooth/sco.h',
];

const PREFIXES = [
  'AF_', 'PF_', 'SOCK_', 'SO_', 'SOL_', 'SCM_', 'MSG_', 'IPPROTO_', 'IPPORT_', 'INADDR_', 'IP_', 'IPV6_',
  'EAI_', 'AI_', 'NI_', 'TCP_', 'UDPLITE_', 'TIPC_', 'NETLINK_', 'PACKET_', 'ETHERTYPE_', 'CAN_', 'J1939_',
  'ALG_', 'VMADDR_', 'VM_SOCKETS_', 'IOCTL_VM_', 'RDS_', 'SHUT_', 'BTPROTO_',
];
const EXACT = new Set([
  'SOMAXCONN', 'ETH_P_ALL',
  'EAGAIN', 'EBADF', 'EWOULDBLOCK', // errno.h; CPython's socket module exports these three
  'HCI_DATA_DIR', 'HCI_FILTER', 'HCI_TIME_STAMP', // bluetooth/hci.h (only those CPython wraps)
]);
const selected = (n) => !n.startsWith('_') && (EXACT.has(n) || PREFIXES.some((p) => n.startsWith(p)));

// Names CPython 3.11 exports on Linux that no Linux header (glibc or kernel uapi) defines.
// Used only when the headers did not yield the name.
const FALLBACK = [
  ['ALG_OP_SIGN', 2, "CPython's socketmodule.h defines it (akcipher patch, never in mainline linux/if_alg.h)"],
  ['ALG_OP_VERIFY', 3, "CPython's socketmodule.h defines it (akcipher patch, never in mainline linux/if_alg.h)"],
  ['ALG_SET_PUBKEY', 6, "CPython's socketmodule.h defines it (akcipher patch, never in mainline linux/if_alg.h)"],
  ['UDPLITE_SEND_CSCOV', 10, 'kernel-internal include/net/udplite.h (not uapi, not glibc); CPython\'s socketmodule.c defines it'],
  ['UDPLITE_RECV_CSCOV', 11, 'kernel-internal include/net/udplite.h (not uapi, not glibc); CPython\'s socketmodule.c defines it'],
  ['BTPROTO_L2CAP', 0, 'BlueZ <bluetooth/bluetooth.h> (not a kernel uapi header; not installed here)'],
  ['BTPROTO_HCI', 1, 'BlueZ <bluetooth/bluetooth.h> (not a kernel uapi header; not installed here)'],
  ['BTPROTO_SCO', 2, 'BlueZ <bluetooth/bluetooth.h> (not a kernel uapi header; not installed here)'],
  ['BTPROTO_RFCOMM', 3, 'BlueZ <bluetooth/bluetooth.h> (not a kernel uapi header; not installed here)'],
  ['SOL_HCI', 0, 'BlueZ <bluetooth/bluetooth.h> (not a kernel uapi header; not installed here)'],
  ['HCI_DATA_DIR', 1, 'BlueZ <bluetooth/hci.h> (not a kernel uapi header; not installed here)'],
  ['HCI_FILTER', 2, 'BlueZ <bluetooth/hci.h> (not a kernel uapi header; not installed here)'],
  ['HCI_TIME_STAMP', 3, 'BlueZ <bluetooth/hci.h> (not a kernel uapi header; not installed here)'],
];

const work = mkdtempSync(join(tmpdir(), 'wasock-gen-constants-'));
try {
  // ---- 1. preprocess -------------------------------------------------------------------------
  const prelude = '#define _GNU_SOURCE 1\n' +
    HEADERS.map((h) => `#if __has_include(<${h}>)\n#include <${h}>\n#endif\n`).join('');
  writeFileSync(join(work, 'hdrs.h'), prelude);
  const pp = execFileSync(CC, ['-E', '-dD', '-x', 'c', join(work, 'hdrs.h')],
    { encoding: 'utf8', maxBuffer: 1 << 28 });

  const macros = new Map(); // name -> defining file
  let file = '';
  const text = [];          // [file, line] of ordinary C text
  for (const line of pp.split('\n')) {
    let m;
    if ((m = /^# \d+ "([^"]*)"/.exec(line))) { file = m[1]; continue; }
    if ((m = /^#define ([A-Za-z_]\w*)(\(?)/.exec(line))) {
      if (m[2] === '(') macros.delete(m[1]); // function-like: not a constant
      else macros.set(m[1], file);
      continue;
    }
    if ((m = /^#undef ([A-Za-z_]\w*)/.exec(line))) { macros.delete(m[1]); continue; }
    if (line.startsWith('#')) continue;
    text.push([file, line]);
  }
  // Enumerators: join the text per file run so an enum body is attributed to its header.
  const enumerators = new Map(); // name -> file
  {
    const runs = [];
    for (const [f, l] of text) {
      if (runs.length && runs[runs.length - 1][0] === f) runs[runs.length - 1][1].push(l);
      else runs.push([f, [l]]);
    }
    for (const [f, lines] of runs) {
      const src = lines.join('\n');
      for (const em of src.matchAll(/\benum\b\s*(?:__attribute__\s*\(\([^)]*\)\)\s*)?\w*\s*\{([^}]*)\}/g)) {
        let depth = 0, cur = '';
        const members = [];
        for (const ch of em[1]) {
          if (ch === '(') depth++;
          if (ch === ')') depth--;
          if (ch === ',' && depth === 0) { members.push(cur); cur = ''; } else cur += ch;
        }
        members.push(cur);
        for (const mem of members) {
          const nm = /^\s*([A-Za-z_]\w*)/.exec(mem);
          if (nm) enumerators.set(nm[1], f);
        }
      }
    }
  }

  // ---- 2. select ------------------------------------------------------------------------------
  const cand = new Map(); // exported name -> C expression
  for (const [name, f] of [...enumerators, ...macros]) {
    if (f.endsWith('/linux/can/bcm.h')) {
      if (!name.startsWith('_')) cand.set(`CAN_BCM_${name}`, name);
    } else if (selected(name)) {
      cand.set(name, name);
    }
  }

  // ---- 3. compile and print -------------------------------------------------------------------
  const INT_TYPES = ['_Bool', 'char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int',
    'unsigned int', 'long', 'unsigned long', 'long long', 'unsigned long long'];
  const dropped = [];
  let names = [...cand.keys()].sort();
  let values;
  for (let round = 0; ; round++) {
    if (round > 50) throw new Error('gen-constants: too many compile rounds');
    const head = prelude + '#include <stdio.h>\n' +
      'struct nv { const char *n; int neg; long long s; unsigned long long u; };\n';
    const headLines = head.split('\n').length - 1;
    const body = names.map((n, i) => {
      const e = `(${cand.get(n)})`;
      return `typedef char t_${i}[_Generic(${e}, ${INT_TYPES.map((t) => `${t}: 1`).join(', ')}, default: -1)]; ` +
        `static const struct nv v_${i} = { "${n}", ${e} < 0, (long long)${e}, (unsigned long long)${e} };`;
    });
    const tail = '\nint main(void) {\n  static const struct nv *all[] = {\n' +
      names.map((_, i) => `    &v_${i},`).join('\n') + '\n    0 };\n' +
      '  for (const struct nv *const *p = all; *p; p++)\n' +
      '    if ((*p)->neg) printf("%s %lld\\n", (*p)->n, (*p)->s); else printf("%s %llu\\n", (*p)->n, (*p)->u);\n' +
      '  return 0;\n}\n';
    const cfile = join(work, 'vals.c');
    writeFileSync(cfile, head + body.join('\n') + tail);
    const r = spawnSync(CC, ['-w', '-std=gnu11', '-o', join(work, 'vals'), cfile], { encoding: 'utf8' });
    if (r.status === 0) {
      values = execFileSync(join(work, 'vals'), { encoding: 'utf8' });
      break;
    }
    const bad = new Set();
    for (const m of r.stderr.matchAll(/vals\.c:(\d+):/g)) {
      const idx = Number(m[1]) - headLines - 1;
      if (idx >= 0 && idx < names.length) bad.add(names[idx]);
    }
    if (bad.size === 0) throw new Error(`gen-constants: compile failed and no name to blame:\n${r.stderr}`);
    dropped.push(...bad);
    names = names.filter((n) => !bad.has(n));
  }

  const out = new Map();
  const tooBig = [];
  for (const line of values.trim().split('\n')) {
    const [n, v] = line.split(' ');
    const big = BigInt(v);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) tooBig.push(n);
    else out.set(n, v);
  }

  // ---- 4. emit --------------------------------------------------------------------------------
  let ts = '// GENERATED by tools/gen-constants.mjs from the system headers of the build machine\n' +
    '// (glibc + Linux uapi, via `cc -E -dD` and a compiled C program). Do not edit by hand.\n\n';
  for (const n of [...out.keys()].sort()) ts += `export const ${n} = ${out.get(n)};\n`;
  const fb = FALLBACK.filter(([n]) => !out.has(n));
  if (fb.length) {
    ts += '\n// Not defined by any Linux header on this machine, but exported by CPython\'s socket module:\n';
    for (const [n, v, why] of fb) ts += `export const ${n} = ${v}; // ${why}\n`;
  }
  for (const [n, v] of FALLBACK) {
    if (out.has(n) && out.get(n) !== String(v)) console.error(`gen-constants: warning: ${n} = ${out.get(n)} in headers, ${v} in CPython`);
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, ts);
  console.error(`gen-constants: ${out.size} constants from headers, ${fb.length} fallback, ` +
    `${dropped.length} non-constant names dropped${tooBig.length ? `, ${tooBig.length} too large skipped (${tooBig.join(' ')})` : ''} -> ${outPath}`);
  if (process.env.GEN_CONSTANTS_VERBOSE) console.error('dropped:', dropped.join(' '));

  // ---- 5. the host's struct cmsghdr, for CMSG_LEN()/CMSG_SPACE() --------------------------------
  // The kernel's layout on this machine (x86_64: 16 bytes, aligned to 8), not wasm32's: a separate
  // file, so that these two numbers are not exported as socket constants. Taken from the real
  // header's struct and CMSG_ALIGN macro, as the constants are.
  const cmsgC = join(work, 'cmsg.c');
  writeFileSync(cmsgC, '#define _GNU_SOURCE 1\n#include <sys/socket.h>\n#include <stdio.h>\n#include <stddef.h>\n' +
    'int main(void) {\n' +
    '  printf("%zu %zu %zu %zu %zu %zu %zu\\n", sizeof(struct cmsghdr), (size_t)CMSG_ALIGN(1), (size_t)CMSG_LEN(0), (size_t)CMSG_SPACE(1),\n' +
    '    sizeof(((struct cmsghdr *)0)->cmsg_len), offsetof(struct cmsghdr, cmsg_level), offsetof(struct cmsghdr, cmsg_type));\n' +
    '  return 0;\n}\n');
  execFileSync(CC, ['-std=gnu11', '-o', join(work, 'cmsg'), cmsgC]);
  const [hdr, align, len0, space1, lenSize, levelOff, typeOff] = execFileSync(join(work, 'cmsg'), { encoding: 'utf8' }).trim().split(' ').map(Number);
  // The formulas lib code uses must give what the macros give.
  const alignUp = (n) => Math.ceil(n / align) * align;
  if (alignUp(hdr) !== len0 || alignUp(1) + alignUp(hdr) !== space1) {
    throw new Error(`gen-constants: struct cmsghdr (${hdr}, align ${align}) does not fit glibc's CMSG_LEN/CMSG_SPACE formulas`);
  }
  const cmsgPath = join(dirname(outPath), 'cmsg.generated.ts');
  writeFileSync(cmsgPath, '// GENERATED by tools/gen-constants.mjs from <sys/socket.h> of the build machine (a compiled C\n' +
    '// program). Do not edit by hand. The host kernel\'s control message header, for CMSG_LEN and\n' +
    '// CMSG_SPACE: CMSG_LEN(n) = CMSG_ALIGN(sizeof(struct cmsghdr)) + n,\n' +
    '// CMSG_SPACE(n) = CMSG_ALIGN(n) + CMSG_ALIGN(sizeof(struct cmsghdr)).\n\n' +
    `/** sizeof(struct cmsghdr). */\nexport const CMSGHDR_SIZE = ${hdr};\n` +
    `/** CMSG_ALIGN's unit: sizeof(size_t). */\nexport const CMSG_ALIGNMENT = ${align};\n` +
    `/** sizeof(cmsg_len): size_t. */\nexport const CMSG_LEN_SIZE = ${lenSize};\n` +
    `/** offsetof(struct cmsghdr, cmsg_level). */\nexport const CMSG_LEVEL_OFFSET = ${levelOff};\n` +
    `/** offsetof(struct cmsghdr, cmsg_type). */\nexport const CMSG_TYPE_OFFSET = ${typeOff};\n`);
  console.error(`gen-constants: struct cmsghdr ${hdr} bytes, aligned to ${align} -> ${cmsgPath}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
