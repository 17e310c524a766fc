// socket.sendfile(file, offset=0, count=None): CPython's Lib/socket.py rule,
// once, for both APIs. sendfileSteps() is that rule as a generator: it yields
// each socket operation (a sendfile(2) call, SendfileOp, or in the fallback a
// send) and each read of the file, and takes back their results; a driver
// runs them, blocking (sendfileSync) or on the event loop (sendfileAsync).
// Each operation is run whole under the socket's timeout, so the timeout
// covers each wait, as CPython's select before each os.sendfile does.
//
// What `file` may be, and what "the file position" means for each:
//   - a descriptor number: it has no position as far as sendfile goes;
//     sendfile(2) reads at `offset` and leaves the descriptor's file offset
//     unchanged, and the fallback reads at `offset` onwards (pread) or, with
//     offset 0, from wherever the descriptor is (a pipe);
//   - an object with a numeric `fd` (Node's fs.promises FileHandle, an
//     fs stream): its descriptor's file offset is the position, moved with
//     lseek(2) to just past the bytes sent, as CPython's file.seek() does,
//     so a following read with position null continues there;
//   - a Python-like file object, with `fileno()` and/or `read(size)`,
//     `seek(pos)`, `mode`: used as CPython uses one (seek(offset + sent)
//     when it has seek; without fileno() only the send fallback applies).
import { fs, util } from '../host/builtins.js';
import { core, EXT_BASE } from '../host/core.js';
import { addon } from '../host/native.js';
import { abortError } from '../host/readiness.js';
import { EAGAIN, WSK_ETIMEOUT } from '../host/core-abi.generated.js';
import { SOCK_STREAM } from '../host/constants.generated.js';
import { asBytes, asIndex, isInt, pyStr, typeName } from './convert.js';
import { check, error, osError } from './errors.js';
import { POLLOUT, runSync, viaCore, type Op } from './ops.js';
import { runPending } from './pending.js';

// CPython's cap on one os.sendfile() call: larger counts overflowed on
// some platforms.
const SENDFILE_BLOCK_MAX = 2 ** 30;
// The fallback's read size, CPython's.
const SEND_BLOCK = 8192;

const fsReadAsync = util.promisify(fs.read);

// One sendfile(2) call: up to count bytes of inFd from offset. Its result is
// the bytes sent or -errno as a number (the rule decides what an errno
// means: before anything was sent, a reason to fall back on send); only a
// passed timeout throws.
export class SendfileOp implements Op<number> {
  readonly events = POLLOUT;

  constructor(readonly fd: number, readonly inFd: number, readonly offset: number, readonly count: number) {}

  attempt(): number {
    return addon.sendfile(this.fd, this.inFd, this.offset, this.count);
  }

  // The sync driver: the core's loop for a send (wsk_sendmsg's, POLLOUT under
  // wsk_next_step), its attempt this sendfile(2) through the external window.
  resume(err: number, timeout: number): number {
    return viaCore(null, () => core.wsk_sendmsg(this.fd, EXT_BASE, 0, timeout, err), this);
  }

  step(err: number, timeout: number, deadline: bigint, flags: number): number {
    return core.wsk_next_step(err, timeout, deadline, flags);
  }

  retry(_ready: boolean): number {
    return this.attempt();
  }

  settle(r: number): number {
    if (r === WSK_ETIMEOUT) return check(r, 'sendfile');
    return r;
  }
}

// The file as the rule uses it (see the header for each kind).
interface Source {
  // The descriptor for sendfile(2), or null: only the fallback applies.
  readonly fd: number | null;
  // The next size bytes (fewer at the end), at pos, or (null) at the
  // file's own position.
  read(size: number, pos: number | null): Uint8Array;
  readAsync(size: number, pos: number | null): Promise<Uint8Array>;
  // Whether read() honours pos (a descriptor's pread); a file object reads
  // from its own position.
  readonly positional: boolean;
  // Moves the file's position, where the file has one.
  readonly seek: ((pos: number) => void) | null;
}

type FileLike = {
  fd?: unknown; fileno?: unknown; read?: unknown; seek?: unknown; mode?: unknown;
};

// A file read through its descriptor, as Node's fs reads: a read error is
// the socket module's error with the errno.
function fdSource(fd: number, seekable: boolean): Source {
  const read = (size: number, pos: number | null): Uint8Array => {
    const buf = Buffer.allocUnsafe(size);
    try {
      return buf.subarray(0, fs.readSync(fd, buf, 0, size, pos));
    } catch (e) {
      throw fsError(e);
    }
  };
  const readAsync = async (size: number, pos: number | null): Promise<Uint8Array> => {
    const buf = Buffer.allocUnsafe(size);
    try {
      return buf.subarray(0, (await fsReadAsync(fd, buf, 0, size, pos)).bytesRead);
    } catch (e) {
      throw fsError(e);
    }
  };
  const seek = (pos: number): void => {
    if (pos < 0) throw new RangeError(`negative seek position ${pos}`);
    check(addon.lseek(fd, pos), 'lseek');
  };
  return { fd, read, readAsync, positional: true, seek: seekable ? seek : null };
}

// Node's fs errors carry -errno; the socket module's carry the errno.
function fsError(e: unknown): unknown {
  const errno = (e as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? osError(-errno, 'read') : e;
}

// A Python-like file object: its own read(), seek() and fileno().
function objectSource(file: FileLike): Source {
  const fd = typeof file.fileno === 'function' ? asIndex(file.fileno()) : null;
  const readOf = (v: unknown): Uint8Array => asBytes(v);
  const read = (size: number): Uint8Array => {
    if (typeof file.read !== 'function') throw new TypeError(`'${typeName(file)}' object has no attribute 'read'`);
    const v = file.read(size);
    if (v instanceof Promise) throw new TypeError('read() returned a Promise: use the Promise API');
    return readOf(v);
  };
  const readAsync = async (size: number): Promise<Uint8Array> => {
    if (typeof file.read !== 'function') throw new TypeError(`'${typeName(file)}' object has no attribute 'read'`);
    return readOf(await file.read(size));
  };
  const seek = typeof file.seek === 'function' ? (pos: number) => void (file.seek as (p: number) => unknown)(pos) : null;
  return { fd: fd === null ? null : Number(fd), read, readAsync, positional: false, seek };
}

function sourceOf(file: unknown): Source {
  if (typeof file === 'number' || typeof file === 'bigint') return fdSource(Number(asIndex(file)), false);
  if (typeof file === 'object' && file !== null) {
    const f = file as FileLike;
    if (typeof f.fd === 'number' && typeof f.fileno !== 'function') return fdSource(f.fd, true);
    return objectSource(f);
  }
  throw new TypeError(`sendfile() file must be a descriptor or a file object, not ${typeName(file)}`);
}

// CPython's _check_sendfile_params.
function checkParams(file: unknown, sockType: number, count: unknown): number | null {
  const mode = typeof file === 'object' && file !== null ? (file as FileLike).mode : undefined;
  if (typeof mode === 'string' && !mode.includes('b')) throw new RangeError('file should be opened in binary mode');
  if (!(sockType & SOCK_STREAM)) throw new RangeError('only SOCK_STREAM type sockets are supported');
  if (count === null || count === undefined) return null;
  if (!isInt(count)) throw new TypeError(`count must be a positive integer (got ${pyStr(count, true)})`);
  if (Number(count) <= 0) throw new RangeError(`count must be a positive integer (got ${pyStr(count, true)})`);
  return Number(count);
}

// The file's size, or null when fstat(2) fails (not a file: fall back).
function sizeOf(fd: number): number | null {
  try {
    return fs.fstatSync(fd).size;
  } catch {
    return null;
  }
}

// A read of the file, as the rule yields it for a driver to make.
export class ReadStep {
  constructor(readonly src: Source, readonly size: number, readonly pos: number | null) {}
}

export type SendfileStep = Op<number> | ReadStep;
type Steps = Generator<SendfileStep, number, unknown>;

// What the rule needs of the socket: its descriptor, type and timeout, and
// a send operation of its kind.
export interface SendfileSocket {
  readonly fd: number;
  readonly type: number;
  readonly timeout: number | null;
  sendOp(data: Uint8Array): Op<number>;
}

const GIVE_UP = -1;

// CPython's socket.sendfile: sendfile(2) while the file is a file, else
// (CPython's _GiveupOnSendfile) file reads and sends. Returns the bytes sent.
export function* sendfileSteps(sock: SendfileSocket, file: unknown, offset: unknown, count: unknown): Steps {
  const cnt = checkParams(file, sock.type, count);
  const off = Number(asIndex(offset));
  const src = sourceOf(file);
  const size = src.fd === null ? null : sizeOf(src.fd);
  if (size !== null) {
    if (size === 0) return 0;
    if (sock.timeout === 0) throw nonBlocking();
    const sent = yield* viaSendfile(sock.fd, src, src.fd as number, size, off, cnt);
    if (sent !== GIVE_UP) return sent;
  }
  if (sock.timeout === 0) throw nonBlocking();
  return yield* viaSend(sock, src, off, cnt);
}

function nonBlocking(): RangeError {
  return new RangeError('non-blocking sockets are not supported');
}

// CPython's _sendfile_use_sendfile, after its checks: GIVE_UP when the
// first call fails.
function* viaSendfile(fd: number, src: Source, inFd: number, size: number, offset: number, count: number | null):
  Steps {
  let block = Math.min(count ?? size, SENDFILE_BLOCK_MAX);
  let total = 0;
  let pos = offset;
  try {
    for (;;) {
      if (count !== null) {
        block = count - total;
        if (block <= 0) break;
      }
      const r = (yield new SendfileOp(fd, inFd, pos, block)) as number;
      // EAGAIN reaches here only from a blocking socket's SO_SNDTIMEO: try again, as CPython.
      if (r === -EAGAIN) continue;
      if (r < 0) {
        if (total === 0) return GIVE_UP;
        throw osError(-r, 'sendfile');
      }
      if (r === 0) break;
      pos += r;
      total += r;
    }
    return total;
  } finally {
    if (total > 0) src.seek?.(pos);
  }
}

// CPython's _sendfile_use_send, after its checks: reads of 8 KiB, each sent whole.
function* viaSend(sock: SendfileSocket, src: Source, offset: number, count: number | null): Steps {
  let pos: number | null = null;
  if (offset) {
    if (src.seek) src.seek(offset);
    else if (!src.positional) throw new TypeError('file has no seek(): it cannot start at an offset');
    else if (offset < 0) throw new RangeError(`negative seek position ${offset}`);
    else pos = offset;
  }
  let block = count ? Math.min(count, SEND_BLOCK) : SEND_BLOCK;
  let total = 0;
  try {
    for (;;) {
      if (count) {
        block = Math.min(count - total, block);
        if (block <= 0) break;
      }
      let data = (yield new ReadStep(src, block, pos)) as Uint8Array;
      if (data.length === 0) break;
      if (pos !== null) pos += data.length;
      for (;;) {
        let sent: number;
        try {
          sent = (yield sock.sendOp(data)) as number;
        } catch (e) {
          // As CPython: a blocking socket's SO_SNDTIMEO is retried.
          if (e instanceof error && e.errno === EAGAIN) continue;
          throw e;
        }
        total += sent;
        if (sent >= data.length) break;
        data = data.subarray(sent);
      }
    }
    return total;
  } finally {
    if (total > 0) src.seek?.(offset + total);
  }
}

// The sync driver: each operation blocks under the socket's timeout.
export function sendfileSync(steps: Steps, timeout: number): number {
  let it = steps.next();
  while (!it.done) {
    const s = it.value;
    let v: unknown;
    try {
      v = s instanceof ReadStep ? s.src.read(s.size, s.pos) : runSync(s, timeout);
    } catch (e) {
      it = steps.throw(e);
      continue;
    }
    it = steps.next(v);
  }
  return it.value;
}

// The Promise driver: each operation waits on the event loop, reads run
// off it; the signal aborts whichever step is in progress.
export async function sendfileAsync(steps: Steps, timeout: number, signal: AbortSignal | undefined):
  Promise<number> {
  let it = steps.next();
  while (!it.done) {
    const s = it.value;
    let v: unknown;
    try {
      if (signal?.aborted) throw abortError(signal);
      v = s instanceof ReadStep ? await s.src.readAsync(s.size, s.pos) : await runOp(s, timeout, signal);
    } catch (e) {
      it = steps.throw(e);
      continue;
    }
    it = steps.next(v);
  }
  return it.value;
}

function runOp(op: Op<number>, timeout: number, signal: AbortSignal | undefined): number | Promise<number> {
  const r = op.attempt();
  return r >= 0 ? op.settle(r) : runPending(op, -r, timeout, signal);
}
