// socket.makefile(): a synchronous file object with the semantics of Python's
// SocketIO behind BufferedReader/BufferedWriter (binary) or TextIOWrapper
// (text). Closing the file leaves the socket open (unless socket.close() was
// called meanwhile: then the socket's close completes).
import { asInt, escapeChar, strRepr, typeName } from './convert.js';
import { error, timeout } from './errors.js';
import { EAGAIN } from '../host/core-abi.generated.js';
import type { Int } from './types.js';

interface Sock {
  recv(n: number): Uint8Array;
  send(data: Uint8Array): number;
  sendall(data: Uint8Array): void;
  fileno(): number;
}

// socket.py's _blocking_errnos: EAGAIN (== EWOULDBLOCK).
const wouldBlock = (e: unknown): boolean => e instanceof error && e.errno === EAGAIN;

const DEFAULT_BUFFER_SIZE = 8192;

interface Decoder {
  decode(bytes: Uint8Array, options: { stream: boolean }): string;
}

interface Codec {
  encode(text: string): Uint8Array;
  decoder(): Decoder;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// A single-byte codec (errors='strict'): code points below `limit` are the bytes.
// Not TextDecoder: WHATWG's 'latin1' label is windows-1252, not Python's latin-1.
function singleByte(name: string, limit: number): Codec {
  const range = `ordinal not in range(${limit})`;
  return {
    encode(text) {
      let i = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0) as number;
        if (cp >= limit) {
          throw new RangeError(`'${name}' codec can't encode character '${escapeChar(cp)}' in position ${i}: ${range}`);
        }
        i++;
      }
      return Buffer.from(text, 'latin1');
    },
    decoder: () => ({
      decode(bytes) {
        const bad = bytes.findIndex((b) => b >= limit);
        if (bad >= 0) {
          const byte = bytes[bad].toString(16).padStart(2, '0');
          throw new RangeError(`'${name}' codec can't decode byte 0x${byte} in position ${bad}: ${range}`);
        }
        return latin1(bytes);
      },
    }),
  };
}

const utf8: Codec = {
  encode: (text) => Buffer.from(text, 'utf8'),
  decoder: () => new TextDecoder('utf-8'),
};
const latin1Codec = singleByte('latin-1', 0x100);
const ascii = singleByte('ascii', 0x80);

// Python's codec names and aliases (encodings.aliases) for the codecs offered;
// 'locale' is what io.text_encoding(None) gives, UTF-8 here.
const codecs = new Map<string, Codec>([
  ...['utf_8', 'cp65001', 'u8', 'utf', 'utf8', 'utf8_ucs2', 'utf8_ucs4', 'locale'].map((n) => [n, utf8] as const),
  ...['latin_1', '8859', 'cp819', 'csisolatin1', 'ibm819', 'iso8859', 'iso8859_1', 'iso_8859_1',
    'iso_8859_1_1987', 'iso_ir_100', 'l1', 'latin', 'latin1'].map((n) => [n, latin1Codec] as const),
  ...['ascii', '646', 'ansi_x3.4_1968', 'ansi_x3.4_1986', 'ansi_x3_4_1968', 'cp367', 'csascii', 'ibm367',
    'iso646_us', 'iso_646.irv_1991', 'iso_ir_6', 'us', 'us_ascii'].map((n) => [n, ascii] as const),
]);

// codecs.lookup: the name normalised as encodings.normalize_encoding does.
function lookup(encoding: string): Codec {
  const norm = encoding.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_|_$/g, '');
  const codec = codecs.get(norm) ?? codecs.get(norm.replace(/\./g, '_'));
  if (!codec) throw new RangeError(`unknown encoding: ${encoding}`);
  return codec;
}

// socket.makefile's check: the set of characters used, so 'rbb' and '' pass.
function modeChars(mode: unknown): unknown[] {
  if (typeof mode === 'string' || Array.isArray(mode)) return [...mode];
  throw new TypeError(`'${typeName(mode)}' object is not iterable`);
}

// makefile()'s arguments, checked as socket.py and io.open check them (the
// Promise API's streams take the same).
export interface FileMode {
  readonly mode: string;
  readonly reading: boolean;
  readonly writing: boolean;
  readonly binary: boolean;
  readonly bufsize: number;
  readonly codec: Codec;
  // TextIOWrapper's newline: null (universal, translated), '' (universal, kept), '\n', '\r' or '\r\n'.
  readonly newline: string | null;
}

export function fileMode(mode: unknown, buffering: unknown, encoding: unknown, newline: unknown): FileMode {
  const chars = modeChars(mode);
  if (!chars.every((c) => c === 'r' || c === 'w' || c === 'b')) {
    throw new RangeError(`invalid mode ${typeof mode === 'string' ? strRepr(mode) : String(mode)} (only r, w, b allowed)`);
  }
  const writing = chars.includes('w');
  const reading = chars.includes('r') || !writing;
  const binary = chars.includes('b');
  const b = buffering === null || buffering === undefined ? -1 : asInt(buffering);
  if (b === 0 && !binary) throw new RangeError('unbuffered streams must be binary');
  // Only a text file looks at the encoding.
  let codec: Codec;
  if (binary || encoding === null || encoding === undefined) {
    codec = utf8;
  } else if (typeof encoding === 'string') {
    codec = lookup(encoding);
  } else {
    throw new TypeError(`TextIOWrapper() argument 'encoding' must be str or None, not ${typeName(encoding)}`);
  }
  return {
    // Binary files show the raw SocketIO's mode; text files the mode given.
    mode: binary ? `${reading ? 'r' : ''}${writing ? 'w' : ''}b` : chars.join(''),
    reading, writing, binary,
    bufsize: b < 0 ? DEFAULT_BUFFER_SIZE : b,
    codec,
    newline: binary ? null : newlineArg(newline),
  };
}

// T: what reads give, Uint8Array for a binary file ('b' in the mode), string for a text file.
/**
 * What the sync socket's `makefile()` returns: Python's file object over a socket (a `SocketIO`
 * behind a `BufferedReader`/`BufferedWriter`, or a `TextIOWrapper` in text mode), synchronous.
 * `T` is what reads give: `Uint8Array` in binary mode ('b' in the mode), string in text mode. Reads
 * and writes use the socket's recv/sendall, so its timeout applies; after a read timed out the file
 * can no longer read, as in Python. Closing the file leaves the socket open (if the socket was
 * closed meanwhile, its descriptor is closed now).
 *
 * Errors: `socket.error`/`socket.timeout` from the socket; RangeError on a closed file (Python's
 * ValueError, 'I/O operation on closed file.'); Error when reading a write-only file or the
 * reverse (Python's io.UnsupportedOperation).
 */
export class SocketFile<T extends Uint8Array | string = Uint8Array | string> {
  /** The mode as given to makefile() (`'rb'`, `'w'`, ...). */
  readonly mode: string;
  #sock: Sock;
  #reading: boolean;
  #writing: boolean;
  #binary: boolean;
  #bufsize: number;
  #rbuf: Uint8Array = new Uint8Array(0);
  #wbuf: Uint8Array[] = [];
  #wlen = 0;
  #eof = false;
  #closed = false;
  #codec: Codec;
  #decoder: Decoder;
  #text = '';
  #pendingCR = false;
  #onClose: () => void;
  // TextIOWrapper's newline: null (universal, translated), '' (universal, kept), '\n', '\r' or '\r\n'.
  #newline: string | null;
  // SocketIO._timeout_occurred: a timed-out read leaves the stream unusable.
  #timedOut = false;

  // onClose runs once, when the file closes.
  /** Made by the socket's `makefile()`; not meant to be called directly. */
  constructor(sock: Sock, spec: FileMode, onClose: () => void) {
    this.#sock = sock;
    this.mode = spec.mode;
    this.#reading = spec.reading;
    this.#writing = spec.writing;
    this.#binary = spec.binary;
    this.#bufsize = spec.bufsize;
    this.#codec = spec.codec;
    this.#decoder = spec.codec.decoder();
    this.#newline = spec.newline;
    this.#onClose = onClose;
  }

  // The raw SocketIO's name: the descriptor, -1 once closed.
  /** The socket's descriptor, as Python's `f.name`; -1 once the file is closed. */
  get name(): number {
    return this.#closed ? -1 : this.#sock.fileno();
  }

  /** Whether {@link SocketFile.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The socket's descriptor.
   *
   * @throws RangeError once the file is closed.
   */
  fileno(): number {
    this.#checkOpen();
    return this.#sock.fileno();
  }

  /** Always false: a socket cannot seek. */
  seekable(): boolean {
    this.#checkSocketOpen();
    return false;
  }

  // These three ask the raw SocketIO, whose closed message names the socket.
  /** Whether the mode allows reading ('r' in it). */
  readable(): boolean {
    this.#checkSocketOpen();
    return this.#reading;
  }

  /** Whether the mode allows writing ('w' in it). */
  writable(): boolean {
    this.#checkSocketOpen();
    return this.#writing;
  }

  #checkSocketOpen(): void {
    if (this.#closed) throw new RangeError('I/O operation on closed socket.');
  }

  #checkOpen(): void {
    if (this.#closed) throw new RangeError('I/O operation on closed file.');
  }

  #checkRead(): void {
    this.#checkOpen();
    if (!this.#reading) throw new Error('File not open for reading');
  }

  // Unbuffered binary: every read and write is one call on the socket (SocketIO itself).
  get #raw(): boolean {
    return this.#bufsize === 0 && this.#binary;
  }

  // SocketIO.readinto's recv: a timeout marks the stream, EAGAIN is null (None).
  #recv(n: number): Uint8Array | null {
    if (this.#timedOut) throw new error('cannot read from timed out object');
    try {
      return this.#sock.recv(n);
    } catch (e) {
      if (e instanceof timeout) this.#timedOut = true;
      if (wouldBlock(e)) return null;
      throw e;
    }
  }

  // One recv into the read buffer; false at end of stream, null if it would block.
  #fill(): boolean | null {
    if (this.#eof) return false;
    const chunk = this.#recv(Math.max(this.#bufsize, 1));
    if (chunk === null) return null;
    if (chunk.length === 0) {
      this.#eof = true;
      return false;
    }
    const merged = new Uint8Array(this.#rbuf.length + chunk.length);
    merged.set(this.#rbuf);
    merged.set(chunk, this.#rbuf.length);
    this.#rbuf = merged;
    return true;
  }

  // A copy of the first n bytes, as a Buffer like recv()'s.
  #take(n: number): Uint8Array {
    const out = Buffer.from(this.#rbuf.subarray(0, n));
    this.#rbuf = this.#rbuf.subarray(n);
    return out;
  }

  // null (None) when nothing could be read without blocking.
  #readBytes(size: number): Uint8Array | null {
    let more: boolean | null = true;
    if (this.#raw && size >= 0) {
      if (this.#rbuf.length > 0) return this.#take(size);
      const got = this.#recv(size);
      if (got === null || got.length > 0) return got;
      more = false;
    } else if (size < 0) {
      while ((more = this.#fill()));
    } else {
      while (this.#rbuf.length < size && (more = this.#fill()));
    }
    if (more === null && this.#rbuf.length === 0) return null;
    return this.#take(size < 0 ? this.#rbuf.length : Math.min(size, this.#rbuf.length));
  }

  #readLineBytes(limit: number): Uint8Array {
    for (let from = 0; ; ) {
      const nl = this.#rbuf.indexOf(10, from);
      if (nl >= 0 && (limit < 0 || nl < limit)) return this.#take(nl + 1);
      if (limit >= 0 && this.#rbuf.length >= limit) return this.#take(limit);
      from = this.#rbuf.length;
      if (!this.#fill()) return this.#take(this.#rbuf.length);
    }
  }

  // Text mode decodes incrementally with universal newlines (newline=None).
  #decode(bytes: Uint8Array, final: boolean): void {
    let s = this.#decoder.decode(bytes, { stream: !final });
    if (this.#newline !== null) {
      this.#text += s;
      return;
    }
    if (this.#pendingCR) {
      s = '\r' + s;
      this.#pendingCR = false;
    }
    if (!final && s.endsWith('\r')) {
      this.#pendingCR = true;
      s = s.slice(0, -1);
    }
    this.#text += s.replace(/\r\n?/g, '\n');
  }

  #fillText(): boolean {
    const more = this.#fill() === true;
    this.#decode(this.#take(this.#rbuf.length), !more);
    return more;
  }

  // Where the first line of the decoded text ends (after its terminator), or -1.
  #lineEnd(): number {
    const t = this.#text;
    if (this.#newline === '') {
      const m = /\r\n|\r|\n/.exec(t);
      if (!m) return -1;
      // a final '\r' may be the start of '\r\n'
      if (m[0] === '\r' && m.index === t.length - 1 && !this.#eof) return -1;
      return m.index + m[0].length;
    }
    const nl = this.#newline ?? '\n';
    const i = t.indexOf(nl);
    return i < 0 ? -1 : i + nl.length;
  }

  // null: a binary read on a non-blocking socket with nothing to read (as SocketIO's None).
  /**
   * Python's `f.read([size])`: up to `size` bytes (binary) or characters (text); with no size, -1 or
   * null, everything until the peer closes its sending half. Empty at end of stream.
   *
   * @returns `null` in binary mode when the socket is non-blocking and nothing is there to read.
   */
  read(size?: Int | null): T extends string ? string : T | null;
  read(size: unknown = -1): Uint8Array | string | null {
    this.#checkRead();
    const n = size === null || size === undefined ? -1 : asInt(size);
    if (this.#binary) return this.#readBytes(n);
    if (n < 0) {
      while (this.#fillText());
    } else {
      while (this.#text.length < n && this.#fillText());
    }
    const end = n < 0 ? this.#text.length : Math.min(n, this.#text.length);
    const out = this.#text.slice(0, end);
    this.#text = this.#text.slice(end);
    return out;
  }

  /** Python's `f.readline([limit])`: one line, its `'\n'` included (text mode: newlines as `newline` says), at most `limit` long; empty at end of stream. */
  readline(limit?: Int | null): T;
  readline(limit: unknown = -1): Uint8Array | string {
    this.#checkRead();
    const n = limit === null || limit === undefined ? -1 : asInt(limit);
    if (this.#binary) return this.#readLineBytes(n);
    for (;;) {
      const cut = this.#lineEnd();
      if (cut >= 0 && (n < 0 || cut <= n)) return this.#cutText(cut);
      if (n >= 0 && this.#text.length >= n) return this.#cutText(n);
      if (!this.#fillText()) return this.#cutText(this.#text.length);
    }
  }

  #cutText(n: number): string {
    const out = this.#text.slice(0, n);
    this.#text = this.#text.slice(n);
    return out;
  }

  /** Python's `f.readlines([hint])`: the lines until end of stream, or until they total `hint` bytes or characters. */
  readlines(hint?: Int | null): T[];
  readlines(hint: unknown = -1): Array<Uint8Array | string> {
    const h = hint === null || hint === undefined ? -1 : asInt(hint);
    const lines: Array<Uint8Array | string> = [];
    let total = 0;
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (h > 0 && total >= h) return lines;
    }
  }

  /**
   * Python's `f.readinto(b)` (binary mode): reads into `b` in place.
   *
   * @returns The number of bytes read (0 at end of stream), or `null` when the socket is
   *   non-blocking and nothing is there.
   */
  readinto(b: Uint8Array): number | null {
    this.#checkRead();
    const got = this.#readBytes(b.length);
    if (got === null) return null;
    b.set(got);
    return got.length;
  }

  /** Python's `for line in f`: the lines, each as {@link SocketFile.readline} gives it, until end of stream. */
  *[Symbol.iterator](): Iterator<T> {
    for (;;) {
      const line = this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Python's `f.write(data)`: bytes (binary mode) or a string (text mode, encoded). Buffered: the
   * data goes out when the buffer fills, on `flush()` or on `close()`; unbuffered (buffering 0),
   * one send at once.
   *
   * @returns How many bytes or characters were taken; `null` when unbuffered on a non-blocking
   *   socket that could take nothing.
   * @throws TypeError for a string in binary mode or bytes in text mode.
   */
  write(data: T extends string ? string : ArrayBufferView): number | null;
  write(data: unknown): number | null {
    this.#checkOpen();
    if (!this.#writing) throw new Error('File not open for writing');
    let bytes: Uint8Array;
    if (this.#binary) {
      if (typeof data === 'string') throw new TypeError(`a bytes-like object is required, not 'str'`);
      if (!ArrayBuffer.isView(data)) throw new TypeError(`a bytes-like object is required, not '${typeName(data)}'`);
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    } else {
      if (typeof data !== 'string') throw new TypeError(`write() argument must be str, not ${typeName(data)}`);
      const nl = this.#newline;
      bytes = this.#codec.encode(nl && nl !== '\n' ? data.replaceAll('\n', nl) : data);
    }
    // SocketIO.write: one send; EAGAIN is null (None).
    if (this.#raw) {
      try {
        return this.#sock.send(bytes);
      } catch (e) {
        if (wouldBlock(e)) return null;
        throw e;
      }
    }
    this.#wbuf.push(bytes);
    this.#wlen += bytes.length;
    if (this.#wlen >= this.#bufsize) this.flush();
    return this.#binary ? bytes.length : (data as string).length;
  }

  /** Python's `f.writelines(lines)`: writes each item in turn (no newlines are added). */
  writelines(lines: Iterable<T extends string ? string : ArrayBufferView>): void;
  writelines(lines: Iterable<unknown>): void {
    for (const l of lines) this.write(l as T extends string ? string : ArrayBufferView);
  }

  /** Python's `f.flush()`: sends what is buffered (sendall). */
  flush(): void {
    this.#checkOpen();
    if (this.#wlen === 0) return;
    const all = Buffer.concat(this.#wbuf, this.#wlen);
    this.#wbuf = [];
    this.#wlen = 0;
    this.#sock.sendall(all);
  }

  /** Python's `f.close()`: flushes, then closes the file (not the socket, unless the socket's own close() was waiting for it). Closing twice does nothing. */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#writing) this.flush();
    } finally {
      this.#closed = true;
      this.#onClose();
    }
  }

  /** Closes the file (`using f = s.makefile('rb')`). */
  [Symbol.dispose](): void {
    this.close();
  }
}

// TextIOWrapper's check of its newline argument.
function newlineArg(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new TypeError(`TextIOWrapper() argument 'newline' must be str or None, not ${typeName(v)}`);
  if (!['', '\n', '\r', '\r\n'].includes(v)) throw new RangeError(`illegal newline value: ${v}`);
  return v;
}
