// Reference only: loopback TCP setup through the project's raw N-API addon
// (one syscall per call, result or -errno), for the addon-* benchmarks that
// show the ceiling below wasock's Python-shaped layers.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const addon = require('../ts-bindings/native/build/Release/wasock.node');

export const AF_INET = 2, SOCK_STREAM = 1, IPPROTO_TCP = 6, TCP_NODELAY = 1;

export function ok(r, what) {
  if (typeof r === 'number' && r < 0) throw new Error(`${what}: errno ${-r}`);
  return r;
}

// Returns [listenFd, port] for a listener on 127.0.0.1:0.
export function listenLoopback() {
  const lst = ok(addon.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  const sa = new Uint8Array(20);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF_INET, true);
  sa.set([127, 0, 0, 1], 4);
  ok(addon.bind(lst, sa, 0, 16), 'bind');
  ok(addon.listen(lst, 1), 'listen');
  dv.setUint32(16, 16, true);
  ok(addon.getsockname(lst, sa, 0, 16), 'getsockname');
  return [lst, dv.getUint16(2, false)];
}

export function connectLoopback(port) {
  const fd = ok(addon.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF_INET, true);
  dv.setUint16(2, port, false);
  sa.set([127, 0, 0, 1], 4);
  ok(addon.connect(fd, sa, 0, 16), 'connect');
  return fd;
}

export function acceptFd(lst) {
  return ok(addon.accept4(lst, null, -1, 0, 0), 'accept4');
}

export function nodelay(fd) {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setInt32(0, 1, true);
  ok(addon.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, v, 0, 4), 'setsockopt');
}
