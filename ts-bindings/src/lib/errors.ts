// The seed's exception tree. `error` is Python's OSError: errno, strerror and
// a Node-style code; `timeout` is TimeoutError (also what an OS ETIMEDOUT
// raises, as in Python, where the two are one class).
import { core, cString, scratch } from '../host/core.js';
import { ETIMEDOUT } from '../host/core-abi.generated.js';

export class error extends Error {
  errno: number | null;
  strerror: string | null;
  code: string | undefined;

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

export class herror extends error {}
export class gaierror extends error {}
export class timeout extends error {}

export function strerror(errnum: number): string {
  return cString(core.wsk_strerror(errnum, scratch.text, scratch.textSize));
}

export function errnoName(errnum: number): string | undefined {
  const p = core.wsk_errno_name(errnum);
  return p === 0 ? undefined : cString(p);
}

// The error an OS failure raises: -errno from the core becomes `error` (or
// `timeout` for ETIMEDOUT) carrying the errno, glibc's text and the code.
export function osError(errnum: number): error {
  const Cls = errnum === ETIMEDOUT ? timeout : error;
  const e = new Cls(errnum, strerror(errnum));
  e.code = errnoName(errnum);
  return e;
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
