// Python's socket exception tree. `error` is Python's OSError: errno, strerror and
// a Node-style code; `timeout` is TimeoutError (also what an OS ETIMEDOUT
// raises, as in Python, where the two are one class).
import { core, cString, scratch } from '../host/core.js';
import { ETIMEDOUT, WSK_ETIMEOUT } from '../host/core-abi.generated.js';

/**
 * Python's `socket.error`, which is OSError: what every OS-level failure of the library throws (or,
 * in the Promise API, rejects with). `e instanceof socket.error` catches it and its subclasses
 * {@link herror}, {@link gaierror} and {@link timeout}. `message` is Python's `str(e)`:
 * `'[Errno 111] Connection refused'`.
 */
export class error extends Error {
  /** The OS error number (Linux numbering, e.g. 111 for ECONNREFUSED), or for gaierror the `EAI_*` value; `null` when raised with a message only. */
  errno: number | null;
  /** The system's text for `errno` (`'Connection refused'`); `null` when raised with a message only. */
  strerror: string | null;
  /** The errno's symbolic name, as Node's errors have it: `'ECONNREFUSED'`, `'EAI_NONAME'`; undefined when there is none. */
  code: string | undefined;
  // As Node's system errors: the call that failed ('connect', 'recv'...) and,
  // where it had one, the address it was given (host or path, and port).
  /** The call that failed (`'connect'`, `'bind'`, `'recv'`, ...), as Node's system errors name it; absent for errors not from a socket call. */
  syscall?: string;
  /** The host or path the failed call was given, when it was given one. */
  address?: string;
  /** The port the failed call was given, when it was given one. */
  port?: number;

  /**
   * As Python's OSError(errno, strerror): with both, `errno` and `strerror` are set and the message
   * is `[Errno N] text`; with one argument it is the message and `errno` is null.
   */
  constructor(errno?: number | string | null, strerror?: string) {
    if (typeof errno === 'number' && strerror !== undefined) {
      super(`[Errno ${errno}] ${strerror}`);
      this.errno = errno;
      this.strerror = strerror;
    } else {
      super(errno === undefined || errno === null ? '' : String(errno));
      this.errno = null;
      this.strerror = null;
    }
    this.name = new.target.name;
    this.code = undefined;
  }
}

/** Python's `socket.herror`: a failure of `gethostbyaddr` and the other `gethostby*` calls, `errno` being the resolver's h_errno (1: 'Unknown host'). */
export class herror extends error {}
/** Python's `socket.gaierror`: a failure of `getaddrinfo`/`getnameinfo` (and the lookups built on them), `errno` the negative `EAI_*` value and `code` its name (`'EAI_NONAME'`). */
export class gaierror extends error {}
/** Python's `socket.timeout` (TimeoutError in Python 3.10+): a socket operation's timeout passed (message `'timed out'`, errno null), or the kernel returned ETIMEDOUT. */
export class timeout extends error {}

export function strerror(errnum: number): string {
  return cString(core.wsk_strerror(errnum, scratch.text, scratch.textSize));
}

export function errnoName(errnum: number): string | undefined {
  const p = core.wsk_errno_name(errnum);
  return p === 0 ? undefined : cString(p);
}

// The error an OS failure raises: -errno from the core becomes `error` (or
// `timeout` for ETIMEDOUT) carrying the errno, glibc's text and the code, and
// with `syscall` the call and the address it was given, as Node's errors do.
export function osError(errnum: number, syscall?: string, address?: unknown): error {
  const Cls = errnum === ETIMEDOUT ? timeout : error;
  const e = new Cls(errnum, strerror(errnum));
  e.code = errnoName(errnum);
  if (syscall !== undefined) describeCall(e, syscall, address);
  return e;
}

// Python's message stays as it is; the call and the address are properties.
function describeCall(e: error, syscall: string, address: unknown): void {
  e.syscall = syscall;
  if (typeof address === 'string') {
    e.address = address;
  } else if (Array.isArray(address) && typeof address[0] === 'string') {
    e.address = address[0];
    if (typeof address[1] === 'number') e.port = address[1];
  }
}

// A core call's result: the number itself, or the error it stands for (a
// passed deadline is socket.timeout). `syscall` and `address` name the call.
export function check(r: number, syscall?: string, address?: unknown): number {
  if (r >= 0) return r;
  if (r === WSK_ETIMEOUT) {
    const e = timedOut();
    if (syscall !== undefined) describeCall(e, syscall, address);
    throw e;
  }
  throw osError(-r, syscall, address);
}

export function timedOut(): timeout {
  return new timeout('timed out');
}

export function gaiError(eai: number): gaierror {
  const e = new gaierror(eai, cString(core.wsk_gai_strerror(eai)));
  const name = core.wsk_gai_name(eai);
  e.code = name === 0 ? undefined : cString(name);
  return e;
}
