// A guest's control messages (sendmsg/recvmsg ancillary data): read in the
// ABI's layout from its memory, judged against CMSGS (rules.ts), and
// re-encoded in the kernel's layout; and back. One codec does both layouts
// (lib/cmsg.ts). Descriptors cross only as the guest's own numbers: an
// SCM_RIGHTS it sends names sockets of its table, translated to the host's;
// one it receives carries new guest descriptors, counted against its socket
// limit. Every host descriptor a received message brings is adopted or
// closed here, whatever happens: none stays open unowned.
import { addon } from '../host/native.js';
import { ABI_CMSG, NATIVE_CMSG, cmsgLen, cmsgSpace, decodeCmsgs, encodeCmsgs, type Ancillary } from '../lib/cmsg.js';
import { E } from './errno.js';
import type { EventSink } from './events.js';
import { cmsgRule, type CmsgRule } from './rules.js';
import type { DescriptorTable, SockEntry } from './table.js';

// Control data of one message, either way. Sending: a longer control buffer
// is ENOBUFS, as Linux answers one over net.core.optmem_max. Receiving: the
// size of the kernel-side buffer. Everything a guest may get at once fits: SCM_RIGHTS at
// SCM_MAX_FD (CMSG_SPACE(253 * 4) = 1032 natively) beside every other listed
// message (each under 64 bytes: credentials, packet info, TTL, TOS, hop
// limit, traffic class, timestamps, an extended error with its offender, GRO).
export const CONTROL_MAX = 4096;
// Linux's SCM_MAX_FD: descriptors one message may carry (more is EINVAL there too).
export const SCM_MAX_FD = 253;

const FD_SIZE = 4;

// A new socket entry's body (what DescriptorTable.adopt takes).
type SockBody = Parameters<DescriptorTable['adopt']>[1];

/** What the control-message layer needs of the guest's sockets (net.ts provides it). */
export interface ControlParts {
  table: DescriptorTable;
  events: EventSink;
  // Whether the guest may set option (level, name) on s (its OPTIONS rule and grant).
  optionPermitted(s: SockEntry, level: number, name: number): boolean;
  // A received host descriptor as a new entry's body, or undefined when it is
  // not a socket the guest could have made itself.
  adoptable(hfd: number): SockBody | undefined;
}

/** Control messages a guest received: the bytes for its buffer (ABI layout) and whether any were dropped. */
export interface Received {
  bytes: Uint8Array;
  ctrunc: boolean;
}

function familyOk(rule: CmsgRule, s: SockEntry): boolean {
  return rule.families === undefined || rule.families.includes(s.sk.family);
}

export class GuestControl {
  constructor(private readonly p: ControlParts) {}

  private deny(what: string, errno: number): number {
    return this.p.events.deny('sendmsg', what, errno);
  }

  // The guest's control buffer (its ABI bytes, copied) as the kernel's, or a
  // positive errno: unlisted or not permitted EINVAL, SCM_CREDENTIALS EPERM,
  // a descriptor that is not a socket of the guest's EBADF.
  toKernel(s: SockEntry, guest: Uint8Array): Uint8Array | number {
    const { items, truncated } = decodeCmsgs(guest, guest.length, ABI_CMSG);
    // A cmsg_len shorter than its header or longer than the buffer: Linux's CMSG_OK fails.
    if (truncated) return E.EINVAL;
    const out: Ancillary[] = [];
    let fds = 0;
    for (const [level, type, data] of items) {
      const rule = cmsgRule(level, type);
      const what = rule?.name ?? `control message level ${level} type ${type}`;
      if (rule?.send === 'never') return this.deny(what, E.EPERM);
      if (rule === undefined || rule.send === null || !familyOk(rule, s)) return this.deny(what, E.EINVAL);
      if (rule.send === 'rights') {
        fds += data.length >> 2;
        if (fds > SCM_MAX_FD) return this.deny(`${what} (more than ${SCM_MAX_FD} descriptors)`, E.EINVAL);
        const host = this.hostFds(data);
        if (typeof host === 'number') return host;
        out.push([level, type, host]);
      } else if (this.p.optionPermitted(s, rule.send[0], rule.send[1])) {
        out.push([level, type, data]);
      } else {
        return this.deny(what, E.EINVAL);
      }
    }
    return encodeCmsgs(out, NATIVE_CMSG);
  }

  // SCM_RIGHTS data of guest numbers (a partial trailing int ignored, as
  // Linux ignores it) as the host's, or EBADF.
  private hostFds(data: Uint8Array): Uint8Array | number {
    const n = data.length >> 2;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const host = new Uint8Array(n * FD_SIZE);
    const hdv = new DataView(host.buffer);
    for (let i = 0; i < n; i++) {
      const vfd = dv.getInt32(i * FD_SIZE, true);
      const e = this.p.table.get(vfd);
      if (e === undefined || e.kind !== 'sock' || e.lent) {
        return this.deny(`SCM_RIGHTS descriptor ${vfd} (not a socket of the guest's own)`, E.EBADF);
      }
      hdv.setInt32(i * FD_SIZE, e.hfd, true);
    }
    return host;
  }

  // The kernel's control messages for s (native layout) as the guest may
  // see them, in at most cap bytes of its buffer. A message the guest did
  // not ask for through an allowed option, or that does not fit whole, is
  // dropped (ctrunc); descriptors are adopted, or closed when dropped.
  toGuest(s: SockEntry, native: Uint8Array, cap: number): Received {
    const { items, truncated } = decodeCmsgs(native, native.length, NATIVE_CMSG);
    const pending = new Set<number>();
    for (const [level, type, data] of items) {
      if (cmsgRule(level, type)?.recv === 'rights') for (const h of this.ints(data)) pending.add(h);
    }
    const out: Ancillary[] = [];
    let ctrunc = truncated;
    let used = 0;
    try {
      for (const [level, type, data] of items) {
        const rule = cmsgRule(level, type);
        let item: Uint8Array | null = null;
        if (rule?.recv === 'rights') {
          const got = this.adopt(this.ints(data), cap - used, pending);
          item = got.data;
          ctrunc ||= got.lost;
        } else if (rule !== undefined && rule.recv !== null && familyOk(rule, s) &&
          this.p.optionPermitted(s, rule.recv[0], rule.recv[1]) && used + cmsgLen(ABI_CMSG, data.length) <= cap) item = data;
        if (item === null) {
          ctrunc = true;
          continue;
        }
        out.push([level, type, item]);
        used += cmsgSpace(ABI_CMSG, item.length);
      }
    } finally {
      for (const h of pending) addon.close(h);
    }
    if (pending.size > 0) ctrunc = true;
    const all = encodeCmsgs(out, ABI_CMSG);
    // The last message's padding may not fit: Linux clamps msg_controllen to the buffer.
    return { bytes: all.subarray(0, Math.min(all.length, cap)), ctrunc };
  }

  private ints(data: Uint8Array): number[] {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return Array.from({ length: data.length >> 2 }, (_, i) => dv.getInt32(i * FD_SIZE, true));
  }

  // Received host descriptors as guest ones, in an SCM_RIGHTS of at most
  // room bytes: the data, or null when none is kept. Sockets the guest may
  // hold, up to its socket limit, are adopted (and leave pending); the rest
  // stay pending, to be closed. lost: a kept one the table could not take
  // after all (its 4096 numbers in use), closed by adopt().
  private adopt(hfds: number[], room: number, pending: Set<number>): { data: Uint8Array | null; lost: boolean } {
    const keep: Array<[number, SockBody]> = [];
    let foreign = 0, over = 0;
    for (const h of hfds) {
      const body = this.p.adoptable(h);
      if (body === undefined) foreign++;
      else if (!this.p.table.room(keep.length + 1)) over++;
      else keep.push([h, body]);
    }
    // One event per message, however many descriptors it brought.
    const events = this.p.events;
    if (foreign) events.deny('recvmsg', `SCM_RIGHTS: ${foreign} descriptor(s) not a socket the guest may hold (closed)`, E.EBADF);
    if (over) events.deny('recvmsg', `SCM_RIGHTS: ${over} descriptor(s) over the limit of ${this.p.table.maxSockets} sockets (closed)`, E.EMFILE);
    if (keep.length === 0 || cmsgLen(ABI_CMSG, keep.length * FD_SIZE) > room) return { data: null, lost: false };
    const vfds: number[] = [];
    for (const [h, body] of keep) {
      pending.delete(h);
      // adopt() closes h itself when the table is full.
      const v = this.p.table.adopt(h, body);
      if (v >= 0) vfds.push(v);
    }
    const lost = vfds.length < keep.length;
    if (vfds.length === 0) return { data: null, lost };
    const data = new Uint8Array(vfds.length * FD_SIZE);
    const dv = new DataView(data.buffer);
    vfds.forEach((v, i) => dv.setInt32(i * FD_SIZE, v, true));
    return { data, lost };
  }
}
