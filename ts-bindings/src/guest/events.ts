// Denial events: one line for the embedder per refused operation, naming the
// operation, the address or option, and the grant that would allow it. A
// guest that provokes denials in a loop must not grow the host's memory or
// flood its log: events pass a token bucket, and the ones it drops are
// counted into the next event that passes.
import { errnoName } from './errno.js';

/** A denied guest operation, as `onEvent` receives it (rate-limited: a burst of 50, then 20 per second). */
export interface GuestEvent {
  /** The guest's name. */
  guest: string;
  /** The operation: socket, connect, bind, listen, sendto, accept, receive, setsockopt, ioctl, resolve, ... */
  op: string;          // socket, connect, bind, listen, sendto, accept, receive, setsockopt, ioctl, resolve, ...
  /** What was denied: `"10.0.0.1:80"`, `"unix:/run/x.sock"`, `"IPPROTO_TCP/TCP_ULP"`, `"example.com"`. */
  address: string;     // what was denied: "10.0.0.1:80", "unix:/run/x.sock", "IPPROTO_TCP/TCP_ULP", "example.com"
  /** The errno the guest got (Linux numbering): 13 EACCES, 1 EPERM, 92 ENOPROTOOPT, ... */
  errno: number;       // what the guest got (Linux numbering): 13 EACCES, 1 EPERM, 92 ENOPROTOOPT, ...
  /** The grant that would allow it (`"--allow-connect=10.0.0.1:80"`), or `""` when none can. */
  grant: string;       // what would allow it ("--allow-connect=10.0.0.1:80"), or "" when nothing can
  /** Events dropped by the rate limit since the previous one. */
  suppressed: number;  // events dropped by the rate limit since the previous one
  /** The event as one line: `wasock: guest NAME: denied connect 10.0.0.1:80 (EACCES; grant with ...)`. */
  message: string;     // "wasock: guest NAME: denied connect 10.0.0.1:80 (EACCES; grant with --allow-connect=10.0.0.1:80)"
}

// A burst of BURST events, then RATE per second.
const BURST = 50;
const RATE = 20;

export class EventSink {
  private tokens = BURST;
  private last = performance.now();
  private dropped = 0;

  constructor(private readonly guest: string, private readonly deliver: (e: GuestEvent) => void) {}

  // Reports a denial; returns errno for the caller's `return`.
  deny(op: string, address: string, errno: number, grant = ''): number {
    const now = performance.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.last) / 1000) * RATE);
    this.last = now;
    if (this.tokens < 1) {
      this.dropped++;
      return errno;
    }
    this.tokens--;
    const suppressed = this.dropped;
    this.dropped = 0;
    const why = grant ? `${errnoName(errno)}; grant with ${grant}` : `${errnoName(errno)}; not grantable`;
    const more = suppressed ? ` [${suppressed} more denials not shown]` : '';
    this.deliver({
      guest: this.guest, op, address, errno, grant, suppressed,
      message: `wasock: guest ${this.guest}: denied ${op} ${address} (${why})${more}`,
    });
    return errno;
  }
}
