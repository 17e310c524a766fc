#!/usr/bin/env node
// Writes the guest allowlist tables of docs/guests.md (between the
// "rules:begin" and "rules:end" markers) from the data the guest host
// enforces (ts-bindings/src/guest/rules.ts, through dist/guest.js), so the
// documentation cannot drift from the rules.
//
//   node tools/gen-guest-tables.mjs          rewrite docs/guests.md
//   node tools/gen-guest-tables.mjs --check  exit 1 if it is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const g = await import(join(root, 'dist', 'guest.js'));
const C = await import(join(root, 'dist', 'index.js'));

// A number's name among the candidates (in order), from the library's constants.
function nameOf(value, candidates) {
  return candidates.find((n) => C[n] === value) ?? String(value);
}
const DOMAIN = ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK', 'AF_PACKET', 'AF_TIPC', 'AF_VSOCK'];
const TYPE = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'];
const PROTO = ['IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_ICMP', 'IPPROTO_ICMPV6'];
// Netlink protocol names (NETLINK_* also names socket options).
const NETLINK = ['NETLINK_ROUTE', 'NETLINK_SOCK_DIAG', 'NETLINK_GENERIC', 'NETLINK_KOBJECT_UEVENT', 'NETLINK_NETFILTER',
  'NETLINK_XFRM', 'NETLINK_AUDIT', 'NETLINK_USERSOCK'];
// Message flags, without their aliases (MSG_TRYHARD is MSG_DONTROUTE).
const MSG = ['MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_CTRUNC', 'MSG_PROXY', 'MSG_TRUNC', 'MSG_DONTWAIT', 'MSG_EOR',
  'MSG_WAITALL', 'MSG_FIN', 'MSG_SYN', 'MSG_CONFIRM', 'MSG_RST', 'MSG_ERRQUEUE', 'MSG_NOSIGNAL', 'MSG_MORE',
  'MSG_WAITFORONE', 'MSG_BATCH', 'MSG_ZEROCOPY', 'MSG_FASTOPEN', 'MSG_CMSG_CLOEXEC'];
const LEVEL = ['SOL_SOCKET', 'IPPROTO_IP', 'IPPROTO_IPV6', 'IPPROTO_TCP', 'IPPROTO_UDP', 'SOL_RAW', 'IPPROTO_ICMPV6',
  'SOL_NETLINK', 'SOL_PACKET', 'SOL_TIPC', 'AF_VSOCK'];
const grantText = (g) => (g === 'address' ? 'address grants'
  : g === 'family' ? "the socket's family (`--allow-family`)" : `\`--allow-family=${g}\``);

const lines = [];
lines.push('| family | type | protocols | judged as | needs |', '|---|---|---|---|---|');
for (const k of g.SOCKET_KINDS) {
  const names = k.domain === C.AF_NETLINK ? NETLINK : PROTO;
  const protos = k.protocols === 'any' ? 'any' : k.protocols.map((p) => (names === PROTO && p === 0 ? '0' : nameOf(p, names))).join(', ');
  lines.push(`| ${nameOf(k.domain, DOMAIN)} | ${nameOf(k.type, TYPE)} | ${protos} | ${k.family} | ${grantText(k.grant)} |`);
}
lines.push('', '| level | option | get | set | value bytes | sockets | needs |', '|---|---|---|---|---|---|---|');
for (const [key, r] of g.OPTIONS) {
  const level = Number(key.split(':')[0]);
  const size = (r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`) + (r.accepts ? ' (values checked)' : '');
  lines.push(`| ${nameOf(level, LEVEL)} | ${r.name} | ${r.get ? 'yes' : ''} | ${r.set ? 'yes' : ''} | ${size} | ${r.families ? r.families.join(', ') : 'any'} | ${grantText(r.grant)} |`);
}
lines.push('', '| netlink protocol | message types a guest may send | generic-netlink commands |', '|---|---|---|');
for (const [proto, r] of g.NETLINK_REQUESTS) {
  lines.push(`| ${nameOf(proto, NETLINK)} | ${r.types.join(', ')} | ${r.commands ? r.commands.join(', ') : ''} |`);
}
lines.push('', '| ioctl | direction |', '|---|---|');
for (const [req, r] of g.IOCTLS) lines.push(`| ${r.name} (0x${req.toString(16)}) | ${r.dir === 'out' ? 'reads an int' : 'sets from an int'} |`);
const flags = (mask) => MSG.filter((k) => C[k] !== undefined && (mask & C[k]) === C[k]).join(', ');
lines.push('', `Send flags: ${flags(g.SEND_FLAGS)}; \`MSG_FASTOPEN\` is judged as a connect.`,
  `Receive flags: ${flags(g.RECV_FLAGS)}.`);

const doc = join(root, 'docs', 'guests.md');
const text = readFileSync(doc, 'utf8');
const begin = '<!-- rules:begin (tools/gen-guest-tables.mjs) -->\n';
const end = '<!-- rules:end -->';
const i = text.indexOf(begin);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error('docs/guests.md has no rules markers');
const next = text.slice(0, i + begin.length) + lines.join('\n') + '\n' + text.slice(j);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('docs/guests.md: the allowlist tables differ from the rules (run node tools/gen-guest-tables.mjs)');
    process.exit(1);
  }
} else writeFileSync(doc, next);
