// The text codecs CPython applies to netdb arguments before they reach C:
// the 'idna' codec for host names, strict UTF-8 (PyUnicode_AsUTF8) for other
// strings, and C's view of a string (everything before the first NUL).
import { url } from '../host/builtins.js';

const utf8 = new TextEncoder();

// A C string: everything before the first NUL, as CPython's char * sees it.
export function cBytes(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
}

// The same for text: the part before the first NUL.
export function cAscii(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// The index of the first lone surrogate, or -1.
function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) return i;
  }
  return -1;
}

// PyUnicode_AsUTF8: lone surrogates raise UnicodeEncodeError (a ValueError).
export function strictUtf8(s: string): Uint8Array {
  const bad = loneSurrogate(s);
  if (bad >= 0) {
    const hex = s.charCodeAt(bad).toString(16);
    throw new RangeError(`'utf-8' codec can't encode character '\\u${hex}' in position ${bad}: ` +
      'surrogates not allowed');
  }
  return utf8.encode(s);
}

function idnaError(why: string): RangeError {
  return new RangeError(`encoding with 'idna' codec failed (UnicodeError: ${why})`);
}

// Python's 'idna' codec (encodings/idna.py), as the ASCII text it produces.
// ASCII takes the codec's fast path, in one pass: the text itself, label
// lengths checked. Other text is converted by Node's UTS #46 ToASCII, which
// agrees with IDNA 2003 nameprep for most names.
export function idnaAscii(host: string): string {
  let label = 0;
  let bad = false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c > 0x7f) return idnaNonAscii(host);
    if (c === 0x2e) {
      if (label === 0 || label >= 64) bad = true;
      label = 0;
    } else {
      label++;
    }
  }
  if (host.length === 0) return host;
  if (bad) throw idnaError('label empty or too long');
  if (label >= 64) throw idnaError('label too long');
  return host;
}

function idnaNonAscii(host: string): string {
  const ascii = url.domainToASCII(host);
  if (ascii === '') throw idnaError('label empty or too long');
  return ascii;
}
