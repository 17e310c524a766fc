// Run with `node --expose-gc`: opens sockets without closing them, drops every
// reference, collects and prints a JSON report of /proc/self/fd counts.
import * as socket from 'wasock';
import { readdirSync } from 'node:fs';

const count = () => readdirSync('/proc/self/fd').length;
const N = Number(process.argv[2] ?? 200);
const tick = () => new Promise((r) => setTimeout(r, 10));

// Warm up the module (the core and the addon may open descriptors once).
socket.socket().close();
await tick();
const before = count();

(function leak() {
  for (let i = 0; i < N; i++) {
    socket.socket(socket.AF_INET, i % 2 ? socket.SOCK_DGRAM : socket.SOCK_STREAM);
    if (i % 10 === 0) socket.socketpair();
  }
})();
const opened = count();

let after = opened;
for (let round = 0; round < 20 && after > before + 2; round++) {
  globalThis.gc();
  await tick();
  after = count();
}
process.stdout.write(JSON.stringify({ before, opened, after }));
