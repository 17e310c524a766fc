// Name resolution for guests, in the host. A guest asks by name (or
// address) through the lookup_name and lookup_addr imports
// (core-c/include/wasock/host.h); the host judges the name against the
// guest's DNS grant and resolves it with its own trusted core instance: the
// library's resolver (hosts file and DNS per nsswitch.conf, the resolv.conf
// search list, core-c/src/lookup.c), so a guest gets the answers and errors
// the library's gethostbyname_ex and getaddrinfo get. A guest never holds a
// resolver socket and no byte it chose reaches a nameserver.
//
// Which names (docs/guests.md, "Name resolution"):
//   - a name in a connect grant answers with the addresses the policy pinned
//     when it was compiled, with no lookup (and no DNS grant needed);
//   - a granted name (or any name under `*`) is looked up as the library
//     looks it up, search list included: the candidates carry only the
//     granted name and the host's own search domains;
//   - otherwise each search-list candidate is judged: the granted ones are
//     looked up, in the search order, each as an absolute name; the first
//     that answers is the answer;
//   - the loopback names (localhost & co) reach nothing: answered from the
//     hosts file alone;
//   - anything else fails as a name that does not exist (EAI_NONAME,
//     HOST_NOT_FOUND) at once, and the embedder gets one `resolve` event.
// Reverse lookups: over DNS (PTR) only under `*`; otherwise the hosts file's
// names for the address that the guest may resolve (or loopback names); an
// address with none fails as unknown, with one `resolve` event.
import type { HostMemory } from '../host/imports.js';
import { core, memory } from '../host/core.js';

import { AF_INET, AF_INET6, AF_UNSPEC, EAI_AGAIN, EAI_FAIL, EAI_NODATA, EAI_NONAME } from '../host/constants.generated.js';
import {
  EFAULT, EINVAL, ERANGE, WSK_HADDR, WSK_HOST_NOT_FOUND as HOST_NOT_FOUND, WSK_LOOKUP_ADDR_SIZE, WSK_LOOKUP_EAI,
  WSK_LOOKUP_FAMILY, WSK_LOOKUP_HEADER, WSK_LOOKUP_HERR, WSK_LOOKUP_HGLOBAL, WSK_LOOKUP_NADDRS, WSK_LOOKUP_NAME_MAX,
  WSK_LOOKUP_NNAMES,
} from '../host/core-abi.generated.js';

// The record's layout (host.h's WSK_LOOKUP_*; its address records are struct wsk_haddr).
const A = WSK_HADDR;
// The core's side (core-c/src/lookup_record.c): its I/O area.
const io = core.wsk_lookup_io();

export interface HostAddr { family: number; addr: Uint8Array; scope: number }

// One lookup's outcome: the record's fields (names as latin1 text: bytes kept).
export interface HostEntry {
  eai: number;       // 0 found, else a negative EAI code
  herr: number;      // the lookup's h_errno
  hglobal: number;   // the global h_errno it left, -1 untouched
  family: number;
  addrs: HostAddr[];
  names: string[];   // canonical name first, then aliases
}

// What the host knows of the guest's policy: kept this small so that any
// guest ABI adapter can supply it.
export interface GuestDnsPolicy {
  any: boolean;                          // `*`: every name, reverse lookups over DNS
  allowed(name: string): boolean;        // the guest's DNS grant
  pinned?(name: string): string[] | null; // a connect grant's name: its compiled addresses
  deny(op: string, address: string): void;
}

export interface GuestDnsContext extends GuestDnsPolicy {
  mem: HostMemory;
}

const LOOPBACK_NAME = /^(localhost|ip6-localhost|ip6-loopback)(\.localdomain)?\.?$/i;

function notFound(hglobal: number): HostEntry {
  return { eai: EAI_NONAME, herr: HOST_NOT_FOUND, hglobal, family: AF_UNSPEC, addrs: [], names: [] };
}

// The record the core left in io.
function readRecord(): HostEntry {
  const { dv, u8 } = memory();
  const i32 = (o: number) => dv.getInt32(io + o, true);
  const e: HostEntry = {
    eai: i32(WSK_LOOKUP_EAI), herr: i32(WSK_LOOKUP_HERR), hglobal: i32(WSK_LOOKUP_HGLOBAL), family: i32(WSK_LOOKUP_FAMILY), addrs: [], names: [],
  };
  let o = io + WSK_LOOKUP_HEADER;
  for (let i = 0; i < i32(WSK_LOOKUP_NADDRS); i++, o += WSK_LOOKUP_ADDR_SIZE) {
    e.addrs.push({
      family: dv.getInt32(o + A.family, true), addr: u8.slice(o + A.addr, o + A.addr + 16),
      scope: dv.getUint32(o + A.scope_id, true),
    });
  }
  for (let i = 0; i < i32(WSK_LOOKUP_NNAMES); i++) {
    const end = u8.indexOf(0, o);
    e.names.push(Buffer.from(u8.subarray(o, end)).toString('latin1'));
    o = end + 1;
  }
  return e;
}

function putName(name: string): void {
  const u8 = memory().u8;
  u8.set(Buffer.from(name, 'latin1'), io);
  u8[io + name.length] = 0;
}

// The core's lookup of name (filesOnly: the hosts file alone).
function coreName(name: string, family: number, filesOnly: boolean): HostEntry {
  putName(name);
  core.wsk_lookup_record_name(family, filesOnly ? 1 : 0);
  return readRecord();
}

function coreAddr(family: number, addr: Uint8Array, filesOnly: boolean): HostEntry {
  memory().u8.set(addr, io);
  core.wsk_lookup_record_addr(family, filesOnly ? 1 : 0);
  return readRecord();
}

// The names the core's DNS lookup of name would try, in order.
function candidates(name: string): string[] {
  putName(name);
  const n = core.wsk_lookup_candidates();
  const u8 = memory().u8;
  const out: string[] = [];
  for (let i = 0, o = io; i < n; i++) {
    const end = u8.indexOf(0, o);
    out.push(Buffer.from(u8.subarray(o, end)).toString('latin1'));
    o = end + 1;
  }
  return out;
}

// A pinned name answers as a hosts-file line would (the files source).
function fromPins(name: string, family: number, pins: string[]): HostEntry {
  const addrs: HostAddr[] = [];
  const u8 = memory().u8;
  for (const text of pins) {
    for (const af of [AF_INET, AF_INET6]) {
      if (family !== AF_UNSPEC && family !== af) continue;
      putName(text);
      if (core.wsk_inet_pton(af, io, io + WSK_LOOKUP_NAME_MAX) === 1) {
        addrs.push({ family: af, addr: u8.slice(io + WSK_LOOKUP_NAME_MAX, io + WSK_LOOKUP_NAME_MAX + 16), scope: 0 });
      }
    }
  }
  if (addrs.length === 0) return notFound(-1);
  return { eai: 0, herr: HOST_NOT_FOUND, hglobal: -1, family, addrs, names: [name] };
}

// Granted candidates one by one, each absolute: the first answer wins; else
// the failure the core's search would report (a timeout stops the search,
// then "exists without addresses", then a server failure, then no name).
function searchGranted(names: string[], family: number): HostEntry {
  let worst: HostEntry | null = null;
  const rank = (eai: number) => (eai === EAI_NODATA ? 2 : eai === EAI_FAIL ? 1 : 0);
  for (const c of names) {
    const abs = c.endsWith('.') ? c : `${c}.`;
    const e = coreName(abs, family, false);
    if (e.eai === 0) {
      // The final dot added here is no part of what was asked: the
      // candidate is an alias only when it differs from the answer.
      const named = e.names.map((n) => (n === abs ? c : n));
      const canon = (named[0] ?? '').toLowerCase();
      e.names = named.filter((n, i) => i === 0 || n.toLowerCase() !== canon);
      return e;
    }
    if (e.eai === EAI_AGAIN) return e;
    if (worst === null || rank(e.eai) >= rank(worst.eai)) worst = e;
  }
  return worst!;
}

// The host entry the guest gets for name (latin1 text: the guest's bytes).
export function lookupForGuest(name: string, family: number, p: GuestDnsPolicy): HostEntry {
  const pins = p.pinned?.(name) ?? null;
  if (pins !== null) return fromPins(name, family, pins);
  // No lookup asks anything for "": the library's answer as it is.
  if (name === '' || p.any || p.allowed(name)) return coreName(name, family, false);
  if (LOOPBACK_NAME.test(name)) return coreName(name, family, true);
  const granted = candidates(name).filter((c) => p.allowed(c));
  if (granted.length > 0) return searchGranted(granted, family);
  p.deny('resolve', name);
  // As a DNS lookup that found nothing leaves it.
  return notFound(HOST_NOT_FOUND);
}

// The address as text (the core's inet_ntop), for the denial event.
function addrText(family: number, a: Uint8Array): string {
  const u8 = memory().u8;
  u8.set(a, io);
  if (core.wsk_inet_ntop(family, io, io + 16, 64) < 0) return '?';
  return Buffer.from(u8.subarray(io + 16, u8.indexOf(0, io + 16))).toString('latin1');
}

// The host entry the guest gets for an address (4 or 16 bytes).
export function lookupAddrForGuest(family: number, addr: Uint8Array, p: GuestDnsPolicy): HostEntry {
  if (p.any) return coreAddr(family, addr, false);
  const e = coreAddr(family, addr, true);
  if (e.eai === 0) {
    e.names = e.names.filter((n) => LOOPBACK_NAME.test(n) || p.allowed(n));
    if (e.names.length > 0) return e;
  }
  p.deny('resolve', addrText(family, addr));
  return notFound(HOST_NOT_FOUND);
}

// The record for e.
function encode(e: HostEntry): Uint8Array {
  const names = Buffer.from(e.names.map((n) => `${n}\0`).join(''), 'latin1');
  const out = new Uint8Array(WSK_LOOKUP_HEADER + e.addrs.length * WSK_LOOKUP_ADDR_SIZE + names.length);
  const dv = new DataView(out.buffer);
  dv.setInt32(WSK_LOOKUP_EAI, e.eai, true);
  dv.setInt32(WSK_LOOKUP_HERR, e.herr, true);
  dv.setInt32(WSK_LOOKUP_HGLOBAL, e.hglobal, true);
  dv.setInt32(WSK_LOOKUP_FAMILY, e.family, true);
  dv.setUint32(WSK_LOOKUP_NADDRS, e.addrs.length, true);
  dv.setUint32(WSK_LOOKUP_NNAMES, e.names.length, true);
  let o = WSK_LOOKUP_HEADER;
  for (const a of e.addrs) {
    dv.setInt32(o + A.family, a.family, true);
    out.set(a.addr.subarray(0, 16), o + A.addr);
    dv.setUint32(o + A.scope_id, a.scope, true);
    o += WSK_LOOKUP_ADDR_SIZE;
  }
  out.set(names, o);
  return out;
}

// The lookup_name and lookup_addr imports for one guest: 0 or an errno,
// every pointer checked against the guest's memory.
export function guestDnsImports(ctx: GuestDnsContext): {
  lookup_name(name: number, namelen: number, af: number, buf: number, size: number, lenOut: number): number;
  lookup_addr(af: number, addr: number, buf: number, size: number, lenOut: number): number;
} {
  const { mem } = ctx;

  function answer(e: HostEntry, buf: number, size: number, lenOut: number): number {
    const rec = encode(e);
    mem.dv.setUint32(lenOut, rec.length, true);
    if (rec.length > size) return ERANGE;
    mem.u8.set(rec, buf);
    return 0;
  }

  return {
    lookup_name(name, namelen, af, buf, size, lenOut) {
      name >>>= 0; namelen >>>= 0; buf >>>= 0; size >>>= 0; lenOut >>>= 0;
      if (!mem.fits(name, namelen) || !mem.fits(buf, size) || !mem.fits(lenOut, 4)) return EFAULT;
      if (namelen >= WSK_LOOKUP_NAME_MAX || (af !== AF_UNSPEC && af !== AF_INET && af !== AF_INET6)) return EINVAL;
      const bytes = mem.u8.subarray(name, name + namelen);
      if (bytes.includes(0)) return EINVAL;
      const e = lookupForGuest(Buffer.from(bytes).toString('latin1'), af, ctx);
      return answer(e, buf, size, lenOut);
    },
    lookup_addr(af, addr, buf, size, lenOut) {
      addr >>>= 0; buf >>>= 0; size >>>= 0; lenOut >>>= 0;
      const n = af === AF_INET ? 4 : af === AF_INET6 ? 16 : 0;
      if (n === 0) return EINVAL;
      if (!mem.fits(addr, n) || !mem.fits(buf, size) || !mem.fits(lenOut, 4)) return EFAULT;
      const a = new Uint8Array(16);
      a.set(mem.u8.subarray(addr, addr + n));
      const e = lookupAddrForGuest(af, a, ctx);
      return answer(e, buf, size, lenOut);
    },
  };
}
