// SocketType: Python's socket object, synchronous and blocking. Each call
// that can wait is one operation (ops.ts) run by the sync driver: a direct
// first attempt, then the core's operation loop, which alone decides whether
// to wait, retry or fail under the socket's timeout.
import { SocketBase, getdefaulttimeout, setdefaulttimeout, coreTimeout } from './socket-base.js';
import { runSync, type DataOpClass } from './ops.js';
import { SocketFile } from './makefile.js';
import type { Address, AddressArg, Bytes, Int, WritableBytes } from './types.js';

export { getdefaulttimeout, setdefaulttimeout };

export class SocketType extends SocketBase {
  // O_NONBLOCK whenever a timeout is in force, as CPython: poll(), not the
  // kernel, then decides how long an operation may take.
  protected descriptorTimeout(t: number | null): number {
    return coreTimeout(t);
  }

  // One operation at a time, run to its end: one object per kind serves all.
  protected dataOp<C>(Cls: DataOpClass<C>): C {
    return Cls.shared;
  }

  connect(address: AddressArg): void;
  connect(address: unknown): void {
    runSync(this.connectOp(address, false), this.coreTimeout());
  }

  // Errors of the connect itself are returned; a timeout is EAGAIN, as CPython.
  connect_ex(address: AddressArg): number;
  connect_ex(address: unknown): number {
    return runSync(this.connectOp(address, true), this.coreTimeout());
  }

  accept(): [this, Address] {
    return runSync(this.acceptOp(), this.coreTimeout());
  }

  recv(bufsize: Int, flags?: Int): Uint8Array;
  recv(bufsize: unknown, flags: unknown = 0): Uint8Array {
    return runSync(this.recvBytesOp(bufsize, flags, 'recv'), this.coreTimeout());
  }

  recvfrom(bufsize: Int, flags?: Int): [Uint8Array, Address];
  recvfrom(bufsize: unknown, flags: unknown = 0): [Uint8Array, unknown] {
    return runSync(this.recvfromOp(bufsize, flags), this.coreTimeout());
  }

  recv_into(buffer: WritableBytes, nbytes?: Int, flags?: Int): number;
  recv_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): number {
    return runSync(this.recvIntoOp(buffer, nbytes, flags), this.coreTimeout());
  }

  recvfrom_into(buffer: WritableBytes, nbytes?: Int, flags?: Int): [number, Address];
  recvfrom_into(buffer: unknown, nbytes: unknown = 0, flags: unknown = 0): [number, unknown] {
    return runSync(this.recvfromIntoOp(buffer, nbytes, flags), this.coreTimeout());
  }

  send(data: Bytes, flags?: Int): number;
  send(data: unknown, flags: unknown = 0): number {
    return runSync(this.sendOp(data, flags), this.coreTimeout());
  }

  sendall(data: Bytes, flags?: Int): void;
  sendall(data: unknown, flags: unknown = 0): void {
    runSync(this.sendallOp(data, flags), this.coreTimeout());
  }

  // sendto(data, address) or sendto(data, flags, address).
  sendto(data: Bytes, address: AddressArg): number;
  sendto(data: Bytes, flags: Int, address: AddressArg): number;
  sendto(data: unknown, flagsOrAddress: unknown, address?: unknown): number {
    // The arguments as given: how many there are decides which is the address.
    return runSync(this.sendtoOp(arguments), this.coreTimeout());
  }

  // The file's kind follows the mode: bytes with 'b' in it, text without.
  makefile(mode: `${string}b${string}`, buffering?: number | null, encoding?: string | null,
    errors?: string | null, newline?: string | null): SocketFile<Uint8Array>;
  makefile(mode?: 'r' | 'w' | 'rw' | 'wr', buffering?: number | null, encoding?: string | null,
    errors?: string | null, newline?: string | null): SocketFile<string>;
  makefile(mode?: string, buffering?: number | null, encoding?: string | null, errors?: string | null,
    newline?: string | null): SocketFile;
  makefile(mode: unknown = 'r', buffering: unknown = null, encoding: unknown = null, _errors: unknown = null,
    newline: unknown = null): SocketFile {
    const [spec, release] = this.fileRef(mode, buffering, encoding, newline);
    return new SocketFile(this, spec, release);
  }

  toString(): string {
    return this.describe('socket.socket');
  }
}
