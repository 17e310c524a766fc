// The resolver's configuration as the host gives it to the core (the
// `resolver_file` import): the machine's /etc files, or text the embedder
// sets with configureResolver() -- how tests and sandboxes pin hosts,
// services and nameservers (with ports) without touching /etc.
import { fs } from '../host/builtins.js';
import {
  WSK_RFILE_COUNT, WSK_RFILE_GAI, WSK_RFILE_HOSTS, WSK_RFILE_NSSWITCH, WSK_RFILE_PROTOCOLS, WSK_RFILE_RESOLV,
  WSK_RFILE_SERVICES,
} from '../host/core-abi.generated.js';

type FileKey = 'hosts' | 'services' | 'protocols' | 'resolvConf' | 'nsswitch' | 'gaiConf';

// Each file the core asks for by id (WSK_RFILE_*, core-c/include/wasock/resolv.h):
// the machine's path and the configureResolver option that replaces it.
const FILES: Array<[number, string, FileKey]> = [
  [WSK_RFILE_HOSTS, '/etc/hosts', 'hosts'],
  [WSK_RFILE_SERVICES, '/etc/services', 'services'],
  [WSK_RFILE_PROTOCOLS, '/etc/protocols', 'protocols'],
  [WSK_RFILE_RESOLV, '/etc/resolv.conf', 'resolvConf'],
  [WSK_RFILE_NSSWITCH, '/etc/nsswitch.conf', 'nsswitch'],
  [WSK_RFILE_GAI, '/etc/gai.conf', 'gaiConf'],
];
const PATHS: string[] = new Array(WSK_RFILE_COUNT);
// The configureResolver option of each file id.
export const FILE_KEYS: FileKey[] = new Array(WSK_RFILE_COUNT);
for (const [id, path, key] of FILES) {
  PATHS[id] = path;
  FILE_KEYS[id] = key;
}

interface Slot {
  override: Uint8Array | null;
  bytes: Uint8Array;
  stamp: string;
  gen: number;
}

let nextGen = 1;
const slots: Slot[] = PATHS.map(() => ({ override: null, bytes: new Uint8Array(0), stamp: '?', gen: 0 }));

// The current bytes of file `id` and their generation (changes with them).
export function resolverFile(id: number): Slot | null {
  const slot = slots[id];
  if (slot === undefined) return null;
  if (slot.override !== null) return slot;
  const st = fs.statSync(PATHS[id], { throwIfNoEntry: false });
  const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '-';
  if (stamp !== slot.stamp) {
    let bytes = new Uint8Array(0);
    try {
      if (st) bytes = fs.readFileSync(PATHS[id]);
    } catch { /* unreadable: empty, as glibc treats a missing file */ }
    slot.bytes = bytes;
    slot.stamp = stamp;
    slot.gen = nextGen++;
  }
  return slot;
}

/** A name server for {@link ResolverOptions.nameservers}: an address (port 53), or `[address, port]`. */
export type Nameserver = string | [string, number];

/**
 * Settings for {@link configureResolver} (not in Python). Every name lookup of this library reads
 * these instead of the machine's files; what is left out keeps the machine's file.
 */
export interface ResolverOptions {
  // Replacement text for each file; null restores the machine's file.
  /** Replacement text of /etc/hosts; null restores the machine's file. */
  hosts?: string | null;
  /** Replacement text of /etc/services; null restores the machine's file. */
  services?: string | null;
  /** Replacement text of /etc/protocols; null restores the machine's file. */
  protocols?: string | null;
  /** Replacement text of /etc/resolv.conf; null restores the machine's file. */
  resolvConf?: string | null;
  /** Replacement text of /etc/nsswitch.conf (its `hosts:` line: files, dns); null restores the machine's file. */
  nsswitch?: string | null;
  /** Replacement text of /etc/gai.conf (getaddrinfo's address order); null restores the machine's file. */
  gaiConf?: string | null;
  // resolv.conf settings; any of them replaces the machine's resolv.conf
  // (with resolvConf's text, when given, as the base).
  /** DNS servers, in order. This and the settings below replace the machine's resolv.conf (built on `resolvConf` when given). */
  nameservers?: Nameserver[];
  /** Search domains tried for names with fewer than `ndots` dots (resolv.conf's `search`). */
  search?: string[];
  /** resolv.conf's `options ndots:N`. */
  ndots?: number;
  /** Seconds to wait for each DNS server (resolv.conf's `options timeout:N`). */
  timeout?: number;
  /** Rounds through the servers before giving up (resolv.conf's `options attempts:N`). */
  attempts?: number;
  /** Spread queries over the servers (resolv.conf's `options rotate`). */
  rotate?: boolean;
}

function nameserverLine(ns: Nameserver): string {
  const [host, port] = typeof ns === 'string' ? [ns, 53] : ns;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad nameserver port ${port}`);
  return port === 53 ? `nameserver ${host}\n` : `nameserver [${host}]:${port}\n`;
}

function setOverride(id: number, text: string | null): void {
  const slot = slots[id];
  slot.override = text === null ? null : new TextEncoder().encode(text);
  slot.bytes = slot.override ?? new Uint8Array(0);
  slot.stamp = '?';
  slot.gen = nextGen++;
}

// Sets (or with null, resets) parts of the resolver configuration for this
// process's library instance. configureResolver(null) restores every file.
/**
 * Sets the resolver configuration of this library instance (not in Python, which always reads the
 * machine's files): replacement texts for hosts, services, protocols, resolv.conf, nsswitch.conf
 * and gai.conf, or resolv.conf settings. Applies to every lookup of both APIs from then on, in
 * this process only (the Promise API's lookup thread included); `configureResolver(null)` restores
 * the machine's files.
 *
 * @throws RangeError for a nameserver port outside 1-65535.
 */
export function configureResolver(opts: ResolverOptions | null): void {
  if (opts === null) {
    for (let id = 0; id < slots.length; id++) setOverride(id, null);
    return;
  }
  FILE_KEYS.forEach((key, id) => {
    if (key !== 'resolvConf' && opts[key] !== undefined) setOverride(id, opts[key] ?? null);
  });
  const structured = opts.nameservers !== undefined || opts.search !== undefined ||
    opts.ndots !== undefined || opts.timeout !== undefined || opts.attempts !== undefined ||
    opts.rotate !== undefined;
  if (!structured) {
    if (opts.resolvConf !== undefined) setOverride(WSK_RFILE_RESOLV, opts.resolvConf);
    return;
  }
  let text = opts.resolvConf ?? '';
  if (opts.nameservers !== undefined) {
    text = text.split('\n').filter((l) => !/^\s*nameserver\s/.test(l)).join('\n') + '\n';
    for (const ns of opts.nameservers) text += nameserverLine(ns);
  }
  if (opts.search !== undefined) text += `search ${opts.search.join(' ')}\n`;
  const o: string[] = [];
  if (opts.ndots !== undefined) o.push(`ndots:${opts.ndots}`);
  if (opts.timeout !== undefined) o.push(`timeout:${opts.timeout}`);
  if (opts.attempts !== undefined) o.push(`attempts:${opts.attempts}`);
  if (opts.rotate) o.push('rotate');
  if (o.length) text += `options ${o.join(' ')}\n`;
  setOverride(WSK_RFILE_RESOLV, text);
}
