// The library's own instance of the C core. All socket logic (modes,
// deadlines, address codecs, text forms) runs there; this module only loads it
// and names its exports and scratch buffers.
//
// What a core call returns (the TypeScript side's reading of the convention
// at the top of core-c/include/wasock/core.h):
//   - >= 0: success: 0, a count, a descriptor, or a pointer into core memory;
//   - -errno (Linux numbering, EAGAIN etc. from core-abi.generated.ts): an OS
//     failure; the caller raises osError(-r);
//   - WSK_ETIMEOUT (-1000): a deadline passed in timeout mode; the caller
//     raises timeout('timed out');
//   - the mirrored glibc functions keep glibc's convention, noted in the
//     export's header: inet_pton/inet_aton 1 ok / 0 invalid, getaddrinfo and
//     getnameinfo a negative EAI_* code (gaierror) or WSK_GAI_LOOKUP (-1001:
//     a lookup the core cannot make; ask the system resolver), the netdb
//     by-name calls 1 found / 0 not found (h_errno from wsk_h_errno());
//   - the address codecs may answer WSK_ADDR_NAME (1): the host is a name,
//     resolve it and call again with the numeric text.
// Every export, its C name and its argument list, is declared once, in
// core-abi.generated.ts (CoreExports); so are the numbers it shares with C.
import { fs } from './builtins.js';
import { EXT_BASE, HostMemory, hostImports, type ExternalWindow } from './imports.js';
import {
  type CoreExports, WSK_SCRATCH, WSK_SCRATCH_OPT_SIZE, WSK_SCRATCH_TEXT_SIZE,
} from './core-abi.generated.js';

export type { CoreExports };
export { WSK_ADDR_NAME, WSK_ETIMEOUT } from './core-abi.generated.js';
export { EXT_BASE };

const mem = new HostMemory();
export const ext: ExternalWindow = { buf: null, op: null };

const wasmUrl = new URL('../wasm/wasock-core.wasm', import.meta.url);
const module = new WebAssembly.Module(fs.readFileSync(wasmUrl));
const instance = new WebAssembly.Instance(module, { wasock: hostImports(mem, ext) });

export const core = instance.exports as unknown as CoreExports;
mem.attach(core.memory);

// Fixed exchange buffers inside the core: struct wsk_scratch (core-c/src/scratch.h).
const scratchBase = core.wsk_scratch();
export const scratch = {
  sa: scratchBase + WSK_SCRATCH.sa,
  salen: scratchBase + WSK_SCRATCH.salen,
  count: scratchBase + WSK_SCRATCH.count,
  fds: scratchBase + WSK_SCRATCH.fds,
  addr: scratchBase + WSK_SCRATCH.addr,
  text: scratchBase + WSK_SCRATCH.text,
  opt: scratchBase + WSK_SCRATCH.opt,
  msgOut: scratchBase + WSK_SCRATCH.msg_out,
  textSize: WSK_SCRATCH_TEXT_SIZE,
  optSize: WSK_SCRATCH_OPT_SIZE,
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
