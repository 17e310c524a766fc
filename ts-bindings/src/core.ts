// The library's own instance of the C core. All socket logic (modes,
// deadlines, address codecs, text forms) runs there; this module only loads it
// and names its exports and scratch buffers.
import { readFileSync } from 'node:fs';
import { EXT_BASE, HostMemory, hostImports, type ExternalWindow } from './host.js';

export interface CoreExports {
  memory: WebAssembly.Memory;
  wsk_socket(family: number, type: number, proto: number, timeout: number): number;
  wsk_settimeout(fd: number, timeout: number): number;
  wsk_connect(fd: number, sa: number, salen: number, timeout: number, tried: number): number;
  wsk_accept(fd: number, sa: number, salenPtr: number, timeout: number, tried: number): number;
  // The operation loop's rule (core-c/src/deadline.c), for the Promise API.
  wsk_deadline_start(timeout: number): bigint;
  wsk_next_step(err: number, timeout: number, deadline: bigint, flags: number): number;
  wsk_connect_step(err: number, timeout: number, deadline: bigint, flags: number): number;
  wsk_connect_result(fd: number): number;
  // tried: errno of the caller's own failed first attempt (0: none made).
  wsk_recvfrom(fd: number, buf: number, len: number, flags: number, sa: number, salenPtr: number,
    timeout: number, tried: number): number;
  wsk_sendto(fd: number, buf: number, len: number, flags: number, sa: number, salen: number,
    timeout: number, tried: number): number;
  wsk_sendall(fd: number, buf: number, len: number, flags: number, timeout: number, sentPtr: number,
    tried: number): number;
  wsk_close(fd: number): number;
  wsk_sockaddr_in(host: number, port: number, sa: number, salenPtr: number): number;
  wsk_sockaddr_in6(host: number, port: number, flowinfo: number, scope: number, sa: number,
    salenPtr: number): number;
  wsk_sockaddr_un(path: number, len: number, sa: number, salenPtr: number): number;
  wsk_sockaddr_decode(sa: number, salen: number, out: number): number;
  wsk_inet_pton(af: number, src: number, dst: number): number;
  wsk_inet_ntop(af: number, src: number, dst: number, size: number): number;
  wsk_inet_aton(src: number, dst: number): number;
  wsk_inet_ntoa(addr: number, out: number): void;
  wsk_strerror(errnum: number, buf: number, size: number): number;
  wsk_errno_name(errnum: number): number;
  wsk_gai_strerror(eai: number): number;
  wsk_gai_name(eai: number): number;
  wsk_scratch_sa(): number;
  wsk_scratch_salen(): number;
  wsk_scratch_count(): number;
  wsk_scratch_fds(): number;
  wsk_scratch_addr(): number;
  wsk_scratch_text(): number;
  wsk_scratch_opt(): number;
}

export const WSK_ETIMEOUT = -1000;
export const WSK_ADDR_NAME = 1;
export { EXT_BASE };

const mem = new HostMemory();
export const ext: ExternalWindow = { buf: null };

const wasmUrl = new URL('../wasm/wasock-core.wasm', import.meta.url);
const module = new WebAssembly.Module(readFileSync(wasmUrl));
const instance = new WebAssembly.Instance(module, { wasock: hostImports(mem, ext) });

export const core = instance.exports as unknown as CoreExports;
mem.attach(core.memory);

// Fixed exchange buffers inside the core (core-c/src/scratch.c).
export const scratch = {
  sa: core.wsk_scratch_sa(),
  salen: core.wsk_scratch_salen(),
  count: core.wsk_scratch_count(),
  fds: core.wsk_scratch_fds(),
  addr: core.wsk_scratch_addr(),
  text: core.wsk_scratch_text(),
  opt: core.wsk_scratch_opt(),
  textSize: 1024,
  optSize: 1024,
};

export function memory(): HostMemory {
  mem.refresh();
  return mem;
}

const utf8 = new TextDecoder();

// A NUL-terminated string the core owns.
export function cString(ptr: number): string {
  const u8 = memory().u8;
  let end = ptr;
  while (u8[end] !== 0) end++;
  return utf8.decode(u8.subarray(ptr, end));
}

// Writes a string as UTF-8 with a NUL into the scratch text buffer; false if
// too long. ASCII (every address and most names) is copied by hand: Node 20's
// TextEncoder costs ~1 us a call, more than the conversion it feeds.
export function putString(s: string): boolean {
  if (s.length >= scratch.textSize) return false;
  const u8 = memory().u8;
  const at = scratch.text;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return putText(Buffer.from(s, 'utf8'));
    u8[at + i] = c;
  }
  u8[at + s.length] = 0;
  return true;
}

// Copies bytes into the scratch text buffer with a NUL; false if too long.
export function putText(bytes: Uint8Array): boolean {
  if (bytes.length >= scratch.textSize) return false;
  const u8 = memory().u8;
  u8.set(bytes, scratch.text);
  u8[scratch.text + bytes.length] = 0;
  return true;
}
