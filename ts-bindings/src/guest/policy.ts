// The capability policy for Wasm guests: deny by default. A policy grants
// operations (connect, bind (+listen), sendto, accept) on address patterns,
// whole families (inet, inet6, unix, raw, netlink, packet, tipc, vsock), DNS
// names the guest may resolve, and a cap on open sockets.
//
// Addresses are judged by what they really reach, from the raw Linux sockaddr
// bytes the guest passes: an IPv4-mapped IPv6 address is its IPv4 address, a
// connect to 0.0.0.0 or :: reaches the loopback, a wildcard bind reaches every
// address of its family (and a dual-stack :: bind both families) and needs a
// grant that names the wildcard itself, and a unix path is the file the kernel
// resolved it to (unix-path.ts opens it first and judges what it opened).
//
// Pattern syntax (strings; the CLI's --allow-* values):
//   127.0.0.1:8080   10.0.0.0/8:80-90   [::1]:53   [2001:db8::/32]:*   *:8080
//   0.0.0.0:8080 and [::]:8080 (wildcard binds)   192.168.1.7 (any port)
//   localhost:8080 (a name: resolved once when compiled; exactly those addresses)
//   unix:/run/app.sock (exact)   unix:/tmp/sockets/ (prefix: ends with /)   unix:* (any path)
//   unix:@name (an abstract name)   unix:@prefix* (abstract names with that prefix)   unix:@*
import { realpathSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { basename, dirname, resolve as resolvePath } from 'node:path';

/** The family grants of {@link PolicySpec.families}. */
export const FAMILIES = ['inet', 'inet6', 'unix', 'raw', 'netlink', 'packet', 'tipc', 'vsock'] as const;
/** A family grant: `'inet'`, `'inet6'`, `'unix'`, `'raw'` (raw and ICMP sockets), `'netlink'`, `'packet'`, `'tipc'`, `'vsock'`. */
export type Family = (typeof FAMILIES)[number];
/** The operations an address grant applies to. */
export const OPERATIONS = ['connect', 'bind', 'sendto', 'accept'] as const;
/** An operation an address grant applies to: connect, bind, sendto, accept. */
export type Operation = (typeof OPERATIONS)[number];

/**
 * A guest's grants, as written (what `wasock run`'s `--allow-*` flags make). Everything not granted
 * is denied. ADDR forms: `127.0.0.1:8080`, `10.0.0.0/8:80-90`, `[::1]:53`, `*:8080`, `0.0.0.0:8080` (the
 * wildcard bind), `localhost:8080` (resolved once, when the policy is compiled), `unix:/run/a.sock`,
 * `unix:/tmp/dir/` (prefix), `unix:@name` (abstract); no port means any port. See docs/guests.md.
 */
export interface PolicySpec {
  /** Addresses the guest may connect (and send) to. */
  connect?: string[];
  /** Addresses the guest may bind and listen on (accepting any peer). */
  bind?: string[];
  /** Addresses the guest may send datagrams to. */
  sendto?: string[];
  /** When given, only these peers are accepted and only datagrams from these sources are received (others are dropped and reported). */
  accept?: string[];
  /** Families granted whole: every address and socket kind of each (`'raw'`, `'netlink'`, `'packet'`, ... need this). */
  families?: Family[];
  /** Names the guest may resolve through the host: `example.com`, `*.example.com`, `*`. */
  dns?: string[];
  /** Everything over inet and inet6 (`--allow-net`). */
  net?: boolean;
  /** Sockets the guest may hold at once (default 64; then EMFILE). */
  maxSockets?: number;
}

// ---- compiled form (plain data: crosses into the guest's worker) -------------------

interface IpRule {
  v6: boolean;           // address family of `net`
  net: number[];         // 4 or 16 bytes
  prefix: number;
  any: boolean;          // "*": every address of both families
  ports: [number, number] | null; // null: any port
}

interface UnixRule {
  any: boolean;          // every name of its kind (paths, or abstract names)
  abstract: boolean;
  path: string;          // resolved absolute path, or the abstract name (or its prefix)
  prefix: boolean;
}

/** A {@link PolicySpec} compiled by {@link compilePolicy}: plain data (it crosses into the guest's worker), its names resolved and paths made absolute. Treat it as opaque. */
export interface CompiledPolicy {
  /** The inet/inet6 grants per operation. */
  ip: Record<Operation, IpRule[]>;
  /** The unix-socket grants per operation. */
  unix: Record<Operation, UnixRule[]>;
  /** The families granted whole. */
  families: Family[];
  /** The name patterns the guest may resolve. */
  dns: string[];
  // Names in address grants (lower case, no final dot) -> the addresses they
  // were resolved to when compiled: the guest resolves them to exactly these.
  /** Names in address grants (lower case) -> the addresses they resolved to when compiled. */
  pinned: Record<string, string[]>;
  /** Sockets the guest may hold at once. */
  maxSockets: number;
  /** The directory relative unix paths were resolved against. */
  cwd: string;
}

function parsePorts(s: string | undefined, where: string): [number, number] | null {
  if (s === undefined || s === '' || s === '*') return null;
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`bad port ${JSON.stringify(s)} in ${where}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) throw new RangeError(`bad port range ${s} in ${where}`);
  return [lo, hi];
}

export function ipBytes(text: string): number[] | null {
  const kind = isIP(text);
  if (kind === 4) return text.split('.').map(Number);
  if (kind !== 6) return null;
  let t = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  let tail: number[] = [];
  if (v4) {
    tail = v4[1].split('.').map(Number);
    t = t.slice(0, -v4[1].length) + '0:0';
  }
  const [h, r] = t.split('::');
  const words = (x: string | undefined) => (x ? x.split(':').filter((w) => w !== '').map((w) => parseInt(w, 16)) : []);
  const hw = words(h);
  const rw = r === undefined ? [] : words(r);
  const all = [...hw, ...new Array(Math.max(0, 8 - hw.length - rw.length)).fill(0), ...rw];
  const out = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (v4) out.splice(12, 4, ...tail);
  return out;
}

// "host:port" with optional [v6] brackets and /prefix; names resolved by the caller.
function splitHostPort(p: string): [string, string | undefined] {
  if (p.startsWith('[')) {
    const end = p.indexOf(']');
    if (end < 0) throw new RangeError(`bad address ${p}`);
    const rest = p.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new RangeError(`bad address ${p}`);
    return [p.slice(1, end), rest ? rest.slice(1) : undefined];
  }
  const colons = (p.match(/:/g) ?? []).length;
  if (colons === 0) return [p, undefined];
  if (colons === 1) {
    const i = p.indexOf(':');
    return [p.slice(0, i), p.slice(i + 1)];
  }
  return [p, undefined]; // a bare IPv6 address (or CIDR): any port
}

async function ipRules(pattern: string, pinned: Record<string, string[]>): Promise<IpRule[]> {
  const [host, portText] = splitHostPort(pattern.trim());
  const ports = parsePorts(portText, pattern);
  if (host === '*' || host === '') return [{ v6: false, net: [], prefix: 0, any: true, ports }];
  const [addr, pfx] = host.split('/');
  let bytes = ipBytes(addr);
  if (bytes) {
    const v6 = bytes.length === 16;
    const prefix = pfx === undefined ? bytes.length * 8 : Number(pfx);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8) throw new RangeError(`bad prefix in ${pattern}`);
    // An IPv4-mapped pattern is an IPv4 pattern.
    if (v6 && isMapped(bytes) && prefix >= 96) return [{ v6: false, net: bytes.slice(12), prefix: prefix - 96, any: false, ports }];
    return [{ v6, net: bytes, prefix, any: false, ports }];
  }
  if (pfx !== undefined) throw new RangeError(`bad address ${pattern}`);
  if (!/^[A-Za-z0-9._-]+$/.test(addr)) throw new RangeError(`bad address ${pattern}`);
  const found = await lookup(addr, { all: true, verbatim: true }).catch(() => {
    throw new RangeError(`cannot resolve ${addr} (in ${pattern})`);
  });
  const key = addr.toLowerCase().replace(/\.$/, '');
  pinned[key] = [...new Set([...(pinned[key] ?? []), ...found.map((a) => a.address)])];
  return found.map((a) => {
    bytes = ipBytes(a.address)!;
    return { v6: bytes.length === 16, net: bytes, prefix: bytes.length * 8, any: false, ports };
  });
}

function unixRule(pattern: string, cwd: string): UnixRule {
  const p = pattern.slice('unix:'.length);
  if (p === '*') return { any: true, abstract: false, path: '', prefix: false };
  if (p === '@*') return { any: true, abstract: true, path: '', prefix: false };
  if (p.startsWith('@')) {
    const prefix = p.endsWith('*');
    return { any: false, abstract: true, path: p.slice(1, prefix ? -1 : undefined), prefix };
  }
  if (p === '') throw new RangeError(`empty unix path in ${pattern}`);
  const prefix = p.endsWith('/');
  return { any: false, abstract: false, path: realish(resolvePath(cwd, p)) + (prefix ? '/' : ''), prefix };
}

// The path a name really reaches: symlinks and `..` of every existing
// component resolved (the last component may not exist yet: bind creates it).
export function realish(p: string): string {
  try {
    return realpathSync(p);
  } catch { /* not there (yet) */ }
  const dir = dirname(p);
  if (dir === p) return p;
  return resolvePath(realish(dir), basename(p));
}

/**
 * Checks and compiles a {@link PolicySpec}: host names in address grants are resolved once, now
 * (so a guest cannot make a name point elsewhere later), unix paths are made absolute against
 * `cwd`. Compile once to run many guests with the same policy.
 *
 * @throws (rejects) RangeError for a malformed grant (bad address, port range or family) and for
 *   a name in a grant that does not resolve.
 */
export async function compilePolicy(spec: PolicySpec = {}, cwd = process.cwd()): Promise<CompiledPolicy> {
  const ip = { connect: [], bind: [], sendto: [], accept: [] } as Record<Operation, IpRule[]>;
  const unix = { connect: [], bind: [], sendto: [], accept: [] } as Record<Operation, UnixRule[]>;
  const pinned: Record<string, string[]> = {};
  for (const op of OPERATIONS) {
    for (const pat of spec[op] ?? []) {
      if (typeof pat !== 'string') throw new TypeError(`policy.${op}: patterns are strings`);
      if (pat.startsWith('unix:')) unix[op].push(unixRule(pat, cwd));
      else ip[op].push(...(await ipRules(pat, pinned)));
    }
  }
  const families = new Set<Family>();
  for (const f of spec.families ?? []) {
    if (!(FAMILIES as readonly string[]).includes(f)) throw new RangeError(`unknown family ${f} (one of ${FAMILIES.join(', ')})`);
    families.add(f);
  }
  if (spec.net) {
    families.add('inet');
    families.add('inet6');
  }
  const dns = (spec.dns ?? []).map((d) => d.toLowerCase().replace(/\.$/, ''));
  const maxSockets = spec.maxSockets ?? 64;
  if (!Number.isInteger(maxSockets) || maxSockets < 0) throw new RangeError('maxSockets: a non-negative integer');
  return { ip, unix, families: [...families], dns, pinned, maxSockets, cwd };
}

// ---- judging (runs in the guest's worker) ----------------------------------------------

function isMapped(b: number[] | Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function inNet(addr: number[], net: number[], prefix: number): boolean {
  if (addr.length !== net.length) return false;
  let bits = prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i] & mask) !== (net[i] & mask)) return false;
  }
  return true;
}

// One reachable endpoint: an IP address (4 or 16 bytes) and port, or a unix name.
export interface Endpoint {
  kind: 'ip' | 'unix';
  addr: number[];
  port: number;
  wildcard: boolean;
  path: string;
  abstract: boolean;
  text: string;
}

export function ipText(addr: number[]): string {
  if (addr.length === 4) return addr.join('.');
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(((addr[i] << 8) | addr[i + 1]).toString(16));
  return `[${w.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

function endpointText(e: Endpoint): string {
  if (e.kind === 'unix') return e.abstract ? `unix:@${e.path}` : `unix:${e.path}`;
  return `${ipText(e.addr)}:${e.port}`;
}

export function ipEndpoint(addr: number[], port: number, forBind: boolean): Endpoint {
  let a = addr;
  if (a.length === 16 && isMapped(a)) a = a.slice(12);
  const zero = a.every((x) => x === 0);
  // A connect or send to the unspecified address reaches the loopback.
  if (zero && !forBind) a = a.length === 4 ? [127, 0, 0, 1] : [...new Array(15).fill(0), 1];
  const e: Endpoint = { kind: 'ip', addr: a, port, wildcard: zero && forBind, path: '', abstract: false, text: '' };
  e.text = endpointText(e);
  return e;
}

// A unix name as judged: the real path the kernel resolved (unix-path.ts),
// an abstract name, or '' for an unnamed socket (autobind, an unnamed peer).
export function unixEndpoint(path: string, abstract: boolean): Endpoint {
  const e: Endpoint = { kind: 'unix', addr: [], port: 0, wildcard: false, path, abstract, text: '' };
  e.text = path === '' && !abstract ? 'unix:(unnamed)' : endpointText(e);
  return e;
}

function ipAllowed(rules: IpRule[], e: Endpoint): boolean {
  for (const r of rules) {
    if (r.ports !== null && (e.port < r.ports[0] || e.port > r.ports[1])) continue;
    // A wildcard bind reaches every address: only a rule that names the
    // wildcard address itself (0.0.0.0, ::, or their /0) covers it, not `*`.
    if (e.wildcard && (r.any || !r.net.every((x) => x === 0))) continue;
    if (r.any) return true;
    if (r.v6 !== (e.addr.length === 16)) continue;
    if (inNet(e.addr, r.net, r.prefix)) return true;
  }
  return false;
}

function unixAllowed(rules: UnixRule[], e: Endpoint): boolean {
  for (const r of rules) {
    if (r.abstract !== e.abstract) continue;
    if (r.any) return true;
    if (r.prefix ? e.path.startsWith(r.path) : e.path === r.path) return true;
  }
  return false;
}

export class Judge {
  constructor(readonly p: CompiledPolicy) {}

  familyGranted(f: Family): boolean {
    return this.p.families.includes(f);
  }

  // Every endpoint must be granted for op (or, for sendto, for connect too).
  allowed(op: Operation, sockFamily: Family, eps: Endpoint[]): boolean {
    if (this.familyGranted(sockFamily)) return true;
    const ops: Operation[] = op === 'sendto' ? ['sendto', 'connect'] : [op];
    return eps.every((e) => {
      if (e.kind === 'ip' && this.familyGranted(e.addr.length === 4 ? 'inet' : 'inet6') && sockFamily !== 'raw') return true;
      return ops.some((o) => (e.kind === 'ip' ? ipAllowed(this.p.ip[o], e) : unixAllowed(this.p.unix[o], e)));
    });
  }

  // Accepted peers and datagram sources are unrestricted unless accept
  // patterns exist for their kind (ip or unix).
  filtersPeers(kind: 'ip' | 'unix'): boolean {
    return (kind === 'ip' ? this.p.ip.accept : this.p.unix.accept).length > 0;
  }

  acceptAllowed(sockFamily: Family, e: Endpoint): boolean {
    if (this.familyGranted(sockFamily) || !this.filtersPeers(e.kind)) return true;
    // An unnamed unix peer (the usual client) is covered only by unix:*.
    if (e.kind === 'unix' && e.path === '' && !e.abstract) return this.p.unix.accept.some((r) => r.any && !r.abstract);
    return e.kind === 'ip' ? ipAllowed(this.p.ip.accept, e) : unixAllowed(this.p.unix.accept, e);
  }

  dnsAllowed(name: string): boolean {
    const n = name.toLowerCase().replace(/\.$/, '');
    return this.p.dns.some((d) => d === '*' || d === n || (d.startsWith('*.') && (n.endsWith(d.slice(1)) || n === d.slice(2))));
  }

  // The addresses a granted name was pinned to when the policy was compiled.
  pinned(name: string): string[] | null {
    return this.p.pinned[name.toLowerCase().replace(/\.$/, '')] ?? null;
  }
}
