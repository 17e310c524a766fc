// Unix socket paths for guests: the decision and the syscall see the same
// object. The path is opened first (O_PATH: no permission needed, nothing
// read), the kernel's own answer for what was opened (/proc/self/fd/N) is
// what the policy judges, and the bind/connect/sendto then goes through that
// descriptor (the /proc/self/fd/N magic link), so neither `..` after a
// symlink nor a symlink swapped in between can make the call reach anything
// but the judged file.
//
//   connect, sendto: the socket file itself is opened (symlinks followed, as
//     connect(2) follows them); the kernel is given "/proc/self/fd/N".
//   bind: the directory is opened (bind(2) creates the last component and
//     never follows it); the kernel is given "/proc/self/fd/N/NAME".
//
// Abstract names (a leading NUL) name no file and pass through unchanged;
// an empty path (bind's autobind) likewise.
import { closeSync, fstatSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { AF_UNIX } from '../host/constants.generated.js';
import { WSK_SOCKADDR_UN } from '../host/core-abi.generated.js';
import { E } from './errno.js';

// Linux's fcntl.h; Node's fs.constants has no O_PATH.
const O_PATH = 0o10000000;
const O_DIRECTORY = 0o200000;
// struct sockaddr_un: a 2-byte family and 108 bytes of sun_path (the core's layout).
export const SUN_PATH_MAX = WSK_SOCKADDR_UN.size - WSK_SOCKADDR_UN.path;
const SOCKADDR_UN_MAX = WSK_SOCKADDR_UN.size;

export interface UnixTarget {
  // What the kernel gets (family included) and its length.
  sockaddr: Uint8Array;
  // What the policy judges: the real path ('' for autobind) or the abstract name.
  path: string;
  abstract: boolean;
  // Closes the O_PATH descriptor once the syscall is made.
  release(): void;
}

const none = () => {};

function sockaddrOf(text: Uint8Array): Uint8Array {
  const sa = new Uint8Array(2 + text.length);
  new DataView(sa.buffer).setUint16(0, AF_UNIX, true);
  sa.set(text, 2);
  return sa;
}

function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException)?.code;
  const n = code ? (E as Record<string, number>)[code] : undefined;
  return n ?? E.ENOENT;
}

// The real path of an open descriptor, as the kernel names it.
function realPathOf(fd: number): string | number {
  const p = readlinkSync(`/proc/self/fd/${fd}`);
  // A directory or file removed since it was opened.
  return p.endsWith(' (deleted)') || !p.startsWith('/') ? E.ENOENT : p;
}

// The guest's path as the kernel reads it: relative to cwd, with no `..`
// collapsed as text (`link/..` is the link target's parent, not `.`).
function kernelPath(text: string, cwd: string): string {
  return text.startsWith('/') ? text : `${cwd}/${text}`;
}

// What a sun_path names, as Linux reads it: nothing (empty: an unnamed
// socket, or bind's autobind), an abstract name (a leading NUL; every byte
// after it counts), or a path (up to its first NUL).
export function sunPathName(sunPath: Uint8Array): { name: string; abstract: boolean } {
  if (sunPath.length === 0) return { name: '', abstract: false };
  if (sunPath[0] === 0) return { name: Buffer.from(sunPath.subarray(1)).toString('latin1'), abstract: true };
  const nul = sunPath.indexOf(0);
  return { name: Buffer.from(nul < 0 ? sunPath : sunPath.subarray(0, nul)).toString('utf8'), abstract: false };
}

// The path a name reaches, for judging a failed open: every existing
// component resolved by the kernel (realpath(3), so `..` after a symlink is
// the target's parent), the rest appended (null for abstract and empty
// names). Never what a call goes through.
export function reachedUnixPath(sunPath: Uint8Array, cwd: string): string | null {
  const { name, abstract } = sunPathName(sunPath);
  return name === '' || abstract ? null : physical(kernelPath(name, cwd));
}

// (A dangling symlink is where it points: a missing file outside the grant
// behind a link inside it is still outside.)
function physical(p: string, depth = 0): string {
  try {
    return realpathSync.native(p);
  } catch { /* not there */ }
  const q = p.replace(/\/+$/, '');
  const cut = q.lastIndexOf('/');
  if (cut <= 0) return resolvePath(q || '/');
  const dir = physical(q.slice(0, cut), depth);
  const name = q.slice(cut + 1);
  const at = resolvePath(dir, name);
  if (depth < 40 && name !== '..' && name !== '.') {
    try {
      const to = readlinkSync(at);
      return physical(to.startsWith('/') ? to : `${dir}/${to}`, depth + 1);
    } catch { /* not a symlink */ }
  }
  return at;
}

// sunPath: the sun_path bytes the guest passed (its sockaddr after the
// family). cwd: where relative paths start (the policy's working directory).
export function openUnixTarget(sunPath: Uint8Array, cwd: string, forBind: boolean): UnixTarget | number {
  if (sunPath.length > SUN_PATH_MAX) return E.EINVAL;
  const { name: text, abstract } = sunPathName(sunPath);
  // Abstract and empty names are no file: they pass unchanged.
  if (abstract || sunPath.length === 0) return { sockaddr: sockaddrOf(sunPath), path: text, abstract, release: none };
  // Opened as written: the kernel resolves `..` and symlinks, component by component.
  const full = kernelPath(text, cwd);
  const cut = full.lastIndexOf('/');
  const name = full.slice(cut + 1);
  if (forBind && (name === '' || name === '.' || name === '..')) return E.EINVAL;
  let fd: number;
  try {
    fd = openSync(forBind ? full.slice(0, cut) || '/' : full, forBind ? O_PATH | O_DIRECTORY : O_PATH);
  } catch (e) {
    return errnoOf(e);
  }
  const release = () => closeSync(fd);
  try {
    const real = realPathOf(fd);
    if (typeof real === 'number') {
      release();
      return real;
    }
    // connect(2) to something that is not a socket is ECONNREFUSED.
    if (!forBind && !fstatSync(fd).isSocket()) {
      release();
      return E.ECONNREFUSED;
    }
    const path = forBind ? (real === '/' ? `/${name}` : `${real}/${name}`) : real;
    const kernelText = Buffer.from(forBind ? `/proc/self/fd/${fd}/${name}` : `/proc/self/fd/${fd}`, 'utf8');
    if (2 + kernelText.length >= SOCKADDR_UN_MAX) {
      release();
      return E.ENAMETOOLONG;
    }
    return { sockaddr: sockaddrOf(kernelText), path, abstract: false, release };
  } catch (e) {
    release();
    return errnoOf(e);
  }
}
