// Streams over a Promise API socket: a Node Duplex (what makefile() returns
// there) and a WHATWG ReadableStream/WritableStream pair. Both call the
// socket's own recv/sendall, so timeouts, modes and errors are the socket's.
import type { Duplex, DuplexOptions } from 'node:stream';
import { stream } from '../host/builtins.js';
import type { FileMode } from './makefile.js';
import { SHUT_WR } from '../host/constants.generated.js';

// What the streams need of the socket (AsyncSocket).
export interface StreamSocket {
  recv(bufsize: number, flags?: number, signal?: AbortSignal): Promise<Uint8Array>;
  sendall(data: Uint8Array, flags?: number, signal?: AbortSignal): Promise<void>;
  shutdown(how: number): void;
  fileno(): number;
}

const CHUNK = 65536;

/** What the Promise API's `makefile()` returns: a Node `Duplex` stream over the socket. */
export type SocketDuplex = Duplex;

/** What the Promise API's `toWebStreams()` returns: WHATWG streams over the socket. */
export interface WebStreamPair {
  /** The bytes received; ends when the peer closes its sending half. */
  readable: ReadableStream<Uint8Array>;
  /** Bytes to send (each chunk with sendall); closing it shuts down the sending half. */
  writable: WritableStream<Uint8Array>;
}

// `release` gives back the socket's makefile reference, once the stream is destroyed.
export function socketDuplex(sock: StreamSocket, spec: FileMode, release: () => void,
  encoding: string | null): SocketDuplex {
  const reading = spec.reading;
  const writing = spec.writing;
  const text = !spec.binary;
  let reads: AbortController | null = null;
  const d = new (stream().Duplex)(<DuplexOptions & { readable: boolean; writable: boolean }>{
    readable: reading,
    writable: writing,
    allowHalfOpen: true,
    decodeStrings: true,
    defaultEncoding: 'utf8',
    read(size: number) {
      if (reads) return;
      reads = new AbortController();
      const signal = reads.signal;
      const pump = async (): Promise<void> => {
        for (;;) {
          const data = await sock.recv(Math.max(size, CHUNK), 0, signal);
          if (data.length === 0) {
            d.push(null);
            return;
          }
          if (!d.push(data)) return;
        }
      };
      pump().then(() => { reads = null; }, (e) => {
        reads = null;
        if (!signal.aborted) d.destroy(e as Error);
      });
    },
    write(chunk: Uint8Array, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
      sock.sendall(chunk).then(() => cb(), cb);
    },
    writev(chunks: Array<{ chunk: Uint8Array }>, cb: (e?: Error | null) => void) {
      sock.sendall(Buffer.concat(chunks.map((c) => c.chunk))).then(() => cb(), cb);
    },
    final(cb: (e?: Error | null) => void) {
      try {
        sock.shutdown(SHUT_WR);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    destroy(err: Error | null, cb: (e?: Error | null) => void) {
      reads?.abort();
      reads = null;
      try {
        release();
      } catch { /* the file's reference only: the socket's own close reports its errors */ }
      cb(err);
    },
  });
  if (text && reading) d.setEncoding((encoding ?? 'utf8') as BufferEncoding);
  return d;
}

export function socketWebStreams(sock: StreamSocket): WebStreamPair {
  let reads: AbortController | null = null;
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      reads = new AbortController();
      try {
        const data = await sock.recv(CHUNK, 0, reads.signal);
        if (data.length === 0) controller.close();
        else controller.enqueue(data);
      } finally {
        reads = null;
      }
    },
    cancel() {
      reads?.abort();
    },
  }, { highWaterMark: 0 });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      await sock.sendall(chunk);
    },
    close() {
      sock.shutdown(SHUT_WR);
    },
  });
  return { readable, writable };
}
